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
from enum import Enum
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


# -- the messages: one row per fault (backends and pre-checks share them) -----------------


class Fault(Enum):
    """A storage fault: the error it raises and its message.

    The message is a ``str.format`` template over ``where`` (the archive as the user names
    it), ``busy_timeout``, ``recover`` (how to save a damaged SQLite file's readable part,
    empty elsewhere) and ``detail`` (the first line of the server's own error).
    """

    BUSY = (
        ArchiveBusy,
        "another process held the archive's write lock past the {busy_timeout:g} s busy timeout "
        "(another kabar writer, or a program with the database open); this step stored nothing. "
        "Run the command again when the other writer is done, or wait longer with "
        "KABAR_BUSY_TIMEOUT=SECONDS.",
    )
    READ_ONLY = (
        ArchiveReadOnly,
        "the archive is read-only (a read-only file, folder or mount): kabar can read it but not "
        "store into it. To add to it, copy it somewhere writable and pass that path with --db.",
    )
    FULL = (
        ArchiveFull,
        "the disk is full (or the file reached its size limit); the article being stored was not "
        "kept, the ones before it are. Free some space and run the same command again: what is "
        "already stored is skipped.",
    )
    GONE = (
        ArchiveGone,
        "the archive's file was deleted or replaced while kabar had it open; nothing written after "
        "that was kept. Run the command again (restart a server) to use the file now at this path.",
    )
    MISSING = (ArchiveMissing, "no archive there (create one with `kabar ingest PATH --db {where}`).")
    NO_DATABASE = (
        ArchiveMissing,
        "the database does not exist; create it (createdb NAME) or correct the URL.",
    )
    NOT_A_DATABASE = (
        NotAnArchive,
        "not a database, so not a kabar archive; kabar leaves it untouched. Point --db at a kabar "
        "archive, or at a new file to start one.",
    )
    CORRUPT = (
        ArchiveCorrupt,
        "the archive is damaged (the database reports corruption); restore it from a backup{recover}.",
    )
    IO_ERROR = (
        ArchiveUnavailable,
        "the disk reported an I/O error while reading or writing the archive; check the disk or "
        "mount and run the command again (each article is stored whole or not at all).",
    )
    CANNOT_OPEN = (
        ArchiveUnavailable,
        "cannot open the archive's file; check that its folder exists and that you may read and write there.",
    )
    LOGIN_REFUSED = (
        ArchiveUnavailable,
        "the server refused the login ({detail}); check the user and password in the URL.",
    )
    UNREACHABLE = (
        ArchiveUnavailable,
        "cannot reach the database server ({detail}); check that it is running and the URL, "
        "then run the command again (each article is stored whole or not at all).",
    )

    def __init__(self, kind: type[ArchiveError], message: str) -> None:
        self.kind = kind
        self.message = message

    def error(self, context: FaultContext, detail: str = "") -> ArchiveError:
        recover = (
            f", or save what is readable with `sqlite3 {context.where} .recover`" if context.path else ""
        )
        text = self.message.format(
            where=context.where, busy_timeout=context.busy_timeout, recover=recover, detail=detail
        )
        return self.kind(context.where, text)


# What the backends and pre-checks call (``faults.busy(context)``, …).
busy = Fault.BUSY.error
read_only = Fault.READ_ONLY.error
full = Fault.FULL.error
gone = Fault.GONE.error
missing = Fault.MISSING.error
not_a_database = Fault.NOT_A_DATABASE.error
corrupt = Fault.CORRUPT.error
io_error = Fault.IO_ERROR.error
cannot_open = Fault.CANNOT_OPEN.error


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


# SQLite result codes (https://sqlite.org/rescode.html): an extended code is looked up whole,
# then by its primary code (its low byte).
_SQLITE_READONLY = 8
_SQLITE_FAULTS = {
    3: Fault.READ_ONLY,  # SQLITE_PERM
    5: Fault.BUSY,  # SQLITE_BUSY
    6: Fault.BUSY,  # SQLITE_LOCKED
    _SQLITE_READONLY: Fault.READ_ONLY,
    _SQLITE_READONLY | (4 << 8): Fault.GONE,  # SQLITE_READONLY_DBMOVED
    10: Fault.IO_ERROR,  # SQLITE_IOERR
    11: Fault.CORRUPT,  # SQLITE_CORRUPT
    13: Fault.FULL,  # SQLITE_FULL
    14: Fault.CANNOT_OPEN,  # SQLITE_CANTOPEN
    15: Fault.BUSY,  # SQLITE_PROTOCOL
    26: Fault.NOT_A_DATABASE,  # SQLITE_NOTADB
}


def _from_sqlite(orig: sqlite3.Error, context: FaultContext) -> ArchiveError | None:
    code = getattr(orig, "sqlite_errorcode", None)
    if not isinstance(code, int):
        return None
    fault = _SQLITE_FAULTS.get(code) or _SQLITE_FAULTS.get(code & 0xFF)
    # Two codes say less than the file does: an I/O error for want of room is a full disk,
    # and a file that cannot be opened because it is not there is a missing archive.
    if fault is Fault.IO_ERROR and _out_of_room(context.path):
        fault = Fault.FULL
    elif fault is Fault.CANNOT_OPEN and context.path is not None and not context.path.exists():
        fault = Fault.MISSING
    return fault.error(context) if fault is not None else None


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


# PostgreSQL SQLSTATE codes (https://www.postgresql.org/docs/current/errcodes-appendix.html),
# looked up whole, then by their class (the first two characters).
_PG_FAULTS = {
    "55P03": Fault.BUSY,  # lock not available
    "40P01": Fault.BUSY,  # deadlock
    "40001": Fault.BUSY,  # serialization failure
    "57014": Fault.BUSY,  # statement timeout
    "53100": Fault.FULL,  # disk full
    "25006": Fault.READ_ONLY,  # read-only transaction
    "42501": Fault.READ_ONLY,  # insufficient privilege
    "XX001": Fault.CORRUPT,
    "XX002": Fault.CORRUPT,
    "3D000": Fault.NO_DATABASE,
    "58030": Fault.IO_ERROR,
    "57P01": Fault.UNREACHABLE,  # shutting down
    "57P02": Fault.UNREACHABLE,
    "57P03": Fault.UNREACHABLE,  # starting up
    "53300": Fault.UNREACHABLE,  # too many clients
}
_PG_CLASSES = {"28": Fault.LOGIN_REFUSED, "08": Fault.UNREACHABLE}  # authorization, connection


def _from_postgres(orig: BaseException, context: FaultContext) -> ArchiveError | None:
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state is not None:
        fault = _PG_FAULTS.get(state) or _PG_CLASSES.get(state[:2])
    elif type(orig).__name__ in ("OperationalError", "InterfaceError"):
        # No SQLSTATE: the connection itself failed (refused, reset, server gone mid-transaction).
        fault = Fault.UNREACHABLE
    else:
        fault = None
    if fault is None:
        return None
    return fault.error(context, detail=(str(orig).strip().splitlines() or [""])[0][:200])


__all__ = [
    "Fault",
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
