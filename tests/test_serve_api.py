"""The JSON API: public reads, token-guarded ingest, errors as JSON with the right status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from kabar.archive.articles_core import CoreArchive
from serve_support import Client, fill, make_app, make_article, rich_article

TOKEN = "rahasia-uji-123"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = fill(archive_url, [rich_article(), *[make_article(n) for n in range(1, 6)]])
    arch.add(make_article(50, outlet="kumparan"))
    yield arch
    arch.close()


@pytest.fixture
def client(archive: CoreArchive) -> Client:
    return Client(make_app(archive, token=TOKEN, max_ingest_bytes=50_000))


def _error(r: object, status: int) -> dict[str, object]:
    import httpx

    assert isinstance(r, httpx.Response)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body: dict[str, object] = r.json()
    assert body["status"] == status and isinstance(body["message"], str) and body["message"]
    return body


def test_openapi_lists_the_api(client: Client) -> None:
    r = client.get("/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for path in (
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/articles/{article_id}/related",
        "/api/outlets",
        "/api/outlets/{outlet}/articles",
        "/api/search",
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/entities",
        "/api/entities/{entity_id}",
        "/api/ingest",
        "/feed/{fmt}/terbaru",
    ):
        assert path in paths, path
    assert "/artikel/{article_id}" not in paths  # pages are not API


def test_list_articles_filters_and_pages(client: Client) -> None:
    body = client.get("/api/articles?limit=3").json()
    assert len(body["items"]) == 3 and body["limit"] == 3
    assert body["items"][0]["portal_url"].startswith("/artikel/")
    kumparan = client.get("/api/articles?outlet=kumparan").json()["items"]
    assert [i["outlet"] for i in kumparan] == ["kumparan"]
    assert client.get("/api/outlets/kumparan/articles").json()["items"] == kumparan
    # berita 1..5 are 1..5 hours before 3 Nov 16:50 WIB; berita 50 is two days earlier
    day = client.get("/api/articles?since=2020-11-03T00:00:00%2B07:00&until=2020-11-04").json()["items"]
    assert len(day) == 6
    early = client.get("/api/articles?until=2020-11-02").json()["items"]
    assert [i["outlet"] for i in early] == ["kumparan"]
    page2 = client.get("/api/articles?limit=2&offset=2").json()["items"]
    assert [i["id"] for i in page2] == [
        i["id"] for i in client.get("/api/articles?limit=4").json()["items"][2:]
    ]


def test_bad_parameters_are_422_json(client: Client) -> None:
    body = _error(client.get("/api/articles?limit=0"), 422)
    assert "limit" in str(body["message"])
    _error(client.get("/api/articles?limit=abc"), 422)
    _error(client.get("/api/articles?since=yesterday"), 422)
    _error(client.get("/api/articles/abc"), 422)
    _error(client.get("/api/search"), 422)
    _error(client.get("/api/search?q=x&order=random"), 422)


def test_get_article_and_404(client: Client) -> None:
    body = client.get("/api/articles/1").json()
    assert body["headline"] == "Putin Telepon Pemimpin Armenia"
    assert body["published"] == "2020-11-03T16:50:00+07:00"
    assert body["images"][1]["position"] == 2
    body = _error(client.get("/api/articles/424242"), 404)
    assert "424242" in str(body["message"])
    _error(client.get("/api/nothing-here"), 404)


def test_related_falls_back_to_the_page_list(client: Client) -> None:
    body = client.get("/api/articles/1/related").json()
    assert body["source"] in ("archive", "page")
    if body["source"] == "page":
        assert [i["headline"] for i in body["items"]] == ["Berita terkait A", "Berita terkait B"]
        assert body["items"][1]["age"] == "2 hari lalu"
    _error(client.get("/api/articles/999/related"), 404)


def test_search_answers_in_json(client: Client) -> None:
    r = client.get("/api/search?q=banjir&limit=2")
    assert r.status_code == 200
    body = r.json()
    assert body["query"] == "banjir"
    assert isinstance(body["hits"], list) and len(body["hits"]) <= 2
    for hit in body["hits"]:
        assert "«" not in hit["snippet_text"]


def test_outlets_stories_entities(client: Client) -> None:
    outlets = client.get("/api/outlets").json()
    assert {"outlet": "TEMPO.CO", "articles": 6} in outlets
    assert isinstance(client.get("/api/stories").json(), list)
    assert isinstance(client.get("/api/entities").json(), list)
    _error(client.get("/api/stories/123456"), 404)
    _error(client.get("/api/entities/123456"), 404)


def test_ingest_needs_the_token(client: Client) -> None:
    body = _error(
        client.post("/api/ingest", content="Judul\n\nIsi.", headers={"content-type": "text/plain"}), 401
    )
    assert "token" in str(body["message"])
    _error(
        client.post(
            "/api/ingest",
            content="x",
            headers={"content-type": "text/plain", "Authorization": "Bearer salah"},
        ),
        403,
    )


def test_ingest_disabled_without_a_configured_token(archive: CoreArchive) -> None:
    client = Client(make_app(archive, token=None))
    body = _error(client.post("/api/ingest", content="Judul\n\nIsi.", headers=AUTH), 503)
    assert "KABAR_TOKEN" in str(body["message"])


def test_ingest_a_flattened_page_then_read_it(client: Client, example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    r = client.post("/api/ingest", content=text.encode(), headers={**AUTH, "content-type": "text/plain"})
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "added" and created["portal_url"].startswith(f"/artikel/{created['id']}")
    again = client.post("/api/ingest", content=text.encode(), headers={**AUTH, "content-type": "text/plain"})
    assert again.status_code == 200 and again.json() == {**created, "status": "unchanged"}
    page = client.get(created["portal_url"])
    assert page.status_code == 200 and "Vladimir Putin" in page.text
    # with the capture time given, the related items' ages count from it (request time: 4 Nov 02:00 UTC)
    again = client.post(
        "/api/ingest?captured_at=2020-11-03T10:00:00%2B00:00",
        content=text.replace("Vladimir Putin Telepon", "Putin Telepon").encode(),
        headers={**AUTH, "content-type": "text/plain"},
    )
    assert again.status_code == 201, again.text
    related = client.get(f"/api/articles/{again.json()['id']}/related").json()["items"]
    first = next(i for i in related if i["headline"].startswith("Badan Mata-mata Seoul"))
    assert first["age"] == "1 hari lalu"  # 9 hours at capture + 16 hours since


def test_ingest_html_and_json_documents(client: Client) -> None:
    html = (
        "<html><head><title>Gempa di Cianjur</title></head><body><article><h1>Gempa di Cianjur</h1>"
        + ("<p>Gempa berkekuatan 5,6 magnitudo mengguncang Cianjur, Jawa Barat, Senin siang.</p>" * 5)
        + "</article></body></html>"
    )
    r = client.post(
        "/api/ingest?url=https://example.id/gempa",
        content=html,
        headers={**AUTH, "content-type": "text/html; charset=utf-8"},
    )
    assert r.status_code == 201, r.text
    doc = {"headline": "Dokumen tanpa URL", "body": "Paragraf satu.\n\nParagraf dua.", "outlet": "API"}
    r = client.post(
        "/api/ingest", content=json.dumps(doc), headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 201, r.text
    stored = client.get(f"/api/articles/{r.json()['id']}").json()
    assert stored["paragraphs"] == ["Paragraf satu.", "Paragraf dua."] and stored["url"] is None
    page = {"content": "Judul halaman\n\nIsi halaman yang cukup panjang.", "kind": "text"}
    r = client.post(
        "/api/ingest", content=json.dumps(page), headers={**AUTH, "content-type": "application/json"}
    )
    assert r.status_code == 201, r.text


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        (b"", "text/plain", 422),
        (b"   \n ", "text/plain", 422),
        (b"\x00\x01\x02binary\x00", "text/plain", 422),
        (b"\xff\xfe\xfa not utf-8", "text/plain", 422),
        (b"{not json", "application/json", 422),
        (b"[1, 2]", "application/json", 422),
        (b'{"headline": 5, "body": "x"}', "application/json", 422),
        (b'{"headline": "ok", "paragraphs": [1, 2]}', "application/json", 422),
        (b'{"headline": "ok", "body": "x", "images": [{"nope": 1}]}', "application/json", 422),
        (b'{"content": 5}', "application/json", 422),
        (b"%PDF-1.4", "application/pdf", 415),
        (b"a" * 60_000, "text/plain", 413),
    ],
)
def test_ingest_bad_input(client: Client, content: bytes, content_type: str, status: int) -> None:
    r = client.post("/api/ingest", content=content, headers={**AUTH, "content-type": content_type})
    _error(r, status)


def test_ingest_refuses_a_dangerous_url(client: Client) -> None:
    r = client.post(
        "/api/ingest?url=javascript:alert(1)",
        content="Judul\n\nIsi.",
        headers={**AUTH, "content-type": "text/plain"},
    )
    _error(r, 422)


def test_ingest_size_limit_is_checked_before_reading(client: Client) -> None:
    r = client.post(
        "/api/ingest",
        content=b"x" * 10,
        headers={**AUTH, "content-type": "text/plain", "content-length": "99999999"},
    )
    assert r.status_code == 413


def test_ingest_refuses_an_article_longer_than_any_real_one(archive: CoreArchive) -> None:
    client = Client(make_app(archive, token=TOKEN, max_ingest_bytes=500_000, max_article_chars=20_000))
    page = (
        "Judul\n\n"
        + ("Kalimat yang diulang-ulang untuk membuat halaman yang sangat panjang. " * 20 + "\n\n") * 40
    )
    r = client.post("/api/ingest", content=page.encode(), headers={**AUTH, "content-type": "text/plain"})
    body = _error(r, 413)
    assert "20000" in str(body["message"])
