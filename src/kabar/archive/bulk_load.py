"""Loading many articles at once into an empty archive (synthetic archives for scale figures).

Ingest stores one article per transaction and analyses it on the way (~10 articles/s with
every indexer); a million-article archive for latency figures cannot be made that way.
:func:`open_bulk_load` writes the very rows ``add`` writes — the ``articles`` row of
:func:`~kabar.archive.articles_core.article_row` and the search index entry through the
backend's own index code — for batches of articles whose ids and analysed terms the
caller supplies (a builder that memoises analysis per sentence is far faster than
analysing each article whole). One batch is one transaction.

- SQLite: ``executemany`` for the rows, :class:`~kabar.archive.fts.FtsIndex` for FTS5
  and its side tables; :meth:`BulkLoad.finish` merges the FTS5 segments ("optimize",
  what a maintenance run does) and checkpoints the WAL.
- PostgreSQL: ``COPY`` for ``articles`` and ``search_docs`` (the same tsvector text as
  :class:`~kabar.archive.pg_search.PgSearch`); the GIN index is dropped for the load and
  built once at the end (building it whole is many times faster than growing it row by
  row), then the id sequence is moved past the loaded ids and the tables analysed.

On PostgreSQL related news' BM25 statistics (:mod:`kabar.archive.pg_related`), which ingest
keeps beside the search index, are loaded too, by the rebuild's own pieces
(:mod:`kabar.archive.pg_related_rebuild`: postings counted by ingest's rule and copied with
each batch, their key and the counters built by :meth:`BulkLoad.finish`) — the values a
rebuild computes from the stored terms (the tests compare related news on a bulk-loaded and
an ingested archive). SQLite's live inside FTS5. Near-duplicates, entities and stories are
not built: they need their indexers, article by article.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from kabar.archive import pg_related_rebuild as related_rebuild
from kabar.archive.articles_core import CoreArchive, article_row, clean_article
from kabar.archive.errors import ArchiveError
from kabar.archive.fts import FtsIndex
from kabar.archive.pg_search import pack_terms as pg_pack_terms
from kabar.archive.pg_tsvector import tsvector_text
from kabar.archive.schema import articles
from kabar.archive.sql_source import BoundSource
from kabar.archive.term_records import DocTerms, IndexedDoc
from kabar.model import Article

_COLUMNS = (
    "id",
    "canonical_url",
    "content_hash",
    "headline",
    "published",
    "published_utc",
    "published_precision",
    "outlet",
    "url",
    "language",
    "description",
    "captured_at",
    "ingested_at",
    "data",
    "canonical_key",
    "page_key",
)
# As migration 0002_search creates it (PostgreSQL branch): dropped for a load, rebuilt at the end.
_PG_GIN = "CREATE INDEX IF NOT EXISTS ix_search_docs_tsv ON search_docs USING GIN (tsv)"


class BulkLoadRefused(ArchiveError):
    """Bulk loading writes ids of its own and skips the same-article checks: only into an empty archive."""

    summary = "bulk loading needs an empty archive"


@dataclass(slots=True, frozen=True)
class BulkArticle:
    """One article to load: the id it takes and its analysed terms (what ``analyze`` gives)."""

    id: int
    article: Article
    terms: DocTerms
    content_hash: str | None = None  # ``article.content_hash``, when the caller has it already


def _row(item: BulkArticle) -> dict[str, object]:
    """``article_row`` as ``add`` writes it; the slow cleaning only for text that needs it.

    ``clean_article`` walks the whole article for NULs and lone surrogates; the row's JSON
    shows both at a glance (a NUL as the escape ``\\u0000``, a surrogate as text UTF-8
    refuses), so clean text skips it (a literal ``\\u0000`` in text merely takes the slow path).
    """
    article = item.article
    row = article_row(article, item.content_hash or article.content_hash)
    data = str(row["data"])
    try:
        data.encode("utf-8")
        dirty = "\\u0000" in data
    except UnicodeEncodeError:
        dirty = True
    if dirty:
        article = clean_article(article)
        row = article_row(article, article.content_hash)
    row["id"] = item.id
    return row


@dataclass(slots=True, frozen=True)
class BulkFinish:
    """What :meth:`BulkLoad.finish` spent (wall seconds)."""

    index_seconds: float  # FTS5 optimize and checkpoint, or the GIN build and ANALYZE
    related_seconds: float  # related news' statistics (0 where the search index holds them)


class BulkLoad(Protocol):
    def add(self, batch: Sequence[BulkArticle]) -> None:
        """Store a batch (its rows and search entries) in one transaction."""
        ...

    def finish(self) -> BulkFinish:
        """Build what is built once at the end; the archive then answers as after ingest."""
        ...


def _rows(batch: Sequence[BulkArticle]) -> tuple[list[dict[str, object]], list[IndexedDoc]]:
    rows = []
    docs = []
    for item in batch:
        row = _row(item)
        rows.append(row)
        published = row["published_utc"]
        outlet = row["outlet"]
        docs.append(
            IndexedDoc(
                item.id,
                item.terms,
                published if isinstance(published, str) else None,
                outlet if isinstance(outlet, str) else None,
            )
        )
    return rows, docs


def _require_empty(archive: CoreArchive) -> None:
    with archive.engine.connect() as conn:
        held = int(conn.execute(select(func.count()).select_from(articles)).scalar_one())
    if held:
        raise BulkLoadRefused(archive.url, f"it holds {held:,} articles; load into a new archive")


class _SqliteBulkLoad:
    def __init__(self, archive: CoreArchive) -> None:
        self.archive = archive
        self._sql = (
            f"INSERT INTO articles({', '.join(_COLUMNS)}) VALUES ({', '.join(':' + c for c in _COLUMNS)})"
        )

    def add(self, batch: Sequence[BulkArticle]) -> None:
        rows, docs = _rows(batch)
        with self.archive.engine.connect() as conn:
            raw = _sqlite(conn)
            raw.execute("PRAGMA cache_size=-262144")  # 256 MB of page cache for the load
            with conn.begin():  # the archive's BEGIN IMMEDIATE: one batch, one transaction
                raw.executemany(self._sql, rows)
                FtsIndex(BoundSource(conn)).add(docs)

    def finish(self) -> BulkFinish:
        started = time.perf_counter()
        with self.archive.engine.connect() as conn:
            raw = _sqlite(conn)
            with conn.begin():
                raw.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return BulkFinish(time.perf_counter() - started, 0.0)


def _sqlite(conn: Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


class _PgBulkLoad:
    def __init__(self, archive: CoreArchive, resume: bool) -> None:
        self.archive = archive
        # Indexes built whole at the end are many times cheaper than grown row by row.
        with archive.engine.begin() as conn:
            conn.execute(text("DROP INDEX IF EXISTS ix_search_docs_tsv"))
            related_rebuild.drop_postings_key(conn)
            if not resume:
                conn.execute(text("TRUNCATE related_postings, related_df, related_stats"))

    def add(self, batch: Sequence[BulkArticle]) -> None:
        rows, docs = _rows(batch)
        with self.archive.engine.begin() as conn:
            driver = conn.connection.driver_connection  # psycopg 3: COPY
            assert driver is not None
            cur = driver.cursor()
            cur.execute("SET LOCAL synchronous_commit = off")  # a lost load is simply run again
            with cur.copy(f"COPY articles ({', '.join(_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in _COLUMNS])
            with cur.copy("COPY search_docs (id, published_utc, outlet, terms, tsv) FROM STDIN") as copy:
                for d in docs:
                    copy.write_row(
                        (d.id, d.published_utc, d.outlet, pg_pack_terms(d.terms), tsvector_text(d.terms))
                    )
            related_rebuild.copy_postings(conn, docs)

    def finish(self) -> BulkFinish:
        started = time.perf_counter()
        with self.archive.engine.begin() as conn:
            conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
            conn.execute(text(_PG_GIN))
        self.archive.ids_taken()
        self._analyze("articles", "search_docs")
        indexed = time.perf_counter()
        with self.archive.engine.begin() as conn:
            related_rebuild.add_postings_key(conn)
            related_rebuild.count_from_postings(conn)  # a resumed load's earlier counts replaced
        self._analyze("related_postings", "related_df", "related_stats")
        return BulkFinish(indexed - started, time.perf_counter() - indexed)

    def _analyze(self, *tables: str) -> None:
        # Fresh planner statistics: right after a load the planner would guess at empty tables.
        # VACUUM too: it marks the pages all-visible, without which no index-only scan reads
        # the postings' key (related news read the heap for every posting: ~300 ms a call
        # at 10k articles) and the first readers set every row's hint bits themselves.
        with self.archive.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.execute(text(f"VACUUM (ANALYZE) {table}"))


def open_bulk_load(archive: CoreArchive, *, resume: bool = False) -> BulkLoad:
    """A bulk loader for ``archive``, which must hold no articles yet.

    ``resume``: go on with (or just :meth:`~BulkLoad.finish`) an earlier bulk load that was
    interrupted; the archive must hold only that load's rows, and new ids follow them.
    """
    if not resume:
        _require_empty(archive)
    if archive.engine.dialect.name == "postgresql":
        return _PgBulkLoad(archive, resume)
    return _SqliteBulkLoad(archive)


__all__ = ["BulkArticle", "BulkFinish", "BulkLoad", "BulkLoadRefused", "open_bulk_load"]
