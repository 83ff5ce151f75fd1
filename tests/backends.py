"""Archives on both backends for the tests: SQLite files and throwaway PostgreSQL databases.

The PostgreSQL server is ``$KABAR_TEST_PG_URL`` (a URL to any database a superuser or
CREATEDB role can connect to), else ``postgresql://postgres@127.0.0.1:5432/postgres``.
Each test session migrates one template database once; each test gets its own
database copied from it (``CREATE DATABASE … TEMPLATE``, a file copy: ~0.1 s) and dropped
after. Without a server the PostgreSQL variants skip, saying how to get one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Indexer
from kabar.archive.fts import FtsIndexer
from kabar.archive.open import is_postgres, open_archive
from kabar.archive.postgres import PostgresArchive, PostgresOptions

PG_URL_ENV = "KABAR_TEST_PG_URL"
DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    return os.environ.get(PG_URL_ENV) or DEFAULT_PG_URL


def unreachable_reason(url: str) -> str | None:
    """Why no PostgreSQL can be had at ``url`` (None: it answers)."""
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        where = make_url(url).render_as_string(hide_password=True)
        first = (str(exc).strip().splitlines() or [""])[0][:120]
        return f"PostgreSQL not reachable at {where} (set {PG_URL_ENV}): {first}"
    return None


def _libpq(url: str) -> str:
    """psycopg wants a plain ``postgresql://`` URL (no SQLAlchemy driver suffix)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def database_url(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


@dataclass(slots=True)
class PgServer:
    """A reachable server and this session's migrated template database."""

    url: str
    template: str

    def create(self, name: str | None = None, *, template: bool = True) -> str:
        """A new database (a copy of the migrated template, or empty); returns its URL."""
        name = name or f"kabar_t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            stmt = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(self.template if template else "template0")
            )
            conn.execute(stmt)
        return database_url(self.url, name)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        assert name and name.startswith("kabar_"), "tests drop only the databases they made"
        with psycopg.connect(_libpq(self.url), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    @contextmanager
    def database(self, *, template: bool = True) -> Iterator[str]:
        url = self.create(template=template)
        try:
            yield url
        finally:
            self.drop(url)


def start_session(url: str) -> PgServer:
    """Make and migrate this session's template database (one per pytest worker)."""
    server = PgServer(url=url, template=f"kabar_tpl_{os.getpid()}_{uuid.uuid4().hex[:6]}")
    template_url = server.create(server.template, template=False)
    PostgresArchive(PostgresOptions(url=template_url, indexers=[])).close()
    return server


def end_session(server: PgServer) -> None:
    server.drop(database_url(server.url, server.template))


def search_indexer(url: str) -> Indexer:
    """The search indexer (for tests that run search alone; it writes through the backend's index)."""
    return FtsIndexer()


def open_test_archive(url: str, indexers: Sequence[Indexer] | None = None) -> CoreArchive:
    """``kabar.archive.open_archive`` typed as the SQL archive both backends are (tests reach ``engine``)."""
    archive = open_archive(url, indexers)
    assert isinstance(archive, CoreArchive)
    return archive


__all__ = [
    "PG_URL_ENV",
    "PgServer",
    "database_url",
    "end_session",
    "is_postgres",
    "open_test_archive",
    "search_indexer",
    "server_url",
    "start_session",
    "unreachable_reason",
]
