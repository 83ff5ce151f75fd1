"""Top-k ranking with early termination gives the exhaustive ranking's first k, exactly.

:func:`kabar.archive.topk.best_first` scores only the candidates whose bound can still
beat the k-th best score found. PostgreSQL's all-words search
(:meth:`kabar.archive.pg_related.PgRelatedStats.best_with_all`) merges a window of words
from their postings, each article carrying every word's posting, and ranks it exactly on
the server with nothing left to probe; a window with a group of alternatives carries one
posting an article and is ranked top-k when its rarest clause is common
(:data:`~kabar.archive.pg_related.TOPK_FROM`). A total beyond a full window goes on
counting below the window's oldest id
(:meth:`~kabar.archive.search_flow.PhraseIndex.count_past`). Checked here: the pruning
loop against a plain sort (random scores, ties, loose and tight bounds), and on a generated
archive full of common words, PostgreSQL's top-k against its exhaustive ranking (ids,
scores and order, to the bit), the continued count against a recount on both backends, and
a reader's search on both backends against the same search ranked whole.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Connection

from backends import PgServer, open_test_archive
from kabar.archive import pg_related
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.bulk_load import BulkArticle, open_bulk_load
from kabar.archive.fts import FtsIndexer, fts5_phrases
from kabar.archive.pg_related import PgRelatedStats
from kabar.archive.pg_search import PgSearch, _word_clauses
from kabar.archive.postgres import PostgresArchive
from kabar.archive.search_flow import (
    PhraseIndex,
    PhraseMatch,
    Ranked,
    SearchOptions,
    counted_past,
    ranked_prefix,
    run_search,
)
from kabar.archive.search_parse import parse_query
from kabar.archive.sql_source import BoundSource
from kabar.archive.term_records import ScoredId, article_terms
from kabar.archive.topk import Bounded, best_first
from kabar.model import Article

# -- the pruning loop alone ------------------------------------------------------------------


def _exhaustive(cands: list[Bounded], exact: dict[int, float], want: int) -> list[ScoredId]:
    rows = [ScoredId(c.id, exact[c.id]) for c in cands]
    return sorted(rows, key=lambda s: (-s.score, -s.id))[:want]


@pytest.mark.parametrize("seed", range(40))
def test_best_first_is_the_sorted_prefix(seed: int) -> None:
    rng = random.Random(seed)
    n = rng.choice([1, 5, 60, 700])
    # Few distinct scores make many ties, which only the id may break.
    exact = {i: float(rng.randint(0, 6)) if seed % 2 else rng.random() * 10 for i in range(1, n + 1)}
    cands = []
    for i, value in exact.items():
        if rng.random() < 0.2:
            cands.append(Bounded(i, value, value))  # known already
        else:
            cands.append(Bounded(i, value + rng.choice([0.0, rng.random(), 5 * rng.random()])))
    asked: list[int] = []

    def score(ids: list[int]) -> dict[int, float]:
        asked.extend(ids)
        return {i: exact[i] for i in ids}

    for want in (1, 3, 10, n, n + 5):
        asked.clear()
        got = best_first(cands, want, score, first_batch=rng.choice([1, 4, 64]))
        assert got.hits == _exhaustive(cands, exact, want)
        assert len(asked) == len(set(asked)) == got.scored  # each candidate scored once at most


def test_best_first_stops_early_with_tight_bounds() -> None:
    cands = [Bounded(i, float(i) + 0.5) for i in range(1, 1001)]
    got = best_first(cands, 10, lambda ids: {i: float(i) for i in ids}, first_batch=16)
    assert [h.id for h in got.hits] == list(range(1000, 990, -1))
    assert got.scored == 16 and got.batches == 1


def test_best_first_asks_nothing_when_nothing_is_wanted() -> None:
    def never(ids: list[int]) -> dict[int, float]:
        raise AssertionError("scored")

    assert best_first([Bounded(1, 1.0)], 0, never).hits == []
    assert best_first([], 5, never).hits == []
    assert best_first([Bounded(1, 2.0, 2.0)], 5, never).hits == [ScoredId(1, 2.0)]


# -- on a generated archive ------------------------------------------------------------------

# Words by Zipf's law: the first in nearly every article (idf at FTS5's floor), the tenth in
# about half, the hundredth in a few percent; real words first, then made-up ones the
# analyser keeps as they are. The window is cut and some scores tie.
_SYLLABLES = ["ba", "ko", "ri", "tu", "me", "sa", "lo", "pe", "du", "ga"]
VOCAB = [
    *[
        "jakarta",
        "presiden",
        "harga",
        "banjir",
        "warga",
        "polisi",
        "sekolah",
        "pasar",
        "gempa",
        "listrik",
        "kereta",
        "beras",
        "cabai",
    ],
    # A word and its reduplicated form (Sastrawi keeps fitur-fitur whole; warga-warga it
    # stems to warga): a query for either is a group of alternatives both held — the window
    # that still probes, and top-k scoring statements.
    "fitur",
    "fitur-fitur",
    *(a + b + c for a, b, c in itertools.product(_SYLLABLES, _SYLLABLES, ["ng", "t", "r"])),
]
ARTICLES = 900
CANDIDATES = 150  # far below the common words' matches: the window is cut, as at scale


def _article(rng: random.Random, n: int) -> Article:
    weights = [1.0 / (rank + 1) for rank in range(len(VOCAB))]

    def words(k: int) -> str:
        return " ".join(rng.choices(VOCAB, weights, k=k))

    return Article(
        headline=words(rng.randint(2, 6)).capitalize(),
        published=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n),
        outlet="contoh.id",
        url=f"https://contoh.id/{n}",
        canonical_url=f"https://contoh.id/{n}",
        paragraphs=[words(rng.randint(5, 30)) + "." for _ in range(rng.randint(1, 3))],
    )


def _queries() -> list[str]:
    rng = random.Random(5)
    out = list(VOCAB[:8])
    for _ in range(40):  # common words together
        out.append(" ".join(rng.sample(VOCAB[2:40], rng.choice([2, 2, 3]))))
    for _ in range(10):  # a common word and a rare one
        out.append(f"{rng.choice(VOCAB[:10])} {rng.choice(VOCAB[60:200])}")
    out += ["fitur-fitur harga", "fitur jakarta presiden", "fitur-fitur"]  # groups
    return out


@dataclass(slots=True)
class Pair:
    sqlite: CoreArchive
    postgresql: CoreArchive


@pytest.fixture(scope="module")
def pair(pg_server: PgServer, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    rng = random.Random(20)
    articles = [_article(rng, n) for n in range(ARTICLES)]
    path: Path = tmp_path_factory.mktemp("topk") / "kabar.db"
    with pg_server.database() as url:
        both = Pair(
            open_test_archive(str(path), indexers=[FtsIndexer()]),
            open_test_archive(url, indexers=[FtsIndexer()]),
        )
        for archive in (both.sqlite, both.postgresql):
            loader = open_bulk_load(archive)
            loader.add([BulkArticle(i + 1, a, article_terms(a)) for i, a in enumerate(articles)])
            loader.finish()
        yield both
        both.sqlite.close()
        both.postgresql.close()


def _match(query: str) -> PhraseMatch:
    return PhraseMatch(tuple(parse_query(query).phrases), "AND")


def _is_words(match: PhraseMatch) -> bool:
    clauses = _word_clauses(match)
    return clauses is not None and all(len(c) == 1 for c in clauses)


@pytest.mark.postgres
def test_pg_top_k_is_the_exhaustive_ranking(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    scored: dict[bool, list[int]] = {True: [], False: []}  # by "the query is words only"
    cut: dict[bool, int] = {True: 0, False: 0}  # cut windows ranked at want 10
    real = PgRelatedStats._score_given
    words = True

    def counting(
        self: PgRelatedStats, postings: dict[int, object], ids: list[int], terms: list[str]
    ) -> dict[int, float]:
        scored[words].extend(ids)
        return real(self, postings, ids, terms)  # type: ignore[arg-type]

    monkeypatch.setattr(PgRelatedStats, "_score_given", counting)
    monkeypatch.setattr(PgRelatedStats, "topk_from", 0)  # every group's window top-k, however small
    with pair.postgresql.engine.connect() as conn:
        index = PgSearch(BoundSource(conn))
        for query in _queries():
            match = _match(query)
            words = _is_words(match)
            for candidates in (CANDIDATES, 4_000):
                whole = index.rank(match, candidates)
                assert whole, query
                for want in (1, 10, 37):
                    got = index.best(match, candidates, want)
                    assert got == ranked_prefix(whole, want), (query, candidates, want)
                    assert got.oldest == min(s.id for s in whole)
                    if want == 10 and len(whole) == CANDIDATES and len(match.phrases) > 1:
                        cut[words] += 1
    # Not vacuous: windows were cut, both of words and of groups. A merged window of words
    # carries every word's posting: no article needed a scoring statement. A group's window
    # carries one posting an article: top-k scored articles in statements of their own.
    assert cut[True] > 0 and cut[False] > 0
    assert scored[True] == []
    assert scored[False]


@pytest.mark.postgres
def test_pg_small_windows_are_ranked_whole(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    """Below TOPK_FROM (the rarest clause's articles) one ranking statement, no bounds: the same pages."""
    monkeypatch.setattr(PgRelatedStats, "topk_from", 10**9)
    monkeypatch.setattr(pg_related, "_WINDOW_BOUNDS", "not a statement {window}")  # used: an error
    with pair.postgresql.engine.connect() as conn:
        index = PgSearch(BoundSource(conn))
        for query in ["fitur-fitur harga", *_queries()[8:20]]:
            match = _match(query)
            whole = index.rank(match, CANDIDATES)
            assert index.best(match, CANDIDATES, 10) == ranked_prefix(whole, 10), query


_PROBES = "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_xact_user_tables WHERE relname = 'related_postings'"


@pytest.mark.postgres
def test_pg_window_of_common_words_is_a_merge(pair: Pair) -> None:
    """Two or three of the commonest words: each word's postings read in one index scan (a
    merge), never one probe per candidate; and the total goes on below the window."""
    rng = random.Random(9)
    queries = [" ".join(rng.sample(VOCAB[:6], rng.choice([2, 3]))) for _ in range(8)]
    with pair.postgresql.engine.connect() as conn, conn.begin():
        index = PgSearch(BoundSource(conn))
        for query in queries:
            match = _match(query)  # a group's unheld alternative (jakarta-jakarta) drops out: words
            before = int(conn.execute(sql_text(_PROBES)).scalar_one())
            got = index.best(match, CANDIDATES, 10)
            total = index.count_past(match, got, 10_000)
            scans = int(conn.execute(sql_text(_PROBES)).scalar_one()) - before
            assert got.window == CANDIDATES and total > CANDIDATES, query
            # window, then the count below it: one scan a word each (a probe a candidate: hundreds)
            assert scans <= 2 * len(match.phrases), (query, scans)


@pytest.mark.postgres
def test_pg_many_or_odd_words_merge_or_probe_alike(pair: Pair) -> None:
    """Past MERGE_MAX_WORDS the probe window; hostile words are values: the same ranking and totals."""
    many = " ".join(VOCAB[: pg_related.MERGE_MAX_WORDS + 1])
    odd = "jakarta ' \\ %(limit)s {window} :m0 harga " + "x" * 300
    with pair.postgresql.engine.connect() as conn:
        index = PgSearch(BoundSource(conn))
        for query in (many, " ".join(VOCAB[: pg_related.MERGE_MAX_WORDS]), odd, "jakarta jakarta harga"):
            match = _match(query)
            whole = index.rank(match, CANDIDATES)
            got = index.best(match, CANDIDATES, 10)
            assert got == ranked_prefix(whole, 10), query
            assert index.count_past(match, got, 10_000) == index.count_upto(match, 10_000), query


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_count_going_on_below_the_window_is_the_recount(pair: Pair, backend: str) -> None:
    archive = pair.sqlite if backend == "sqlite" else pair.postgresql
    matches = [_match(q) for q in [*_queries()[:30], *_queries()[-3:]]]
    matches += [PhraseMatch(m.phrases, "OR") for m in matches[8:14]]  # any word
    matches += [PhraseMatch(m.phrases, "AND", outlet="contoh.id") for m in matches[8:11]]  # a filter
    matches += [PhraseMatch((("harga", "warga"),), "AND")]  # a phrase: positions
    full = 0
    with archive.engine.connect() as conn:
        index = _index(archive, conn)
        for match in matches:
            window = index.best(match, CANDIDATES, 10)
            if window.window < CANDIDATES:
                continue
            full += 1
            for bound in (1, CANDIDATES - 1, CANDIDATES, CANDIDATES + 1, 2 * CANDIDATES + 7, 10_000):
                assert index.count_past(match, window, bound) == index.count_upto(match, bound), (
                    match,
                    bound,
                )
    assert full >= 14  # the eight commonest words alone and the six any-word matches


def test_counted_past_reads_below_only_what_the_window_lacks() -> None:
    asked: list[tuple[int, int]] = []

    def below(oldest: int, rest: int) -> int:
        asked.append((oldest, rest))
        return 1_000  # more than any rest: the count stops at the bound

    window = Ranked([ScoredId(9, 1.0)], 150, 40)
    assert counted_past(window, 100, below) == 100 and asked == []  # the window alone reaches it
    assert counted_past(window, 151, below) == 151 and asked == [(40, 1)]
    assert counted_past(Ranked([], 0, None), 10, below) == 0  # nothing matches
    assert counted_past(window, 10_001, lambda oldest, rest: 5) == 155


class _NoRecount:
    """An index whose total may only go on below a full window."""

    def __init__(self, index: PhraseIndex) -> None:
        self.index = index

    def __getattr__(self, name: str) -> object:
        return getattr(self.index, name)

    def count_upto(self, match: PhraseMatch, bound: int) -> int:
        raise AssertionError("a full window's total was counted again from the newest match")


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_totals_go_on_from_the_window(pair: Pair, backend: str) -> None:
    archive = pair.sqlite if backend == "sqlite" else pair.postgresql
    for text in ["harga", "jakarta presiden", "fitur-fitur harga"]:
        query = SearchQuery(text=text, limit=10)
        with archive.engine.connect() as conn:
            index = _index(archive, conn)
            options = SearchOptions(candidates=CANDIDATES)
            got = run_search(conn, _NoRecount(index), query, options=options)  # type: ignore[arg-type]
            want = run_search(conn, _Whole(index), query, options=options)  # type: ignore[arg-type]
        assert got.total > CANDIDATES, text
        assert (got.total, got.total_exact, [(h.id, h.score) for h in got.hits]) == (
            want.total,
            want.total_exact,
            [(h.id, h.score) for h in want.hits],
        )


class _Whole:
    """A backend's index ranking every window whole: the exhaustive anchor."""

    def __init__(self, index: PhraseIndex) -> None:
        self.index = index

    def __getattr__(self, name: str) -> object:
        return getattr(self.index, name)

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        return ranked_prefix(self.index.rank(match, candidates), want)

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        return self.index.count_upto(match, bound)  # counted again from the newest match


def _index(archive: CoreArchive, conn: Connection) -> PhraseIndex:
    return PgSearch(BoundSource(conn)) if isinstance(archive, PostgresArchive) else fts5_phrases(conn)


def _search(archive: CoreArchive, query: SearchQuery, whole: bool) -> SearchResult:
    with archive.engine.connect() as conn:
        index = _index(archive, conn)
        chosen: PhraseIndex = _Whole(index) if whole else index  # type: ignore[assignment]
        return run_search(conn, chosen, query, options=SearchOptions(candidates=CANDIDATES))


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_search_pages_are_the_exhaustive_ones(pair: Pair, backend: str) -> None:
    archive = pair.sqlite if backend == "sqlite" else pair.postgresql
    for text in _queries():
        for offset, limit in ((0, 10), (10, 10), (0, 1)):
            query = SearchQuery(text=text, offset=offset, limit=limit)
            got, want = _search(archive, query, False), _search(archive, query, True)
            assert [(h.id, h.score) for h in got.hits] == [(h.id, h.score) for h in want.hits], text
            assert (got.total, got.total_exact, got.message) == (want.total, want.total_exact, want.message)


@pytest.mark.postgres
def test_top_ten_agree_across_backends(pair: Pair) -> None:
    """Plain words (no group of alternatives, whose scoring differs: test_pg_search_window)."""
    for text in _queries():
        if any(len(p) != 1 for p in _match(text).phrases):
            continue
        query = SearchQuery(text=text, limit=10)
        a, b = (_search(x, query, False) for x in (pair.sqlite, pair.postgresql))
        assert [h.id for h in a.hits] == [h.id for h in b.hits], text
        assert [h.score for h in b.hits] == pytest.approx([h.score for h in a.hits], abs=1e-4)
