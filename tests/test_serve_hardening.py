"""Hostile requests get a clear 4xx at every route, every answer carries the security headers,
HEAD works, links never come from the Host header, and idle or slow clients cannot hold the server.

Routes are enumerated from the app itself, so a route added later is covered without
editing this file.
"""

from __future__ import annotations

import socket
import threading
import time
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from kabar.archive.errors import ArchiveBusy, ArchiveReadOnly
from kabar.archive.sqlite import SqliteArchive
from kabar.serve.errors import ECHO_LIMIT, clip
from kabar.serve.limits import ServerLimits, limits_from_env
from kabar.serve.security import SECURITY_HEADERS
from kabar.serve.server import uvicorn_config
from kabar.serve.site import allowed_hosts, public_base, site_from_env
from serve_support import Client, fill, make_app, make_article, rich_article

HEADER_NAMES = [name.decode() for name, _ in SECURITY_HEADERS]
BAD_IDS = ["99999999999999999999", str(2**63), "0", "-5"]
BAD_DATES = ["0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59"]


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = fill(tmp_path / "k.db", [rich_article(), *[make_article(n) for n in range(1, 4)]])
    yield arch
    arch.close()


@pytest.fixture
def client(archive: SqliteArchive) -> Client:
    return Client(make_app(archive, warm_latest=0))


# --- the routes, from the app ---------------------------------------------------------------


@dataclass(slots=True)
class RouteShape:
    path: str  # /api/articles/{article_id}
    method: str
    ids: list[str]  # integer path parameters
    texts: dict[str, str]  # other path parameters, with a valid value
    dates: list[str]  # date/time query parameters
    required: dict[str, str]  # required query parameters, with a valid value

    def url(self, **override: str) -> str:
        values = {**{name: "1" for name in self.ids}, **self.texts, **override}
        return self.path.format(**values)


def _valid_value(name: str, annotation: Any) -> str:
    choices = [a for a in typing.get_args(annotation) if isinstance(a, str)]
    if choices:
        return choices[0]
    return {"outlet": "TEMPO.CO", "q": "banjir"}.get(name, "x")


def _is_date(annotation: Any) -> bool:
    kinds = typing.get_args(annotation) or (annotation,)
    return any(k in (date, datetime) for k in kinds)


def route_shapes(app: FastAPI) -> list[RouteShape]:
    shapes = []
    for route in iter_route_contexts(app.routes):
        dependant = getattr(route, "dependant", None)
        if dependant is None or not route.path_format:
            continue  # /openapi.json and the static mount take no parameters
        for method in sorted(route.methods or ()):
            path = [p for p in dependant.path_params]
            query = [p for p in dependant.query_params]
            shapes.append(
                RouteShape(
                    path=route.path_format,
                    method=method,
                    ids=[p.name for p in path if p.field_info.annotation is int],
                    texts={
                        p.name: _valid_value(p.name, p.field_info.annotation)
                        for p in path
                        if p.field_info.annotation is not int
                    },
                    dates=[p.name for p in query if _is_date(p.field_info.annotation)],
                    required={
                        p.name: _valid_value(p.name, p.field_info.annotation)
                        for p in query
                        if p.field_info.is_required()
                    },
                )
            )
    return shapes


def _has_security_headers(r: httpx.Response) -> bool:
    return all(name in r.headers for name in HEADER_NAMES)


# --- out-of-range ids and dates ----------------------------------------------------------------


