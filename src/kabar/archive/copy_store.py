"""Copies: the same text stored once, every other URL and outlet it appeared under kept (migration 0006_copies).

An article whose text the archive already holds, arriving under another URL or outlet, is
not a new article and not a loss either: it is a copy of the stored one. Each copy URL is
recorded once in any spelling (keyed by a hash of its article identity,
:func:`kabar.extract.url_identity.url_identity`, else of the URL as spelled; a hash, so a
hostile 100 kB URL never meets an index size limit; rows written before 0010_url_identity
are re-keyed by :func:`rekey`). Together with the article's own publication they make its
reprint chain, earliest first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, delete, func, select, update
from sqlalchemy.engine import Connection

from kabar.archive.sql_source import ConnectionSource
from kabar.archive.upsert import dialect_insert
from kabar.extract.url_identity import url_identity
from kabar.model import Article
from kabar.understand.store import utc_text as _utc_text  # the one UTC text form of a time

metadata = MetaData()

# Core view of the table; the DDL (foreign key, cascade, unique index) is the migration's.
article_copies = Table(
    "article_copies",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("article_id", Integer, nullable=False),
    Column("url_key", Text, nullable=False),  # url_key(url): one row per URL, in any spelling
    Column("url", Text, nullable=False),
    Column("outlet", Text),
    Column("published", Text),  # as the copy gave it (with its own offset)
    Column("published_utc", Text),
    Column("first_seen", Text, nullable=False),  # UTC: capture time, else when it was ingested
)


@dataclass(slots=True, frozen=True)
class CopyRecord:
    article_id: int
    url: str
    outlet: str | None
    published: datetime | None
    first_seen: datetime


@dataclass(slots=True, frozen=True)
class Appearance:
    """One place the text appeared: the stored article itself or one of its copies."""

    url: str | None
    outlet: str | None
    published: datetime | None
    first_seen: datetime | None
    original: bool  # a stored article (the others are copies)
    first: bool = False  # the earliest appearance known
    article_id: int | None = None  # the stored article (a copy's: the one it copies)


def _clean(value: str | None) -> str | None:
    """Text PostgreSQL's ``text`` takes: no NUL, no lone surrogate (the same rule on both backends)."""
    if value is None:
        return None
    return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def url_key(url: str) -> str:
    """sha256 of the URL's article identity (any spelling of it), else of the URL as spelled."""
    identity = url_identity(url)
    text = identity if identity is not None else "raw:" + url  # an identity starts with //
    return hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()


def rekey(conn: Connection, batch: int = 2_000) -> int:
    """Give every copy row the key :func:`url_key` gives now (a migration runs it); of two rows
    whose URLs turn out to be one (two spellings), the earlier recorded stays. Returns the rows
    dropped."""
    c = article_copies.c
    # First every key out of the way (no sha256 hex starts with "old:"), then the new ones in id
    # order: a new key can then only meet a row already re-keyed, which recorded the URL first.
    conn.execute(update(article_copies).values(url_key="old:" + c.url_key))
    taken = select(c.id).where(c.url_key == bindparam("key")).limit(1)
    change = update(article_copies).where(c.id == bindparam("row_id")).values(url_key=bindparam("key"))
    dropped = 0
    last = 0
    while True:
        rows = conn.execute(select(c.id, c.url).where(c.id > last).order_by(c.id).limit(batch)).all()
        if not rows:
            return dropped
        for row_id, url in rows:
            key = url_key(url)
            if conn.execute(taken, {"key": key}).first() is not None:
                conn.execute(delete(article_copies).where(c.id == row_id))
                dropped += 1
            else:
                conn.execute(change, {"row_id": row_id, "key": key})
        last = int(rows[-1][0])


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@lru_cache(maxsize=4)
def _insert(dialect: str) -> Any:
    # RETURNING, not rowcount: a driver may report -1 for a skipped ON CONFLICT row.
    return (
        dialect_insert(dialect, article_copies)
        .on_conflict_do_nothing(index_elements=["url_key"])
        .returning(article_copies.c.id)
    )


def when(published: datetime | None, first_seen: datetime | None) -> str:
    """The key a chain is ordered by: publication time, else first seen (UTC text); unknown last."""
    return _utc_text(published) or _utc_text(first_seen) or "\uffff"


