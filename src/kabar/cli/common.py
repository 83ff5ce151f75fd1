"""What every command shares: the default archive path, errors as one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console

if TYPE_CHECKING:
    from kabar.archive.sqlite import SqliteArchive

DEFAULT_DB = Path("kabar.db")

DbOption = typer.Option(DEFAULT_DB, "--db", help="The SQLite archive (default ./kabar.db).")


def err_console() -> Console:
    return Console(stderr=True, highlight=False)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr, no traceback, a non-zero exit."""
    err_console().print(f"[bold red]kabar:[/] {message}", markup=True, soft_wrap=True)
    raise typer.Exit(code)


def open_existing(db: Path) -> SqliteArchive:
    """Open an archive that must already exist (reads never create an empty one)."""
    from kabar.archive.sqlite import open_archive

    if str(db) != ":memory:" and not db.exists():
        fail(f"no archive at {db} (create one with `kabar ingest PATH --db {db}`)")
    try:
        return open_archive(db)
    except Exception as exc:  # a corrupt or foreign file: say so, don't dump a traceback
        fail(f"{db}: not a kabar archive ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