def test_out_of_range_ids_and_dates_are_4xx_at_every_route(client: Client) -> None:
    shapes = route_shapes(client.app)
    id_checks = date_checks = 0
    for shape in shapes:
        for name in shape.ids:
            for bad in BAD_IDS:
                r = client.request(shape.method, shape.url(**{name: bad}), params=shape.required)
                assert r.status_code == 404, (shape.method, shape.url(**{name: bad}), r.status_code)
                assert _has_security_headers(r)
                id_checks += 1
        for name in shape.dates:
            for bad in BAD_DATES:
                r = client.request(shape.method, shape.url(), params={**shape.required, name: bad})
                assert r.status_code == 400, (
                    shape.method,
                    shape.path,
                    name,
                    bad,
                    r.status_code,
                    r.text[:200],
                )
                assert "1900-01-01" in r.text and "2999-12-31" in r.text  # says what is allowed
                date_checks += 1
    # The app has id routes in the API, the portal and the feeds, and date filters in the
    # API, the portal's search and ingest: the loop above must have met them all.
    assert id_checks >= 10 * len(BAD_IDS) and date_checks >= 5 * len(BAD_DATES)


def test_the_reported_cases(client: Client) -> None:
    assert client.get("/cari?q=banjir&dari=0001-01-01").status_code == 400
    assert client.get("/cari?q=banjir&sampai=9999-12-31").status_code == 400
    assert client.get("/api/articles?since=0001-01-01").status_code == 400
    assert client.get("/feed/rss/cerita/99999999999999999999").status_code == 404
    # A malformed day in the portal's form still means "no filter", as before.
    assert client.get("/cari?q=banjir&dari=kemarin").status_code == 200
    assert client.get("/cari?q=banjir&dari=2020-11-01&sampai=2020-11-04").status_code == 200


# --- security headers on every answer ----------------------------------------------------------


def test_every_status_carries_the_security_headers(archive: SqliteArchive, tmp_path: Path) -> None:
    app = make_app(
        archive, token="rahasia", max_ingest_bytes=1000, warm_latest=0, allowed_hosts=("testserver",)
    )
    client = Client(app)
    answers = {
        200: client.get("/"),
        201: None,
        400: client.get("/", headers={"Host": "evil.example"}),
        404: client.get("/tidak-ada"),
        405: client.request("DELETE", "/api/articles"),
        413: client.post("/api/ingest", content=b"x" * 5000, headers={"Authorization": "Bearer rahasia"}),
        422: client.get("/api/articles?limit=0"),
    }
    answers.pop(201)
    for status, r in answers.items():
        assert r is not None and r.status_code == status, (status, r and r.text[:200])
        assert _has_security_headers(r), (status, dict(r.headers))


def test_a_crash_is_a_500_with_the_headers_and_no_trace(archive: SqliteArchive, monkeypatch: Any) -> None:
    client = Client(make_app(archive, warm_latest=0))

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("SELECT secret FROM articles WHERE rahasia")

    monkeypatch.setattr(archive, "list_articles", boom)
    for url, kind in (("/api/articles", "application/json"), ("/", "text/html")):
        r = client.get(url)
        assert r.status_code == 500 and r.headers["content-type"].startswith(kind)
        assert _has_security_headers(r)
        assert "rahasia" not in r.text and "RuntimeError" not in r.text and "Traceback" not in r.text
    assert "Terjadi kesalahan" in client.get("/").text


@pytest.mark.parametrize("fault", [ArchiveBusy("k.db", "locked"), ArchiveReadOnly("k.db", "read-only")])
def test_archive_faults_are_503_with_retry_after(
    archive: SqliteArchive, monkeypatch: Any, fault: Exception
) -> None:
    client = Client(make_app(archive, warm_latest=0))

    def fail(*args: object, **kwargs: object) -> None:
        raise fault

    monkeypatch.setattr(archive, "list_articles", fail)
    api = client.get("/api/articles")
    assert api.status_code == 503 and int(api.headers["retry-after"]) > 0
    assert api.json()["message"] == type(fault).summary  # type: ignore[attr-defined]
    assert "k.db" not in api.text and _has_security_headers(api)
    page = client.get("/")
    assert page.status_code == 503 and "retry-after" in page.headers
    assert "coba lagi" in page.text and _has_security_headers(page)


# --- HEAD ----------------------------------------------------------------------------------------


