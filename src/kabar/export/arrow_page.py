"""A page of stored articles → an Arrow table of the export schema, decoded by Arrow, not Python.

The stored JSON of a page (one line per article) goes to Arrow's JSON reader with the
stored form's schema: the text is parsed in C++ straight into columns, and no Python object
is built per entity or mention (in Python, that decoding was three quarters of an export's
time). The derived columns are Arrow compute: ``body`` joins the paragraphs, times are cast
from ISO 8601 text (with its offset) to UTC timestamps.

One part stays in Python: a time expression's ``value`` is either one text or a list, and
an Arrow column has one type, so the reader skips ``time_expressions`` and
:func:`time_expressions_of` decodes only that array from each article's text. The rows
:mod:`kabar.export.records` builds in Python (JSON Lines, CSV) hold the same values; the
tests compare the two.
"""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pa_json

from kabar.archive.article_stream import StreamedArticle
from kabar.export.options import RecordOptions
from kabar.export.records import TIME, export_schema, timex_row

_TEXT_COLUMNS = (
    "headline",
    "description",
    "published_text",
    "outlet",
    "section",
    "language",
    "dateline",
    "dateline_place",
    "url",
    "canonical_url",
    "extractor",
    "published_zone",
    "published_precision",
    "modified_precision",
)
_LIST_COLUMNS = (
    "paragraphs",
    "subheadings",
    "authors",
    "contributors",
    "tags",
    "sources",
    "images",
    "related",
    "missing",
    "notes",
)
# Columns an older stored row may lack, with the model's default for it (None: stays null).
_DEFAULTED_COLUMNS: dict[str, object] = {
    "kind": "article",
    "paywalled": False,
    "page_count": None,
    "pages_read": None,
}
_TIME_COLUMNS = ("published", "modified", "captured_at")
# json.dumps (the archive's writer, kabar.archive.articles_core.article_row) puts ": " after a key.
# A string value holds every quote escaped (\"), so this text occurs only as the key itself.
_TIMEX_KEY = '"time_expressions": '
_DECODER = json.JSONDecoder()


def _stored_schema(export: pa.Schema) -> pa.Schema:
    """The stored JSON's fields as the reader parses them: times (top level and in ``related``) as text."""
    fields = []
    for f in export:
        if f.name in _TIME_COLUMNS:
            fields.append(pa.field(f.name, pa.string()))
        elif f.name == "related":
            item = f.type.value_type
            texts = [pa.field(c.name, pa.string()) if c.type == TIME else c for c in item]
            fields.append(pa.field(f.name, pa.list_(pa.struct(texts))))
        elif f.name in (*_TEXT_COLUMNS, *_LIST_COLUMNS, *_DEFAULTED_COLUMNS, "entities"):
            fields.append(f)
    return pa.schema(fields)


def time_expressions_of(text: str) -> list[dict[str, Any]]:
    """An article's ``time_expressions`` decoded from its stored JSON alone (nothing else is decoded).

    The key is found from the end (the array is near it), and the value is decoded where it
    starts; stored JSON of another shape (no such key) is decoded whole.
    """
    at = text.rfind(_TIMEX_KEY)
    if at < 0:
        found = json.loads(text).get("time_expressions")
        return found if isinstance(found, list) else []
    value, _end = _DECODER.raw_decode(text, at + len(_TIMEX_KEY))
    return value if isinstance(value, list) else []


def _times(column: pa.ChunkedArray, target: pa.DataType) -> pa.ChunkedArray | pa.Array:
    try:
        return column.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        # Text Arrow cannot read as a time (a time without an offset, from old data):
        # the slow path, with the model's rule (unreadable is no time).
        from kabar.export.records import parse_time

        if target == TIME:
            return pa.array([parse_time(v) for v in column.to_pylist()], type=TIME)
        return pa.array(
            [
                [{**r, "published": parse_time(r.get("published"))} for r in v or []]
                for v in column.to_pylist()
            ],
            type=target,
        )


class PageTables:
    """Builds one table per page; holds only the schemas (built once)."""

    def __init__(self, options: RecordOptions) -> None:
        self.options = options
        self.schema = export_schema(options)
        self.read = pa_json.ParseOptions(
            explicit_schema=_stored_schema(self.schema), unexpected_field_behavior="ignore"
        )

    def table(self, page: Sequence[StreamedArticle]) -> pa.Table:
        # Stored JSON never holds a raw line break (json.dumps escapes them): one article a line.
        data = "\n".join(a.json_text for a in page).encode("utf-8")
        # One block for the page (the block must hold the longest line), one thread: an export's
        # parallelism is the database read beside the write, and CPU time stays honest.
        read = pa_json.ReadOptions(use_threads=False, block_size=max(1 << 20, len(data) + 1))
        stored = pa_json.read_json(io.BytesIO(data), read_options=read, parse_options=self.read)
        columns: dict[str, Any] = {
            "id": pa.array([a.id for a in page], pa.int64()),
            "content_hash": pa.array([a.content_hash for a in page], pa.string()),
            "story_id": pa.array([a.story_id for a in page], pa.int64()),
            "duplicate_group": pa.array([a.duplicate_group for a in page], pa.int64()),
        }
        for name in _TEXT_COLUMNS:
            columns[name] = stored.column(name)
        for name in _LIST_COLUMNS:
            # A list absent from old stored JSON is empty, as the model reads it.
            column = stored.column(name)
            columns[name] = pc.fill_null(column, pa.scalar([], type=column.type))
        for name, default in _DEFAULTED_COLUMNS.items():
            column = stored.column(name)
            columns[name] = column if default is None else pc.fill_null(column, default)
        columns["body"] = pc.binary_join(columns["paragraphs"], "\n\n")
        for name in _TIME_COLUMNS:
            columns[name] = _times(stored.column(name), TIME)
        columns["related"] = _times(columns["related"], self.schema.field("related").type)
        if self.options.with_entities:
            entities = stored.column("entities")
            columns["entities"] = pc.fill_null(entities, pa.scalar([], type=entities.type))
            columns["time_expressions"] = pa.array(
                [[timex_row(t) for t in time_expressions_of(a.json_text)] for a in page],
                type=self.schema.field("time_expressions").type,
            )
        return pa.Table.from_arrays([columns[f.name] for f in self.schema], schema=self.schema)


__all__ = ["PageTables", "time_expressions_of"]
