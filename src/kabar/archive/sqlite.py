"""The default archive: one SQLite file in WAL mode, through SQLAlchemy Core."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, create_engine, event, func, select
from sqlalchemy.engine import Connection, Engine

from kabar.archive import migrate
from kabar.archive.base import (
    AddResult,
    ArticleSummary,
    Indexer,
    ListQuery,
    OutletCount,
    SearchQuery,
    SearchResult,
)
from kabar.archive.schema import articles
from kabar.model import Article
from kabar.serialize import article_from_dict, article_to_dict


@dataclass(slots=True)
class ArchiveOptions:
    path: str | Path = "kabar.db"
    indexers: Sequence[Indexer] | None = None  # None: kabar.archive.indexers.default_indexers()
    migrate: bool = True


def _to_utc_text(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _make_engine(path: str | Path) -> Engine:
    url = "sqlite://" if str(path) == ":memory:" else f"sqlite:///{Path(path)}"
    engine = create_engine(url)

    # pysqlite's own transaction handling begins lazily and never for DDL; take it
    # over so that one ingest is one real BEGIN IMMEDIATE … COMMIT, all or nothing.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Reads marked ``kabar_read`` take a deferred BEGIN: with IMMEDIATE every reader
        # queues for the write lock and SQLite's busy handler sleeps up to 100 ms a try
        # (16 reading threads: 495 → 1,023 gets/s, worst case 2.7 s → 0.3 s; benchmarks.serve).
        deferred = conn.get_execution_options().get("kabar_read", False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


def _without_lone_surrogates(article: Article) -> Article:
    """Text from JSON (``"\\ud800"``) can hold lone surrogates, which UTF-8 and SQLite refuse.

    Checked on the serialised form (one pass); only a dirty article is rebuilt.
    """
    text = json.dumps(article_to_dict(article), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        clean = text.encode("utf-8", "replace").decode("utf-8")
        rebuilt = article_from_dict(json.loads(clean))
        rebuilt.id = article.id
        return rebuilt
    return article


def article_row(article: Article, digest: str) -> dict[str, Any]:
    """The ``articles`` row for an article (public so bulk loaders write exactly what ``add`` writes)."""
    return {
        "canonical_url": article.canonical_url,
        "content_hash": digest,
        "headline": article.headline,
        "published": article.published.isoformat() if article.published else None,
        "published_utc": _to_utc_text(article.published),
        "outlet": article.outlet,
        "url": article.url or article.canonical_url,
        "language": article.language,
        "description": article.description,
        "captured_at": _to_utc_text(article.captured_at),
        "ingested_at": datetime.now(UTC).isoformat(),
        "data": json.dumps(article_to_dict(article), ensure_ascii=False),
    }


class SqliteArchive:
    """An :class:`~kabar.archive.base.Archive` over one SQLite file."""

    def __init__(self, options: ArchiveOptions | None = None) -> None:
        self.options = options or ArchiveOptions()
        self.url = f"sqlite:///{self.options.path}"
        self.engine = _make_engine(self.options.path)
        if self.options.migrate:
            migrate.upgrade(self.engine)
        # Built once: constructing Core statements per article costs more than running them.
        self._by_url = select(articles.c.id, articles.c.content_hash).where(
            articles.c.canonical_url == bindparam("url")
        )
        self._by_hash = select(articles.c.id, articles.c.content_hash).where(
            articles.c.content_hash == bindparam("digest")
        )
        self._insert = articles.insert()
        if self.options.indexers is None:
            from kabar.archive.indexers import default_indexers

            self.indexers: list[Indexer] = list(default_indexers())
        else:
            self.indexers = list(self.options.indexers)

    # -- writing ---------------------------------------------------------------
    def add(self, article: Article) -> AddResult:
        """Store an article once: same canonical URL, else same content hash, is the same article.

        The row and every index entry are written in one transaction.
        """
        given = article
        article = _without_lone_surrogates(article)
        digest = article.content_hash
        with self.engine.begin() as conn:
            existing = self._find(conn, article.canonical_url, digest)
            if existing is not None:
                row_id, old_hash = existing
                if old_hash == digest:
                    return AddResult(id=row_id, status="unchanged")
                twin = conn.execute(self._by_hash, {"digest": digest}).first()
                if twin is not None:
                    # The page at this URL now carries text another article already has
                    # (a reprint): that article is the one stored; nothing to change.
                    return AddResult(id=int(twin[0]), status="unchanged")
                for ix in self.indexers:
                    ix.remove(conn, row_id)
                article.id = given.id = row_id
                conn.execute(
                    articles.update().where(articles.c.id == row_id).values(**article_row(article, digest))
                )
                for ix in self.indexers:
                    ix.index(conn, row_id, article)
                return AddResult(id=row_id, status="updated")
            result = conn.execute(self._insert, article_row(article, digest))
            pk = result.inserted_primary_key
            assert pk is not None
            new_id = int(pk[0])
            article.id = given.id = new_id  # the stored JSON carries no id; get() sets it from the row
            for ix in self.indexers:
                ix.index(conn, new_id, article)
            return AddResult(id=new_id, status="added")

    def _find(self, conn: Connection, canonical_url: str | None, digest: str) -> tuple[int, str] | None:
        if canonical_url:
            row = conn.execute(self._by_url, {"url": canonical_url}).first()
            if row is not None:
                return int(row[0]), str(row[1])
        row = conn.execute(self._by_hash, {"digest": digest}).first()
        return (int(row[0]), str(row[1])) if row is not None else None

    # -- reading ---------------------------------------------------------------
    def get(self, article_id: int) -> Article | None:
        with self._read() as conn:
            row = conn.execute(select(articles.c.data).where(articles.c.id == article_id)).first()
        if row is None:
            return None
        article = article_from_dict(json.loads(row[0]))
        article.id = article_id
        return article

    def get_many(self, ids: Sequence[int]) -> list[Article]:
        """Articles in the order of ``ids`` (unknown ids are skipped)."""
        if not ids:
            return []
        with self._read() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.data).where(articles.c.id.in_(list(ids))))
            found = {int(r[0]): r[1] for r in rows}
        out = []
        for i in ids:
            if i in found:
                a = article_from_dict(json.loads(found[i]))
                a.id = i
                out.append(a)
        return out

    def find_id(self, *, canonical_url: str | None = None, content_hash: str | None = None) -> int | None:
        with self._read() as conn:
            if canonical_url:
                row = conn.execute(
                    select(articles.c.id).where(articles.c.canonical_url == canonical_url)
                ).first()
                if row is not None:
                    return int(row[0])
            if content_hash:
                row = conn.execute(
                    select(articles.c.id).where(articles.c.content_hash == content_hash)
                ).first()
                if row is not None:
                    return int(row[0])
        return None

    def list_articles(self, query: ListQuery) -> list[ArticleSummary]:
        stmt = select(
            articles.c.id,
            articles.c.headline,
            articles.c.published,
            articles.c.outlet,
            articles.c.url,
            articles.c.description,
        )
        if query.outlet:
            stmt = stmt.where(articles.c.outlet == query.outlet)
        if query.since:
            stmt = stmt.where(articles.c.published_utc >= _to_utc_text(query.since))
        if query.until:
            stmt = stmt.where(articles.c.published_utc < _to_utc_text(query.until))
        stmt = (
            stmt.order_by(articles.c.published_utc.desc().nulls_last(), articles.c.id.desc())
            .limit(max(0, query.limit))
            .offset(max(0, query.offset))
        )
        with self._read() as conn:
            return [
                ArticleSummary(
                    id=int(r[0]),
                    headline=r[1],
                    published=_parse(r[2]),
                    outlet=r[3],
                    url=r[4],
                    description=r[5],
                )
                for r in conn.execute(stmt)
            ]

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())

    def outlets(self) -> list[OutletCount]:
        stmt = (
            select(articles.c.outlet, func.count())
            .where(articles.c.outlet.is_not(None))
            .group_by(articles.c.outlet)
            .order_by(func.count().desc())
        )
        with self._read() as conn:
            return [OutletCount(outlet=str(r[0]), articles=int(r[1])) for r in conn.execute(stmt)]

    def search(self, query: SearchQuery) -> SearchResult:
        from kabar.archive import fts

        with self._read() as conn:
            return fts.search(conn, query)

    def _read(self) -> Connection:
        """A connection for reading only (deferred BEGIN: readers never wait on each other)."""
        return self.engine.connect().execution_options(kabar_read=True)

    def connect(self) -> Connection:
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> SqliteArchive:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def open_archive(path: str | Path = "kabar.db", indexers: Sequence[Indexer] | None = None) -> SqliteArchive:
    return SqliteArchive(ArchiveOptions(path=path, indexers=indexers))


__all__ = ["ArchiveOptions", "SqliteArchive", "article_row", "open_archive"]