def test_head_answers_wherever_get_does(client: Client) -> None:
    shapes = [s for s in route_shapes(client.app) if s.method == "GET"]
    assert len(shapes) >= 15
    for shape in [*shapes, RouteShape("/static/kabar.css", "GET", [], {}, [], {})]:
        url = shape.url()
        got = client.get(url, params=shape.required)
        head = client.request("HEAD", url, params=shape.required)
        assert head.status_code == got.status_code != 405, (url, head.status_code, got.status_code)
        assert head.content == b""
        assert head.headers.get("content-type") == got.headers.get("content-type")
        assert _has_security_headers(head)
    # A route without GET still refuses HEAD, saying which method it takes.
    assert client.request("HEAD", "/api/ingest").status_code == 405


# --- links never from the Host header --------------------------------------------------------

_PAGES = ["/", "/artikel/1", "/cari?q=banjir", "/media/TEMPO.CO", "/cerita"]
_FEEDS = ["/feed/rss/terbaru", "/feed/atom/terbaru", "/feed/rss/cari?q=banjir", "/feed/atom/media/TEMPO.CO"]
_API = ["/api/articles", "/api/articles/1", "/api/search?q=banjir", "/openapi.json"]


def test_host_header_is_never_reflected(client: Client) -> None:
    for url in [*_PAGES, *_FEEDS, *_API]:
        r = client.get(url, headers={"Host": "evil.example", "X-Forwarded-Host": "evil2.example"})
        assert r.status_code == 200, url
        assert "evil.example" not in r.text and "evil2.example" not in r.text, url
    html = client.get("/artikel/1", headers={"Host": "evil.example"}).text
    assert '<link rel="canonical" href="/artikel/1/' in html
    assert "og:url" not in html  # og:url must be absolute; without a public URL it is left out


def test_public_url_builds_every_absolute_link(archive: SqliteArchive) -> None:
    client = Client(make_app(archive, warm_latest=0, public_url="https://berita.example/portal/"))
    html = client.get("/artikel/1", headers={"Host": "berita.example"}).text
    assert '<link rel="canonical" href="https://berita.example/portal/artikel/1/' in html
    assert '<meta property="og:url" content="https://berita.example/portal/artikel/1/' in html
    feed = client.get("/feed/atom/terbaru", headers={"Host": "berita.example"}).text
    assert 'href="https://berita.example/portal/feed/atom/terbaru" rel="self"' in feed
    assert "testserver" not in feed
    # The public URL's host and the loopback names are allowed; any other Host is refused.
    assert client.get("/", headers={"Host": "localhost:8000"}).status_code == 200
    refused = client.get("/", headers={"Host": "evil.example"})
    assert refused.status_code == 400 and _has_security_headers(refused)


def test_allowed_hosts_and_public_url_rules() -> None:
    assert allowed_hosts("", []) == []  # nothing configured: any Host (never used for links)
    assert allowed_hosts("https://a.example", []) == ["localhost", "127.0.0.1", "a.example"]
    assert allowed_hosts("https://a.example", ["*.b.example"]) == ["*.b.example", "a.example"]
    assert public_base(None) == "" and public_base("http://x.example:8080/") == "http://x.example:8080"
    for bad in (
        "ftp://x.example",
        "/relative",
        "https://",
        "https://x.example/?a=1",
        "https://u:p@x.example",
    ):
        with pytest.raises(ValueError):
            public_base(bad)
    env = {"KABAR_PUBLIC_URL": "https://k.example", "KABAR_ALLOWED_HOSTS": "a.example, b.example"}
    site = site_from_env(env)
    assert site.public_url == "https://k.example" and site.allowed_hosts == ("a.example", "b.example")
    with pytest.raises(ValueError, match="KABAR_PUBLIC_URL"):
        site_from_env({"KABAR_PUBLIC_URL": "javascript:alert(1)"})


