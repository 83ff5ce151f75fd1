"""Search: BM25 over analysed text, phrases, filters, snippets, incremental index."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from backends import is_postgres, open_test_archive, search_indexer
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.fts import (
    FtsIndexer,
    MatchOptions,
    ScoredId,
    article_terms,
)
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.lang.analysis import analyze
from kabar.model import Article
from search_fixtures import fixture_articles, search_archive


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = search_archive(archive_url)
    yield arch
    arch.close()


def _ids(archive: CoreArchive, text: str, **kw: object) -> list[int]:
    return [h.id for h in archive.search(SearchQuery(text=text, **kw)).hits]  # type: ignore[arg-type]


def test_morphology_is_shared_between_query_and_text(archive: CoreArchive) -> None:
    by_noun = archive.search(SearchQuery(text="perdamaian"))
    by_root = archive.search(SearchQuery(text="damai"))
    by_verb = archive.search(SearchQuery(text="berdamai"))
    assert by_noun.total == by_root.total == by_verb.total == 2
    assert {h.id for h in by_noun.hits} == {h.id for h in by_root.hits} == {h.id for h in by_verb.hits}
    # the mediated ceasefire: "memediasi" and "dimediasi" share the stem "mediasi"
    assert len(_ids(archive, "mediasi")) == 2


def test_headline_weighs_more_than_body(archive: CoreArchive) -> None:
    hits = archive.search(SearchQuery(text="banjir")).hits
    assert len(hits) == 2
    assert hits[0].headline is not None and "Banjir" in hits[0].headline
    assert hits[0].score > hits[1].score > 0


def test_all_words_are_required_and_the_fallback_says_so(archive: CoreArchive) -> None:
    both = archive.search(SearchQuery(text="gencatan senjata rusia"))
    assert both.total == 1 and both.message is None
    some = archive.search(SearchQuery(text="cabai vietnam"))
    assert some.total == 2
    assert some.message is not None and "any of" in some.message


def test_quoted_phrase_needs_adjacent_words(archive: CoreArchive) -> None:
    assert archive.search(SearchQuery(text="gencatan senjata")).total == 2
    assert archive.search(SearchQuery(text='"gencatan senjata"')).total == 2
    assert archive.search(SearchQuery(text='"senjata gencatan"')).total == 0
    # stopwords inside a phrase are dropped on both sides: "perdana menteri" still adjacent
    assert archive.search(SearchQuery(text='"perdana menteri armenia"')).total == 1


def test_snippet_marks_matches_on_the_original_text(archive: CoreArchive) -> None:
    hits = archive.search(SearchQuery(text="damai")).hits
    snippets = " ".join(h.snippet for h in hits)
    assert "«perdamaian»" in snippets or "«berdamai»" in snippets
    assert "perundingan «damai» di wilayah" in snippets
    # the snippet is the article's own words, not stems
    assert "runding" not in snippets.replace("perundingan", "")


def test_hyphenated_words_are_one_term(archive: CoreArchive) -> None:
    hits = archive.search(SearchQuery(text="Nagorno-Karabakh")).hits
    assert len(hits) == 1 and "«Nagorno-Karabakh»" in hits[0].snippet
    assert archive.search(SearchQuery(text="desa")).total == 1  # desa-desa → desa


def test_newest_first(archive: CoreArchive) -> None:
    relevance = archive.search(SearchQuery(text="damai"))
    newest = archive.search(SearchQuery(text="damai", order="newest"))
    dates = [h.published for h in newest.hits]
    assert all(d is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert {h.id for h in relevance.hits} == {h.id for h in newest.hits}


def test_filters_outlet_since_until(archive: CoreArchive) -> None:
    assert archive.search(SearchQuery(text="damai", outlet="tempo")).total == 2
    assert archive.search(SearchQuery(text="damai", outlet="kompas")).total == 0
    since = datetime(2021, 1, 1, tzinfo=UTC)
    assert archive.search(SearchQuery(text="damai", since=since)).total == 1
    assert archive.search(SearchQuery(text="damai", until=since)).total == 1
    naive = datetime(2021, 1, 1)  # read as UTC, never a TypeError
    assert archive.search(SearchQuery(text="damai", until=naive)).total == 1


def test_total_counts_beyond_the_page(archive: CoreArchive) -> None:
    page1 = archive.search(SearchQuery(text="damai", limit=1))
    page2 = archive.search(SearchQuery(text="damai", limit=1, offset=1))
    assert page1.total == page2.total == 2
    assert len(page1.hits) == len(page2.hits) == 1 and page1.hits[0].id != page2.hits[0].id


def test_update_takes_old_terms_out(archive_url: str) -> None:
    archive = search_archive(archive_url)
    article = fixture_articles()[3]  # the chili price story
    assert archive.search(SearchQuery(text="cabai")).total == 1
    article.paragraphs = ["Harga bawang merah turun setelah panen raya."]
    article.headline = "Harga bawang turun"
    result = archive.add(article)
    assert result.status == "updated"
    assert archive.search(SearchQuery(text="cabai")).total == 0
    assert [h.id for h in archive.search(SearchQuery(text="bawang")).hits] == [result.id]
    if is_postgres(archive_url):
        with archive.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one() == 6
        archive.close()
        return
    with archive.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
        assert raw.execute("SELECT count(*) FROM search_docs").fetchone()[0] == 6
    archive.close()


def test_remove_of_an_article_never_indexed_is_harmless(archive: CoreArchive) -> None:
    with archive.engine.begin() as conn:
        search_indexer(archive.url).remove(archive.index_stores(conn), 99_999)
    assert archive.search(SearchQuery(text="damai")).total == 2


def _statements_for_one_add(path: Path, n_before: int) -> list[str]:
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[FtsIndexer()]))
    base = fixture_articles()[0]
    for i in range(n_before):
        archive.add(Article(headline=f"Berita {i}", paragraphs=[f"isi berita nomor {i} tentang banjir"]))
    seen: list[str] = []
    with archive.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_trace_callback(seen.append)
        with conn.begin():
            archive.indexers[0].index(archive.index_stores(conn), 10_000, base)
        raw.set_trace_callback(None)
    archive.close()
    return seen


def test_adding_one_article_rebuilds_nothing(tmp_path: Path) -> None:
    # Statements FTS5 runs itself (its bounded incremental segment merging) come nested,
    # prefixed "--"; the indexer's own statements are the top-level ones.
    small = [s for s in _statements_for_one_add(tmp_path / "small.db", 3) if not s.startswith("--")]
    large = [s for s in _statements_for_one_add(tmp_path / "large.db", 60) if not s.startswith("--")]
    assert len(small) == len(large) == 6  # BEGIN, the FTS row, 3 slim rows of its own, COMMIT
    assert [s.split("(")[0] for s in small] == [s.split("(")[0] for s in large]
    for statement in large[1:4]:
        assert statement.startswith("INSERT INTO search_") and "10000" in statement
    joined = " ".join(large).lower()
    assert "rebuild" not in joined and "optimize" not in joined and "delete" not in joined


def test_match_terms_scores_excludes_and_filters(archive: CoreArchive) -> None:
    terms = analyze("perdamaian gencatan senjata rusia")
    stats = archive.term_stats
    all_hits = stats.match_terms(terms, MatchOptions(limit=10))
    assert len(all_hits) == 3 and all(isinstance(h, ScoredId) for h in all_hits)
    assert [h.score for h in all_hits] == sorted((h.score for h in all_hits), reverse=True)
    top = all_hits[0].id
    rest = stats.match_terms(terms, MatchOptions(limit=10, exclude_ids=frozenset({top})))
    assert top not in {h.id for h in rest} and len(rest) == 2
    assert len(stats.match_terms(terms, MatchOptions(limit=2))) == 2
    recent = stats.match_terms(terms, MatchOptions(limit=10, since=datetime(2021, 1, 1, tzinfo=UTC)))
    assert len(recent) == 1
    older = stats.match_terms(terms, MatchOptions(limit=10, until=datetime(2021, 1, 1, tzinfo=UTC)))
    assert len(older) == 2
    assert stats.match_terms([], MatchOptions(limit=10)) == []
    assert stats.match_terms(['"', "x OR y", "*"], MatchOptions(limit=10)) == []


def test_index_statistics_for_more_like_this(archive: CoreArchive) -> None:
    stats = archive.term_stats
    assert stats.collection_size() == 6
    exact = stats.doc_frequencies(["damai", "banjir", "tidakadakatainiz", 'a"b', ""])
    assert exact == {"damai": 2, "banjir": 2, "tidakadakatainiz": 0, 'a"b': 0, "": 0}
    # capped at one match: estimated from the id span of the newest match (never below it)
    estimated = stats.doc_frequencies(["damai", "tidakadakatainiz"], cap=1)
    assert estimated["damai"] >= 1 and estimated["tidakadakatainiz"] == 0
    stored = stats.indexed_terms([1, 99_999, 3])
    assert set(stored) == {1, 3}  # ids the index does not hold are left out
    assert stored[1] == article_terms(fixture_articles()[0])
    assert stored[3] == article_terms(fixture_articles()[2])


def test_only_the_search_module_reads_the_search_tables() -> None:
    # The seam of the search backends: SQL over these tables stays in fts.py (SQLite),
    # pg_search.py (PostgreSQL) and their migrations, the PostgreSQL related-news statistics
    # derived from search_docs (pg_related*), and the bulk loaders that write the index whole
    # (bulk_index.py also finds the articles still to index: those without a search_docs row);
    # everything else calls typed readers. (postgres.py names the table in a docstring.)
    import re

    import kabar

    src = Path(kabar.__file__).parent
    tables = re.compile(r"\bsearch_(fts|terms|vocab|docs|blocks)\b")
    allowed = {
        src / "archive" / "fts.py",
        src / "archive" / "pg_search.py",
        src / "archive" / "migrations" / "versions" / "0002_search.py",
        src / "archive" / "migrations" / "versions" / "0007_related_bm25.py",
        src / "archive" / "pg_related.py",
        src / "archive" / "pg_related_rebuild.py",
        src / "archive" / "bulk_load.py",
        src / "archive" / "bulk_index.py",
    }
    offenders = [
        str(p.relative_to(src))
        for p in src.rglob("*.py")
        if p not in allowed and tables.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == [], f"search tables read outside the search backends: {offenders}"


def test_search_through_the_default_archive(archive_url: str) -> None:
    from kabar.wiring import default_indexers

    archive = open_test_archive(archive_url, default_indexers())
    assert any(type(ix).__name__ == "FtsIndexer" for ix in archive.indexers)
    archive.add(fixture_articles()[0])
    assert archive.search(SearchQuery(text="perdamaian")).total == 1
    archive.close()
