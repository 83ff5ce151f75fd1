from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from backends import open_test_archive
from kabar.archive import migrate
from kabar.archive.base import Archive, ListQuery
from kabar.archive.sqlite import open_archive
from kabar.archive.stores import IndexStores
from kabar.archive.term_records import DocTerms, IndexedDoc
from kabar.model import Article

WIB = timezone(timedelta(hours=7))


def _art(n: int, **kw: object) -> Article:
    defaults: dict[str, object] = {
        "headline": f"Berita nomor {n}",
        "paragraphs": [f"Isi berita nomor {n}.", "Paragraf kedua."],
        "published": datetime(2020, 1, 1, tzinfo=WIB) + timedelta(hours=n),
        "outlet": "A" if n % 2 else "B",
    }
    defaults.update(kw)
    return Article(**defaults)  # type: ignore[arg-type]


class _Boom(RuntimeError):
    pass


class FailingIndexer:
    """Writes its own index entry, then fails: the whole ingest must roll back."""

    name = "failing"

    def __init__(self, fail_on: int) -> None:
        self.fail_on = fail_on
        self.calls = 0

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        self.calls += 1
        stores.search_index.add([IndexedDoc(article_id, DocTerms(headline=["sisa"], body=[]))])
        if self.calls == self.fail_on:
            raise _Boom("indexer failed mid-ingest")

    def remove(self, stores: IndexStores, article_id: int) -> None:
        return None


def test_archive_satisfies_the_seam(archive_url: str) -> None:
    archive: Archive = open_test_archive(archive_url)
    assert archive.count() == 0
    archive.close()


def test_same_article_twice_is_one(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    first = archive.add(_art(1))
    second = archive.add(_art(1))
    assert first.status == "added" and second.status == "unchanged" and first.id == second.id
    # Whitespace and case differences are the same text.
    third = archive.add(_art(1, paragraphs=["isi berita  nomor 1.", "Paragraf kedua."]))
    assert third.status == "unchanged"
    assert archive.count() == 1


def test_same_canonical_url_with_new_text_is_an_update(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    a = archive.add(_art(1, canonical_url="https://x.test/1"))
    b = archive.add(_art(1, canonical_url="https://x.test/1", paragraphs=["Isi yang diperbarui."]))
    assert (a.status, b.status) == ("added", "updated") and a.id == b.id
    stored = archive.get(a.id)
    assert stored is not None and stored.paragraphs == ["Isi yang diperbarui."] and stored.id == a.id
    assert archive.count() == 1


def test_failed_indexer_leaves_nothing_half_written(archive_url: str) -> None:
    indexer = FailingIndexer(fail_on=2)
    archive = open_test_archive(archive_url, indexers=[indexer])
    archive.add(_art(1))
    with pytest.raises(_Boom):
        archive.add(_art(2))
    assert archive.count() == 1
    assert set(archive.term_stats.indexed_terms([1, 2])) == {1}
    # and the failed article can be stored later, once the indexer is fine
    assert archive.add(_art(2)).status == "added"


def test_wal_mode_and_migrations_at_head(tmp_db: Path) -> None:
    archive = open_archive(tmp_db)
    with sqlite3.connect(tmp_db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert migrate.current_revision(archive.engine) == migrate.head_revision()
    archive.close()
    # reopening an up-to-date archive is cheap and changes nothing
    open_archive(tmp_db).close()


def test_list_filters_and_orders_newest_first(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    for n in range(1, 11):
        archive.add(_art(n))
    archive.add(_art(99, published=None))
    rows = archive.list_articles(ListQuery(limit=3))
    assert [r.headline for r in rows] == ["Berita nomor 10", "Berita nomor 9", "Berita nomor 8"]
    only_b = archive.list_articles(ListQuery(limit=50, outlet="B"))
    assert {r.outlet for r in only_b} == {"B"} and len(only_b) == 5
    since = datetime(2020, 1, 1, 8, tzinfo=UTC) - timedelta(hours=7)
    window = archive.list_articles(ListQuery(limit=50, since=since, until=since + timedelta(hours=2)))
    assert [r.headline for r in window] == ["Berita nomor 9", "Berita nomor 8"]
    assert archive.list_articles(ListQuery(limit=50))[-1].headline == "Berita nomor 99"  # undated last
    assert {o.outlet: o.articles for o in archive.outlets()} == {"A": 6, "B": 5}


def test_get_unknown_and_get_many_order(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    ids = [archive.add(_art(n)).id for n in range(3)]
    assert archive.get(12345) is None
    assert [a.id for a in archive.get_many([ids[2], 999, ids[0]])] == [ids[2], ids[0]]
    assert archive.find_id(content_hash=_art(1).content_hash) == ids[1]


def test_lone_surrogates_from_json_are_stored_not_crashed_on(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    dirty = _art(5, headline="Judul \ud800 rusak", paragraphs=["Isi \udfff juga."])
    result = archive.add(dirty)
    assert result.status == "added" and dirty.id == result.id
    stored = archive.get(result.id)
    assert stored is not None and stored.headline == "Judul ? rusak"


def test_nul_bytes_are_removed_not_crashed_on(archive_url: str) -> None:
    """PostgreSQL's text refuses NUL; json.dumps writes it as an escape, so look at the values."""
    archive = open_test_archive(archive_url)
    dirty = _art(6, headline="Judul\x00 bernul", paragraphs=["Isi\x00 dengan NUL.", "Biasa."])
    result = archive.add(dirty)
    assert result.status == "added"
    stored = archive.get(result.id)
    assert stored is not None and stored.headline == "Judul bernul"
    assert stored.paragraphs == ["Isi dengan NUL.", "Biasa."]
    assert archive.add(dirty).status == "unchanged"


def test_url_whose_new_text_is_another_articles_text_is_not_an_error(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    a = archive.add(_art(1, canonical_url="https://x.test/a"))
    b = archive.add(_art(2, canonical_url="https://x.test/b"))
    again = archive.add(_art(1, canonical_url="https://x.test/b"))  # b's page now reprints a
    assert again.status == "copy" and again.id == a.id and a.id != b.id  # b's URL: a copy of a
    assert archive.add(_art(1, canonical_url="https://x.test/b")).status == "unchanged"
    assert archive.count() == 2
