"""How the SQL stores build and run their statements (``entity_store``, ``story_store``).

Ingest runs a store's statements a dozen times per entity or term of every article, and
building a Core construct costs several times what running it does: each statement is
built once per shape by a pure function under :func:`once` (its arguments are the dialect
and a few flags) and bound with parameters on every call. Listings take one bounded page
(:func:`page`); id reads come back as ints (:func:`read_ids`, :func:`read_id`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, Table

from kabar.archive.sql_source import ConnectionSource
from kabar.archive.upsert import dialect_insert

MAX_PAGE = 1000  # rows one listing call returns at most, whatever it asks
ID_CHUNK = 500  # ids per IN list of a many-ids read (SQLite's limit is 999 on old builds)

_Built = TypeVar("_Built", bound=Callable[..., Any])


def once(build: _Built) -> _Built:
    """``build`` (a pure statement builder) run once per distinct argument list."""
    return functools.cache(build)  # type: ignore[return-value]


@once
def insert_new(dialect: str, table: Table) -> Any:
    """An insert into ``table`` that skips a row whose key is taken (``ON CONFLICT DO NOTHING``)."""
    return dialect_insert(dialect, table).on_conflict_do_nothing()


def page(stmt: Select[Any], limit: int, offset: int) -> Select[Any]:
    """``stmt`` cut to one page: at most :data:`MAX_PAGE` rows; a negative limit or offset is 0."""
    return stmt.limit(max(0, min(limit, MAX_PAGE))).offset(max(0, offset))


def read_ids(source: ConnectionSource, stmt: Select[Any]) -> list[int]:
    """The first column of every row of ``stmt``, as ints."""
    with source.reading() as conn:
        return [int(r[0]) for r in conn.execute(stmt)]


def read_id(source: ConnectionSource, stmt: Select[Any]) -> int | None:
    """The first column of ``stmt``'s first row, as an int (None: no row)."""
    with source.reading() as conn:
        row = conn.execute(stmt).first()
    return int(row[0]) if row is not None else None


def parse_time(value: object) -> datetime | None:
    """A stored time (ISO 8601 text); None for NULL, an empty string or anything not text."""
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


__all__ = ["ID_CHUNK", "MAX_PAGE", "insert_new", "once", "page", "parse_time", "read_id", "read_ids"]
