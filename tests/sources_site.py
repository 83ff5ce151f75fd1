"""A local web site for the sources/crawler/engine tests, on 127.0.0.1 only.

Serves what a test puts in its route table: real pages from ../shared under
their original paths, feeds and sitemaps the tests write, robots.txt, and
misbehaving endpoints (slow, failing, redirect loops, oversized, gzip). Every
request is logged with its time and headers so tests can check politeness.
"""

from __future__ import annotations

import email.utils
import gzip
import html as htmlmod
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # before the status line
    drip: float = 0.0  # between 1 KiB chunks of the body
    gzip: bool = False  # send Content-Encoding: gzip
    etag: str | None = None  # answer 304 to a matching If-None-Match
    last_modified: str | None = None  # answer 304 to a matching If-Modified-Since
    declare_length: bool = True
    fail_times: int = 0  # answer `status_on_fail` this many times first
    status_on_fail: int = 503
    handler: Callable[[str], Route] | None = None  # computed per request


@dataclass
class Hit:
    path: str
    at: float
    headers: dict[str, str]
    status: int


class LocalSite:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_args: object) -> None:
                pass

            def do_GET(self) -> None:
                site._handle(self)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                pass  # clients hang up mid-answer on purpose (timeouts, size caps)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> LocalSite:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, route: Route | None = None, **kwargs: object) -> str:
        self.routes[path] = route or Route(**kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits_for(self, path: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path == path]

    def _handle(self, req: BaseHTTPRequestHandler) -> None:
        path = req.path
        route = self.routes.get(path) or self.routes.get(urlsplit(path).path)
        if route is not None and route.handler is not None:
            route = route.handler(path)
        headers = {k.lower(): v for k, v in req.headers.items()}
        if route is None:
            status, body, out_headers = 404, b"not here", {"Content-Type": "text/plain"}
            self._send(req, path, headers, status, out_headers, body, Route())
            return
        if route.delay:
            time.sleep(route.delay)
        status = route.status
        if route.fail_times > 0:
            route.fail_times -= 1
            status = route.status_on_fail
        out_headers = {"Content-Type": route.content_type, **route.headers}
        body = route.body
        if route.etag:
            out_headers["ETag"] = route.etag
        if route.last_modified:
            out_headers["Last-Modified"] = route.last_modified
        not_modified = (route.etag and headers.get("if-none-match") == route.etag) or (
            route.last_modified and headers.get("if-modified-since") == route.last_modified
        )
        if not_modified:
            status, body = 304, b""
        if route.gzip and body:
            body = gzip.compress(body)
            out_headers["Content-Encoding"] = "gzip"
        self._send(req, path, headers, status, out_headers, body, route)

    def _send(
        self,
        req: BaseHTTPRequestHandler,
        path: str,
        headers: dict[str, str],
        status: int,
        out_headers: dict[str, str],
        body: bytes,
        route: Route,
    ) -> None:
        with self._lock:
            self.hits.append(Hit(path=path, at=time.monotonic(), headers=headers, status=status))
        try:
            req.send_response(status)
            for k, v in out_headers.items():
                req.send_header(k, v)
            if route.declare_length:
                req.send_header("Content-Length", str(len(body)))
            else:
                req.send_header("Connection", "close")
            req.end_headers()
            if not route.drip:
                req.wfile.write(body)
                return
            for i in range(0, len(body), 1024):
                req.wfile.write(body[i : i + 1024])
                req.wfile.flush()
                time.sleep(route.drip)
        except (BrokenPipeError, ConnectionResetError):
            pass
        if not route.declare_length:
            req.close_connection = True


def http_date(ts: float = 1_600_000_000.0) -> str:
    return email.utils.formatdate(ts, usegmt=True)


@dataclass(frozen=True)
class RealPage:
    path: str  # original path (and query) on its portal
    url: str  # original URL
    file: Path
    title: str


def real_pages(shared_anpandu: Path) -> list[RealPage]:
    """The anpandu article pages with their original URLs (from the scraper's expectations)."""
    expected = json.loads((shared_anpandu / "expected_from_tests.json").read_text(encoding="utf-8"))
    # Pages the hand-checked gold set says carry no article text (a photo gallery) are
    # rightly not stored as articles; the engine tests serve only real articles.
    gold = json.loads((Path(__file__).parent / "gold" / "id_gold.json").read_text(encoding="utf-8"))["pages"]
    out = []
    for rel, item in sorted(expected.items()):
        if gold.get(f"anpandu/{rel}", {}).get("paragraph_count") == 0:
            continue
        parts = urlsplit(item["url"])
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        out.append(
            RealPage(path=path, url=item["url"], file=shared_anpandu / rel, title=item.get("title", ""))
        )
    return out


def rss(
    items: Iterator[tuple[str, str, str]] | list[tuple[str, str, str]], title: str = "Kabar Lokal"
) -> bytes:
    """RSS 2.0 with (link, title, pubDate) items."""
    entries = "".join(
        f"<item><title>{htmlmod.escape(t)}</title><link>{htmlmod.escape(link)}</link><pubDate>{d}</pubDate>"
        f"<description>Ringkasan: {htmlmod.escape(t)}</description></item>"
        for link, t, d in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>http://127.0.0.1/</link><description>uji</description>{entries}</channel></rss>"
    ).encode()


def _page_html(title: str, body: str) -> bytes:
    paras = "".join(f"<p>{htmlmod.escape(p)}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{htmlmod.escape(title)}</title>'
        f"</head><body><header><a href='/'>Beranda</a></header><article><h1>{htmlmod.escape(title)}</h1>"
        f"{paras}</article></body></html>"
    ).encode()


@dataclass
class NewsSite:
    """A local news site: real pages behind an RSS feed, an Atom feed and a news sitemap,
    generated corpus pages behind a front page, and four broken sources."""

    config_toml: str
    article_paths: list[str]  # every path that holds an article the engine should store


def build_news_site(
    site: LocalSite,
    anpandu: Path,
    corpus: Path,
    db: Path,
    *,
    generated: int = 12,
    page_delay: float = 0.0,
    port: int = 0,
    rate: float = 100.0,
    broken: bool = True,
    real_limit: int | None = None,
) -> NewsSite:
    pages = [p for p in real_pages(anpandu) if "tempo-english" not in str(p.file)][:real_limit]
    for p in pages:
        site.add(p.path, body=p.file.read_bytes(), delay=page_delay)
    date = "Tue, 03 Nov 2020 16:50:00 +0700"
    rss_items = [(site.url(p.path), p.title, date) for p in pages[:9]]
    if broken:  # article links that fail: binary garbage labelled HTML, a 404, a 500
        rss_items += [(site.url(f"/rusak/{k}"), f"Rusak {k}", date) for k in ("biner", "hilang", "galat")]
        site.add("/rusak/biner", body=os.urandom(20_000))
        site.add("/rusak/galat", status=500, body=b"error")
    site.add("/rss.xml", body=rss(rss_items), content_type="application/rss+xml", etag='"r1"')
    atom_entries = "".join(
        f"<entry><title>{htmlmod.escape(p.title)}</title><id>{htmlmod.escape(site.url(p.path))}</id>"
        f'<link rel="alternate" href="{htmlmod.escape(site.url(p.path))}"/><updated>2020-11-03T09:50:00Z</updated></entry>'
        for p in pages[9:17]
    )
    site.add("/atom.xml", content_type="application/atom+xml", body=(
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Atom</title>'
        f"<id>urn:kabar</id><updated>2020-11-03T10:00:00Z</updated>{atom_entries}</feed>").encode())  # fmt: skip
    news = "".join(
        f"<url><loc>{htmlmod.escape(site.url(p.path))}</loc><news:news><news:publication><news:name>Lokal</news:name>"
        f"<news:language>id</news:language></news:publication><news:publication_date>2020-11-03T16:50:00+07:00"
        f"</news:publication_date><news:title>{htmlmod.escape(p.title)}</news:title></news:news></url>"
        for p in pages[17:]
    )
    site.add("/sitemap-news.xml", content_type="application/xml", body=(
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{news}</urlset>').encode())  # fmt: skip
    site.add("/sitemap.xml", content_type="application/xml", body=(
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<sitemap><loc>{site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>").encode())  # fmt: skip
    gen_paths = []
    with corpus.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= generated:
                break
            rec = json.loads(line)
            path = f"/berita/{100000 + i}/{rec['url'].rstrip('/').rsplit('/', 1)[-1][:60] or 'berita'}"
            site.add(path, body=_page_html(rec["title_from_slug"], rec["body"]), delay=page_delay)
            gen_paths.append(path)
    links = "".join(f'<li><a href="{p}">{i}</a></li>' for i, p in enumerate(gen_paths))
    site.add("/", body=(
        "<html><body><nav><a href='/kategori/nasional'>Nasional</a><a href='/tag/banjir'>banjir</a>"
        f"<a href='/indeks'>Indeks</a></nav><ul>{links}</ul></body></html>").encode())  # fmt: skip
    site.add("/robots.txt", body=b"User-agent: *\nDisallow: /rahasia/\n", content_type="text/plain")
    site.add("/sampah", body=os.urandom(5000), content_type="application/rss+xml")
    site.add("/putar-a", status=302, headers={"Location": "/putar-b"})
    site.add("/putar-b", status=302, headers={"Location": "/putar-a"})
    site.add("/lambat", body=b"<rss/>", delay=3.0)
    broken_sources = f"""
[[source]]
name = "Mati"
kind = "feed"
url = "http://127.0.0.1:9/rss.xml"

[[source]]
name = "Sampah"
kind = "feed"
url = "{site.url("/sampah")}"

[[source]]
name = "Putar"
kind = "feed"
url = "{site.url("/putar-a")}"

[[source]]
name = "Lambat"
kind = "feed"
url = "{site.url("/lambat")}"
"""
    toml = f"""
[engine]
db = "{db}"
host = "127.0.0.1"
port = {port}
interval_minutes = 60
rate_per_host = {rate}
concurrency_per_host = 4
timeout_seconds = 1.5
retries = 0
allow_private = true

[[source]]
name = "RSS Lokal"
kind = "feed"
url = "{site.url("/rss.xml")}"

[[source]]
name = "Atom Lokal"
kind = "feed"
url = "{site.url("/atom.xml")}"

[[source]]
name = "Peta Situs"
kind = "sitemap"
url = "{site.url("/sitemap.xml")}"

[[source]]
name = "Beranda"
kind = "frontpage"
url = "{site.url("/")}"

{broken_sources if broken else ""}
"""
    return NewsSite(config_toml=toml, article_paths=[p.path for p in pages] + gen_paths)