# --- messages in the reader's terms, echoes cut short -----------------------------------------


_INTERNAL = (
    "pydantic",
    "ValidationError",
    "Input should",
    "int_parsing",
    "Value error",
    "typing.",
    "Literal[",
)


def test_validation_messages_speak_the_readers_terms(client: Client) -> None:
    cases = {
        "/api/articles?limit=0": "limit: must be at least 1",
        "/api/articles?limit=abc": "limit: must be a whole number",
        "/api/articles?since=yesterday": "since: must be a date",
        "/api/search?q=x&order=random": "order: must be one of",
        "/api/search": "q: is required",
    }
    for url, expected in cases.items():
        r = client.get(url)
        assert r.status_code == 422 and expected in r.json()["message"], (url, r.text)
        assert not any(word in r.text for word in _INTERNAL), (url, r.text)
    page = client.get("/cari?halaman=abc")
    assert page.status_code == 422 and "halaman: harus bilangan bulat" in page.text
    assert not any(word in page.text for word in _INTERNAL)


def test_echoed_input_is_cut_short(client: Client) -> None:
    marker = "Q" * 40_000
    shapes = route_shapes(client.app)
    urls = [f"/media/{marker}", f"/{marker}", f"/cari?urutan={marker}", f"/api/search?q=x&order={marker}"]
    for shape in shapes:
        urls += [shape.url(**{name: marker}) for name in [*shape.ids, *shape.texts]]
    checked = 0
    for url in urls:
        r = client.get(url)
        assert r.status_code < 500, url[:80]
        if r.status_code >= 400:
            assert "Q" * (ECHO_LIMIT + 1) not in r.text, (url[:80], r.status_code)
            assert len(r.content) < 10_000, (url[:80], len(r.content))
            checked += 1
    assert checked >= 10
    # A JSON document whose fields do not fit: the message names fields, not kabar's classes.
    client_with_token = Client(make_app(client.app.state.kabar.archive, token="t", warm_latest=0))
    r = client_with_token.post(
        "/api/ingest",
        json={"headline": "x", "body": "y", "images": [marker]},
        headers={"Authorization": "Bearer t"},
    )
    assert r.status_code == 422 and "Q" * (ECHO_LIMIT + 1) not in r.text
    assert "kabar.model" not in r.text and "Image()" not in r.text
    assert clip("a" * 500) == "a" * (ECHO_LIMIT - 1) + "…" and clip("pendek") == "pendek"


# --- the server on a real socket: timeouts and the connection limit -------------------------------


