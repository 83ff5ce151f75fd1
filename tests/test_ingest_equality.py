"""Ingest made faster answers as before: on 300 corpus articles ingested in batches (the path
``kabar ingest`` takes), the stories' membership, search's top ten and related news' top five
equal what the code before the throughput work (issue 13) gave, kept in
``fixtures/ingest/corpus300_before.json`` (written by :func:`snapshot` at commit 36c75ed).

The articles are the IndoSum dev set's 300 earliest in a dense time window (so stories gather
several articles), every tenth without a headline (its story features read the URL slug), the
outlet as the URL's host (so the story features drop later paragraphs naming the outlet).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.story_equality import corpus_articles as story_corpus

from backends import open_test_archive
from conftest import FIXTURES, shared_path
from kabar.archive.base import SearchQuery
from kabar.archive.batch_write import BatchArchive
from kabar.link.related import RelatedOptions, related
from kabar.model import Article
from kabar.wiring import default_indexers

N_ARTICLES = 300
START = 1200  # in publication order: mid-corpus, where the days are dense
BATCH = 64
QUERIES = ["presiden", "banjir jakarta", "harga minyak", '"menteri keuangan"', "polisi", "sepak bola"]
RELATED_OF = [1, 37, 90, 151, 222, 299]
GOLDEN = FIXTURES / "ingest" / "corpus300_before.json"


def corpus_articles() -> list[Article]:
    path = shared_path("corpus", "indosum-dev.jsonl")  # skips, saying so, without ../shared
    return story_corpus(path, START, N_ARTICLES)


def snapshot(archive: BatchArchive) -> dict[str, Any]:
    """What the throughput work must not change: story membership, search and related rankings."""
    ids = list(range(1, archive.count() + 1))
    stories: dict[int, list[int]] = {}
    for i in ids:
        sid = archive.stories.article_story(i)
        if sid is not None:
            stories.setdefault(sid, []).append(i)
    search = {
        q: [[h.id, round(h.score, 6)] for h in archive.search(SearchQuery(text=q, limit=10)).hits]
        for q in QUERIES
    }
    rel = {
        str(i): [[h.id, round(h.score, 6)] for h in related(archive, i, RelatedOptions(limit=5))]
        for i in RELATED_OF
    }
    return {"stories": sorted(stories.values()), "search": search, "related": rel}


def ingested(path: Path) -> dict[str, Any]:
    archive = open_test_archive(str(path), default_indexers(note_reach=False))
    assert isinstance(archive, BatchArchive)
    try:
        articles = corpus_articles()
        for i in range(0, len(articles), BATCH):
            results = archive.add_batch(articles[i : i + BATCH])
            assert all(r.error is None for r in results)
        return snapshot(archive)
    finally:
        archive.close()


def test_stories_search_and_related_as_before(tmp_path: Path) -> None:
    want = json.loads(GOLDEN.read_text(encoding="utf-8"))
    got = ingested(tmp_path / "a.db")
    assert any(len(s) > 2 for s in want["stories"]), "no story of three: the check would show little"
    assert got["stories"] == want["stories"]
    assert got["search"] == want["search"]
    assert got["related"] == want["related"]
