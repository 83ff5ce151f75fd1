"""The ``articles`` table's rules, shared by every backend (SQLAlchemy Core only).

What makes an article the same article (its URL's identity, else its content hash: see
:meth:`CoreArchive._find`), when a second arrival of it keeps the stored text
(:mod:`kabar.archive.shorter_copy`), what one row holds, and the all-or-nothing add with every indexer inside the article's own
transaction are the same on SQLite and PostgreSQL; only how a backend opens its
engine and begins a transaction differs (:mod:`kabar.archive.sqlite`,
:mod:`kabar.archive.postgres`). Times stay ISO 8601 text on both backends (UTC text
compares in time order), so one code path reads and filters them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Self

from sqlalchemy import bindparam, case, func, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from kabar.archive import change_log, read_scope
from kabar.archive.article_identity import ArticleKeys
from kabar.archive.base import (
    AddResult,
    ArticleSummary,
    BatchAdd,
    Indexer,
    ListQuery,
    OutletCount,
    SearchQuery,
    SearchResult,
)
from kabar.archive.batch_probe import Identity, unmatched
from kabar.archive.centroid_cache import CentroidCache
from kabar.archive.copy_store import CopyRecord, SqlCopyStore
from kabar.archive.errors import ArchiveError
from kabar.archive.index_pass import index_article
from kabar.archive.schema import articles
from kabar.archive.shorter_copy import is_shorter_copy
from kabar.archive.sql_source import BoundSource
from kabar.archive.statements import parse_time
from kabar.archive.store_access import StoreAccess
from kabar.model import Article
from kabar.serialize import article_from_dict, article_to_dict, stored_precision
from kabar.understand.store import utc_text as to_utc_text  # the one UTC text form of a time

if TYPE_CHECKING:  # the stream module reads through this one
    from kabar.archive.article_stream import ArticlePage, StreamQuery


def clean_article(article: Article) -> Article:
    """Text can hold lone surrogates (``"\\ud800"`` from JSON) and NULs, which UTF-8 and
    PostgreSQL's ``text`` refuse; a dirty article is rebuilt with them replaced or removed.

    Walks the article's plain form once (``json.dumps`` writes a NUL as the escape
    ``\\u0000``, so a search of the serialised text would never see one); a clean article is
    returned as it is.
    """
    data = article_to_dict(article)
    cleaned = _scrub(data)
    if cleaned == data:
        return article
    rebuilt = article_from_dict(cleaned)
    rebuilt.id = article.id
    return rebuilt


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        if "\x00" in value:
            value = value.replace("\x00", "")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            value = value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


@dataclass(slots=True, frozen=True)
class Incoming:
    """An article as the archive stores it (cleaned: :func:`clean_article`) with what its writing
    reads more than once, made once: its text's hash, its row's JSON, its identity keys."""

    article: Article
    digest: str
    keys: ArticleKeys
    data: str  # the row's JSON, of the article as it was when made
    made_with_id: int | None  # the article's id then: the JSON holds it

    def row(self) -> dict[str, Any]:
        """:func:`article_row` of the article (its JSON made again if its id moved since)."""
        data = self.data if self.article.id == self.made_with_id else _json(self.article)
        return _row(self.article, self.digest, data, self.keys)


def incoming(article: Article) -> Incoming:
    """``article`` cleaned, with its hash, row JSON and keys.

    The row's JSON shows what :func:`clean_article` looks for at a glance (a NUL as the escape
    ``\\u0000``, a lone surrogate as text UTF-8 refuses), so a clean article is serialised once
    and walked no further (a literal ``\\u0000`` in its text merely takes the slow path)."""
    data = article_to_dict(article)
    text = json.dumps(data, ensure_ascii=False)
    if _maybe_dirty(text):
        cleaned = clean_article(article)
        if cleaned is not article:
            article = cleaned
            data = article_to_dict(article)
            text = json.dumps(data, ensure_ascii=False)
    return Incoming(article, str(data["content_hash"]), ArticleKeys.of(article), text, article.id)


def _maybe_dirty(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return "\\u0000" in text


def _json(article: Article) -> str:
    return json.dumps(article_to_dict(article), ensure_ascii=False)


def article_row(article: Article, digest: str) -> dict[str, Any]:
    """The ``articles`` row for an article (public so bulk loaders write exactly what ``add`` writes)."""
    return _row(article, digest, _json(article), ArticleKeys.of(article))


def _row(article: Article, digest: str, data: str, keys: ArticleKeys) -> dict[str, Any]:
    return {
        "canonical_url": article.canonical_url,
        "content_hash": digest,
        "headline": article.headline,
        "published": article.published.isoformat() if article.published else None,
        "published_utc": to_utc_text(article.published),
        "published_precision": article.published_precision if article.published else None,
        "outlet": article.outlet,
        "url": article.url or article.canonical_url,
        "language": article.language,
        "description": article.description,
        "captured_at": to_utc_text(article.captured_at),
        "ingested_at": datetime.now(UTC).isoformat(),
        "data": data,
        "canonical_key": keys.canonical_key,
        "page_key": keys.page_key,
    }


def article_from_row(article_id: int, data: str) -> Article:
    article = article_from_dict(json.loads(data))
    article.id = article_id  # the stored JSON carries no id
    return article


@dataclass(slots=True, frozen=True)
class StoredRow:
    id: int
    content_hash: str
    canonical_url: str | None = None
    url: str | None = None
    canonical_key: str | None = None
    page_key: str | None = None

    @classmethod
    def of(cls, row: Any) -> StoredRow:
        return cls(int(row[0]), str(row[1]), row[2], row[3], row[4], row[5])

    def answers_to(self, article: Article) -> bool:
        """Whether ``article``'s URL is this row's own (as spelled, or the same identity)."""
        url = article.canonical_url or article.url
        if url in (self.canonical_url, self.url):
            return True
        own = {self.canonical_key, self.page_key} - {None}
        return any(key in own for key in ArticleKeys.of(article).wanted())


class CoreArchive(StoreAccess):
    """An :class:`~kabar.archive.base.Archive` over any SQLAlchemy engine whose schema is migrated.

    A backend subclass opens the engine (and migrates) and may override :meth:`_read`.
    """

    def __init__(self, engine: Engine, url: str, indexers: Sequence[Indexer] | None) -> None:
        self.engine = engine
        self.url = url
        # Kept across articles and transactions; each entry checked against the stored text.
        self.centroids = CentroidCache()
        # Built once: constructing Core statements per article costs more than running them.
        c = articles.c
        stored = (c.id, c.content_hash, c.canonical_url, c.url, c.canonical_key, c.page_key)
        # An archive written before 0010_url_identity may hold one article twice under two
        # spellings: the row spelled exactly as asked answers (SQLite's canonical_url is still
        # unique), else the oldest, so matches never flip between them.
        first = (case((c.canonical_url == bindparam("url"), 0), else_=1), c.id)
        self._by_key = (
            select(*stored)
            .where(or_(c.canonical_key == bindparam("key"), c.page_key == bindparam("key")))
            .order_by(*first)
            .limit(1)
        )
        self._by_canonical_key = (
            select(*stored).where(c.canonical_key == bindparam("key")).order_by(*first).limit(1)
        )
        self._by_page_key = select(*stored).where(c.page_key == bindparam("key")).order_by(c.id)
        self._data = select(c.data).where(c.id == bindparam("row_id"))
        self._by_hash = select(*stored).where(articles.c.content_hash == bindparam("digest"))
        # Whether any row could answer _find at all: one statement where a new article (most of
        # a bulk ingest) ran four. A key left None compares as NULL, which matches nothing.
        self._any_match = (
            select(c.id)
            .where(
                or_(
                    c.canonical_key == bindparam("k0"),
                    c.page_key == bindparam("k0"),
                    c.canonical_key == bindparam("k1"),
                    c.page_key == bindparam("k1"),
                    c.content_hash == bindparam("digest"),
                )
            )
            .limit(1)
        )
        self._insert = articles.insert().returning(articles.c.id)
        # Which indexers run is the caller's choice (kabar.wiring.default_indexers() at the top):
        # the archive cannot import them all without importing the layers above it.
        self.indexers: list[Indexer] = list(indexers or ())

    # -- writing ---------------------------------------------------------------
    def add(self, article: Article) -> AddResult:
        """Store an article once: the same URL identity, else the same content hash, is the same
        article (:meth:`_find`); a shorter copy of the stored text leaves it as it is
        (:func:`~kabar.archive.shorter_copy.is_shorter_copy`).

        The row and every index entry are written in one transaction.
        """
        return self._store(article, None)

    def add_keeping_id(self, article: Article, article_id: int) -> AddResult:
        """:meth:`add`, but a new row takes ``article_id`` (copying an archive keeps its links).

        The caller makes sure the id is free (``kabar migrate`` copies into an empty archive)
        and calls :meth:`ids_taken` when done.
        """
        return self._store(article, article_id)

    def add_batch(self, articles: Sequence[Article]) -> list[BatchAdd]:
        """Store ``articles`` in order in one transaction, each all or nothing in a savepoint of
        its own (:mod:`kabar.archive.batch_write`); one :class:`~kabar.archive.base.BatchAdd`
        per article, in the same order. An :class:`~kabar.archive.errors.ArchiveError` ends the
        whole batch uncommitted and is raised."""
        if not articles:
            return []
        results = self._write_batch_retrying([incoming(article) for article in articles])
        for given, done in zip(articles, results, strict=True):
            if done.result is not None and done.result.status != "unchanged":
                given.id = done.result.id  # as add() does: a copy carries the stored article's id
        return results

    def _write_batch_retrying(self, articles: Sequence[Incoming]) -> list[BatchAdd]:
        """:meth:`_write_batch` once; a backend whose writers can abort one another runs it again
        (:class:`~kabar.archive.batch_write.BatchArchive`)."""
        return self._write_batch(articles)

    def _write_batch(self, articles: Sequence[Incoming]) -> list[BatchAdd]:
        """The batch's one transaction."""
        results: list[BatchAdd] = []
        with self.engine.begin() as conn, change_log.deferred(conn) as logged:
            self._begin_write(conn)
            fresh = unmatched(conn, [Identity(a.keys.wanted(), a.digest) for a in articles])
            for i, article in enumerate(articles):
                kept = len(logged)
                try:
                    # _add's savepoint is the article's own transaction: an exception inside
                    # rolls back exactly what this article wrote (row, copy, index entries).
                    # It holds the article's look-up too, so no second savepoint around it
                    # (two statements an article). An article the batch's look-up found
                    # nothing for skips its own (_add_unmatched).
                    result = self._add_unmatched(conn, article) if i in fresh else None
                    if result is None:
                        result = self._add(conn, article)
                except ArchiveError:
                    raise  # the archive's fault, not the article's: the batch ends, uncommitted
                except Exception as exc:
                    del logged[kept:]  # its savepoint is undone: so is its log row
                    results.append(BatchAdd(error=exc))
                    continue
                results.append(BatchAdd(result=result))
            change_log.flush(conn, logged)  # last before the commit: the lock is held only for its tail
        return results

    def add_if_known(self, article: Article) -> AddResult | None:
        """If the archive holds this text: the article is a copy of it (recorded once per URL)
        or the same article again; else ``None``, nothing written."""
        given = article
        item = incoming(article)
        article, digest = item.article, item.digest
        with self.engine.begin() as conn:
            self._begin_write(conn)
            row = conn.execute(self._by_hash, {"digest": digest}).first()
            if row is None:
                return None
            same = self._find(conn, item)
            stored = same if same is not None and same.content_hash == digest else StoredRow.of(row)
            result = self._copy_or_unchanged(conn, stored, article)
            change_log.record(conn, result, article)
        given.id = result.id
        return result

    def ids_taken(self) -> None:
        """After rows were stored with their own ids: new rows must number after them."""

    def _store(self, article: Article, article_id: int | None) -> AddResult:
        given = article
        item = incoming(article)
        with self.engine.begin() as conn:
            self._begin_write(conn)
            result = self._add(conn, item, article_id)
        if result.status != "unchanged":
            given.id = result.id  # a copy: the stored article's id
        return result

    def _begin_write(self, conn: Connection) -> None:
        """First thing in every transaction that stores articles: a backend whose writers run
        at once takes its writer lock here (PostgreSQL: :mod:`kabar.archive.write_turn`)."""

    def _add(self, conn: Connection, item: Incoming, article_id: int | None = None) -> AddResult:
        # Another writer (another process on PostgreSQL) can store the same URL or text
        # between our look-up and our write: the unique index refuses ours, the savepoint
        # undoes only that statement, and the second look-up sees the winner's row.
        # The savepoint holds the look-up as well: a statement failing anywhere in the article
        # (on PostgreSQL, one that would abort the transaction) costs the article only.
        for _attempt in range(3):
            try:
                with conn.begin_nested():
                    existing = self._find(conn, item)
                    if existing is None:
                        result = self._insert_new(conn, item, article_id)
                    else:
                        result = self._update(conn, existing, item)
                    change_log.record(conn, result, item.article)  # what the portal's cache reads
                    return result
            except IntegrityError:
                continue
        raise RuntimeError("the article's row kept changing under concurrent writers")

    def _add_unmatched(self, conn: Connection, item: Incoming) -> AddResult | None:
        """:meth:`_add` for an article no row can answer (:mod:`kabar.archive.batch_probe`):
        the row inserted without a look-up. ``None`` when the insert is refused (a row with its
        URL came in meanwhile): :meth:`_add` then looks again."""
        try:
            with self._article_scope(conn):
                result = self._insert_new(conn, item, None)
                change_log.record(conn, result, item.article)
                return result
        except IntegrityError:
            return None

    def _article_scope(self, conn: Connection) -> AbstractContextManager[object]:
        """What keeps an unmatched article's writes all or nothing: its own savepoint. A backend
        may answer with less where its insert is a single statement that undoes itself on failure."""
        return conn.begin_nested()

    def _insert_new(self, conn: Connection, item: Incoming, article_id: int | None) -> AddResult:
        article = item.article
        row = item.row()
        if article_id is not None:
            row["id"] = article_id
        new_id = int(conn.execute(self._insert, row).scalar_one())
        article.id = new_id
        index_article(self.indexers, self.index_stores(conn), new_id, article)
        return AddResult(id=new_id, status="added")

    def _update(self, conn: Connection, existing: StoredRow, item: Incoming) -> AddResult:
        article, digest = item.article, item.digest
        row_id = existing.id
        if existing.content_hash == digest:
            return self._copy_or_unchanged(conn, existing, article)
        twin = conn.execute(self._by_hash, {"digest": digest}).first()
        if twin is not None:
            # The page at this URL now carries text another article already has
            # (a reprint): that article is the one stored, and this URL is its copy.
            return self._copy_or_unchanged(conn, StoredRow.of(twin), article)
        data = conn.execute(self._data, {"row_id": row_id}).scalar_one()
        if is_shorter_copy(article_from_row(row_id, data), article):
            # An AMP or paywall teaser, a truncated copy of the stored text: the text stays.
            return self._copy_or_unchanged(conn, existing, article)
        stores = self.index_stores(conn)
        for ix in self.indexers:
            ix.remove(stores, row_id)
        article.id = row_id
        conn.execute(articles.update().where(articles.c.id == row_id).values(**item.row()))
        index_article(self.indexers, stores, row_id, article)
        return AddResult(id=row_id, status="updated")

    def _copy_or_unchanged(self, conn: Connection, stored: StoredRow, article: Article) -> AddResult:
        """The stored text again: under the stored article's own URL (in any spelling of it, or
        none) it is unchanged; under another URL it is a copy, recorded once per URL."""
        url = article.canonical_url or article.url
        if not url or stored.answers_to(article):
            return AddResult(id=stored.id, status="unchanged")
        copy = CopyRecord(
            article_id=stored.id,
            url=url,
            outlet=article.outlet,
            published=article.published,
            first_seen=article.captured_at or datetime.now(UTC),
        )
        recorded = SqlCopyStore(BoundSource(conn)).record(copy)
        return AddResult(id=stored.id, status="copy" if recorded else "unchanged")

    def _find(self, conn: Connection, item: Incoming) -> StoredRow | None:
        """The stored article ``article`` is, if any, by its identity keys
        (:mod:`kabar.archive.article_identity`: any spelling of a URL names the same article), in
        this order: a row whose canonical or fetched URL is the page's canonical URL; a row whose
        canonical URL is the page's fetched URL; a row fetched under the page's fetched URL — unless
        both name a canonical URL and they differ (many articles fetched through one address, a
        redirect hub or a wall, are still as many articles); else the row with the same text."""
        article, digest, keys = item.article, item.digest, item.keys
        wanted = [*keys.wanted(), None, None]
        probe = {"k0": wanted[0], "k1": wanted[1], "digest": digest}
        if conn.execute(self._any_match, probe).first() is None:
            return None  # no row has any of its keys or its text: each look-up below finds none
        url = article.canonical_url
        if keys.canonical_key is not None:
            row = conn.execute(self._by_key, {"key": keys.canonical_key, "url": url}).first()
            if row is not None:
                return StoredRow.of(row)
        if keys.page_key is not None:
            row = conn.execute(self._by_canonical_key, {"key": keys.page_key, "url": url}).first()
            if row is not None:
                return StoredRow.of(row)
            for found in conn.execute(self._by_page_key, {"key": keys.page_key}):
                stored = StoredRow.of(found)
                if keys.canonical_key is None or stored.canonical_key is None:
                    return stored
        row = conn.execute(self._by_hash, {"digest": digest}).first()
        return StoredRow.of(row) if row is not None else None

    # -- reading ---------------------------------------------------------------
    def get(self, article_id: int) -> Article | None:
        with self._read() as conn:
            row = conn.execute(select(articles.c.data).where(articles.c.id == article_id)).first()
        return None if row is None else article_from_row(article_id, row[0])

    def get_many(self, ids: Sequence[int]) -> list[Article]:
        """Articles in the order of ``ids`` (unknown ids are skipped)."""
        if not ids:
            return []
        with self._read() as conn:
            rows = conn.execute(select(articles.c.id, articles.c.data).where(articles.c.id.in_(list(ids))))
            found = {int(r[0]): r[1] for r in rows}
        return [article_from_row(i, found[i]) for i in ids if i in found]

    def find_id(self, *, canonical_url: str | None = None, content_hash: str | None = None) -> int | None:
        """The article stored under ``canonical_url`` (as spelled, or any URL naming the same
        article, as :meth:`_find` matches), else with ``content_hash``."""
        with self._read() as conn:
            key = ArticleKeys.of_urls(canonical_url, None).canonical_key
            if key is not None:
                row = conn.execute(self._by_key, {"key": key, "url": canonical_url}).first()
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
            articles.c.published_precision,
        )
        if query.outlet:
            stmt = stmt.where(articles.c.outlet == query.outlet)
        if query.since:
            stmt = stmt.where(articles.c.published_utc >= to_utc_text(query.since))
        if query.until:
            stmt = stmt.where(articles.c.published_utc < to_utc_text(query.until))
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
                    published=parse_time(r[2]),
                    outlet=r[3],
                    url=r[4],
                    description=r[5],
                    published_precision=stored_precision(r[6]),
                )
                for r in conn.execute(stmt)
            ]

    def stream_articles(self, query: StreamQuery) -> Iterator[ArticlePage]:
        from kabar.archive.article_stream import stream_pages

        return stream_pages(self._read, query)

    def count_matching(self, query: StreamQuery) -> int:
        from kabar.archive.article_stream import count_matching

        return count_matching(self._read, query)

    def count(self) -> int:
        with self._read() as conn:
            return int(conn.execute(select(func.count()).select_from(articles)).scalar_one())

    def outlets(self) -> list[OutletCount]:
        stmt = (
            select(articles.c.outlet, func.count())
            .where(articles.c.outlet.is_not(None))
            .group_by(articles.c.outlet)
            .order_by(func.count().desc(), articles.c.outlet)
        )
        with self._read() as conn:
            return [OutletCount(outlet=str(r[0]), articles=int(r[1])) for r in conn.execute(stmt)]

    def search(self, query: SearchQuery) -> SearchResult:
        from kabar.archive import fts

        with self._read() as conn:
            return fts.search(conn, query)

    def _read(self) -> AbstractContextManager[Connection]:
        """A connection for reading only (inside :meth:`shared_read`, the shared one)."""
        return read_scope.reading(self.engine)

    def shared_read(self) -> AbstractContextManager[None]:
        """Every read inside the block on one connection and transaction (one portal page)."""
        return read_scope.shared_read(self.engine)

    def own_reads(self) -> AbstractContextManager[None]:
        """Reads inside the block in transactions of their own, even inside :meth:`shared_read`."""
        return read_scope.own_reads()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


__all__ = [
    "CoreArchive",
    "Incoming",
    "article_from_row",
    "article_row",
    "clean_article",
    "incoming",
    "parse_time",
    "to_utc_text",
]
