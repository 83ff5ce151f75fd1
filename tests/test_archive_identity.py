"""One article, however its URL is spelled: the archive's identity of an article's address.

The same article arrives under ``http``/``https``, another host case, a trailing slash, a
default port, a fragment, AMP markers (``amp.`` host, ``/amp/`` path, ``?amp=1``) and tracking
parameters, and under the URL an earlier article was fetched from; it is one article, its URL
shown as the page gave it. A shorter copy of the stored text (an AMP or paywall teaser) keeps
the stored text; a genuine update still replaces it. On both backends, with hostile URLs, and
for an archive written before the keys existed (migration 0010_url_identity backfills them).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Connection, select

from backends import open_test_archive
from conftest import BACKENDS
from kabar.archive.article_identity import identity_key
from kabar.archive.articles_core import article_row
from kabar.archive.base import ListQuery
from kabar.archive.copy_store import article_copies
from kabar.archive.schema import articles
from kabar.archive.shorter_copy import is_shorter_copy
from kabar.extract.url_identity import url_identity
from kabar.model import Article
from old_archive_support import old_archive

WIB = timezone(timedelta(hours=7))
T0 = datetime(2024, 5, 1, 9, 0, tzinfo=WIB)
BODY = [
    "Harga beras medium di Pasar Induk Cipinang naik Rp500 per kilogram sejak awal pekan.",
    "Pedagang menyebut pasokan dari Karawang dan Subang berkurang karena panen mundur.",
    "Badan Pangan Nasional berjanji menyalurkan cadangan beras pemerintah ke pasar.",
    "Operasi pasar akan digelar di 30 titik di Jakarta mulai Senin depan.",
    "Harga diperkirakan kembali turun ketika panen raya tiba pada bulan depan.",
]


def _article(url: str | None, paragraphs: list[str] | None = None, **kw: object) -> Article:
    values: dict[str, object] = {
        "headline": "Harga beras naik di pasar Cipinang",
        "paragraphs": list(BODY if paragraphs is None else paragraphs),
        "published": T0,
        "outlet": "Koran",
        "url": url,
        "canonical_url": url,
        "captured_at": datetime(2024, 5, 2, tzinfo=UTC),
    }
    values.update(kw)
    return Article(**values)  # type: ignore[arg-type]


# -- the identity of an address -------------------------------------------------------

SAME_ARTICLE = [
    "https://koran.example/berita/2024/harga-beras",
    "http://koran.example/berita/2024/harga-beras",
    "HTTPS://KORAN.Example/berita/2024/harga-beras/",
    "https://koran.example:443/berita/2024/harga-beras#komentar",
    "http://koran.example:80/berita/2024/harga-beras",
    "https://koran.example/berita/2024/harga-beras?utm_source=twitter&utm_medium=social",
    "https://koran.example/berita/2024/harga-beras?amp=1",
    "https://koran.example/berita/2024/harga-beras/amp/",
    "https://koran.example/amp/berita/2024/harga-beras",
    "https://amp.koran.example/berita/2024/harga-beras",
    "https://www.koran.example/berita/2024/harga-beras?amp",
    "https://m.koran.example/berita/2024/harga-beras",
]


def test_every_spelling_of_one_articles_url_has_one_identity() -> None:
    identities = {url_identity(url) for url in SAME_ARTICLE}
    assert identities == {"//koran.example/berita/2024/harga-beras"}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("https://koran.example/berita.php?id=1", "https://koran.example/berita.php?id=2"),
        ("https://koran.example/berita/A", "https://koran.example/berita/a"),  # paths keep their case
        ("https://koran.example/amp", "https://koran.example/"),  # a page named amp is no marker
        ("https://amp.example/berita", "https://example/berita"),  # nor the name of a site
        ("https://m.co/berita", "https://co/berita"),
        ("https://koran.example:8080/a", "https://koran.example/a"),  # a port of its own
        ("https://koran.example/a", "https://lain.example/a"),
    ],
)
def test_distinct_articles_keep_distinct_identities(one: str, other: str) -> None:
    assert url_identity(one) is not None and url_identity(one) != url_identity(other)


@pytest.mark.parametrize(
    ("url", "identity"),
    [
        ("https://koran.example/" + "a" * 100_000, None),  # longer than any page address
        ("ftp://koran.example/berita/1", None),
        ("javascript:alert(1)", None),
        ("?", None),
        ("", None),
        ("http://", None),
        ("https://koran.example:99999/a", None),  # a port out of range
        ("http://[::1", None),  # a broken IPv6 literal
        ("https://bücher.example/a", "//xn--bcher-kva.example/a"),  # IDN: its ASCII form
        ("https://XN--BCHER-KVA.example/a/", "//xn--bcher-kva.example/a"),
        ("https://koran.example/a%zz%", "//koran.example/a%zz%"),  # a broken escape kept as it is
        ("https://koran.example/a?q=%zz&amp=1", "//koran.example/a?q=%25zz"),
        ("https://koran.example/a?q=a%20b", "//koran.example/a?q=a+b"),
    ],
)
def test_hostile_addresses_have_a_clear_identity_or_none(url: str, identity: str | None) -> None:
    assert url_identity(url) == identity
    assert (identity_key(url) is None) == (identity is None)


# -- one article in the archive, however spelled -----------------------------------------


def test_the_same_article_under_other_spellings_is_one_article(archive_url: str) -> None:
    with open_test_archive(archive_url) as archive:
        first = archive.add(_article(SAME_ARTICLE[0]))
        assert first.status == "added"
        for spelling in SAME_ARTICLE[1:]:
            # the same text under another spelling of its own URL: not a copy of itself
            assert archive.add(_article(spelling)).status == "unchanged", spelling
        assert archive.count() == 1 and archive.copies.count() == 0
        # a corrected text under the AMP spelling updates the one article …
        corrected = _article(SAME_ARTICLE[-2], [*BODY[:4], "Harga diperkirakan turun bulan depan."])
        result = archive.add(corrected)
        assert (result.status, result.id) == ("updated", first.id)
        assert archive.count() == 1
        # … whose URL is still shown as the page gave it
        assert [s.url for s in archive.list_articles(ListQuery())] == [SAME_ARTICLE[-2]]
        stored = archive.get(first.id)
        assert stored is not None and stored.url == SAME_ARTICLE[-2]
        assert archive.find_id(canonical_url="http://KORAN.example/berita/2024/harga-beras/") == first.id


def test_a_page_under_an_earlier_articles_fetched_url_is_that_article(archive_url: str) -> None:
    fetched = "https://koran.example/read/123"
    with open_test_archive(archive_url) as archive:
        first = archive.add(_article(fetched, canonical_url="https://koran.example/berita/harga-beras")).id
        # fetched again from the same address, now with no canonical link and a corrected text
        again = _article("http://koran.example/read/123/", [*BODY[:4], "Koreksi: operasi pasar di 40 titik."])
        again.canonical_url = None
        result = archive.add(again)
        assert (result.status, result.id) == ("updated", first)
        # its canonical URL is some other page's fetched one: the same article too
        twice = _article("https://koran.example/x?id=9", canonical_url="https://koran.example/read/123")
        assert archive.add(twice).id == first
        assert archive.count() == 1
        # but pages fetched through one address that name two other canonical URLs (a redirect
        # hub, a wall) are two articles
        hub = "https://koran.example/masuk"
        one = archive.add(_article(hub, ["Berita satu."], canonical_url="https://koran.example/berita/satu"))
        two = archive.add(_article(hub, ["Berita dua."], canonical_url="https://koran.example/berita/dua"))
        assert (one.status, two.status) == ("added", "added") and archive.count() == 3


def test_a_copy_under_another_spelling_of_its_url_is_recorded_once(archive_url: str) -> None:
    with open_test_archive(archive_url) as archive:
        first = archive.add(_article("https://antaranews.example/berita/1", outlet="ANTARA")).id
        assert archive.add(_article("https://koran.example/beras")).status == "copy"
        again = _article("http://www.koran.example/beras/?utm_source=wa#atas")
        assert (archive.add(again).status, archive.copies.count()) == ("unchanged", 1)
        assert [c.url for c in archive.copies.copies_of(first)] == ["https://koran.example/beras"]


# -- a shorter copy keeps the stored text; an update replaces it ------------------------


def test_a_shorter_amp_teaser_keeps_the_full_text_and_a_newer_update_replaces_it(archive_url: str) -> None:
    url = "https://koran.example/berita/2024/harga-beras"
    with open_test_archive(archive_url) as archive:
        first = archive.add(_article(url, modified=T0)).id
        truncated = _article(url, BODY[:2])  # a capture cut short, at the very same URL
        assert archive.add(truncated).status == "unchanged"
        teaser = _article(url + "/amp", [BODY[0], "Baca selengkapnya"], modified=T0)
        assert archive.add(teaser).status == "unchanged"
        paywalled = _article(url + "?utm_source=fb", BODY[:2], paywalled=True)
        assert archive.add(paywalled).status == "unchanged"
        empty = _article(url, [])
        assert archive.add(empty).status == "unchanged"
        kept = archive.get(first)
        assert kept is not None and kept.paragraphs == BODY and not kept.paywalled
        # a newer modification is a genuine update, even a shorter one
        update = _article(url, BODY[:2], modified=T0 + timedelta(hours=3))
        assert archive.add(update).status == "updated"
        stored = archive.get(first)
        assert stored is not None and stored.paragraphs == BODY[:2]
        # and a longer text replaces the shorter one
        extended = _article(url, [*BODY, "Tambahan: pemerintah menambah kuota impor."])
        assert archive.add(extended).status == "updated"
        assert archive.count() == 1


@pytest.mark.parametrize(
    ("arrival", "kept"),
    [
        (_article(None, [BODY[0]]), True),  # a lead paragraph
        (_article(None, [*BODY[:2], "Berlangganan untuk membaca artikel ini."]), True),  # a call to subscribe
        (_article(None, ["Artikel ini telah dicabut karena kesalahan data."]), False),  # says something else
        (_article(None, BODY[:4]), False),  # an edit: not much shorter
        (_article(None, BODY[:1], modified=T0 + timedelta(minutes=5)), False),  # says it is newer
        (_article(None, BODY[:1], modified=datetime(2024, 5, 1, 9, 5)), True),  # a naive time says nothing
    ],
)
def test_the_shorter_copy_rule(arrival: Article, kept: bool) -> None:
    assert is_shorter_copy(_article(None), arrival) is kept


def test_hostile_urls_are_stored_and_matched_without_a_crash(archive_url: str) -> None:
    noise = "".join(hashlib.sha256(str(n).encode()).hexdigest() for n in range(1600))
    hostile = [
        "https://koran.example/" + noise,  # 100 kB that does not compress: past any btree entry
        "https://koran.example/" + "panjang/" * 500,  # 4 kB: past courlan's limit, no identity
        "ftp://koran.example/berita/1",
        "https://bücher.example/berita/1",
        "https://koran.example/a%zz%/b",
        "?",
    ]
    with open_test_archive(archive_url) as archive:
        ids = []
        for n, url in enumerate(hostile):
            result = archive.add(_article(url, [f"Teks {n} yang berbeda.", *BODY]))
            assert result.status == "added", url
            ids.append(result.id)
            assert archive.add(_article(url, [f"Teks {n} yang berbeda.", *BODY])).status == "unchanged"
        # the IDN host under its ASCII spelling is the same article
        ascii_spelling = _article("https://xn--bcher-kva.example/berita/1/", ["Teks 3 yang berbeda.", *BODY])
        result = archive.add(ascii_spelling)
        assert (result.status, result.id) == ("unchanged", ids[3])  # not a copy of itself
        assert archive.count() == len(hostile)


# -- an archive written before the keys existed ----------------------------------------------


@pytest.fixture(params=BACKENDS)
def old_archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database, migrated only up to 0009_change_reach (as the previous kabar left it)."""
    yield from old_archive(request, tmp_path, "0009_change_reach", _rows_before_the_keys)


