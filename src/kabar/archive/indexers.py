"""The indexers ingest keeps current, in the order they run."""

from __future__ import annotations

from kabar.archive.base import Indexer


def default_indexers() -> list[Indexer]:
    # Imported here, not at module import, so that opening an archive costs only
    # what it uses and no stage holds hidden global state.
    from kabar.archive.fts import FtsIndexer
    from kabar.link.dedup import DedupIndexer
    from kabar.understand.store import EntityIndexer
    from kabar.understand.stories import StoryIndexer

    return [FtsIndexer(), DedupIndexer(), EntityIndexer(), StoryIndexer()]
