"""What every command shares: the default archive path, errors as one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from kabar.archive import open_archive
from kabar.archive.base import Archive
from kabar.archive.errors import (
    ArchiveError,
    ArchiveMissing,
    ArchiveOutdated,
    ArchiveSettingError,
    ArchiveTooNew,
    NotAnArchive,
)
from kabar.archive.open import is_postgres, sqlite_path
from kabar.wiring import default_indexers

DEFAULT_DB = "kabar.db"

# A string, not a Path: a Path would fold ``postgresql://host/db`` into ``postgresql:/host/db``.
DbOption = typer.Option(
    DEFAULT_DB,
    "--db",
    envvar="KABAR_DB",
    help="The archive: a path, sqlite:///FILE or postgresql://… (default ./kabar.db; env KABAR_DB).",
)

# The exit status of a command stopped by a fault of the archive (busy, full, read-only,
# deleted, unreachable): what was stored before stays stored; the same command run again
# resumes. An archive that cannot be used as asked (not a kabar archive, missing, of
# another schema, a bad setting) ends with status 1: nothing was done.
EXIT_ARCHIVE_FAULT = 4
EXIT_REFUSED = 1
_REFUSALS = (NotAnArchive, ArchiveMissing, ArchiveOutdated, ArchiveTooNew, ArchiveSettingError)


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, no traceback, a non-zero exit."""
    err_console().print(f"[bold red]kabar:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def fail_archive(error: ArchiveError) -> NoReturn:
    fail(escape(str(error)), EXIT_REFUSED if isinstance(error, _REFUSALS) else EXIT_ARCHIVE_FAULT)


def archive_exists(db: str | Path) -> bool:
    """Whether ``db`` names an archive that is there already (a server's database: its server says)."""
    if is_postgres(db):
        return True
    path = sqlite_path(db)
    return str(path) == ":memory:" or Path(path).exists()


def open_existing(db: str | Path, *, write: bool = False) -> Archive:
    """Open an archive that must already exist, read-only unless ``write``.

    Reads never write: a reader never creates an archive, never migrates one, and is
    refused (before anything is written) a database that is not a kabar archive.
    """
    if not archive_exists(db):
        fail(f"no archive at {escape(str(db))} (create one with `kabar ingest PATH --db {escape(str(db))}`)")
    try:
        return open_archive(db, default_indexers() if write else None, read_only=not write)
    except ArchiveError as exc:
        fail_archive(exc)


def open_for_writing(db: str | Path) -> Archive:
    """Open an archive to store into, creating it when absent (never another application's database)."""
    try:
        return open_archive(db, default_indexers())
    except ArchiveError as exc:
        fail_archive(exc)


class KabarGroup(TyperGroup):
    """The ``kabar`` command group: an archive fault anywhere in a command ends it in one line.

    Driver errors that reached here untranslated (a module that talks to the driver
    itself) get the same translation; SQLAlchemy's own message, which holds the SQL
    statement and its parameters (an article's text), is never printed.
    """

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ArchiveError as exc:
            fail_archive(exc)
        except Exception as exc:  # translate() tells a storage fault from a bug (None: re-raised)
            error = _driver_fault(exc)
            if error is None:
                raise
            fail_archive(error)


def _driver_fault(exc: Exception) -> ArchiveError | None:
    from kabar.archive.busy_timeout import DEFAULT_BUSY_TIMEOUT, busy_timeout
    from kabar.archive.faults import FaultContext, translate

    if isinstance(exc, typer.Exit):  # click's Exit is a RuntimeError: a command ending, no fault
        return None
    try:
        waited = busy_timeout()
    except ArchiveError:  # a bad setting was reported where it was read
        waited = DEFAULT_BUSY_TIMEOUT
    return translate(exc, FaultContext(where="the archive", busy_timeout=waited))
