"""The portal in real headless Chromium (Debian's package, driven by Playwright; no browser download).

A `kabar serve` process on 127.0.0.1 serves an archive holding the seed page, a story,
IndoSum articles where ../shared is present, and a hostile article ingested through the API.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from conftest import ROOT, SHARED
from kabar.archive.sqlite import open_archive
from kabar.extract.flat import extract_flat
from kabar.model import RawPage
from kabar.serialize import article_to_dict
from kabar.wiring import default_indexers
from serve_hostile import EVIL, hostile_article
from serve_support import indosum_articles, make_article, story_article

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "screenshots"
TOKEN = "uji-browser-token"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)",
    ),
]


@dataclass(slots=True)
class Served:
    base: str
    stdout: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


EXAMPLE = ROOT / "examples" / "tempo-putin-armenia-azerbaijan.txt"


def _fill(db: Path) -> None:
    archive = open_archive(db, default_indexers())
    try:
        archive.add(extract_flat(RawPage(content=EXAMPLE.read_text(encoding="utf-8"))))
        for n in range(1, 5):
            archive.add(story_article(n))
        corpus = SHARED / "corpus" / "indosum-dev.jsonl"
        extra = indosum_articles(corpus, 40) if corpus.exists() else [make_article(n) for n in range(10, 60)]
        for article in extra:
            archive.add(article)
    finally:
        archive.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    db = tmp_path_factory.mktemp("browser") / "kabar.db"
    _fill(db)
    port = _free_port()
    env = {**os.environ, "KABAR_TOKEN": TOKEN}
    cli = "from kabar.cli.main import main; main()"
    cmd = [sys.executable, "-c", cli, "serve", "--db", str(db), "--port", str(port)]
    log = db.with_suffix(".log")
    with log.open("w") as out:  # a file, not a pipe: an unread pipe would stall the server
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if proc.poll() is not None:
                pytest.fail(f"kabar serve exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(base + "/api/outlets", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("kabar serve did not answer within 30 s")
            time.sleep(0.2)
        printed = log.read_text()
        assert f"{base}/" in printed, printed  # `kabar serve` prints the address it serves
        yield Served(base=base, stdout=printed)
        assert "Traceback" not in log.read_text(), log.read_text()[-3000:]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="id-ID")
    pg = context.new_page()
    yield pg
    context.close()


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_seed_article_renders_with_captions_body_and_related(served: Served, page: Any) -> None:
    response = page.goto(served.base + "/artikel/1")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "id"
    assert (
        page.inner_text("main h1") == "Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik"
    )
    assert page.inner_text("p.waktu time") == "Selasa, 3 November 2020 16:50 WIB"
    captions = page.locator("figure.foto figcaption")
    assert captions.count() == 2
    assert captions.nth(1).is_visible() and "Defence Ministry of Azerbaijan" in captions.nth(1).inner_text()
    assert page.locator("div.isi > p").count() == 7
    assert page.locator("section.sumber a").get_attribute("href") == "https://tass.com/world/1219289"
    related = page.locator("section.terkait li")
    # the archive's own ranking first (the story's articles share its names), then the page's own ten
    assert related.count() >= 10
    for i in range(related.count()):
        item = related.nth(i)
        assert item.locator("h3").inner_text().strip()
        assert item.locator("p.umur").inner_text().endswith(" lalu")
        assert item.locator("p.ringkas").inner_text().strip()
    headlines = [related.nth(i).locator("h3").inner_text() for i in range(related.count())]
    seed_related = extract_flat(RawPage(content=EXAMPLE.read_text(encoding="utf-8"))).related
    assert headlines[-10:] == [r.headline for r in seed_related]
    # the stylesheet loaded (same origin): the headline is set in the sans-serif stack
    assert "system-ui" in page.eval_on_selector("main h1", "e => getComputedStyle(e).fontFamily")
    _shot(page, "article")


def test_home_story_and_search_pages(served: Served, page: Any) -> None:
    assert page.goto(served.base + "/").status == 200
    assert page.locator("section.terbaru li").count() >= 10
    _shot(page, "home")
    stories = httpx.get(served.base + "/api/stories").json()
    assert stories
    assert page.goto(served.base + "/cerita").status == 200
    assert page.locator("ol.daftar-cerita li").count() == len(stories)
    _shot(page, "stories")
    page.locator("ol.daftar-cerita a.judul").first.click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/cerita/{stories[0]['id']}")
    assert page.locator("ol.linimasa li").count() >= 4
    _shot(page, "story")
    page.goto(served.base + "/cari")
    page.fill("#q", "Putin")
    page.click("form.cari button[type=submit]")
    page.wait_for_load_state()
    assert "/cari?q=Putin" in page.url
    assert page.locator("ol.hasil li").count() >= 1
    assert page.locator("ol.hasil mark").count() >= 1
    _shot(page, "search")


def test_pages_work_without_javascript(served: Served, browser: Any) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto(served.base + "/")
        pg.fill("header .cari-kecil input", "Nagorno-Karabakh")
        pg.click("header .cari-kecil button")
        pg.wait_for_load_state()
        assert pg.locator("ol.hasil li").count() >= 1
        pg.locator("ol.hasil li a.judul").first.click()
        pg.wait_for_load_state()
        assert "/artikel/" in pg.url and pg.locator("main h1").count() == 1
    finally:
        context.close()


def _ingest(base: str, content: str, content_type: str) -> int:
    r = httpx.post(
        base + "/api/ingest",
        content=content.encode("utf-8"),
        headers={"Authorization": f"Bearer {TOKEN}", "content-type": content_type},
        timeout=60,
    )
    assert r.status_code in (200, 201), r.text
    return int(r.json()["id"])


HOSTILE_HTML = f"""<!doctype html><html><head><title>Banjir <script>alert('t')</script></title>
<meta http-equiv="refresh" content="0;url={EVIL}/refresh"><base href="{EVIL}/">
<script src="{EVIL}/x.js"></script><link rel=stylesheet href="{EVIL}/x.css"></head>
<body onload="alert('body')"><article><h1>Banjir rendam Jakarta &lt;script&gt;alert('h1')&lt;/script&gt;</h1>
<p>Banjir merendam sebagian Jakarta pada Selasa pagi. &lt;img src={EVIL}/p.png onerror=alert('p')&gt;</p>
<p>Warga mengungsi ke masjid dan sekolah terdekat. <a href="javascript:alert('a')">klik</a></p>
<iframe src="{EVIL}/frame"></iframe><p style="background:url({EVIL}/bg.png)">Petugas memompa air.</p>
<img src="{EVIL}/img.png" onerror="alert('img')"><svg onload="alert('svg')"></svg>
<p>BPBD DKI mencatat ketinggian air mencapai satu meter di beberapa titik. &lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</p>
</article></body></html>"""


def test_hostile_article_ingested_through_the_api_is_inert(served: Served, page: Any) -> None:
    doc = article_to_dict(hostile_article())
    ids = [
        _ingest(served.base, json.dumps(doc), "application/json"),
        _ingest(served.base, HOSTILE_HTML, "text/html"),
    ]
    dialogs: list[str] = []
    foreign: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: None if r.url.startswith(served.base) else foreign.append(r.url))
    paths = [f"/artikel/{i}" for i in ids] + ["/", "/cari?q=script", "/cari?q=banjir"]
    for path in paths:
        response = page.goto(served.base + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers
        page.wait_for_load_state("networkidle")
        executable = page.eval_on_selector_all(
            "script:not([type='application/ld+json']), iframe, object, embed, img, svg, base",
            "els => els.length",
        )
        assert executable == 0, path
        # hovering and clicking what is there must not run anything either
        for link in page.locator("main a").all()[:40]:
            href = link.get_attribute("href") or ""
            assert not href.lower().lstrip().startswith(("javascript:", "data:", "vbscript:")), href
    assert dialogs == []
    assert foreign == []
    page.goto(f"{served.base}/artikel/{ids[0]}")
    _shot(page, "hostile")
    assert "<script>alert('xss-script')</script>" in page.inner_text("div.isi")
