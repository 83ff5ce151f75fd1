"""The response cache: fresh after every ingest, 304 on a matching ETag, never keyed on the Host."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest

from backends import open_test_archive
from cache_support import response_cache as _cache  # the name the tests here use
from cache_support import story_archive
from kabar.archive.articles_core import CoreArchive
from kabar.wiring import default_indexers
from serve_support import NOW, Client, make_app, story_article

NEW = "bagian 0"  # the headline of the article ingested mid-test (story_article(0): the newest)


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    yield from story_archive(archive_url)


def _pages(client: Client) -> list[str]:
    story_id = client.get("/api/stories").json()[0]["id"]
    entities = client.get("/api/entities").json()
    entity_id = next(e["id"] for e in entities if e["name"] == "Vladimir Putin")
    return [
        "/",
        f"/cerita/{story_id}",
        f"/entitas/{entity_id}",
        "/cari?q=Pashinyan",
        "/cari?q=Pashinyan&urutan=terbaru",
        "/media/TEMPO.CO",
        "/feed/rss/terbaru",
        "/feed/atom/terbaru",
        f"/feed/rss/cerita/{story_id}",
        "/api/articles",
        "/api/search?q=Pashinyan",
        f"/api/stories/{story_id}",
        f"/api/entities/{entity_id}",
    ]


MODES = ["stamp", "targeted"]  # cache invalidation (serve/state.py): both must never serve stale


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("writer", ["same archive", "another connection"])
def test_every_page_shows_an_article_ingested_after_it_was_cached(
    archive: CoreArchive, archive_url: str, writer: str, mode: str
) -> None:
    client = Client(make_app(archive, cache_invalidation=mode))
    pages = _pages(client)
    for path in pages:
        first = client.get(path)
        assert first.status_code == 200, path
        assert NEW not in first.text, path
        assert client.get(path).text == first.text  # the second answer comes from the cache
    assert len(_cache(client).store) >= len(pages)
    if writer == "same archive":
        archive.add(story_article(0))
    else:  # another writer (as `kabar ingest` or another worker would be): only the stamp can tell
        other = open_test_archive(archive_url, default_indexers(note_reach=True))
        try:
            other.add(story_article(0))
        finally:
            other.close()
    for path in pages:
        assert NEW in client.get(path).text, path


def test_a_cached_answer_is_served_until_the_archive_changes(archive: CoreArchive) -> None:
    """The cache is really used: with the change stamp held still, a new article stays unseen."""
    app = make_app(archive)
    client = Client(app)
    changes = app.state.kabar.changes
    real = changes.stamp
    held = real()  # held from before the first answer (PostgreSQL's WAL position moves on its own)
    changes.stamp = lambda: held  # type: ignore[method-assign]
    try:
        assert NEW not in client.get("/").text
        archive.add(story_article(0))
        assert NEW not in client.get("/").text
    finally:
        changes.stamp = real  # type: ignore[method-assign]
    assert NEW in client.get("/").text


@pytest.mark.parametrize("mode", MODES)
def test_an_ingest_through_the_api_refreshes_the_pages(archive: CoreArchive, mode: str) -> None:
    client = Client(make_app(archive, token="t0ken", cache_invalidation=mode))
    assert NEW not in client.get("/api/articles").text
    body = {"headline": "Putin bicara lagi soal Karabakh, bagian 0", "body": "Putin menelepon Aliyev lagi."}
    r = client.post("/api/ingest", json=body, headers={"Authorization": "Bearer t0ken"})
    assert r.status_code == 201, r.text
    assert NEW in client.get("/api/articles").text
    assert NEW in client.get("/").text


def test_304_on_a_matching_etag_and_200_once_the_archive_changed(archive: CoreArchive) -> None:
    client = Client(make_app(archive))
    first = client.get("/")
    etag = first.headers["etag"]
    assert etag.startswith('W/"') and first.headers["cache-control"] == "public, no-cache"
    again = client.get("/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and "content-security-policy" in again.headers
    assert client.get("/", headers={"If-None-Match": 'W/"other"'}).status_code == 200
    since = client.get("/", headers={"If-Modified-Since": first.headers["last-modified"]})
    assert since.status_code == 304
    archive.add(story_article(0))
    changed = client.get("/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and NEW in changed.text
    assert changed.headers["etag"] != etag


def test_the_host_header_is_neither_reflected_nor_part_of_the_key(archive: CoreArchive) -> None:
    client = Client(make_app(archive))
    evil = client.get("/", headers={"Host": "evil.example"})
    assert evil.status_code == 200 and "evil.example" not in evil.text
    plain = client.get("/", headers={"Host": "berita.example"})
    assert plain.text == evil.text and plain.headers["etag"] == evil.headers["etag"]
    assert len(_cache(client).store) == 1  # one entry for both hosts
    # an allowed-hosts list still refuses another Host though the page is cached
    guarded = Client(make_app(archive, public_url="https://berita.example"))
    assert guarded.get("/", headers={"Host": "berita.example"}).status_code == 200
    assert guarded.get("/", headers={"Host": "evil.example"}).status_code == 400


def test_ages_move_on_while_the_page_stays_cached(archive: CoreArchive) -> None:
    now = [NOW]
    app = make_app(archive, clock=lambda: now[0])
    client = Client(app)
    first = client.get("/artikel/1")
    assert "2 hari lalu</time>" in first.text  # related item B, published 2 Nov 02:00 UTC
    assert 'datetime="2020-11-02T02:00:00+00:00"' in first.text
    now[0] = NOW + timedelta(days=1)
    later = client.get("/artikel/1")
    item_b = later.text[later.text.find("Berita terkait B") :]
    assert item_b.startswith("Berita terkait B") and "2 hari lalu" not in item_b
    assert '<time datetime="2020-11-02T02:00:00+00:00">3 hari lalu</time>' in item_b
    assert later.headers["etag"] != first.headers["etag"]
    assert len(_cache(client).store) == 1  # the same entry, its ages filled in anew
    api = client.get("/api/articles/1/related").json()
    assert "3 hari lalu" in [item["age"] for item in api["items"]]


def test_compression_and_cache_control_per_route(archive: CoreArchive) -> None:
    client = Client(make_app(archive))
    for path, control in (
        ("/", "public, no-cache"),
        ("/api/articles", "public, no-cache"),
        ("/feed/rss/terbaru", "public, max-age=60"),
    ):
        raw = asyncio_get(client, path, {"Accept-Encoding": "gzip"})
        assert raw.headers["content-encoding"] == "gzip", path
        assert raw.headers["vary"] == "Accept-Encoding" and raw.headers["cache-control"] == control
        assert (
            gzip.decompress(raw.content) == client.get(path, headers={"Accept-Encoding": "identity"}).content
        )
    plain = asyncio_get(client, "/", {"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    css_href = client.get("/").text.split('rel="stylesheet" href="')[1].split('"')[0]
    assert css_href.startswith("/static/kabar.css?v=")
    css = client.get(css_href)
    assert css.status_code == 200 and css.headers["cache-control"] == "public, max-age=31536000, immutable"
    missing = client.get("/artikel/999")
    assert missing.status_code == 404 and missing.headers["cache-control"] == "no-store"


@dataclass(slots=True)
class RawAnswer:
    headers: httpx.Headers
    content: bytes  # as sent, not decoded


def asyncio_get(client: Client, path: str, headers: dict[str, str]) -> RawAnswer:
    """A GET whose body is kept as sent (httpx would otherwise decode the gzip)."""
    import asyncio

    async def run() -> RawAnswer:
        transport = httpx.ASGITransport(app=client.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            request = http.build_request("GET", path, headers=headers)
            response = await http.send(request, stream=True)
            body = b"".join([chunk async for chunk in response.aiter_raw()])
            await response.aclose()
            return RawAnswer(response.headers, body)

    return asyncio.run(run())


def test_fifty_requests_for_a_changed_page_render_it_once(archive: CoreArchive) -> None:
    import asyncio

    app = make_app(archive)
    renders = 0
    original = app.state.kabar.archive.list_articles

    def counting(query: object) -> object:
        nonlocal renders
        renders += 1
        return original(query)  # type: ignore[arg-type]

    async def burst() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            answers = await asyncio.gather(*(http.get("/api/articles") for _ in range(50)))
        return [a.status_code for a in answers]

    changes = app.state.kabar.changes
    held = changes.stamp()  # PostgreSQL's WAL position may move under reads (page pruning)
    changes.stamp = lambda: held  # type: ignore[method-assign]
    app.state.kabar.archive.list_articles = counting
    try:
        assert asyncio.run(burst()) == [200] * 50
    finally:
        app.state.kabar.archive.list_articles = original
    assert renders == 1
