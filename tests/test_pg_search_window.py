"""PostgreSQL search's window and ranking (kabar.archive.pg_search, pg_related).

A reader's search ranks the newest matches by FTS5's BM25 on both backends. On PostgreSQL
the window of newest matches and the bounded total of plain words come from related news'
postings; these tests hold them to what the tsvector itself answers (the window, the
total) and to what SQLite's FTS5 answers (the scores), on the same archive on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from backends import PgServer, open_test_archive
from conftest import shared_path
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.bulk_load import BulkArticle, open_bulk_load
from kabar.archive.fts import FtsIndexer
from kabar.archive.pg_related import PgRelatedStats
from kabar.archive.pg_search import PgSearch, _group_clauses, _where, _word_clauses
from kabar.archive.search_flow import PhraseMatch
from kabar.archive.search_parse import parse_query
from kabar.archive.sql_source import BoundSource
from kabar.archive.term_records import article_terms
from kabar.model import Article
from search_fixtures import Pair, corpus_articles

pytestmark = pytest.mark.postgres

# Plain words (one, several, common and rare), words the parser expands into a group of
# one-word alternatives, words no article holds.
WORDS = [
    "jakarta",
    "presiden",
    "damai",
    "banjir",
    "pemerintah indonesia",
    "presiden jokowi jakarta",
    "sepak bola piala",
    "harga cabai",
    "fitur",
    "xyzzy",
    "jakarta xyzzy",
]
# Groups that come to clauses of words only with AND between the phrases: an abbreviation's
# long form of single words ((tentara & nasional) | tni, distributed), reduplications whose
# phrase alternative ("rekan rekan") is absorbed by the bare word.
GROUPED = ["tentara nasional", "menteri pendidikan", "rekan-rekannya", "orang-orang", "kota-kota besar"]
# Phrases, groups with phrase alternatives, filters: the GIN index chooses the window.
OTHERS = [
    SearchQuery(text='"joko widodo"'),
    SearchQuery(text="PBB"),
    SearchQuery(text="jakarta", outlet="tempo"),
]


def _articles() -> list[Article]:
    return corpus_articles(shared_path("corpus", "indosum-dev.jsonl"), 250)


def _load(archive: CoreArchive, articles: list[Article]) -> None:
    loader = open_bulk_load(archive)
    loader.add([BulkArticle(i + 1, a, article_terms(a)) for i, a in enumerate(articles)])
    loader.finish()


@pytest.fixture(scope="module")
def pair(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    articles = _articles()
    path: Path = tmp_path_factory.mktemp("window") / "kabar.db"
    with pg_server.database() as url:
        both = Pair(
            open_test_archive(str(path), indexers=[FtsIndexer()]),
            open_test_archive(url, indexers=[FtsIndexer()]),
        )
        _load(both.sqlite, articles)
        _load(both.postgresql, articles)
        yield both
        both.sqlite.close()
        both.postgresql.close()


def _match(query: str, operator: str = "AND") -> PhraseMatch:
    phrases = tuple(parse_query(query).phrases)
    return PhraseMatch(phrases, "AND" if operator == "AND" else "OR")


def _gin_window(conn: object, match: PhraseMatch, candidates: int) -> list[int]:
    where = _where(match)
    sql = f"SELECT id FROM search_docs WHERE {where.sql} ORDER BY id DESC LIMIT :cand"
    return [int(r[0]) for r in conn.execute(text(sql), {**where.params, "cand": candidates})]  # type: ignore[attr-defined]


def _gin_count(conn: object, match: PhraseMatch, bound: int) -> int:
    where = _where(match)
    sql = f"SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE {where.sql} LIMIT :b) m"
    return int(conn.execute(text(sql), {**where.params, "b": bound}).scalar_one())  # type: ignore[attr-defined]


@pytest.mark.parametrize("query", WORDS)
@pytest.mark.parametrize("operator", ["AND", "OR"])
def test_window_and_total_are_the_tsvectors(pair: Pair, query: str, operator: str) -> None:
    match = _match(query, operator)
    assert _word_clauses(match) is not None  # these go through the postings
    with pair.postgresql.engine.connect() as conn:
        index = PgSearch(BoundSource(conn))
        for candidates in (1, 7, 4_000):
            ranked = index.rank(match, candidates)
            assert sorted(r.id for r in ranked) == sorted(_gin_window(conn, match, candidates))
            assert [r.score for r in ranked] == sorted((r.score for r in ranked), reverse=True)
        for bound in (0, 1, 5, 10_001):
            assert index.count_upto(match, bound) == _gin_count(conn, match, bound)


@pytest.mark.parametrize("query", GROUPED)
def test_grouped_window_and_total_are_the_tsvectors(pair: Pair, query: str) -> None:
    match = _match(query)
    assert _word_clauses(match) is not None  # the postings, not the GIN index
    with pair.postgresql.engine.connect() as conn:
        index = PgSearch(BoundSource(conn))
        for candidates in (1, 7, 4_000):
            ranked = index.rank(match, candidates)
            assert sorted(r.id for r in ranked) == sorted(_gin_window(conn, match, candidates))
            best = index.best(match, candidates, 10)
            assert best.hits == ranked[:10]
        for bound in (0, 1, 5, 10_001):
            assert index.count_upto(match, bound) == _gin_count(conn, match, bound)


def test_some_words_match_many_articles(pair: Pair) -> None:
    """The window is cut, and totals are bounded, in the cases above (not vacuous)."""
    with pair.postgresql.engine.connect() as conn:
        assert _gin_count(conn, _match("jakarta"), 10_000) > 7
        assert _gin_count(conn, _match("presiden jokowi jakarta"), 10_000) > 1
        assert _gin_count(conn, _match("fitur", "OR"), 10_000) > 1
        assert _gin_count(conn, _match("orang-orang"), 10_000) > 7
        assert _gin_count(conn, _match("menteri pendidikan"), 10_000) > 1


# Words the parser leaves as they are (no group of alternatives): FTS5 scores exactly these
# terms. A group is rendered for FTS5 with NOT-ed repeats of its words (search_parse), which
# FTS5's bm25 counts as phrases of their own; PostgreSQL scores each word of a group once.
PLAIN = ["presiden", "damai", "banjir", "pemerintah indonesia", "sepak bola piala", "harga cabai"]


@pytest.mark.parametrize("query", PLAIN)
def test_ranking_is_sqlites_bm25(pair: Pair, query: str) -> None:
    match = _match(query)
    assert all(len(p) == 1 for p in match.phrases)  # no group: the premise of this test
    hits = []
    for archive in (pair.sqlite, pair.postgresql):
        result = archive.search(SearchQuery(text=query, limit=50))
        hits.append([(h.id, h.score) for h in result.hits])
    assert hits[0] and [i for i, _ in hits[0]] == [i for i, _ in hits[1]]
    assert [s for _, s in hits[1]] == pytest.approx([s for _, s in hits[0]], abs=1e-4)
    assert any(s > 0 for _, s in hits[1])


@pytest.mark.parametrize("query", [*(q for q in WORDS if q not in PLAIN), *GROUPED])
def test_word_groups_find_what_sqlite_finds(pair: Pair, query: str) -> None:
    a, b = (x.search(SearchQuery(text=query, limit=200)) for x in (pair.sqlite, pair.postgresql))
    assert (a.total, a.total_exact, a.message) == (b.total, b.total_exact, b.message)
    assert {h.id for h in a.hits} == {h.id for h in b.hits}


@pytest.mark.parametrize("query", OTHERS, ids=lambda q: f"{q.text}|{q.outlet}")
def test_phrases_groups_and_filters_find_what_sqlite_finds(pair: Pair, query: SearchQuery) -> None:
    wide = SearchQuery(text=query.text, outlet=query.outlet, limit=200)
    match = _match(str(query.text))
    assert _word_clauses(PhraseMatch(match.phrases, "AND", query.outlet)) is None  # the GIN path
    a, b = pair.sqlite.search(wide), pair.postgresql.search(wide)
    assert (a.total, a.message) == (b.total, b.message)
    assert {h.id for h in a.hits} == {h.id for h in b.hits}
    assert [h.score for h in b.hits] == sorted((h.score for h in b.hits), reverse=True)


@pytest.mark.parametrize("query", ["presiden", "harga cabai"])
def test_newest_first_pages_carry_sqlites_scores(pair: Pair, query: str) -> None:
    wanted = SearchQuery(text=query, order="newest", limit=20)
    a, b = pair.sqlite.search(wanted), pair.postgresql.search(wanted)
    assert a.hits and [h.id for h in a.hits] == [h.id for h in b.hits]
    assert [h.score for h in b.hits] == pytest.approx([h.score for h in a.hits], abs=1e-4)


HOSTILE = [
    "'; DROP TABLE related_postings; --",
    "\\ \\\\ '' \"",
    "%s %(terms)s :terms {window} {0}",
    "jakarta " * 40,
    "a" * 5_000,
    "\x00jakarta\x00",
    "\ud800 jakarta",
    "🇮🇩 jakarta ﷽",
    "",
    "   ",
]


@pytest.mark.parametrize("query", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_answer(pair: Pair, query: str) -> None:
    got = pair.postgresql.search(SearchQuery(text=query))
    want = pair.sqlite.search(SearchQuery(text=query))
    # The same matches (a group's ranking differs: see PLAIN), nothing dropped.
    assert (got.total, got.message, len(got.hits)) == (want.total, want.message, len(want.hits))
    assert pair.postgresql.count() == len(_articles())


def test_hostile_terms_reach_the_postings_as_values(pair: Pair) -> None:
    with pair.postgresql.engine.connect() as conn:
        stats = PgRelatedStats(BoundSource(conn))
        odd = ["'", "\\", "%(limit)s", "{window}", "x" * 3_000, ""]
        assert stats.rank_with_all([odd], odd, 10) == []
        assert stats.rank_with_all([], odd, 10) == []
        assert stats.rank_with_all([[]], odd, 10) == []
        assert stats.rank_with_any(odd, odd, 10) == []
        assert stats.count_with_all_upto([odd, ["jakarta"]], 10) == 0
        assert stats.count_with_any_upto(odd, 10) == 0
        assert stats.rank_ids([], odd) == []
        assert stats.score_ids(odd, [1, 2]) == {1: 0.0, 2: 0.0}
        jakarta = stats.rank_with_all([["jakarta", "'"]], ["jakarta"], 5)
        assert len(jakarta) == 5 and all(s.score > 0 for s in jakarta)


def test_word_clauses_take_only_words_without_filters() -> None:
    plain = PhraseMatch((("presiden",), ("jokowi",)), "AND")
    assert _word_clauses(plain) == [["presiden"], ["jokowi"]]
    group = PhraseMatch((("fitur", "|", "fitur-fitur"), ("harga",)), "AND")
    assert _word_clauses(group) == [["fitur", "fitur-fitur"], ["harga"]]
    assert _word_clauses(PhraseMatch((("serikat", "bangsa", "|", "pbb"),), "AND")) is None
    assert _word_clauses(_match('"joko widodo"')) is None
    assert _word_clauses(PhraseMatch((("banjir",),), "AND", "tempo")) is None
    assert _word_clauses(PhraseMatch((("banjir",),), "AND", None, "2020-01-01")) is None
    assert _word_clauses(PhraseMatch((), "AND")) is None


def test_groups_distribute_into_word_clauses_exactly() -> None:
    # (a & b) | c matches what (a | c) & (b | c) matches; a phrase holding a one-word
    # alternative matches nothing that word does not; a phrase left over needs positions.
    assert _group_clauses([(("a",), ("b",)), (("c",),)]) == [["a", "c"], ["b", "c"]]
    assert _group_clauses([(("a",),), (("a", "a"),), (("aa",),)]) == [["a", "aa"]]
    assert _group_clauses([(("a",),), (("x", "a", "y"), ("z",))]) == [["a"]]
    assert _group_clauses([(("a",),), (("b", "c"),)]) is None
    assert _group_clauses([(("a", "b"),)]) is None
    wide = [tuple((f"w{i}{j}",) for j in range(3)) for i in range(4)]  # 3**4 = 81 clauses
    assert _group_clauses(wide) is None
    assert _word_clauses(PhraseMatch((("a", "&", "b", "|", "c"),), "OR")) is None  # two clauses
    assert _word_clauses(PhraseMatch((("a", "|", "a", "a"),), "OR")) == [["a"]]
