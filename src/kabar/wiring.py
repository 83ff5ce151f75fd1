"""Which indexers ingest keeps current, in the order they run: assembled here, at the top.

The archive cannot name them itself: the near-duplicate indexer lives in :mod:`kabar.link`,
above the archive (see the layer rule in docs/ARCHITECTURE.md). Every writer opens its
archive with this list (``open_archive(db, indexers=default_indexers())``).
"""

from __future__ import annotations

import os
from pathlib import Path

from kabar.archive import open_archive as open_bare
from kabar.archive.base import Archive, Indexer
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.fts import FtsIndexer
from kabar.archive.story_indexer import StoryIndexer
from kabar.lang.analysis import default_analyzer
from kabar.link.change_reach import ReachIndexer
from kabar.link.dedup import DedupIndexer

INVALIDATION_MODES = ("targeted", "stamp")


def cache_invalidation_from_env() -> str:
    """How the portal's cache drops answers on a commit: KABAR_CACHE_INVALIDATION, "stamp" by default.

    An environment variable, not only an option, because it is a setting of the whole deployment:
    `kabar serve` and its worker processes read it to choose how they drop answers, and the
    writers (`kabar ingest`, the engine, the API's ingest) to choose whether each commit's change
    log row names the pages it reaches. "stamp" by default still: on a machine loaded by a fuzz
    run, with 50 clients and an ingest landing 4 articles/s into the 301-article example archive,
    targeted cost 26-28 ms of server CPU a request (40-45% hits) against stamp's 10-11 ms (0%)
    in two runs of benchmarks/serve.py --ingest-only. Likely cause, unverified: a page targeted
    drops is rendered with its related news ranked afresh, while stamp keeps the ranking cache
    (and its up-to-5-minute-old related box).
    """
    value = os.environ.get("KABAR_CACHE_INVALIDATION", "stamp").strip().lower()
    return value if value in INVALIDATION_MODES else "stamp"


def default_indexers(note_reach: bool | None = None) -> list[Indexer]:
    """The indexers every writer runs; ``note_reach`` (default: the targeted cache mode is set)
    adds the one that names, in the change log, the pages a new article reaches. It costs about
    7 ms of CPU an article, which only the targeted mode uses."""
    if note_reach is None:
        note_reach = cache_invalidation_from_env() == "targeted"
    # One analyser for search and stories: the archive's indexing pass (archive/index_pass.py)
    # then analyses each article's text once and hands the same terms to both.
    analyzer = default_analyzer()
    indexers: list[Indexer] = [
        FtsIndexer(analyzer=analyzer),
        DedupIndexer(),
        EntityIndexer(),
        StoryIndexer(analyzer=analyzer),
    ]
    if not note_reach:
        return indexers
    # The reach last: it ranks the article against the search index as the others left it; its
    # look at the story an updated article leaves first, before the story indexer moves it.
    reach = ReachIndexer()
    return [reach.story_left, *indexers, reach]


def open_archive(url: str | Path = "kabar.db", *, read_only: bool = False) -> Archive:
    """The archive at ``url`` (a path, ``sqlite:///…`` or ``postgresql://…``) with the default
    indexers: what ``kabar.open_archive`` gives a library user who means to ingest."""
    return open_bare(url, None if read_only else default_indexers(), read_only=read_only)


__all__ = ["INVALIDATION_MODES", "cache_invalidation_from_env", "default_indexers", "open_archive"]
