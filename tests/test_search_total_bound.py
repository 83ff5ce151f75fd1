"""A reader's search counts its total up to a bound: exact below it, "more than" beyond it.

An exact count of a word in most articles reads all of them (seconds at a million articles
on PostgreSQL), so :func:`kabar.archive.search_flow.run_search` counts no further than
``SearchOptions.exact_total_up_to`` and says when it stopped (``total_exact``). Both
backends answer alike; the hits never depend on the bound.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy.engine import Connection

from backends import open_test_archive, search_indexer
from kabar.archive import fts
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.fts import fts5_phrases
from kabar.archive.pg_search import PgSearch
from kabar.archive.postgres import PostgresArchive
from kabar.archive.search_flow import PhraseIndex, PhraseMatch, SearchOptions, run_search
from kabar.archive.sql_source import BoundSource
from kabar.cli.search_cmd import print_text, result_to_dict
from kabar.model import Article
from serve_support import Client, fill, make_app, make_article

CITIES = ["Padang", "Medan", "Ambon", "Kupang", "Palu", "Manado", "Mataram"]
QUAKES = len(CITIES)


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = open_test_archive(archive_url, indexers=[search_indexer(archive_url)])
    start = datetime(2024, 3, 1, tzinfo=UTC)
    for n, city in enumerate(CITIES):
        arch.add(
            Article(
                headline=f"Gempa mengguncang {city}",
                published=start + timedelta(hours=n),
                outlet="contoh.id",
                url=f"https://contoh.id/gempa-{n}",
                canonical_url=f"https://contoh.id/gempa-{n}",
                paragraphs=[f"Warga {city} berhamburan keluar rumah ketika gempa terasa kuat pagi tadi."],
            )
        )
    arch.add(
        Article(
            headline="Harga cabai naik",
            published=start,
            outlet="contoh.id",
            url="https://contoh.id/cabai",
            canonical_url="https://contoh.id/cabai",
            paragraphs=["Pedagang pasar mengeluhkan harga cabai yang terus naik."],
        )
    )
    yield arch
    arch.close()


def _index(archive: CoreArchive, conn: Connection) -> PhraseIndex:
    return PgSearch(BoundSource(conn)) if isinstance(archive, PostgresArchive) else fts5_phrases(conn)


def _search(archive: CoreArchive, query: SearchQuery, options: SearchOptions) -> SearchResult:
    with archive.engine.connect() as conn:
        return run_search(conn, _index(archive, conn), query, options=options)


@pytest.mark.parametrize("bound", [1, 3, QUAKES - 1, QUAKES, QUAKES + 1, 10_000])
def test_count_upto_stops_at_the_bound(archive: CoreArchive, bound: int) -> None:
    match = PhraseMatch((("gempa",),))
    with archive.engine.connect() as conn:
        index = _index(archive, conn)
        assert index.count(match) == QUAKES
        assert index.count_upto(match, bound) == min(QUAKES, bound)
        assert index.count_upto(PhraseMatch((("cabai",),)), bound) == 1
        assert index.count_upto(match, 0) == 0


@pytest.mark.parametrize("order", ["relevance", "newest"])
def test_total_is_exact_up_to_the_bound_and_a_lower_bound_beyond(archive: CoreArchive, order: str) -> None:
    # A page of one and one candidate, so that relevance must count rather than take the
    # number of ranked candidates as the total.
    query = SearchQuery(text="gempa", limit=1, order=order)  # type: ignore[arg-type]
    exact = _search(archive, query, SearchOptions(candidates=1, exact_total_up_to=10_000))
    assert (exact.total, exact.total_exact) == (QUAKES, True)
    at = _search(archive, query, SearchOptions(candidates=1, exact_total_up_to=QUAKES))
    assert (at.total, at.total_exact) == (QUAKES, True)  # exactly the bound is still exact
    beyond = _search(archive, query, SearchOptions(candidates=1, exact_total_up_to=QUAKES - 2))
    assert (beyond.total, beyond.total_exact) == (QUAKES - 2, False)
    assert [h.id for h in beyond.hits] == [h.id for h in exact.hits]
    assert beyond.message is None


def test_all_ranked_candidates_make_an_exact_total_whatever_the_bound(archive: CoreArchive) -> None:
    # Relevance ranks every match when there are fewer than the candidates: that count is exact.
    got = _search(archive, SearchQuery(text="gempa", limit=10), SearchOptions(exact_total_up_to=2))
    assert (got.total, got.total_exact) == (QUAKES, True)
    assert len(got.hits) == QUAKES


def test_the_archive_search_is_exact_on_a_small_archive(archive: CoreArchive) -> None:
    got = archive.search(SearchQuery(text="gempa"))
    assert (got.total, got.total_exact) == (QUAKES, True)
    assert SearchOptions().exact_total_up_to == 10_000


def test_cli_says_more_than_when_the_total_is_a_lower_bound() -> None:
    out = io.StringIO()
    print_text(SearchResult(query="jakarta", total=10_000, total_exact=False), Console(file=out, width=120))
    assert "more than 10,000 article(s)" in out.getvalue()
    out = io.StringIO()
    print_text(SearchResult(query="jakarta", total=12, total_exact=True), Console(file=out, width=120))
    assert "more than" not in out.getvalue() and "12 article(s)" in out.getvalue()
    assert result_to_dict(SearchResult(query="x", total=10_000, total_exact=False))["total_exact"] is False


def test_portal_and_api_say_more_than(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    arch = fill(tmp_path / "kabar.db", [make_article(n) for n in range(1, 26)])
    try:
        # The archive's own search with a bound of 20: the newest order always counts.
        monkeypatch.setattr(fts, "SearchOptions", lambda candidates: SearchOptions(candidates, 20))
        client = Client(make_app(arch))
        page = client.get("/cari?q=banjir&urutan=terbaru")
        assert page.status_code == 200
        assert "lebih dari 20 hasil untuk" in page.text
        api = client.get("/api/search?q=banjir&order=newest").json()
        assert (api["total"], api["total_exact"]) == (20, False)
        ranked = client.get("/api/search?q=banjir").json()  # all 25 ranked: exact
        assert (ranked["total"], ranked["total_exact"]) == (25, True)
        assert "lebih dari" not in client.get("/cari?q=banjir").text
    finally:
        arch.close()
