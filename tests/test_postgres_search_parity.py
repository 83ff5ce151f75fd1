"""The same SearchQuery finds the same articles on SQLite (FTS5) and PostgreSQL (tsvector).

Both archives hold the same articles (the hand-written fixtures and the first IndoSum
articles); every query's total, message, hit set and snippets must agree, and newest-first
pages must agree in order. Only relevance scores differ (BM25 against ts_rank), so a
relevance page is compared as a set over all its matches.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backends import PgServer, open_test_archive
from conftest import shared_path
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.fts import FtsIndexer
from kabar.model import Article
from search_fixtures import Pair, corpus_articles

pytestmark = pytest.mark.postgres

QUERIES = [
    SearchQuery(text="damai"),
    SearchQuery(text="perdamaian"),
    SearchQuery(text="gencatan senjata rusia"),
    SearchQuery(text='"gencatan senjata"'),
    SearchQuery(text='"senjata gencatan"'),
    SearchQuery(text='"perdana menteri armenia"'),
    SearchQuery(text="cabai vietnam"),
    SearchQuery(text="Nagorno-Karabakh"),
    SearchQuery(text="yang dan"),
    SearchQuery(text=""),
    SearchQuery(text='"unbalanced'),
    SearchQuery(text="damai", outlet="tempo"),
    SearchQuery(text="damai", outlet="tidak-ada"),
    SearchQuery(text="damai", since=datetime(2021, 1, 1, tzinfo=UTC)),
    SearchQuery(text="damai", until=datetime(2021, 1, 1, tzinfo=UTC)),
    SearchQuery(text="presiden jokowi"),
    SearchQuery(text='"joko widodo"'),
    SearchQuery(text="pemerintahan"),
    SearchQuery(text="jakarta banjir"),
    SearchQuery(text="indonesia", since=datetime(2017, 1, 1, tzinfo=UTC)),
    SearchQuery(text="sepak bola piala"),
]


def _articles() -> list[Article]:
    return corpus_articles(shared_path("corpus", "indosum-dev.jsonl"), 300)


@pytest.fixture(scope="module")
def pair(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    articles = _articles()
    path: Path = tmp_path_factory.mktemp("parity") / "kabar.db"
    with pg_server.database() as url:
        both = Pair(
            open_test_archive(str(path), indexers=[FtsIndexer()]),
            open_test_archive(url, indexers=[FtsIndexer()]),
        )
        for article in articles:
            a, b = both.sqlite.add(article), both.postgresql.add(article)
            assert (a.id, a.status) == (b.id, b.status)
        yield both
        both.sqlite.close()
        both.postgresql.close()


def _everything(query: SearchQuery) -> SearchQuery:
    return SearchQuery(
        text=query.text,
        limit=200,
        outlet=query.outlet,
        since=query.since,
        until=query.until,
        order=query.order,
    )


def _agree(a: SearchResult, b: SearchResult) -> None:
    assert (a.total, a.message) == (b.total, b.message)
    assert {h.id: h.snippet for h in a.hits} == {h.id: h.snippet for h in b.hits}


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.text}|{q.outlet}|{q.since}|{q.until}")
def test_every_match_and_snippet_agree(pair: Pair, query: SearchQuery) -> None:
    _agree(pair.sqlite.search(_everything(query)), pair.postgresql.search(_everything(query)))


@pytest.mark.parametrize("text", ["jakarta", "presiden", "damai", '"joko widodo"'])
def test_newest_first_pages_agree_in_order(pair: Pair, text: str) -> None:
    for offset in (0, 7):
        query = SearchQuery(text=text, order="newest", limit=7, offset=offset)
        a, b = pair.sqlite.search(query), pair.postgresql.search(query)
        assert [h.id for h in a.hits] == [h.id for h in b.hits] and a.total == b.total


def test_headline_matches_rank_first_on_both(pair: Pair) -> None:
    for archive in (pair.sqlite, pair.postgresql):
        hits = archive.search(SearchQuery(text="banjir")).hits
        assert hits and hits[0].headline is not None and "banjir" in hits[0].headline.lower()
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_relevance_pages_partition_the_matches(pair: Pair) -> None:
    archive = pair.postgresql
    whole = {h.id for h in archive.search(SearchQuery(text="jakarta", limit=200)).hits}
    paged: list[int] = []
    for offset in range(0, len(whole), 10):
        paged += [h.id for h in archive.search(SearchQuery(text="jakarta", limit=10, offset=offset)).hits]
    assert len(paged) == len(set(paged)) and set(paged) == whole


def test_same_related_candidates_on_both(pair: Pair) -> None:
    from kabar.archive.term_records import MatchOptions

    terms = ["banjir", "jakarta", "presiden", "damai", "jokowi"]
    a = pair.sqlite.term_stats.match_terms(terms, MatchOptions(limit=500))
    b = pair.postgresql.term_stats.match_terms(terms, MatchOptions(limit=500))
    assert {s.id for s in a} == {s.id for s in b} and len(a) > 10
    assert pair.sqlite.term_stats.doc_frequencies(terms) == pair.postgresql.term_stats.doc_frequencies(terms)
    ids = [s.id for s in a[:20]]
    assert pair.sqlite.term_stats.indexed_terms(ids) == pair.postgresql.term_stats.indexed_terms(ids)
