"""A bulk build's story state (kabar.archive.bulk_story_state): the clustering answers from what the
build wrote, without reading the story tables for every article, and still as ingest would — with
little memory, and after another writer changed the tables between chunks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kabar.archive import bulk_story_state
from kabar.archive.bulk_index import build_pending
from kabar.archive.bulk_stories import BufferedStoryStore
from kabar.archive.bulk_story_state import StoryBuildState
from kabar.archive.sql_source import BoundSource
from kabar.archive.story_store import SqlStoryStore
from kabar.understand.story_cluster import DOCS_KEY
from kabar.wiring import default_indexers
from test_bulk_ingest import (
    _fresh,
    _indexed_one_by_one,
    _open,
    _second,
    _store_deferred,
    corpus_articles,
    view,
)


class _Reads:
    """Counts the story store's reads of the tables (document frequencies, candidates, centroids)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: dict[str, int] = {"df": 0, "candidates": 0, "load": 0}
        for name, owner, attr in (
            ("df", SqlStoryStore, "document_frequencies"),
            ("candidates", BufferedStoryStore, "_stored_hits"),
            ("load", SqlStoryStore, "load"),
        ):
            monkeypatch.setattr(owner, attr, self._counted(name, getattr(owner, attr)))

    def _counted(self, name: str, real: Any) -> Any:
        def counted(*args: Any, **kwargs: Any) -> Any:
            self.calls[name] += 1
            return real(*args, **kwargs)

        return counted


def test_a_first_bulk_load_clusters_without_reading_the_story_tables(
    archive_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        _store_deferred(archive, corpus_articles())
        reads = _Reads(monkeypatch)
        build_pending(archive, chunk=11)
        assert archive.stories.list_stories(limit=5, min_articles=1)  # stories were made
    finally:
        archive.close()
    # it wrote every story and count itself: nothing to ask the tables (was: each, per article)
    assert reads.calls == {"df": 0, "candidates": 0, "load": 0}


def test_a_build_with_little_memory_answers_as_one_by_one(
    archive_url: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles = corpus_articles()
    with _second(archive_url, request, tmp_path) as reference_url:
        want = _indexed_one_by_one(reference_url, articles)
    # two stories held, frequencies read a term at a time: the tables are asked again
    monkeypatch.setattr(bulk_story_state, "MAX_STORIES", 2)
    monkeypatch.setattr(bulk_story_state, "DF_PRELOAD", 0)
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        for a in _fresh(articles[:6]):  # an archive with stories already: a bulk load into it
            archive.add(a)
        _store_deferred(archive, articles[6:])
        reads = _Reads(monkeypatch)
        build_pending(archive, chunk=7)
        got = view(archive)
    finally:
        archive.close()
    assert reads.calls["df"] and reads.calls["candidates"] and reads.calls["load"]
    assert got.stories == want.stories


def test_another_writer_between_chunks_is_read_again(archive_url: str) -> None:
    articles = corpus_articles()
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        for a in _fresh(articles[:5]):
            archive.add(a)
        state = StoryBuildState()
        with archive.engine.begin() as conn:
            store = SqlStoryStore(BoundSource(conn))
            state.begin(conn)
            before = state.frequencies([DOCS_KEY], store.document_frequencies)[DOCS_KEY]
            state.settled(conn)
        archive.add(_fresh(articles[5:6])[0])  # ingest beside the build: one more document
        with archive.engine.begin() as conn:
            store = SqlStoryStore(BoundSource(conn))
            state.begin(conn)
            after = state.frequencies([DOCS_KEY], store.document_frequencies)[DOCS_KEY]
    finally:
        archive.close()
    assert (before, after) == (5, 6)
