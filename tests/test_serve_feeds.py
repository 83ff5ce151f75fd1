"""Feeds out: RSS 2.0 and Atom for latest, outlet, search, story and entity."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from kabar.archive.base import SearchQuery
from kabar.archive.sqlite import SqliteArchive
from serve_support import Client, fill, make_app, make_article


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = fill(tmp_path / "kabar.db", [make_article(n) for n in range(1, 41)])
    arch.add(make_article(99, outlet="Antara News"))
    yield arch
    arch.close()


@pytest.fixture
def client(archive: SqliteArchive) -> Client:
    return Client(make_app(archive))


@pytest.mark.parametrize(
    ("fmt", "version", "media"), [("rss", "rss20", "rss+xml"), ("atom", "atom10", "atom+xml")]
)
def test_latest_feed(client: Client, fmt: str, version: str, media: str) -> None:
    r = client.get(f"/feed/{fmt}/terbaru")
    assert r.status_code == 200
    assert r.headers["content-type"] == f"application/{media}; charset=utf-8"
    feed = feedparser.parse(r.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == version
    assert feed.feed.get("language", "id") == "id"
    assert len(feed.entries) == 30
    first = feed.entries[0]
    assert first.title == "Berita nomor 1 tentang banjir Jakarta"
    assert first.link.startswith("/artikel/")  # relative without a configured public URL
    assert first.summary == "Ringkasan berita 1."
    assert first.published_parsed[:4] == (2020, 11, 3, 8)  # 15:50 WIB = 08:50 UTC


def test_outlet_feed(client: Client) -> None:
    feed = feedparser.parse(client.get("/feed/rss/media/Antara%20News").content)
    assert [e.title for e in feed.entries] == ["Berita nomor 99 tentang banjir Jakarta"]
    r = client.get("/feed/atom/media/Tidak%20Ada")
    assert r.status_code == 404 and r.json()["status"] == 404


def test_search_feed(client: Client, archive: SqliteArchive) -> None:
    r = client.get("/feed/rss/cari?q=banjir")
    assert r.status_code == 200
    feed = feedparser.parse(r.content)
    assert not feed.bozo
    expected = archive.search(SearchQuery(text="banjir", limit=30, order="newest"))
    assert len(feed.entries) == len(expected.hits)
    for entry in feed.entries:
        assert "«" not in entry.get("summary", "")
    assert client.get("/feed/rss/cari").status_code == 422
    assert client.get("/feed/xml/terbaru").status_code == 422


def test_story_and_entity_feeds_404_for_unknown_ids(client: Client) -> None:
    assert client.get("/feed/rss/cerita/4242").status_code == 404
    assert client.get("/feed/atom/entitas/4242").status_code == 404