class LiveServer:
    def __init__(self, app: FastAPI, limits: ServerLimits) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = uvicorn.Server(uvicorn_config(app, "127.0.0.1", self.port, limits, lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=15)
        return sock


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed the connection (reads end); the socket timeout bounds the wait."""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def _read_response(sock: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


GET = b"GET /api/outlets HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


@pytest.fixture
def live_app(archive: SqliteArchive) -> FastAPI:
    return make_app(archive, warm_latest=0)


def test_idle_and_slow_connections_are_closed(live_app: FastAPI) -> None:
    limits = ServerLimits(keep_alive_seconds=1, request_seconds=1.0)
    with LiveServer(live_app, limits) as live:
        silent = live.connect()  # connects and never sends a byte
        kept = live.connect()  # one request, then idle on keep-alive
        kept.sendall(GET)
        assert _read_response(kept).startswith(b"HTTP/1.1 200")
        slow = live.connect()  # sends its head a byte at a time (slowloris)
        slow.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        closed_while_trickling = False
        for _ in range(60):  # up to ~12 s of trickling, far past the 1 s request deadline
            try:
                slow.sendall(b"X")
            except (BrokenPipeError, ConnectionResetError):
                closed_while_trickling = True
                break
            time.sleep(0.2)
        assert closed_while_trickling
        assert _closed_by_server(silent) and _closed_by_server(kept)
        for sock in (silent, kept, slow):
            sock.close()
        # The server still serves after shedding them.
        fresh = live.connect()
        fresh.sendall(GET)
        assert _read_response(fresh).startswith(b"HTTP/1.1 200")
        fresh.close()


def test_a_body_sent_too_slowly_is_cut_off(archive: SqliteArchive) -> None:
    app = make_app(archive, token="rahasia", warm_latest=0)
    with LiveServer(app, ServerLimits(keep_alive_seconds=30, request_seconds=1.0)) as live:
        sock = live.connect()
        sock.sendall(
            b"POST /api/ingest HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer rahasia\r\n"
            b"Content-Type: text/plain\r\nContent-Length: 100000\r\n\r\nBerita"
        )
        assert _closed_by_server(sock)  # well before the socket's own 15 s timeout
        sock.close()


def test_connections_past_the_limit_get_503(live_app: FastAPI) -> None:
    limits = ServerLimits(keep_alive_seconds=30, request_seconds=30.0, max_connections=3)
    with LiveServer(live_app, limits) as live:
        held = [live.connect() for _ in range(3)]
        time.sleep(0.2)  # let the server accept them
        extra = live.connect()
        extra.sendall(GET)
        answer = _read_response(extra).decode("latin-1").lower()
        assert answer.startswith("http/1.1 503") and "retry-after:" in answer
        assert all(f"{name}:" in answer for name in HEADER_NAMES)
        assert _closed_by_server(extra)
        for sock in [*held, extra]:
            sock.close()
        time.sleep(0.2)
        again = live.connect()
        again.sendall(GET)
        assert _read_response(again).startswith(b"HTTP/1.1 200")
        again.close()


def test_oversized_head_is_refused_with_headers(live_app: FastAPI) -> None:
    limits = ServerLimits(max_head_bytes=2048)
    with LiveServer(live_app, limits) as live:
        sock = live.connect()
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 8000 + b"\r\n\r\n")
        answer = _read_response(sock).decode("latin-1").lower()
        assert answer.startswith("http/1.1 400")
        assert all(f"{name}:" in answer for name in HEADER_NAMES)
        sock.close()
        # HEAD over a real connection: headers, no body, and the connection stays usable.
        sock = live.connect()
        sock.sendall(b"HEAD /api/outlets HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" + GET)
        both = b""
        while both.count(b"HTTP/1.1 200") < 2:
            chunk = sock.recv(65536)
            assert chunk
            both += chunk
        sock.close()


def test_limits_from_the_environment() -> None:
    limits = limits_from_env(
        {"KABAR_KEEP_ALIVE": "7", "KABAR_MAX_CONNECTIONS": "12", "KABAR_REQUEST_TIMEOUT": "2.5"}
    )
    assert (limits.keep_alive_seconds, limits.max_connections, limits.request_seconds) == (7, 12, 2.5)
    assert limits_from_env({}) == ServerLimits()
    with pytest.raises(ValueError, match="KABAR_KEEP_ALIVE"):
        limits_from_env({"KABAR_KEEP_ALIVE": "lima"})
    with pytest.raises(ValueError):
        ServerLimits(max_connections=0)
    config = uvicorn_config(FastAPI(), "127.0.0.1", 0, ServerLimits(keep_alive_seconds=3))
    assert config.timeout_keep_alive == 3 and config.h11_max_incomplete_event_size == 64 * 1024
    assert config.server_header is False


def test_serve_refuses_a_bad_public_url_in_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kabar.cli.main import app as cli

    fill(tmp_path / "k.db", [make_article(1)]).close()
    for args, env in (
        (["--public-url", "javascript:alert(1)"], {}),
        ([], {"KABAR_PUBLIC_URL": "ftp://berita.example"}),
    ):
        result = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "k.db"), *args], env=env)
        assert result.exit_code == 1, result.output
        assert "public URL" in result.output and "Traceback" not in result.output
