"""Which indexers ingest keeps current, in the order they run: assembled here, at the top.

The archive cannot name them itself: the near-duplicate indexer lives in :mod:`kabar.link`,
above the archive (see the layer rule in docs/ARCHITECTURE.md). Every writer opens its
archive with this list (``open_archive(db, indexers=default_indexers())``).
"""

from __future__ import annotations

from pathlib import Path

from kabar.archive import open_archive as open_bare
from kabar.archive.base import Archive, Indexer
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.fts import FtsIndexer
from kabar.archive.story_indexer import StoryIndexer
from kabar.link.dedup import DedupIndexer


def default_indexers() -> list[Indexer]:
    return [FtsIndexer(), DedupIndexer(), EntityIndexer(), StoryIndexer()]


def open_archive(url: str | Path = "kabar.db", *, read_only: bool = False) -> Archive:
    """The archive at ``url`` (a path, ``sqlite:///…`` or ``postgresql://…``) with the default
    indexers: what ``kabar.open_archive`` gives a library user who means to ingest."""
    return open_bare(url, None if read_only else default_indexers(), read_only=read_only)


__all__ = ["default_indexers", "open_archive"]
