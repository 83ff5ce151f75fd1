"""Bulk loading (kabar.archive.bulk_load): an archive that answers exactly as one filled by ingest."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.bulk_load import BulkArticle, BulkLoadRefused, open_bulk_load
from kabar.archive.fts import FtsIndexer
from kabar.archive.open import is_postgres
from kabar.archive.term_records import article_terms
from kabar.link.related import RelatedOptions, related
from kabar.model import Article
from search_fixtures import fixture_articles

QUERIES = [
    "banjir",
    "perdamaian",
    "damai",
    "gencatan senjata",
    '"gencatan senjata"',
    "harga cabai",
    "Rusia",
    "xyzzy",
]


@contextmanager
def _second_place(archive_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Another empty archive on the same backend (the ingest-built reference)."""
    if not is_postgres(archive_url):
        yield str(tmp_path / "reference.db")
        return
    with request.getfixturevalue("pg_server").database() as url:
        yield url


def _bulk(archive: CoreArchive, articles: list[Article]) -> None:
    """Two batches, the second by a loader that resumes an interrupted load (after a finish, too)."""
    items = [BulkArticle(i + 1, a, article_terms(a)) for i, a in enumerate(articles)]
    first = open_bulk_load(archive)
    first.add(items[:2])
    first.add(items[2:3])
    first.finish()
    resumed = open_bulk_load(archive, resume=True)
    resumed.add(items[3:])
    resumed.finish()


def test_bulk_load_answers_as_ingest(
    archive_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    articles = fixture_articles()
    assert len(articles) >= 6
    with _second_place(archive_url, request, tmp_path) as reference_url:
        reference = open_test_archive(reference_url, [FtsIndexer()])
        for a in fixture_articles():
            reference.add(a)
        bulk = open_test_archive(archive_url, [FtsIndexer()])
        _bulk(bulk, articles)
        try:
            n = len(articles)
            assert bulk.count() == reference.count() == n
            for i in range(1, n + 1):
                got, want = bulk.get(i), reference.get(i)
                assert got is not None and want is not None
                assert (got.headline, got.paragraphs, got.published) == (
                    want.headline,
                    want.paragraphs,
                    want.published,
                )
            for q in QUERIES:
                for order in ("relevance", "newest"):
                    got_r = bulk.search(SearchQuery(text=q, order=order))
                    want_r = reference.search(SearchQuery(text=q, order=order))
                    assert [(h.id, h.snippet) for h in got_r.hits] == [
                        (h.id, h.snippet) for h in want_r.hits
                    ], q
                    assert (got_r.total, got_r.message) == (want_r.total, want_r.message), q
            ids = list(range(1, n + 1))
            assert bulk.term_stats.indexed_terms(ids) == reference.term_stats.indexed_terms(ids)
            vocab = sorted({t for d in reference.term_stats.indexed_terms(ids).values() for t in d.body})
            assert bulk.term_stats.doc_frequencies(vocab) == reference.term_stats.doc_frequencies(vocab)
            found_related = 0
            for i in ids:
                got_h = related(bulk, i, RelatedOptions(limit=5))
                want_h = related(reference, i, RelatedOptions(limit=5))
                assert [(h.id, h.score) for h in got_h] == [(h.id, h.score) for h in want_h], i
                found_related += bool(got_h)
            assert found_related > 0
            # Ingest goes on after a bulk load: the next id follows the loaded ones.
            extra = Article(
                headline="Banjir susulan melanda pesisir utara",
                paragraphs=["Banjir susulan kembali melanda pesisir utara Jakarta pada Selasa malam."],
                url="https://example.invalid/banjir-susulan",
                canonical_url="https://example.invalid/banjir-susulan",
            )
            added = bulk.add(extra)
            assert (added.status, added.id) == ("added", n + 1)
            assert n + 1 in [h.id for h in bulk.search(SearchQuery(text="banjir susulan")).hits]
        finally:
            bulk.close()
            reference.close()


def test_bulk_load_refuses_an_archive_with_articles(archive_url: str) -> None:
    archive = open_test_archive(archive_url, [FtsIndexer()])
    try:
        archive.add(fixture_articles()[0])
        with pytest.raises(BulkLoadRefused, match="holds 1 articles"):
            open_bulk_load(archive)
    finally:
        archive.close()


def test_bulk_load_cleans_text_as_add_does(archive_url: str) -> None:
    dirty = Article(
        headline="Harga beras\x00 naik",
        paragraphs=["Harga beras naik lagi\x00 di pasar induk.", "Pedagang mengeluh \ud800 sepi pembeli."],
        url="https://example.invalid/beras",
        canonical_url="https://example.invalid/beras",
    )
    clean = fixture_articles()[0]
    archive = open_test_archive(archive_url, [FtsIndexer()])
    try:
        loader = open_bulk_load(archive)
        loader.add([BulkArticle(1, clean, article_terms(clean)), BulkArticle(2, dirty, article_terms(dirty))])
        loader.finish()
        stored = archive.get(2)
        assert stored is not None
        assert stored.headline == "Harga beras naik"
        assert stored.paragraphs[0] == "Harga beras naik lagi di pasar induk."
        assert "\ud800" not in stored.paragraphs[1] and "sepi pembeli" in stored.paragraphs[1]
        assert 2 in [h.id for h in archive.search(SearchQuery(text="harga beras")).hits]
        kept = archive.get(1)
        assert kept is not None and kept.paragraphs == clean.paragraphs
    finally:
        archive.close()
