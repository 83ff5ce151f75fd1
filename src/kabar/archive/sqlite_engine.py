"""Opening a SQLite archive: the engine, for writing or for reading, with faults said clearly.

A writer gets WAL, one ``BEGIN IMMEDIATE`` per article and migrations — but only after a
read-only look found an empty file or a kabar archive (another application's database
is refused before anything is written to it) and the file, its folder and its mount
are writable. A reader gets SQLite's ``mode=ro``: no migrations, no WAL switch,
``query_only``; on a read-only mount, where SQLite cannot create the WAL index
(``-shm``), ``immutable=1`` (nothing can change the file there).

Both: driver errors become archive errors (:mod:`kabar.archive.faults`), and every
connection and transaction first checks that the file at the path is still the one
opened — in WAL mode SQLite goes on writing into a deleted file without a word.
"""

from __future__ import annotations

import os
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine

from kabar.archive import faults, migrate
from kabar.archive.busy_timeout import busy_timeout
from kabar.archive.errors import ArchiveMissing, NotAnArchive
from kabar.archive.faults import FaultContext
from kabar.archive.schema_check import check_schema, refusal

MEMORY = ":memory:"


@dataclass(frozen=True, slots=True)
class SqliteOpen:
    path: str | Path
    read_only: bool = False
    migrate: bool = True
    busy_timeout: float | None = None  # seconds; None: $KABAR_BUSY_TIMEOUT, else 10


class FileWatch:
    """The file at the path must stay the file opened (not deleted, not replaced)."""

    def __init__(self, path: Path, context: FaultContext) -> None:
        self._path = path
        self._context = context
        self._identity: tuple[int, int] | None = None

    def capture(self) -> None:
        st = os.stat(self._path)
        self._identity = (st.st_dev, st.st_ino)

    def verify(self) -> None:
        if self._identity is None:
            return
        try:
            st = os.stat(self._path)
        except OSError:
            raise faults.gone(self._context) from None
        if (st.st_dev, st.st_ino) != self._identity:
            raise faults.gone(self._context)


def open_engine(request: SqliteOpen) -> Engine:
    """An engine on the archive, or an :class:`~kabar.archive.errors.ArchiveError` saying why not."""
    timeout = busy_timeout(request.busy_timeout)
    if str(request.path) == MEMORY:
        engine = _build(URL.create("sqlite"), FaultContext(MEMORY, timeout), read_only=False, watch=None)
        if request.migrate:
            migrate.upgrade(engine)
        return engine
    path = Path(request.path)
    context = FaultContext(where=str(request.path), busy_timeout=timeout, path=path)
    if path.is_dir():
        raise NotAnArchive(context.where, "a folder, not an archive file; pass a file's path with --db.")
    if request.read_only:
        return _open_reader(path, context)
    return _open_writer(path, context, request.migrate)


def _open_reader(path: Path, context: FaultContext) -> Engine:
    if not path.exists():
        raise faults.missing(context)
    engine = _reader_engine(path, context)
    try:
        with engine.connect() as conn:
            refused = refusal(check_schema(conn), context.where, writing=False)
        if refused is not None:
            raise refused
    except BaseException:
        engine.dispose()
        raise
    return engine


def _open_writer(path: Path, context: FaultContext, run_migrations: bool) -> Engine:
    if path.exists() and path.stat().st_size > 0:
        probe = _reader_engine(path, context)
        try:
            with probe.connect() as conn:
                check = check_schema(conn)
        finally:
            probe.dispose()
        refused = refusal(check, context.where, writing=True)
        if refused is not None:
            raise refused
    _require_writable(path, context)
    # Made here, empty (an empty file is an empty SQLite database), so that every connection
    # opens it with ``mode=rw``: one opened after the file was deleted fails instead of
    # making a new empty archive where the old one was.
    if not path.exists():
        path.touch()
    watch = FileWatch(path, context)
    watch.capture()
    url = URL.create("sqlite", database=path.resolve().as_uri(), query={"mode": "rw", "uri": "true"})
    engine = _build(url, context, read_only=False, watch=watch)
    try:
        if run_migrations:
            migrate.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _reader_engine(path: Path, context: FaultContext) -> Engine:
    # Without write access to the folder and without a WAL index left by a writer, SQLite
    # cannot open a WAL database even read-only; only ``immutable`` reads it then.
    immutable = not os.access(path.parent, os.W_OK) and not Path(f"{path}-shm").exists()
    query = {"mode": "ro", "uri": "true", **({"immutable": "1"} if immutable else {})}
    url = URL.create("sqlite", database=path.resolve().as_uri(), query=query)
    watch = FileWatch(path, context)
    engine = _build(url, context, read_only=True, watch=watch)
    watch.capture()
    return engine


def _require_writable(path: Path, context: FaultContext) -> None:
    folder = path.parent
    if not folder.exists():
        raise ArchiveMissing(
            context.where, f"the folder {folder} does not exist; create it or choose another --db."
        )
    # The folder too: SQLite creates the WAL and its index (or a journal) beside the file.
    if (path.exists() and not os.access(path, os.W_OK)) or not os.access(folder, os.W_OK):
        raise faults.read_only(context)


# The file watch of each engine on a file, for those that must notice a deleted or replaced
# archive without a query (the portal's change stamp answers from cache otherwise).
_WATCHES: weakref.WeakKeyDictionary[Engine, FileWatch] = weakref.WeakKeyDictionary()


def file_watch(engine: Engine) -> FileWatch | None:
    """The watch on the file behind ``engine`` (None for ``:memory:`` or another backend)."""
    return _WATCHES.get(engine)


def _build(url: URL, context: FaultContext, *, read_only: bool, watch: FileWatch | None) -> Engine:
    engine = create_engine(url, connect_args={"timeout": context.busy_timeout})
    if watch is not None:
        _WATCHES[engine] = watch

        # First: whatever a driver error says (cannot open, I/O error), a file that is no
        # longer the one opened is the cause to report.
        @event.listens_for(engine, "handle_error")
        def _on_error(_ctx: Any) -> None:
            watch.verify()

    faults.install(engine, context)

    # pysqlite's own transaction handling begins lazily and never for DDL; take it
    # over so that one ingest is one real BEGIN IMMEDIATE … COMMIT, all or nothing.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if watch is not None:
            watch.verify()  # else SQLite would make a new empty file where the archive was
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if read_only:
            cur.execute("PRAGMA query_only=ON")
        else:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if watch is not None:
            watch.verify()
        # Reads marked ``kabar_read`` take a deferred BEGIN: with IMMEDIATE every reader
        # queues for the write lock and SQLite's busy handler sleeps up to 100 ms a try
        # (16 reading threads: 495 → 1,023 gets/s, worst case 2.7 s → 0.3 s; benchmarks.serve).
        deferred = read_only or conn.get_execution_options().get("kabar_read", False)
        conn.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")

    return engine


__all__ = ["MEMORY", "FileWatch", "SqliteOpen", "file_watch", "open_engine"]
