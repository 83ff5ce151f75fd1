"""The JSON API under /api: reads are public, ingest needs the bearer token (KABAR_TOKEN)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse

from kabar.archive.base import ArticleSummary, ListQuery, SearchQuery
from kabar.archive.copy_store import article_chain, copies_json
from kabar.serialize import article_to_dict
from kabar.serve import sections
from kabar.serve.article_view import related_views
from kabar.serve.display import article_href
from kabar.serve.filters import WIB
from kabar.serve.ingest import check_token, parse_request, read_body
from kabar.serve.ingest_pool import ingest_pool_of
from kabar.serve.params import ItemId, Moment
from kabar.serve.schemas import (
    ERRORS,
    INGEST_BODY,
    ArticleListOut,
    EntityDetailOut,
    EntityOut,
    ErrorOut,
    EventOut,
    HitOut,
    IngestOut,
    OutletOut,
    RelatedListOut,
    RelatedOut,
    RoleOut,
    SearchOut,
    StoryDetailOut,
    StoryOut,
    SummaryOut,
    TimelineOut,
)
from kabar.serve.security import plain_snippet
from kabar.serve.state import get_state

# Every route may meet a bad parameter or an archive fault: the errors are declared once, here.
router = APIRouter(prefix="/api", tags=["api"], responses=ERRORS)

Limit = Annotated[int, Query(ge=1, le=100)]
Offset = Annotated[int, Query(ge=0, le=1_000_000)]


def _zoned(value: datetime | None) -> datetime | None:
    """API times without a zone are read as WIB, like the portal's date filters."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=WIB)
    return value


def _summary(s: ArticleSummary) -> SummaryOut:
    return SummaryOut(
        id=s.id,
        headline=s.headline,
        published=s.published,
        published_precision=s.published_precision,
        outlet=s.outlet,
        url=s.url,
        description=s.description,
        portal_url=article_href(s.id, s.headline),
    )


@router.get(
    "/articles", response_model=ArticleListOut, responses=ERRORS, summary="List articles, newest first"
)
def list_articles(
    request: Request,
    limit: Limit = 20,
    offset: Offset = 0,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    since: Moment = None,
    until: Moment = None,
) -> ArticleListOut:
    query = ListQuery(limit=limit, offset=offset, outlet=outlet, since=since, until=until)
    rows = get_state(request).archive.list_articles(query)
    return ArticleListOut(items=[_summary(r) for r in rows], limit=limit, offset=offset)


@router.get("/articles/{article_id}", responses=ERRORS, summary="One article in kabar's JSON form")
def get_article(request: Request, article_id: ItemId) -> dict[str, Any]:
    archive = get_state(request).archive
    article = archive.get(article_id)
    if article is None:
        raise HTTPException(404, f"article {article_id} not found")
    chain = article_chain(article, archive.copies.copies_of(article_id))
    return {
        **article_to_dict(article),
        **copies_json(chain),
        "portal_url": article_href(article_id, article.headline),
    }


@router.get(
    "/articles/{article_id}/related", response_model=RelatedListOut, responses=ERRORS, summary="Related news"
)
def related(
    request: Request, article_id: ItemId, limit: Annotated[int, Query(ge=1, le=50)] = 10
) -> RelatedListOut:
    state = get_state(request)
    with state.archive.shared_read():  # one read transaction, as the article page's
        article = state.archive.get(article_id)
        if article is None:
            raise HTTPException(404, f"article {article_id} not found")
        found = related_views(state.archive, article, state.now(), limit, state.related_cache)
    views, source = found.items, found.source
    items = [
        RelatedOut(
            headline=v.headline, age=v.age, description=v.description, href=v.href, in_archive=v.internal
        )
        for v in views
    ]
    return RelatedListOut(article_id=article_id, source=source, items=items)


@router.get("/outlets", response_model=list[OutletOut], summary="Outlets and their article counts")
def outlets(request: Request) -> list[OutletOut]:
    return [OutletOut(outlet=o.outlet, articles=o.articles) for o in get_state(request).archive.outlets()]


@router.get(
    "/outlets/{outlet:path}/articles",
    response_model=ArticleListOut,
    responses=ERRORS,
    summary="An outlet's articles",
)
def outlet_articles(
    request: Request,
    outlet: Annotated[str, Path(max_length=200)],
    limit: Limit = 20,
    offset: Offset = 0,
    since: Moment = None,
    until: Moment = None,
) -> ArticleListOut:
    return list_articles(request, limit, offset, outlet, since, until)


