"""Search on real Indonesian news (the shared IndoSum corpus, first articles only)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from backends import open_test_archive
from conftest import BACKENDS, backend_url, shared_path
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer
from kabar.lang.analysis import analyze, tokenize
from kabar.model import Article
from kabar.sources.records import map_record

N = 200


def _corpus(n: int) -> list[Article]:
    path = shared_path("corpus", "indosum-dev.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in itertools.islice(fh, n):
            mapped = map_record(json.loads(line), str(path))
            assert mapped.article is not None
            out.append(mapped.article)
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def corpus_archive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CoreArchive]:
    articles = _corpus(N)
    with backend_url(request, tmp_path_factory.mktemp("corpus")) as url:
        archive = open_test_archive(url, indexers=[FtsIndexer()])
        for article in articles:
            archive.add(article)
        yield archive
        archive.close()


def test_ingest_twice_keeps_one_copy_and_one_index_entry(corpus_archive: CoreArchive) -> None:
    for article in _corpus(20):
        assert corpus_archive.add(article).status == "unchanged"
    assert corpus_archive.count() == N
    with corpus_archive.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one() == N


@pytest.mark.parametrize(("inflected", "root"), [("perdamaian", "damai"), ("pemerintahan", "perintah")])
def test_inflected_and_root_forms_find_the_same_articles(
    corpus_archive: CoreArchive, inflected: str, root: str
) -> None:
    a = corpus_archive.search(SearchQuery(text=inflected, limit=200))
    b = corpus_archive.search(SearchQuery(text=root, limit=200))
    assert a.total == b.total > 0
    assert {h.id for h in a.hits} == {h.id for h in b.hits}


def test_every_hit_really_holds_the_words(corpus_archive: CoreArchive) -> None:
    result = corpus_archive.search(SearchQuery(text="presiden jokowi", limit=50))
    assert result.total > 0
    for article in corpus_archive.get_many([h.id for h in result.hits]):
        terms = set(analyze(f"{article.headline}\n{article.body}"))
        assert {"presiden", "jokowi"} <= terms


def test_snippets_are_original_text_with_marks(corpus_archive: CoreArchive) -> None:
    result = corpus_archive.search(SearchQuery(text='"joko widodo"', limit=10))
    assert result.hits
    for hit in result.hits:
        assert "«" in hit.snippet and "»" in hit.snippet
        assert not set(tokenize(hit.snippet)) <= set(analyze(hit.snippet))  # not stems only
    assert any("«Joko» «Widodo»" in h.snippet for h in result.hits)


def test_newest_first_on_real_dates(corpus_archive: CoreArchive) -> None:
    result = corpus_archive.search(SearchQuery(text="jakarta", order="newest", limit=20))
    dates = [h.published for h in result.hits]
    assert len(dates) == 20 and all(d is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_outlet_filter(corpus_archive: CoreArchive) -> None:
    outlet = corpus_archive.outlets()[0].outlet
    result = corpus_archive.search(SearchQuery(text="indonesia", outlet=outlet, limit=50))
    assert result.total > 0 and all(h.outlet == outlet for h in result.hits)


def test_shared_data_path_is_real(shared: Path) -> None:
    assert (shared / "corpus" / "indosum-dev.jsonl").exists()
