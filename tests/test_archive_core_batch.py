"""CoreArchive, the SQL archives' shared base, is a whole Archive: ``add_batch`` included.

The batch path (one transaction, a savepoint per article) lives on CoreArchive; the backends
(BatchArchive) only run it again after another writer's abort. A plain CoreArchive over a
migrated archive's engine stores a batch as the backends do, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import pytest

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Archive, Indexer, SearchQuery
from kabar.archive.batch_write import BatchArchive
from kabar.archive.errors import ArchiveBusy
from kabar.archive.fts import FtsIndexer
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.store_access import SearchStores
from kabar.archive.stores import IndexStores
from kabar.model import Article


class Failing:
    """An indexer that raises on articles whose headline holds ``marker``."""

    name = "failing"

    def __init__(self, marker: str, error: Exception) -> None:
        self.marker, self.error = marker, error

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        if self.marker in (article.headline or ""):
            raise self.error

    def remove(self, stores: IndexStores, article_id: int) -> None:
        pass


def report(n: int, headline: str | None = None) -> Article:
    return Article(
        headline=headline or f"Berita {n} banjir Jakarta",
        paragraphs=[f"Paragraf berita nomor{n} tentang banjir."],
        url=f"https://uji.example/berita/{n}",
        canonical_url=f"https://uji.example/berita/{n}",
    )


class OnBackend(CoreArchive):
    """A backend of CoreArchive's own that is not a BatchArchive: the archive's search index
    (all CoreArchive asks of a backend) and nothing more."""

    def __init__(self, backend: CoreArchive, indexers: Sequence[Indexer]) -> None:
        super().__init__(backend.engine, backend.url, indexers)
        self.backend = backend

    def search_stores(self, source: ConnectionSource) -> SearchStores:
        return self.backend.search_stores(source)


@contextmanager
def on_backend(url: str, *indexers: Indexer) -> Iterator[OnBackend]:
    backend = open_test_archive(url, [FtsIndexer()])  # opens (and migrates) the archive
    try:
        core = OnBackend(backend, [FtsIndexer(), *indexers])
        assert not isinstance(core, BatchArchive)
        yield core
    finally:
        backend.close()


def test_core_archive_has_every_method_the_protocol_asks_for() -> None:
    asked = {
        name
        for cls in Archive.__mro__
        if cls not in (object, Protocol) and Protocol in cls.__mro__
        for name, member in vars(cls).items()
        if not name.startswith("_") and inspect.isfunction(member)
    }
    assert "add_batch" in asked
    assert sorted(name for name in asked if not callable(getattr(CoreArchive, name, None))) == []


def test_a_core_archive_stores_a_batch_each_article_alone(archive_url: str) -> None:
    with on_backend(archive_url, Failing("rusak", ValueError("indexer failed"))) as core:
        assert core.add_batch([]) == []
        articles = [report(0), report(1, "Berita rusak"), report(2), report(0)]
        done = core.add_batch(articles)
        assert [d.error is not None for d in done] == [False, True, False, False]
        assert isinstance(done[1].error, ValueError) and done[1].result is None
        assert [d.result.status for d in done if d.result] == ["added", "added", "unchanged"]
        assert core.count() == 2 and articles[2].id == done[2].result.id  # type: ignore[union-attr]
        assert core.find_id(canonical_url="https://uji.example/berita/1") is None
        assert core.backend.search(SearchQuery("nomor2")).total == 1  # indexed in the batch


def test_a_fault_of_the_archive_ends_a_core_batch_uncommitted(archive_url: str) -> None:
    with on_backend(archive_url, Failing("Berita 2 ", ArchiveBusy("uji", "held"))) as core:
        with pytest.raises(ArchiveBusy):
            core.add_batch([report(n) for n in range(4)])
        assert core.count() == 0
