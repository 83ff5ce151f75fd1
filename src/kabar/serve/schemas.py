"""The JSON API's response shapes (they make /openapi.json say what each route returns)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from kabar.serve.article_view import RelatedSource


class ErrorOut(BaseModel):
    status: int
    error: str
    message: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A date out of range (1900-01-01 to 2999-12-31)"},
    404: {"model": ErrorOut, "description": "Not found (or an id out of range)"},
    422: {"model": ErrorOut, "description": "Bad parameters"},
    503: {
        "model": ErrorOut,
        "description": "The archive is busy, read-only or unavailable; try again after Retry-After seconds",
        "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
    },
}


class SummaryOut(BaseModel):
    id: int
    headline: str | None
    published: datetime | None
    # "day": ``published`` is a bare day (its date, in its own offset, is what the page printed);
    # "minute" or "second": a time of day; null: not known.
    published_precision: str | None = None
    outlet: str | None
    url: str | None
    description: str | None
    portal_url: str


class ArticleListOut(BaseModel):
    items: list[SummaryOut]
    limit: int
    offset: int


class OutletOut(BaseModel):
    outlet: str
    articles: int


class HitOut(BaseModel):
    id: int
    headline: str | None
    published: datetime | None
    published_precision: str | None = None  # as SummaryOut's
    outlet: str | None
    url: str | None
    score: float
    snippet: str
    snippet_text: str
    portal_url: str


class SearchOut(BaseModel):
    query: str
    total: int
    # False: more than ``total`` articles match (totals are counted up to a bound).
    total_exact: bool = True
    hits: list[HitOut]
    message: str | None


class RelatedOut(BaseModel):
    headline: str
    age: str | None
    description: str | None
    href: str | None
    in_archive: bool


class RelatedListOut(BaseModel):
    article_id: int
    source: RelatedSource
    items: list[RelatedOut]


class StoryOut(BaseModel):
    id: int
    title: str
    size: int


class TimelineOut(BaseModel):
    article_id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    portal_url: str


class EventOut(BaseModel):
    date: str
    text: str
    article_id: int | None
    kind: str


class StoryDetailOut(BaseModel):
    id: int
    title: str
    first: datetime | None
    last: datetime | None
    entities: list[str]
    articles: list[TimelineOut]
    timeline: list[EventOut]


class EntityOut(BaseModel):
    id: int
    name: str
    type: str
    articles: int


class RoleOut(BaseModel):
    role: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None


class EntityDetailOut(BaseModel):
    id: int
    name: str
    type: str
    aliases: list[str]
    roles: list[RoleOut]
    total: int
    first_seen: datetime | None
    last_seen: datetime | None
    articles: list[TimelineOut]


class IngestOut(BaseModel):
    id: int
    status: str
    headline: str | None
    portal_url: str


# POST /api/ingest reads its body itself (three media types), so FastAPI cannot infer it;
# declared here so the schema says what may be sent (and schemathesis sends it).
INGEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "text/plain": {"schema": {"type": "string", "description": "a flattened page"}},
        "text/html": {"schema": {"type": "string", "description": "an HTML page"}},
        "application/json": {
            "schema": {
                "type": "object",
                "description": "kabar's article form (headline with body or paragraphs), "
                "or a page as {content, kind}",
                "properties": {
                    "headline": {"type": "string"},
                    "body": {"type": "string"},
                    "paragraphs": {"type": "array", "items": {"type": "string"}},
                    "content": {"type": "string"},
                    "kind": {"type": "string", "enum": ["text", "html"]},
                },
            }
        },
    },
}
