"""The export's columns (an Arrow schema: the contract docs/EXPORT.md describes), and one row in Python.

A row is the article model (:class:`kabar.model.Article`) with plain values: lists stay
lists, images/related/entities/time expressions are lists of dicts, times are aware
``datetime`` values (each writer gives them its format's form), plus what the archive
knows about the article: its id, its story and its near-duplicate group. Entities and
time expressions come only when asked (``with_entities``): they are most of a row's size.
JSON Lines and CSV are written from these rows; Parquet from the same values decoded by
Arrow (:mod:`kabar.export.arrow_page`).

A time expression's value is a date, a range or a list of dates; a column has one type, so
the row holds ``value`` (one value as text) and ``values`` (a list of dates) — one of the
two is set.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from kabar.archive.article_stream import StreamedArticle
from kabar.export.options import RecordOptions

_TEXT = pa.string()
TIME = pa.timestamp("us", tz="UTC")
_TEXTS = pa.list_(pa.string())

# A subheading stands before the paragraph ``position`` names (``kabar.model.Subheading``).
_SUBHEADING = pa.struct([("text", _TEXT), ("position", pa.int32())])
_IMAGE = pa.struct([("caption", _TEXT), ("credit", _TEXT), ("position", pa.int32()), ("url", _TEXT)])
_RELATED = pa.struct(
    [
        ("headline", _TEXT),
        ("age_text", _TEXT),
        ("age_seconds", pa.int64()),
        ("published", TIME),
        ("description", _TEXT),
        ("url", _TEXT),
    ]
)
_CONTRIBUTOR = pa.struct([("name", _TEXT), ("role", _TEXT)])
_MENTION = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", _TEXT), ("field", _TEXT)])
_ENTITY = pa.struct(
    [
        ("name", _TEXT),
        ("type", _TEXT),
        ("role", _TEXT),
        ("roles", _TEXTS),
        ("aliases", _TEXTS),
        ("mentions", pa.list_(_MENTION)),
    ]
)
_TIMEX = pa.struct(
    [
        ("text", _TEXT),
        ("value", _TEXT),
        ("values", _TEXTS),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("note", _TEXT),
        ("field", _TEXT),
        ("timex_type", _TEXT),
        ("timex_value", _TEXT),
        ("mod", _TEXT),
    ]
)

# Column order is the order of this list (every format writes the same columns in it).
_BASE_FIELDS: list[pa.Field] = [
    pa.field("id", pa.int64(), nullable=False),
    pa.field("headline", _TEXT),
    pa.field("description", _TEXT),
    pa.field("body", _TEXT),
    pa.field("paragraphs", _TEXTS),
    pa.field("subheadings", pa.list_(_SUBHEADING)),
    pa.field("published", TIME),
    pa.field("published_text", _TEXT),
    pa.field("modified", TIME),
    pa.field("published_precision", _TEXT),
    pa.field("modified_precision", _TEXT),
    pa.field("outlet", _TEXT),
    pa.field("section", _TEXT),
    pa.field("authors", _TEXTS),
    pa.field("contributors", pa.list_(_CONTRIBUTOR)),
    pa.field("published_zone", _TEXT),
    pa.field("kind", _TEXT),
    pa.field("paywalled", pa.bool_()),
    pa.field("page_count", pa.int32()),
    pa.field("pages_read", pa.int32()),
    pa.field("language", _TEXT),
    pa.field("dateline", _TEXT),
    pa.field("dateline_place", _TEXT),
    pa.field("url", _TEXT),
    pa.field("canonical_url", _TEXT),
    pa.field("captured_at", TIME),
    pa.field("content_hash", _TEXT, nullable=False),
    pa.field("tags", _TEXTS),
    pa.field("sources", _TEXTS),
    pa.field("images", pa.list_(_IMAGE)),
    pa.field("related", pa.list_(_RELATED)),
    pa.field("missing", _TEXTS),
    pa.field("notes", _TEXTS),
    pa.field("extractor", _TEXT),
    pa.field("story_id", pa.int64()),
    pa.field("duplicate_group", pa.int64()),
]
_ENTITY_FIELDS: list[pa.Field] = [
    pa.field("entities", pa.list_(_ENTITY)),
    pa.field("time_expressions", pa.list_(_TIMEX)),
]


def export_schema(options: RecordOptions) -> pa.Schema:
    """The Arrow schema of an export (Parquet writes it as it is)."""
    fields = _BASE_FIELDS + (_ENTITY_FIELDS if options.with_entities else [])
    return pa.schema(fields, metadata={"kabar.export": "1"})


def parse_time(value: Any) -> datetime | None:
    """A stored ISO 8601 time as an aware datetime (None when absent or unreadable, as the model reads it).

    kabar stores aware times; one without an offset (old data) is read as UTC, as Arrow
    reads it for Parquet, so every format says the same instant.
    """
    if not value or not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _texts(value: Any) -> list[str]:
    return list(value) if isinstance(value, list) else []


def timex_row(t: dict[str, Any]) -> dict[str, Any]:
    value = t.get("value")
    many = isinstance(value, list)
    return {
        "text": t.get("text"),
        "value": None if many else value,
        "values": value if many else None,
        "start": t.get("start"),
        "end": t.get("end"),
        "note": t.get("note"),
        "field": t.get("field", "body"),
        # absent in articles stored before kabar read TimeML: null columns
        "timex_type": t.get("timex_type"),
        "timex_value": t.get("timex_value"),
        "mod": t.get("mod"),
    }


def _related(r: dict[str, Any]) -> dict[str, Any]:
    return {**r, "published": parse_time(r.get("published"))}


def article_record(streamed: StreamedArticle, options: RecordOptions) -> dict[str, Any]:
    """The exported row of one streamed article (keys in the schema's column order).

    Built from the stored plain form (the article model's JSON, :mod:`kabar.serialize`) with
    the model's defaults for what an older row may lack. Nested values whose keys are the
    struct's fields (images, entities and their mentions) pass through as they are: Arrow
    takes a struct's fields by name.
    """
    d = streamed.data
    paragraphs = _texts(d.get("paragraphs"))
    row: dict[str, Any] = {
        "id": streamed.id,
        "headline": d.get("headline"),
        "description": d.get("description"),
        "body": "\n\n".join(paragraphs),
        "paragraphs": paragraphs,
        "subheadings": d.get("subheadings") or [],  # none in rows stored before subheadings
        "published": parse_time(d.get("published")),
        "published_text": d.get("published_text"),
        "modified": parse_time(d.get("modified")),
        "published_precision": d.get("published_precision"),  # none in rows stored before it
        "modified_precision": d.get("modified_precision"),
        "outlet": d.get("outlet"),
        "section": d.get("section"),
        "authors": _texts(d.get("authors")),
        "contributors": d.get("contributors") or [],
        "published_zone": d.get("published_zone"),
        "kind": d.get("kind") or "article",
        "paywalled": bool(d.get("paywalled")),
        "page_count": d.get("page_count"),
        "pages_read": d.get("pages_read"),
        "language": d.get("language"),
        "dateline": d.get("dateline"),
        "dateline_place": d.get("dateline_place"),
        "url": d.get("url"),
        "canonical_url": d.get("canonical_url"),
        "captured_at": parse_time(d.get("captured_at")),
        "content_hash": streamed.content_hash,
        "tags": _texts(d.get("tags")),
        "sources": _texts(d.get("sources")),
        "images": d.get("images") or [],
        "related": [_related(r) for r in d.get("related") or []],
        "missing": _texts(d.get("missing")),
        "notes": _texts(d.get("notes")),
        "extractor": d.get("extractor"),
        "story_id": streamed.story_id,
        "duplicate_group": streamed.duplicate_group,
    }
    if options.with_entities:
        row["entities"] = d.get("entities") or []
        row["time_expressions"] = [timex_row(t) for t in d.get("time_expressions") or []]
    return row


__all__ = ["TIME", "RecordOptions", "article_record", "export_schema", "parse_time", "timex_row"]
