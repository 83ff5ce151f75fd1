"""How a SQL store reaches its database: per call through the engine, or inside one open transaction.

Stores are written once against :class:`ConnectionSource`, so the same class serves the
archive's own reads (``archive.stories.list_stories()``: a short connection per call) and an
indexer inside ingest (every write on the article's transaction, which the archive commits).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Protocol

from sqlalchemy.engine import Connection, Engine

from kabar.archive import read_scope


class ConnectionSource(Protocol):
    def reading(self) -> AbstractContextManager[Connection]: ...

    def writing(self) -> AbstractContextManager[Connection]: ...


class EngineSource:
    """Each call its own connection: reads take a deferred BEGIN, writes commit on exit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def reading(self) -> AbstractContextManager[Connection]:
        # ``kabar_read``: on SQLite a deferred BEGIN, so a reader never queues for the write
        # lock (see kabar.archive.sqlite); other backends ignore the option. Inside a shared
        # read (kabar.archive.read_scope) the scope's connection.
        return read_scope.reading(self.engine)

    def writing(self) -> AbstractContextManager[Connection]:
        return self.engine.begin()


class BoundSource:
    """Every call on one connection, inside a transaction its owner begins and commits."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def reading(self) -> AbstractContextManager[Connection]:
        return nullcontext(self.conn)

    def writing(self) -> AbstractContextManager[Connection]:
        return nullcontext(self.conn)


__all__ = ["BoundSource", "ConnectionSource", "EngineSource"]
