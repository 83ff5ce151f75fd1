"""Berita terkait answers the same on SQLite and PostgreSQL: the same BM25, the same order.

SQLite's candidates are scored by FTS5's ``bm25()``; PostgreSQL's by the same formula over
statistics kept at ingest (:mod:`kabar.archive.pg_related`). The same articles, stored in
the same order on both, must give the same related lists with the same scores, also after
updates and removals; and the statistics ingest keeps must equal a rebuild from scratch.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from backends import PgServer, open_test_archive
from conftest import shared_path
from kabar.archive.articles_core import CoreArchive
from kabar.archive.fts import FtsIndexer
from kabar.archive.postgres import PostgresArchive
from kabar.archive.term_records import DocTerms, IndexedDoc, MatchOptions
from kabar.link.dedup import DedupIndexer
from kabar.link.related import RelatedOptions, related
from kabar.model import Article
from test_related_api import load_articles

pytestmark = pytest.mark.postgres
REL_TOLERANCE = 1e-6


@pytest.fixture
def pair(pg_server: PgServer, tmp_path: Path) -> Iterator[tuple[CoreArchive, PostgresArchive]]:
    """An empty SQLite archive and an empty PostgreSQL one, with the same indexers."""
    with pg_server.database() as url:
        sqlite = open_test_archive(str(tmp_path / "kabar.db"), [FtsIndexer(), DedupIndexer()])
        pg = open_test_archive(url, [FtsIndexer(), DedupIndexer()])
        assert isinstance(pg, PostgresArchive)
        try:
            yield sqlite, pg
        finally:
            sqlite.close()
            pg.close()


def _add_both(pair: tuple[CoreArchive, PostgresArchive], articles: list[Article]) -> list[int]:
    ids = []
    for article in articles:
        a, b = (archive.add(replace(article)) for archive in pair)
        assert (a.id, a.status) == (b.id, b.status)
        ids.append(a.id)
    return ids


def _query_terms(archive: CoreArchive, article_id: int) -> list[str]:
    terms = archive.term_stats.indexed_terms([article_id]).get(article_id)
    assert terms is not None
    return list(dict.fromkeys([*terms.headline, *terms.body]))[:25]


def _assert_same_related(pair: tuple[CoreArchive, PostgresArchive], ids: list[int]) -> int:
    """Related lists (both modes) and raw BM25 candidates agree for every id; how many hits compared."""
    sqlite, pg = pair
    compared = 0
    for article_id in ids:
        for mode in ("relevant", "newest"):
            options = RelatedOptions(mode=mode, limit=10)
            want = [(h.id, h.score, h.reason) for h in related(sqlite, article_id, options)]
            got = [(h.id, h.score, h.reason) for h in related(pg, article_id, options)]
            assert got == want, f"article {article_id}, {mode}"
            compared += len(want)
        terms = _query_terms(sqlite, article_id)
        want_scores = sqlite.term_stats.match_terms(terms, MatchOptions(limit=80))
        got_scores = pg.term_stats.match_terms(terms, MatchOptions(limit=80))
        assert [s.id for s in got_scores] == [s.id for s in want_scores], f"article {article_id}"
        for w, g in zip(want_scores, got_scores, strict=True):
            assert math.isclose(g.score, w.score, rel_tol=REL_TOLERANCE), (article_id, w, g)
    return compared


def test_same_related_on_the_hand_written_archive(pair: tuple[CoreArchive, PostgresArchive]) -> None:
    articles = list(load_articles().values())
    kpk = next(a for a in articles if "KPK" in (a.headline or ""))
    reprint = replace(kpk, url="https://agensi.example/0", canonical_url="https://agensi.example/0")
    ids = _add_both(pair, [*articles, replace(reprint, headline="KPK tahan bupati", outlet="Agensi")])
    assert _assert_same_related(pair, ids) > len(ids)  # most articles have related news


@pytest.mark.shared
def test_same_related_on_indosum(pair: tuple[CoreArchive, PostgresArchive]) -> None:
    from benchmarks.link_corpus import load_corpus

    shared_path("corpus", "indosum-dev.jsonl")
    ids = _add_both(pair, [c.article for c in load_corpus(limit=80)])
    assert _assert_same_related(pair, ids) > 3 * len(ids)


def test_same_scores_with_time_filters(pair: tuple[CoreArchive, PostgresArchive]) -> None:
    ids = _add_both(pair, list(load_articles().values()))
    sqlite, pg = pair
    since, until = datetime(2017, 1, 1, tzinfo=UTC), datetime(2019, 1, 1, tzinfo=UTC)
    for article_id in ids:
        terms = _query_terms(sqlite, article_id)
        options = MatchOptions(limit=20, since=since, until=until, exclude_ids=frozenset({article_id}))
        want = sqlite.term_stats.match_terms(terms, options)
        assert pg.term_stats.match_terms(terms, options) == want


def _changed(article: Article, n: int) -> Article:
    """The same URL with other text: an update (the old terms must be counted out)."""
    return replace(
        article,
        headline=f"Pembaruan {n}: {article.headline}",
        paragraphs=[f"Ralat redaksi nomor {n} tentang gempa bumi di Palu.", *article.paragraphs[:1]],
    )


def test_same_related_after_updates_and_removals(pair: tuple[CoreArchive, PostgresArchive]) -> None:
    articles = list(load_articles().values())
    ids = _add_both(pair, articles)
    updated = [_changed(articles[n], n) for n in (0, 3, 5)]
    for article in updated:
        a, b = (archive.add(replace(article)) for archive in pair)
        assert a.status == b.status == "updated" and a.id == b.id
    gone = ids[7]
    for archive in pair:
        with archive.engine.begin() as conn:
            archive.index_stores(conn).search_index.remove(gone)
    sqlite, pg = pair
    # Only the updated texts speak of "ralat" and "gempa"; the old texts' terms are gone.
    found = pg.term_stats.match_terms(["ralat", "gempa"], MatchOptions(limit=20))
    assert {s.id for s in found} == {ids[0], ids[3], ids[5]}
    for article_id in ids:  # a removed article is no one's candidate any more
        if article_id != gone:
            found = pg.term_stats.match_terms(_query_terms(sqlite, article_id), MatchOptions(limit=80))
            assert gone not in {s.id for s in found}
    _assert_same_related(pair, [i for i in ids if i != gone])


# -- the statistics ingest keeps, against a rebuild -------------------------------------


def _snapshot(archive: PostgresArchive) -> dict[str, Any]:
    with archive.engine.connect() as conn:
        return {
            "postings": conn.execute(
                text("SELECT term, doc_id, head, body, doc_length FROM related_postings ORDER BY 1, 2")
            ).all(),
            # Per term, not per slot row: a slot's row may stay at 0 after a removal.
            "df": conn.execute(
                text("SELECT term, sum(df) FROM related_df GROUP BY term HAVING sum(df) <> 0 ORDER BY 1")
            ).all(),
            "totals": conn.execute(text("SELECT sum(docs), sum(tokens) FROM related_stats")).one(),
        }


def test_kept_statistics_equal_a_rebuild(pg_server: PgServer) -> None:
    with pg_server.database() as url:
        archive = open_test_archive(url, [FtsIndexer()])
        assert isinstance(archive, PostgresArchive)
        try:
            articles = list(load_articles().values())
            ids = [archive.add(a).id for a in articles]
            for n in (1, 2, 6):
                assert archive.add(_changed(articles[n], n)).status == "updated"
            with archive.engine.begin() as conn:
                stores = archive.index_stores(conn)
                stores.search_index.remove(ids[4])
                stores.search_index.remove(10**6)  # never indexed: nothing to count out
                # Indexed again without a remove first: the old terms must leave the counts.
                stores.search_index.add([IndexedDoc(ids[5], DocTerms(["banjir", "banjir"], ["kpk"]))])
                # An article without terms still counts as a document, as in FTS5.
                stores.search_index.add([IndexedDoc(ids[4], DocTerms([], []))])
            kept = _snapshot(archive)
            assert kept["totals"][0] == len(articles)
            assert ("banjir", ids[5], 2, 0, 3) in kept["postings"]
            counts = archive.rebuild_related_index()
            assert _snapshot(archive) == kept
            assert (counts.documents, counts.postings) == (len(articles), len(kept["postings"]))
            assert counts.terms == len(kept["df"])
        finally:
            archive.close()


def test_rebuild_fills_an_archive_loaded_without_statistics(pg_server: PgServer) -> None:
    with pg_server.database() as url:
        archive = open_test_archive(url, [FtsIndexer()])
        assert isinstance(archive, PostgresArchive)
        try:
            ids = [archive.add(a).id for a in load_articles().values()]
            terms = _query_terms(archive, ids[0])
            before = archive.term_stats.match_terms(terms, MatchOptions(limit=20))
            with archive.engine.begin() as conn:  # what a bulk load leaves: search rows only
                conn.execute(text("TRUNCATE related_postings, related_df, related_stats"))
            assert archive.term_stats.match_terms(terms, MatchOptions(limit=20)) == []
            archive.rebuild_related_index()
            assert archive.term_stats.match_terms(terms, MatchOptions(limit=20)) == before
        finally:
            archive.close()


def test_an_archive_from_before_the_statistics_gets_them_when_migrated(pg_server: PgServer) -> None:
    with pg_server.database() as url:
        archive = open_test_archive(url, [FtsIndexer()])
        assert isinstance(archive, PostgresArchive)
        ids = [archive.add(a).id for a in load_articles().values()]
        terms = _query_terms(archive, ids[2])
        want = archive.term_stats.match_terms(terms, MatchOptions(limit=20))
        kept = _snapshot(archive)
        with archive.engine.begin() as conn:  # the archive as revision 0006 left it
            conn.execute(text("DROP TABLE related_postings, related_df, related_stats, change_log"))
            conn.execute(
                text(
                    "ALTER TABLE articles DROP COLUMN canonical_key, DROP COLUMN page_key, DROP COLUMN published_precision"
                )
            )
            conn.execute(
                text("ALTER TABLE articles ADD CONSTRAINT articles_canonical_url_key UNIQUE (canonical_url)")
            )
            conn.execute(text("UPDATE alembic_version SET version_num = '0006_copies'"))
        archive.close()
        migrated = open_test_archive(url, [FtsIndexer()])  # opening a writer migrates
        assert isinstance(migrated, PostgresArchive)
        try:
            assert _snapshot(migrated) == kept
            assert migrated.term_stats.match_terms(terms, MatchOptions(limit=20)) == want
        finally:
            migrated.close()
