"""Story and entity pages, API and feeds, over an archive the understanding indexers filled."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import feedparser
import pytest

from kabar.archive.sqlite import SqliteArchive
from serve_support import Client, fill, make_app, story_article


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = fill(tmp_path / "kabar.db", [story_article(n) for n in range(1, 5)])
    yield arch
    arch.close()


@pytest.fixture
def client(archive: SqliteArchive) -> Client:
    return Client(make_app(archive))


def _story_id(client: Client) -> int:
    stories = client.get("/api/stories").json()
    assert stories, "the story indexer grouped nothing"
    return int(stories[0]["id"])


def test_article_links_its_story_and_entities(client: Client) -> None:
    html = client.get("/artikel/1").text
    story_id = _story_id(client)
    assert f'href="/cerita/{story_id}">lihat linimasa</a>' in html
    people = re.findall(r'<a href="/entitas/(\d+)">Vladimir Putin</a>', html)
    assert len(people) == 1
    assert 'class="peran">Presiden Rusia<' in html


def test_home_lists_top_stories(client: Client) -> None:
    html = client.get("/").text
    assert "Cerita utama" in html
    assert f'href="/cerita/{_story_id(client)}"' in html


def test_story_page_has_its_timeline(client: Client) -> None:
    story_id = _story_id(client)
    r = client.get(f"/cerita/{story_id}")
    assert r.status_code == 200
    html = r.text
    assert '<html lang="id">' in html and 'property="og:title"' in html
    html = html[html.find("Berita dalam cerita ini") :]
    # the articles oldest first, then the dated events they mention, in date order
    assert html.find("bagian 4") < html.find("bagian 1")
    assert "Linimasa peristiwa" in html
    assert html.find("27 September 2020</time>") < html.find("1 November 2020</time>")
    assert f'href="/feed/rss/cerita/{story_id}"' in r.text


def test_entity_page_who_roles_and_articles(client: Client) -> None:
    html = client.get("/artikel/1").text
    entity_id = re.findall(r'<a href="/entitas/(\d+)">Vladimir Putin</a>', html)[0]
    r = client.get(f"/entitas/{entity_id}")
    assert r.status_code == 200
    page = r.text
    assert "<h1>Vladimir Putin</h1>" in page and "Tokoh" in page
    assert "Presiden Rusia" in page and "4 berita" in page
    assert page.count('class="judul"') == 4


def test_story_and_entity_api(client: Client) -> None:
    story_id = _story_id(client)
    story = client.get(f"/api/stories/{story_id}").json()
    assert len(story["articles"]) == 4 and story["timeline"][0]["date"] == "2020-09-27"
    assert "Vladimir Putin" in story["entities"]
    entities = client.get("/api/entities").json()
    names = {e["name"]: e for e in entities}
    assert names["Vladimir Putin"]["articles"] == 4 and names["Vladimir Putin"]["type"] == "person"
    detail = client.get(f"/api/entities/{names['Vladimir Putin']['id']}?limit=2").json()
    assert detail["total"] == 4 and len(detail["articles"]) == 2
    assert detail["roles"][0]["role"] == "Presiden Rusia"


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_story_and_entity_feeds(client: Client, fmt: str) -> None:
    story_id = _story_id(client)
    feed = feedparser.parse(client.get(f"/feed/{fmt}/cerita/{story_id}").content)
    assert not feed.bozo and len(feed.entries) == 4
    assert feed.entries[0].title.endswith("bagian 1")  # newest first
    entity_id = client.get("/api/entities").json()[0]["id"]
    feed = feedparser.parse(client.get(f"/feed/{fmt}/entitas/{entity_id}").content)
    assert not feed.bozo and len(feed.entries) == 4


def test_stories_index_lists_each_story_with_its_span(client: Client) -> None:
    story_id = _story_id(client)
    r = client.get("/cerita")
    assert r.status_code == 200
    html = r.text
    assert "<h1>Cerita</h1>" in html and "1 cerita" in html
    assert f'<a class="judul" href="/cerita/{story_id}">' in html
    assert "4 berita · " in html and "2020" in html
    assert 'href="/cerita"' in client.get("/").text  # reached from the home page


def test_stories_index_pages_and_bad_page_numbers(tmp_path: Path) -> None:
    from stories_support import fixture_articles, understanding_archive

    archive = understanding_archive(tmp_path / "many.db")
    for _, _, article in fixture_articles():
        archive.add(article)
    try:
        client = Client(make_app(archive, page_size=1))
        stories = client.get("/api/stories").json()
        assert len(stories) >= 2
        first = client.get("/cerita").text
        assert f"{len(stories)} cerita" in first and 'href="/cerita?halaman=2"' in first
        assert first.count('class="judul"') == 1
        last = client.get(f"/cerita?halaman={len(stories)}").text
        assert 'rel="next"' not in last and 'rel="prev"' in last
        assert client.get("/cerita?halaman=9999").status_code == 200  # past the end: an empty page
        for bad in ("0", "-1", "abc", "1" * 40):
            assert client.get(f"/cerita?halaman={bad}").status_code in (404, 422)
    finally:
        archive.close()


def test_stories_index_of_an_empty_archive(tmp_path: Path) -> None:
    archive = fill(tmp_path / "empty.db", [])
    try:
        html = Client(make_app(archive)).get("/cerita").text
        assert "Belum ada cerita" in html and "0 cerita" in html
    finally:
        archive.close()
