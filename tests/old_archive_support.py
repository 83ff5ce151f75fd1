"""An archive left at an older migration, on either backend: the set-up behind the upgrade tests.

Each upgrade test builds the database as an earlier kabar left it (migrated up to ``revision``,
with rows written in that revision's shape by ``fill``), then opens it with today's code, which
migrates it. One set-up for every such test, so a new migration changes one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine
from sqlalchemy.engine import make_url

from kabar.archive.migrate import _config


def engine_url(url: str) -> str:
    """The SQLAlchemy URL for a test database URL (PostgreSQL through psycopg 3)."""
    if url.startswith("postgresql"):
        return make_url(url).set(drivername="postgresql+psycopg").render_as_string(False)
    return url


def old_archive(
    request: pytest.FixtureRequest, tmp_path: Path, revision: str, fill: Callable[[Connection], None]
) -> Iterator[str]:
    """Yield the URL of a database of ``request.param``'s backend migrated to ``revision`` and filled."""
    if request.param == "sqlite":
        yield from _migrated_to(f"sqlite:///{tmp_path / 'old.db'}", revision, fill)
        return
    server = request.getfixturevalue("pg_server")
    with server.database(template=False) as url:
        yield from _migrated_to(url, revision, fill)


def _migrated_to(url: str, revision: str, fill: Callable[[Connection], None]) -> Iterator[str]:
    engine = create_engine(engine_url(url))
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        fill(conn)
    engine.dispose()
    yield url
