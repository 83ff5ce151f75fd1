"""The default archive: one SQLite file in WAL mode, through SQLAlchemy Core."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kabar.archive.articles_core import article_row
from kabar.archive.base import Indexer
from kabar.archive.batch_write import BatchArchive
from kabar.archive.fts import FtsSearch
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.sqlite_engine import SqliteOpen, open_engine


@dataclass(slots=True)
class ArchiveOptions:
    path: str | Path = "kabar.db"
    indexers: Sequence[Indexer] | None = (
        None  # None: none (kabar.wiring.default_indexers() is the usual list)
    )
    migrate: bool = True
    # Reading only: SQLite's mode=ro, no migrations, no WAL switch (reads never write).
    read_only: bool = False
    busy_timeout: float | None = None  # seconds a writer waits for a lock; None: $KABAR_BUSY_TIMEOUT or 10


class SqliteArchive(BatchArchive):
    """An :class:`~kabar.archive.base.Archive` over one SQLite file (the rules: :mod:`articles_core`)."""

    def __init__(self, options: ArchiveOptions | None = None) -> None:
        self.options = options or ArchiveOptions()
        engine = open_engine(
            SqliteOpen(
                path=self.options.path,
                read_only=self.options.read_only,
                migrate=self.options.migrate,
                busy_timeout=self.options.busy_timeout,
            )
        )
        super().__init__(engine, f"sqlite:///{self.options.path}", self.options.indexers)

    def search_stores(self, source: ConnectionSource) -> FtsSearch:
        return FtsSearch(source)


def open_archive(
    path: str | Path = "kabar.db", indexers: Sequence[Indexer] | None = None, *, read_only: bool = False
) -> SqliteArchive:
    return SqliteArchive(ArchiveOptions(path=path, indexers=indexers, read_only=read_only))


__all__ = ["ArchiveOptions", "SqliteArchive", "article_row", "open_archive"]