def _rows_before_the_keys(conn: Connection) -> None:
    for n, spelling in enumerate(["https://koran.example/berita/1", "http://KORAN.example/berita/2/"]):
        article = _article(spelling, [f"Artikel {n}.", *BODY])
        row = article_row(article, article.content_hash)
        del row["canonical_key"], row["page_key"], row["published_precision"]  # later columns
        conn.execute(articles.insert(), row)
    # one copy URL recorded twice under two spellings, keyed as 0006_copies keyed them
    for copy_url in [
        "https://lain.example/beras",
        "http://lain.example/beras/?utm_source=x",
        "ftp://lain.example/b",
    ]:
        old_key = hashlib.sha256(copy_url.encode()).hexdigest()
        conn.execute(
            article_copies.insert(),
            {
                "article_id": 1,
                "url_key": old_key,
                "url": copy_url,
                "first_seen": "2024-05-02T00:00:00+00:00",
            },
        )


def test_the_migration_keys_existing_rows_and_they_match(old_archive_url: str) -> None:
    with open_test_archive(old_archive_url) as archive:  # a writer: migrates to head
        with archive.engine.connect() as conn:
            keys = conn.execute(select(articles.c.canonical_key).order_by(articles.c.id)).scalars().all()
        assert keys == [
            identity_key("https://koran.example/berita/1"),
            identity_key("https://koran.example/berita/2"),
        ]
        assert [c.url for c in archive.copies.copies_of(1)] == [
            "https://lain.example/beras",
            "ftp://lain.example/b",
        ]
        # the copy keys are the new ones: another spelling of a copy URL records nothing
        assert (
            archive.add(_article("https://www.lain.example/beras", ["Artikel 0.", *BODY])).status
            == "unchanged"
        )
        assert archive.add(_article("ftp://lain.example/b", ["Artikel 0.", *BODY])).status == "unchanged"
        assert archive.copies.count() == 2
        result = archive.add(
            _article("https://koran.example/berita/2?amp=1", ["Artikel 1, dikoreksi.", *BODY])
        )
        assert (result.status, result.id) == ("updated", 2)
        assert archive.count() == 2


@pytest.mark.parametrize("url", ["https://Berita.example/a/1/", "?", "mailto:redaksi@berita.example"])
def test_one_url_for_both_keys_is_parsed_once(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page fetched at its canonical URL (most of a bulk load): the page key would be the
    canonical one or none, so the URL's identity is read once, and the keys are as before."""
    from kabar.archive import article_identity

    parsed: list[str | None] = []
    real = article_identity.url_identity

    def counted(value: str | None) -> str | None:
        parsed.append(value)
        return real(value)

    monkeypatch.setattr(article_identity, "url_identity", counted)
    keys = article_identity.ArticleKeys.of_urls(url, url)
    assert len(parsed) == 1
    assert keys == article_identity.ArticleKeys(article_identity.canonical_key(url), None)