def reprint_chain(originals: Sequence[Appearance], copies: Sequence[CopyRecord]) -> list[Appearance]:
    """Stored articles (one, or a near-duplicate group) and their copies, earliest first
    (ties: a stored article first); the first marked."""
    found = list(originals) + [
        Appearance(c.url, c.outlet, c.published, c.first_seen, original=False, article_id=c.article_id)
        for c in copies
    ]
    if not found:
        return []
    found.sort(key=lambda a: (when(a.published, a.first_seen), not a.original))
    if not found[0].published and not found[0].first_seen:
        return found  # nothing has a time: who was first is unknown
    return [replace(a, first=i == 0) for i, a in enumerate(found)]


def article_chain(article: Article, copies: list[CopyRecord]) -> list[Appearance]:
    """The stored article and its copies as one reprint chain, earliest first."""
    original = Appearance(
        url=article.url or article.canonical_url,
        outlet=article.outlet,
        published=article.published,
        first_seen=article.captured_at,
        original=True,
        article_id=article.id,
    )
    return reprint_chain([original], copies)


def appearance_dict(a: Appearance) -> dict[str, Any]:
    """One appearance in JSON form (``kabar show --format json`` and the API say the same)."""
    return {
        "article_id": a.article_id,
        "url": a.url,
        "outlet": a.outlet,
        "published": a.published.isoformat() if a.published else None,
        "first_seen": a.first_seen.isoformat() if a.first_seen else None,
        "original": a.original,
        "first": a.first,
    }


def copies_json(chain: list[Appearance]) -> dict[str, Any]:
    """``copies`` (earliest first, each marked ``first`` if it came before all others) and
    ``first_appearance`` (the original or a copy; null when no time is known)."""
    first = next((a for a in chain if a.first), None)
    return {
        "copies": [appearance_dict(a) for a in chain if not a.original],
        "first_appearance": appearance_dict(first) if first is not None else None,
    }


class SqlCopyStore:
    """:class:`kabar.archive.stores.CopyStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    def record(self, copy: CopyRecord) -> bool:
        """Keep a copy; False if this URL was recorded already (re-ingesting records nothing)."""
        url = _clean(copy.url) or ""
        row = {
            "article_id": copy.article_id,
            "url_key": url_key(url),
            "url": url,
            "outlet": _clean(copy.outlet),
            "published": copy.published.isoformat() if copy.published else None,
            "published_utc": _utc_text(copy.published),
            "first_seen": _utc_text(copy.first_seen),
        }
        with self._db.writing() as conn:
            return conn.execute(_insert(conn.dialect.name), row).first() is not None

    def copies_of(self, article_id: int) -> list[CopyRecord]:
        """The article's copies, earliest first (publication time, else first seen)."""
        c = article_copies.c
        stmt = (
            select(c.url, c.outlet, c.published, c.first_seen)
            .where(c.article_id == article_id)
            .order_by(c.published_utc.is_(None), c.published_utc, c.first_seen, c.id)
        )
        with self._db.reading() as conn:
            return [
                CopyRecord(
                    article_id=article_id,
                    url=r[0],
                    outlet=r[1],
                    published=_time(r[2]),
                    first_seen=datetime.fromisoformat(r[3]),
                )
                for r in conn.execute(stmt)
            ]

    def copies_of_many(self, ids: Sequence[int]) -> dict[int, list[CopyRecord]]:
        """article id → its copies (earliest first), for those of ``ids`` that have any."""
        c = article_copies.c
        out: dict[int, list[CopyRecord]] = {}
        with self._db.reading() as conn:
            for start in range(0, len(ids), 500):
                stmt = (
                    select(c.article_id, c.url, c.outlet, c.published, c.first_seen)
                    .where(c.article_id.in_(list(ids[start : start + 500])))
                    .order_by(c.published_utc.is_(None), c.published_utc, c.first_seen, c.id)
                )
                for r in conn.execute(stmt):
                    record = CopyRecord(int(r[0]), r[1], r[2], _time(r[3]), datetime.fromisoformat(r[4]))
                    out.setdefault(record.article_id, []).append(record)
        return out

    def count(self) -> int:
        with self._db.reading() as conn:
            return int(conn.execute(select(func.count()).select_from(article_copies)).scalar_one())

    def all_copies(self) -> list[CopyRecord]:
        """Every copy (for ``kabar migrate``)."""
        c = article_copies.c
        with self._db.reading() as conn:
            rows = conn.execute(
                select(c.article_id, c.url, c.outlet, c.published, c.first_seen).order_by(c.id)
            )
            return [
                CopyRecord(int(r[0]), r[1], r[2], _time(r[3]), datetime.fromisoformat(r[4])) for r in rows
            ]


__all__ = [
    "Appearance",
    "CopyRecord",
    "SqlCopyStore",
    "appearance_dict",
    "article_chain",
    "article_copies",
    "copies_json",
    "rekey",
    "reprint_chain",
    "url_key",
]
