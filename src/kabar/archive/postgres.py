"""The PostgreSQL archive: the same rules as SQLite's (:mod:`kabar.archive.articles_core`), many writers.

``PostgresArchive("postgresql://user@host/db")`` (psycopg 3 through SQLAlchemy). Several
processes may ingest into one database at once: each article is one transaction, writers
take their turn before looking an article up (:mod:`kabar.archive.write_turn`), so a second
writer finds the first one's URL; one racing for the same text still loses on the unique
index inside a savepoint and reports "unchanged" (articles_core), and a deadlock between indexers'
upserts is retried. Search is :mod:`kabar.archive.pg_search` (kabar's own analysis in
a weighted ``tsvector``, never PostgreSQL's Indonesian stemmer).

Before anything is written the database is checked (:mod:`kabar.archive.schema_check`):
another application's database is refused untouched; an empty one becomes an archive.
Driver errors leave as one-line :class:`~kabar.archive.errors.ArchiveError` s
(:mod:`kabar.archive.faults`); the password never appears in a message.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine, make_url

from kabar.archive import faults, migrate
from kabar.archive.base import AddResult, Indexer, SearchQuery, SearchResult
from kabar.archive.batch_write import RETRIED_STATES, BatchArchive
from kabar.archive.busy_timeout import busy_timeout
from kabar.archive.errors import ArchiveBusy, ArchiveSettingError, ArchiveUnavailable
from kabar.archive.pg_related_rebuild import RelatedIndexCounts, rebuild
from kabar.archive.pg_search import PgSearch
from kabar.archive.schema_check import SchemaCheck, check_schema, refusal
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.write_turn import take_write_turn
from kabar.model import Article

_RETRIED_STATES = RETRIED_STATES  # deadlock, serialization failure: safe to run again


@dataclass(slots=True)
class PostgresOptions:
    url: str
    # None: none (kabar.wiring.default_indexers() is the usual list)
    indexers: Sequence[Indexer] | None = None
    migrate: bool = True
    # Reading only: every transaction READ ONLY, no migrations (a reader never writes).
    read_only: bool = False
    busy_timeout: float | None = None  # seconds a writer waits for a lock (None: KABAR_BUSY_TIMEOUT or 10)
    connect_timeout: int = 10  # seconds to reach the server
    deadlock_retries: int = 3


def driver_url(url: str) -> str:
    """``postgresql://…`` with psycopg 3 as the driver (SQLAlchemy's default would be psycopg2)."""
    parsed = make_url(url)
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ArchiveSettingError(url[:80], "not a postgresql:// URL")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def shown_url(url: str) -> str:
    """The URL as messages show it: without its password."""
    return make_url(url).render_as_string(hide_password=True)


def _make_engine(opts: PostgresOptions, context: faults.FaultContext) -> Engine:
    settings = f"-c lock_timeout={int(context.busy_timeout * 1000)}"
    if opts.read_only:
        settings += " -c default_transaction_read_only=on"
    engine = create_engine(
        driver_url(opts.url),
        # A server restarted between two articles: the pool notices and reconnects.
        pool_pre_ping=True,
        connect_args={
            "connect_timeout": opts.connect_timeout,
            "application_name": "kabar",
            "options": settings,
        },
    )
    faults.install(engine, context)
    return engine


def _server_answers(url: str) -> bool:
    """Does anything accept TCP connections at the URL's host and port?"""
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "localhost", parsed.port or 5432), timeout=3):
            return True
    except OSError:
        return False


def _first_look(engine: Engine, url: str, where: str) -> SchemaCheck:
    """The database's schema, read before anything is written.

    libpq reports a refused login or an unknown database without an SQLSTATE, so at
    connect time the two cases are told apart by whether the server is there at all.
    """
    try:
        with engine.connect() as conn:
            return check_schema(conn)
    except ArchiveUnavailable as exc:
        if exc.__cause__ is None or not _server_answers(url):
            raise
        said = (str(exc.__cause__).strip().splitlines() or [""])[0]
        said = said.rpartition("FATAL:")[2].strip() or said
        raise ArchiveUnavailable(
            where,
            f"the server refused the connection ({said[:200]}); check the database name, user and "
            "password in the URL (create the database with `createdb NAME`).",
        ) from exc.__cause__


class PostgresArchive(BatchArchive):
    """An :class:`~kabar.archive.base.Archive` in one PostgreSQL database."""

    def __init__(self, url: str | PostgresOptions, indexers: Sequence[Indexer] | None = None) -> None:
        opts = url if isinstance(url, PostgresOptions) else PostgresOptions(url=url, indexers=indexers)
        self.options = opts
        where = shown_url(opts.url)
        context = faults.FaultContext(where=where, busy_timeout=busy_timeout(opts.busy_timeout))
        engine = _make_engine(opts, context)
        try:
            check = _first_look(engine, opts.url, where)
            writing = opts.migrate and not opts.read_only
            refused = refusal(check, where, writing=writing)
            if refused is not None:
                raise refused
            if writing:
                migrate.upgrade(engine)
        except BaseException:
            engine.dispose()
            raise
        super().__init__(engine, where, opts.indexers)

    def _begin_write(self, conn: Connection) -> None:
        take_write_turn(conn)  # one lock order for every writer (kabar.archive.write_turn)

    def add(self, article: Article) -> AddResult:
        # Writers take their turn first (_begin_write), so kabar's own writers do not deadlock;
        # a writer outside kabar (or an older kabar) still can, and PostgreSQL then aborts one
        # of them. The article's transaction is whole or absent, so running it again is safe.
        for attempt in range(self.options.deadlock_retries + 1):
            try:
                return super().add(article)
            except ArchiveBusy as exc:
                state = getattr(exc.__cause__, "sqlstate", None)
                if state not in _RETRIED_STATES or attempt == self.options.deadlock_retries:
                    raise
                self._count_retry()
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")  # pragma: no cover

    def ids_taken(self) -> None:
        # Rows stored with their own ids leave the serial's sequence behind them.
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('articles', 'id'), (SELECT max(id) FROM articles))"
                )
            )

    def rebuild_related_index(self) -> RelatedIndexCounts:
        """Recompute related news' BM25 statistics from the stored terms, in one pass.

        Ingest keeps them current; this is for an archive filled some other way (a bulk
        load that writes the search index alone) or to check them. One transaction: related news
        and writers wait for it (:func:`kabar.archive.pg_related_rebuild.rebuild`). A VACUUM after
        it gives the planner its statistics and lets the postings be read from their index
        alone (the visibility map), as autovacuum would in time.
        """
        with self.engine.begin() as conn:
            counts = rebuild(conn)
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) related_postings, related_df, related_stats"))
        return counts

    def search_stores(self, source: ConnectionSource) -> PgSearch:
        """The search index and term statistics (:mod:`kabar.archive.pg_search`) on ``source``."""
        return PgSearch(source)

    def search(self, query: SearchQuery) -> SearchResult:
        from kabar.archive import pg_search

        with self._read() as conn:
            return pg_search.search(conn, query)


def open_postgres(
    url: str, indexers: Sequence[Indexer] | None = None, *, read_only: bool = False
) -> PostgresArchive:
    return PostgresArchive(PostgresOptions(url=url, indexers=indexers, read_only=read_only))


__all__ = [
    "PostgresArchive",
    "PostgresOptions",
    "driver_url",
    "open_postgres",
    "shown_url",
]