@router.get("/search", response_model=SearchOut, responses=ERRORS, summary="Full-text search")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    limit: Limit = 10,
    offset: Offset = 0,
    outlet: Annotated[str | None, Query(max_length=200)] = None,
    since: Moment = None,
    until: Moment = None,
    order: Literal["relevance", "newest"] = "relevance",
) -> SearchOut:
    query = SearchQuery(
        text=q,
        limit=limit,
        offset=offset,
        outlet=outlet,
        since=since,
        until=until,
        order=order,
    )
    result = get_state(request).archive.search(query)
    hits = [
        HitOut(
            id=h.id,
            headline=h.headline,
            published=h.published,
            published_precision=h.published_precision,
            outlet=h.outlet,
            url=h.url,
            score=h.score,
            snippet=h.snippet,
            snippet_text=plain_snippet(h.snippet),
            portal_url=article_href(h.id, h.headline),
        )
        for h in result.hits
    ]
    return SearchOut(
        query=result.query,
        total=result.total,
        total_exact=result.total_exact,
        hits=hits,
        message=result.message,
    )


def _timeline(entries: list[sections.TimelineEntry]) -> list[TimelineOut]:
    return [
        TimelineOut(
            article_id=e.article_id,
            headline=e.headline,
            published=e.published,
            outlet=e.outlet,
            portal_url=article_href(e.article_id, e.headline),
        )
        for e in entries
    ]


@router.get("/stories", response_model=list[StoryOut], summary="Top stories")
def stories(request: Request, limit: Limit = 20) -> list[StoryOut]:
    found = sections.top_stories(get_state(request).archive, limit)
    return [StoryOut(id=s.id, title=s.title, size=s.size) for s in found]


@router.get(
    "/stories/{story_id}", response_model=StoryDetailOut, responses=ERRORS, summary="A story's timeline"
)
def story(request: Request, story_id: ItemId) -> StoryDetailOut:
    found = sections.story(get_state(request).archive, story_id)
    if found is None:
        raise HTTPException(404, f"story {story_id} not found")
    return StoryDetailOut(
        id=found.id,
        title=found.title,
        first=found.first,
        last=found.last,
        entities=found.entities,
        articles=_timeline(found.timeline),
        timeline=[
            EventOut(date=e.date, text=e.text, article_id=e.article_id, kind=e.kind) for e in found.events
        ],
    )


@router.get("/entities", response_model=list[EntityOut], summary="Entities, most mentioned first")
def entities(request: Request, limit: Limit = 50, offset: Offset = 0) -> list[EntityOut]:
    found = sections.entities(get_state(request).archive, limit, offset)
    return [EntityOut(id=e.id, name=e.name, type=e.type, articles=e.articles) for e in found]


@router.get("/entities/{entity_id}", response_model=EntityDetailOut, responses=ERRORS, summary="One entity")
def entity(request: Request, entity_id: ItemId, limit: Limit = 20, offset: Offset = 0) -> EntityDetailOut:
    found = sections.entity(get_state(request).archive, entity_id, limit, offset)
    if found is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    return EntityDetailOut(
        id=found.id,
        name=found.name,
        type=found.type,
        aliases=found.aliases,
        roles=[
            RoleOut(role=r.role, count=r.count, first_seen=r.first_seen, last_seen=r.last_seen)
            for r in found.roles
        ],
        total=found.total,
        first_seen=found.first_seen,
        last_seen=found.last_seen,
        articles=_timeline(found.articles),
    )


@router.post(
    "/ingest",
    response_model=IngestOut,
    status_code=201,
    summary="Add a page (text/plain flattened page, text/html) or a JSON document; needs the bearer token",
    openapi_extra={"requestBody": INGEST_BODY},
    responses={
        200: {"model": IngestOut, "description": "Already in the archive (nothing stored twice)"},
        401: {"model": ErrorOut, "description": "No bearer token"},
        403: {"model": ErrorOut, "description": "Wrong token"},
        413: {"model": ErrorOut, "description": "Body too large"},
        415: {"model": ErrorOut, "description": "Unsupported content type"},
        422: {"model": ErrorOut, "description": "Nothing readable in the body"},
        503: {"model": ErrorOut, "description": "Ingest disabled (no KABAR_TOKEN), or the archive busy"},
    },
)
async def ingest_page(
    request: Request,
    url: Annotated[str | None, Query(max_length=4096)] = None,
    captured_at: Annotated[
        Moment, Query(description="when the page was fetched (ages count from it)")
    ] = None,
) -> JSONResponse:
    state = get_state(request)
    check_token(request, state.options.token)
    raw = await read_body(request, state.options.max_ingest_bytes)
    parsed = parse_request(request.headers.get("content-type", ""), raw, url)
    if parsed.page is not None:
        parsed.page.captured_at = _zoned(captured_at)
    # Off the event loop, on the ingest pool's own threads, each waiting on its own guard worker
    # process: a page that takes seconds of CPU (or a regex stuck in C) stalls neither the
    # readers nor the other ingests.
    outcome = await ingest_pool_of(state).run(parsed)
    assert outcome.id is not None
    body = IngestOut(
        id=outcome.id,
        status=outcome.status,
        headline=outcome.headline,
        portal_url=article_href(outcome.id, outcome.headline),
    )
    return JSONResponse(body.model_dump(), status_code=201 if outcome.status == "added" else 200)
