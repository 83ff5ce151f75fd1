"""Driver errors become archive errors here, for every backend, in one place.

Each backend calls :func:`install` on its engine: SQLAlchemy's ``handle_error`` hook sees
every driver error (statements, BEGIN and COMMIT, opening a connection) and an
:class:`~kabar.archive.errors.ArchiveError` replaces it. SQLAlchemy's own message
(``str(exc)``) carries the statement and its parameters — an article's whole JSON — so
it must never reach a user; the driver's error (its cause) holds no SQL.

SQLite errors are told apart by their result code (``sqlite_errorcode``, extended codes
included), PostgreSQL errors by their SQLSTATE, never by message text.
"""

from __future__ import annotations

import resource
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import DBAPIError

from kabar.archive.errors import (
    ArchiveBusy,
    ArchiveCorrupt,
    ArchiveError,
    ArchiveFull,
    ArchiveGone,
    ArchiveMissing,
    ArchiveReadOnly,
    ArchiveUnavailable,
    NotAnArchive,
)

# Free space below which an I/O error on write is taken for a full disk (SQLite reports
# ENOSPC as "disk full" only when the failing write was partial).
_NEARLY_FULL = 1 << 20


@dataclass(frozen=True, slots=True)
class FaultContext:
    """What a message needs to know about the archive."""

    where: str  # as the user names the archive: a path, or a URL without its password
    busy_timeout: float  # seconds a writer waits for another's lock
    path: Path | None = None  # the SQLite file (None: in memory, or a server database)


# -- the messages (one per kind; backends and pre-checks share them) ---------------------


def busy(context: FaultContext) -> ArchiveBusy:
    return ArchiveBusy(
        context.where,
        f"another process held the archive's write lock past the {context.busy_timeout:g} s busy "
        "timeout (another kabar writer, or a program with the database open); this step stored "
        "nothing. Run the command again when the other writer is done, or wait longer with "
        "KABAR_BUSY_TIMEOUT=SECONDS.",
    )


def read_only(context: FaultContext) -> ArchiveReadOnly:
    return ArchiveReadOnly(
        context.where,
        "the archive is read-only (a read-only file, folder or mount): kabar can read it but not "
        "store into it. To add to it, copy it somewhere writable and pass that path with --db.",
    )


def full(context: FaultContext) -> ArchiveFull:
    return ArchiveFull(
        context.where,
        "the disk is full (or the file reached its size limit); the article being stored was not "
        "kept, the ones before it are. Free some space and run the same command again: what is "
        "already stored is skipped.",
    )


def gone(context: FaultContext) -> ArchiveGone:
    return ArchiveGone(
        context.where,
        "the archive's file was deleted or replaced while kabar had it open; nothing written after "
        "that was kept. Run the command again (restart a server) to use the file now at this path.",
    )


def missing(context: FaultContext) -> ArchiveMissing:
    return ArchiveMissing(
        context.where, f"no archive there (create one with `kabar ingest PATH --db {context.where}`)."
    )


def not_a_database(context: FaultContext) -> NotAnArchive:
    return NotAnArchive(
        context.where,
        "not a database, so not a kabar archive; kabar leaves it untouched. Point --db at a kabar "
        "archive, or at a new file to start one.",
    )


def corrupt(context: FaultContext) -> ArchiveCorrupt:
    return ArchiveCorrupt(
        context.where,
        "the archive is damaged (the database reports corruption); restore it from a backup"
        + (f", or save what is readable with `sqlite3 {context.where} .recover`." if context.path else "."),
    )


def io_error(context: FaultContext) -> ArchiveUnavailable:
    return ArchiveUnavailable(
        context.where,
        "the disk reported an I/O error while reading or writing the archive; check the disk or "
        "mount and run the command again (each article is stored whole or not at all).",
    )


def cannot_open(context: FaultContext) -> ArchiveUnavailable:
    return ArchiveUnavailable(
        context.where,
        "cannot open the archive's file; check that its folder exists and that you may read and write there.",
    )


# -- translation ------------------------------------------------------------------------


def translate(exc: BaseException, context: FaultContext) -> ArchiveError | None:
    """The archive error for a driver error, or None when it is no storage fault (a bug: let it show)."""
    if isinstance(exc, ArchiveError):
        return exc
    orig: BaseException = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    if isinstance(orig, sqlite3.Error):
        return _from_sqlite(orig, context)
    if type(orig).__module__.partition(".")[0] in ("psycopg", "psycopg2"):
        return _from_postgres(orig, context)
    return None


