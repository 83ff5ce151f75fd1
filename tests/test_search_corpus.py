"""Search on real Indonesian news (the shared IndoSum corpus, first articles only)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import shared_path
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
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


@pytest.fixture(scope="module")
def corpus_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SqliteArchive]:
    articles = _corpus(N)
    path = tmp_path_factory.mktemp("corpus") / "kabar.db"
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[FtsIndexer()]))
    for article in articles:
        archive.add(article)
    yield archive
    archive.close()


def test_ingest_twice_keeps_one_copy_and_one_index_entry(corpus_archive: SqliteArchive) -> None:
    for article in _corpus(20):
        assert corpus_archive.add(article).status == "unchanged"
    assert corpus_archive.count() == N
    with corpus_archive.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        assert raw.execute("SELECT count(*) FROM search_docs").fetchone()[0] == N


@pytest.mark.parametrize(("inflected", "root"), [("perdamaian", "damai"), ("pemerintahan", "perintah")])
def test_inflected_and_root_forms_find_the_same_articles(
    corpus_archive: SqliteArchive, inflected: str, root: str
) -> None:
    a = corpus_archive.search(SearchQuery(text=inflected, limit=200))
    b = corpus_archive.search(SearchQuery(text=root, limit=200))
    assert a.total == b.total > 0
    assert {h.id for h in a.hits} == {h.id for h in b.hits}


def test_every_hit_really_holds_the_words(corpus_archive: SqliteArchive) -> None:
    result = corpus_archive.search(SearchQuery(text="presiden jokowi", limit=50))
    assert result.total > 0
    for article in corpus_archive.get_many([h.id for h in result.hits]):
        terms = set(analyze(f"{article.headline}\n{article.body}"))
        assert {"presiden", "jokowi"} <= terms


def test_snippets_are_original_text_with_marks(corpus_archive: SqliteArchive) -> None:
    result = corpus_archive.search(SearchQuery(text='"joko widodo"', limit=10))
    assert result.hits
    for hit in result.hits:
        assert "«" in hit.snippet and "»" in hit.snippet
        assert not set(tokenize(hit.snippet)) <= set(analyze(hit.snippet))  # not stems only
    assert any("«Joko» «Widodo»" in h.snippet for h in result.hits)


def test_newest_first_on_real_dates(corpus_archive: SqliteArchive) -> None:
    result = corpus_archive.search(SearchQuery(text="jakarta", order="newest", limit=20))
    dates = [h.published for h in result.hits]
    assert len(dates) == 20 and all(d is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]


def test_outlet_filter(corpus_archive: SqliteArchive) -> None:
    outlet = corpus_archive.outlets()[0].outlet
    result = corpus_archive.search(SearchQuery(text="indonesia", outlet=outlet, limit=50))
    assert result.total > 0 and all(h.outlet == outlet for h in result.hits)


def test_shared_data_path_is_real(shared: Path) -> None:
    assert (shared / "corpus" / "indosum-dev.jsonl").exists()
