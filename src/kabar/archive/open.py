"""``open_archive(url)``: a path or ``sqlite:///…`` (SQLite, the default) or ``postgresql://…``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kabar.archive.base import Archive, Indexer
from kabar.archive.errors import ArchiveSettingError
from kabar.archive.sqlite import open_archive as open_sqlite

_POSTGRES = ("postgresql://", "postgresql+psycopg://", "postgres://")


def sqlite_path(url: str | Path) -> str | Path:
    """The file a path or ``sqlite:///…`` URL names (``:memory:`` stays as it is)."""
    text = str(url)
    if text.startswith("sqlite:///"):
        return text[len("sqlite:///") :] or ":memory:"
    if text == "sqlite://":
        return ":memory:"
    return url


def is_postgres(url: str | Path) -> bool:
    return str(url).startswith(_POSTGRES)


def open_archive(
    url: str | Path = "kabar.db", indexers: Sequence[Indexer] | None = None, *, read_only: bool = False
) -> Archive:
    """Open (and migrate, unless ``read_only``) the archive at ``url``.

    ``indexers`` are what ingest keeps current; writers pass ``kabar.wiring.default_indexers()``.
    """
    if is_postgres(url):
        from kabar.archive import postgres  # psycopg is loaded only by those who ask for it

        return postgres.open_postgres(str(url), indexers, read_only=read_only)
    text = str(url)
    if "://" in text and not text.startswith("sqlite://"):
        raise ArchiveSettingError(text[:80], "not a path, sqlite:/// or postgresql:// URL")
    return open_sqlite(sqlite_path(url), indexers, read_only=read_only)


__all__ = ["is_postgres", "open_archive", "sqlite_path"]