@contextmanager
def translating(context: FaultContext) -> Iterator[None]:
    """Driver errors raised outside the engine's hook (opening a raw connection) as archive errors."""
    try:
        yield
    except (sqlite3.Error, DBAPIError) as exc:
        error = translate(exc, context)
        if error is None:
            raise
        raise error from (exc.orig if isinstance(exc, DBAPIError) else exc)


def install(engine: Engine, context: FaultContext) -> None:
    """Every driver error on this engine that is a storage fault leaves it as an archive error."""

    @event.listens_for(engine, "handle_error")
    def _on_error(ctx: ExceptionContext) -> None:
        if ctx.is_pre_ping:
            # The pool's liveness probe found a dropped connection (a restarted server):
            # SQLAlchemy must see the driver's error to replace it with a fresh one.
            return
        error = translate(ctx.original_exception, context)
        if error is not None:
            raise error from ctx.original_exception


# SQLite primary result codes (https://sqlite.org/rescode.html); the extended code's low byte.
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_PROTOCOL = 15
_SQLITE_NOTADB = 26
_SQLITE_READONLY_DBMOVED = _SQLITE_READONLY | (4 << 8)


def _from_sqlite(orig: sqlite3.Error, context: FaultContext) -> ArchiveError | None:
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    primary = code & 0xFF
    if primary in (_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_PROTOCOL):
        return busy(context)
    if code == _SQLITE_READONLY_DBMOVED:
        return gone(context)
    if primary == _SQLITE_READONLY:
        return read_only(context)
    if primary == _SQLITE_FULL:
        return full(context)
    if primary == _SQLITE_IOERR:
        return full(context) if _out_of_room(context.path) else io_error(context)
    if primary == _SQLITE_CORRUPT:
        return corrupt(context)
    if primary == _SQLITE_NOTADB:
        return not_a_database(context)
    if primary == _SQLITE_CANTOPEN:
        if context.path is not None and not context.path.exists():
            return missing(context)
        return cannot_open(context)
    if primary == _SQLITE_PERM:
        return read_only(context)
    return None


def _out_of_room(path: Path | None) -> bool:
    """Did a write fail for want of room? (SQLite reports EFBIG and some ENOSPC as plain I/O errors.)"""
    if path is None:
        return False
    try:
        if shutil.disk_usage(path.parent).free < _NEARLY_FULL:
            return True
        limit = resource.getrlimit(resource.RLIMIT_FSIZE)[0]
        if limit == resource.RLIM_INFINITY:
            return False
        sizes = [Path(f"{path}{suffix}") for suffix in ("", "-wal", "-journal")]
        largest = max((p.stat().st_size for p in sizes if p.exists()), default=0)
    except OSError:
        return False
    return largest + _NEARLY_FULL >= limit


# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html).
_PG_BUSY = {"55P03", "40P01", "40001", "57014"}  # lock not available, deadlock, serialization, timeout
_PG_READ_ONLY = {"25006", "42501"}  # read-only transaction, insufficient privilege
_PG_CORRUPT = {"XX001", "XX002"}
_PG_UNAVAILABLE = {"57P01", "57P02", "57P03", "53300"}  # shutting down, starting up, too many clients


def _from_postgres(orig: BaseException, context: FaultContext) -> ArchiveError | None:
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    first_line = (str(orig).strip().splitlines() or [""])[0][:200]
    if state in _PG_BUSY:
        return busy(context)
    if state == "53100":
        return full(context)
    if state in _PG_READ_ONLY:
        return read_only(context)
    if state in _PG_CORRUPT:
        return corrupt(context)
    if state == "3D000":
        return ArchiveMissing(
            context.where, "the database does not exist; create it (createdb NAME) or correct the URL."
        )
    if state is not None and state.startswith("28"):
        return ArchiveUnavailable(
            context.where,
            f"the server refused the login ({first_line}); check the user and password in the URL.",
        )
    if state == "58030":
        return io_error(context)
    # No SQLSTATE: the connection itself failed (refused, reset, server gone mid-transaction).
    unreachable = state is None and type(orig).__name__ in ("OperationalError", "InterfaceError")
    if unreachable or (state is not None and (state.startswith("08") or state in _PG_UNAVAILABLE)):
        return ArchiveUnavailable(
            context.where,
            f"cannot reach the database server ({first_line}); check that it is running and the URL, "
            "then run the command again (each article is stored whole or not at all).",
        )
    return None


__all__ = [
    "FaultContext",
    "busy",
    "cannot_open",
    "corrupt",
    "full",
    "gone",
    "install",
    "io_error",
    "missing",
    "not_a_database",
    "read_only",
    "translate",
    "translating",
]
