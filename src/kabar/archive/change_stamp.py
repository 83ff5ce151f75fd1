"""The archive's change counter: a cheap stamp that moves whenever anyone commits a change.

The portal keeps rendered pages and API answers until the archive changes; it asks for
the stamp on every request, so reading it must cost microseconds, and it must see
commits from every writer: this process, another worker, a ``kabar ingest`` running
beside the server.

- SQLite file: ``PRAGMA data_version`` on a connection of its own that never writes. It
  changes when any other connection, in any process, commits; it is read from the WAL
  index in shared memory, without a query plan or a read transaction.
- PostgreSQL: the change log's position and the highest article id
  (:mod:`kabar.archive.change_log`; two index look-ups). It used to be the server's WAL
  position, which moves on any write anywhere in the cluster — another database, autovacuum,
  a checkpoint, even a reader pruning a page — so every one of those emptied the portal's
  cache. An archive without the log (not migrated, opened read-only) still uses the WAL position.
- SQLite, as well: the commits made through this archive's own engine (SQLAlchemy's
  ``commit`` event), which covers an in-memory database that no second connection sees.

The stamp is opaque: equal stamps mean nothing was committed in between, nothing more.
What a change was is the change log's to say: :meth:`ChangeWatch.read_changes`.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine

from kabar.archive import change_log
from kabar.archive.base import Archive
from kabar.archive.change_log import ChangeBatch, LogPosition
from kabar.archive.sqlite_engine import FileWatch, file_watch

log = logging.getLogger(__name__)


class ChangeWatch:
    """Reads the stamp of one archive; one per process (a worker opens its own)."""

    def __init__(self, engine: Engine | None) -> None:
        self._engine = engine
        self._local = 0  # commits through this process's engine
        self._lock = threading.Lock()
        self._sqlite: sqlite3.Connection | None = None
        self._file: FileWatch | None = None
        self._postgres = False
        self.logged = False  # the archive keeps a change log (migration 0008_change_log)
        self.reach = False  # … whose rows name the pages they touch (0009_change_reach)
        if engine is None:
            return
        self.logged = inspect(engine).has_table(change_log.change_log.name)
        # Rows name the pages they touch (0009_change_reach); without the column every row is
        # read as touching everything. Looked at once: a migration while this process runs
        # only leaves it on the safe side.
        if self.logged:
            with engine.connect() as conn:
                self.reach = change_log.has_reach(conn)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "commit", self._committed)
            self._sqlite = _watch_connection(engine)
            self._file = file_watch(engine)
        elif engine.dialect.name == "postgresql":
            self._postgres = True

    def _committed(self, _conn: Any) -> None:
        with self._lock:
            self._local += 1

    def stamp(self) -> str:
        if self._file is not None:
            # A deleted or replaced file keeps its old data_version on the open descriptor:
            # without this check the portal would answer from cache about an archive that is gone.
            self._file.verify()
        with self._lock:
            local = self._local
            if self._sqlite is not None:
                row = self._sqlite.execute("PRAGMA data_version").fetchone()
                return f"{local}.{row[0]}"
        if self._postgres and self._engine is not None:
            if self.logged:
                where = self.position()
                return f"{where.seq}.{where.articles_max}"
            with self._engine.connect() as conn:
                return str(conn.execute(_PG_POSITION).scalar_one())
        return str(local)

    def position(self) -> LogPosition:
        """Where the change log stands (zeros for an archive without one)."""
        if self._engine is None or not self.logged:
            return LogPosition(0, 0)
        with self._engine.connect().execution_options(kabar_read=True) as conn:
            return change_log.position(conn)

    def read_changes(self, since: int, articles_max: int) -> ChangeBatch:
        """What was committed after log position ``since`` (``articles_max``: the highest article
        id known then). Without a log every batch is incomplete: everything may have changed."""
        if self._engine is None or not self.logged:
            return ChangeBatch(since, since, articles_max, (), complete=False)
        with self._engine.connect().execution_options(kabar_read=True) as conn:
            return change_log.changes_since(conn, since, articles_max, reach=self.reach)

    def close(self) -> None:
        if self._engine is not None and event.contains(self._engine, "commit", self._committed):
            event.remove(self._engine, "commit", self._committed)
        with self._lock:
            if self._sqlite is not None:
                self._sqlite.close()
                self._sqlite = None


_PG_POSITION = text(
    "SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text "
    "ELSE pg_current_wal_lsn()::text END"
)


def _watch_connection(engine: Engine) -> sqlite3.Connection | None:
    """A read-only connection of its own on the archive file (None for ``:memory:``).

    Opened as the engine opens the file (an ``immutable`` reader on a read-only mount stays
    so: nothing can change there), but always ``mode=ro``. If it cannot be opened, only this
    process's own commits are counted, and a warning says so.
    """
    database = engine.url.database
    if not database or database == ":memory:":
        return None
    # The engine's database is a file: URI with its options in the URL's query (see
    # sqlite_engine); a plain path otherwise.
    base = database if database.startswith("file:") else Path(database).resolve().as_uri()
    params = [
        f"{k}={v}" for k, v in engine.url.query.items() if k not in ("mode", "uri") and isinstance(v, str)
    ]
    try:
        conn = sqlite3.connect(
            f"{base}?{'&'.join(['mode=ro', *params])}",
            uri=True,
            check_same_thread=False,
            isolation_level=None,
        )
        conn.execute("PRAGMA query_only=ON")
        conn.execute("PRAGMA data_version").fetchone()
    except sqlite3.Error as exc:
        log.warning(
            "cannot watch %s for changes by other processes (%s); only this one's are seen", base, exc
        )
        return None
    return conn


def watch_changes(archive: Archive) -> ChangeWatch:
    """The change watch for an open archive (any backend; an unknown one counts its own commits)."""
    engine = getattr(archive, "engine", None)
    return ChangeWatch(engine if isinstance(engine, Engine) else None)


__all__ = ["ChangeBatch", "ChangeWatch", "LogPosition", "watch_changes"]
