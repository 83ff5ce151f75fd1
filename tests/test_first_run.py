"""A new user's first run: `make run` on a fresh copy of the repository, offline, then the portal.

`make run` runs in a subprocess on a copy of the working tree (no archive, no venv of its
own: ``VENV=`` the installed .venv, ``INSTALL=0``, the copy's src first on PYTHONPATH), in a
network namespace with loopback only where one can be made, else with a configuration that
fetches nothing (benchmarks/offline_run.py). Checked over HTTP, then in headless Chromium with a
screenshot under the test's tmp dir; then a second `make run` stores nothing twice.
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import httpx
import lxml.html
import pytest
from benchmarks.offline_run import (
    MakeRun,
    free_port,
    fresh_copy,
    namespace_available,
    offline_env,
    start_make_run,
)

from conftest import ROOT
from kabar.archive import open_archive

VENV = ROOT / ".venv"
CHROMIUM = Path("/usr/bin/chromium")
SAMPLE_RECORDS = 301  # the Tempo page and the 300 IndoSum articles of examples/
NOTICE = "pemberitahuan"  # the class of the loading notice

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("make") is None, reason="needs make (apt-get install -y make)"),
    pytest.mark.skipif(
        not (VENV / "bin" / "kabar").exists(), reason=f"needs the installed venv at {VENV} (make install)"
    ),
]


@dataclass
class FirstRun:
    run: MakeRun
    workdir: Path
    env: dict[str, str]
    first_seconds: float  # from the command to the first front page that answered 200
    notice_seen: bool  # a front page said the archive was still loading

    def get(self, path: str) -> httpx.Response:
        def fetch() -> httpx.Response:
            with httpx.Client(base_url=self.run.base, timeout=30, trust_env=False) as client:
                response = client.get(path)
                response.read()
                return response

        return self.run.call(fetch)

    def page(self, path: str) -> lxml.html.HtmlElement:
        response = self.get(path)
        assert response.status_code == 200, (path, response.status_code, response.text[:500])
        return lxml.html.fromstring(response.text)


def _cls(name: str) -> str:
    """An XPath test for one class among several (lxml's CSS selectors need the cssselect package)."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def _about_link(page: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return page.xpath("//footer//a[@href='/tentang']")


def _make_args() -> list[str]:
    return [f"VENV={VENV}", "INSTALL=0"]


def _wait(until: Callable[[], bool], seconds: float, what: str, run: MakeRun) -> None:
    deadline = time.monotonic() + seconds
    while not until():
        if run.proc.poll() is not None:
            pytest.fail(f"make run exited ({run.proc.returncode}) before {what}:\n{run.output()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {seconds:.0f} s:\n{run.output()[-3000:]}")
        time.sleep(0.3)


def _front_page(first: FirstRun) -> str | None:
    try:
        response = first.get("/")
    except httpx.TransportError:
        return None
    return response.text if response.status_code == 200 else None


def _count(db: Path) -> int:
    archive = open_archive(db, read_only=True)
    try:
        return archive.count()
    finally:
        archive.close()


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstRun]:
    workdir = fresh_copy(ROOT, tmp_path_factory.mktemp("fresh") / "kabar")
    assert not (workdir / "kabar.db").exists() and not (workdir / ".venv").exists()
    env = offline_env()
    for key in [k for k in env if k.startswith("KABAR_")]:  # the user's own settings stay out
        del env[key]
    env["PYTHONPATH"] = str(workdir / "src")  # the copy's code, not the working tree's
    run = start_make_run(workdir, _make_args(), port=free_port(), env=env, namespace=namespace_available())
    state = FirstRun(run=run, workdir=workdir, env=env, first_seconds=0.0, notice_seen=False)
    try:
        html: list[str] = []

        def answered() -> bool:
            text = _front_page(state)
            if text is not None:
                html.append(text)
            return text is not None

        _wait(answered, 120, "front page", run)
        state.first_seconds = time.monotonic() - run.started

        def loaded() -> bool:
            text = _front_page(state) or ""
            state.notice_seen |= NOTICE in text
            return bool(text) and NOTICE not in text

        state.notice_seen = NOTICE in html[0]
        _wait(loaded, 400, "front page without the loading notice", run)
        _wait(lambda: "ingested" in run.output(), 30, "the background ingest's summary line", run)
        yield state
    finally:
        run.stop()
    assert "Traceback" not in run.output(), run.output()[-3000:]


def test_make_run_prints_the_url_and_loads_the_sample_in_the_background(first: FirstRun) -> None:
    out = first.run.output()
    assert f"{first.run.base}/" in out  # the URL to open, printed by make run
    assert f"ingested {SAMPLE_RECORDS} records in the background: {SAMPLE_RECORDS} added" in out, out[-2000:]
    # the front page answered before the sample had all landed, and said so
    assert first.notice_seen, "no front page said the archive was still loading"


def test_front_page_lists_stories_and_sections(first: FirstRun) -> None:
    home = first.page("/")
    assert len(home.xpath(f"//section[{_cls('terbaru')}]//li/a[{_cls('judul')}]")) >= 10
    stories = home.xpath(f"//section[{_cls('cerita-utama')}]//li/a")
    assert len(stories) >= 5, "the sample's stories are not on the front page"
    assert len(home.xpath(f"//section[{_cls('per-media')}]")) >= 3  # a section per outlet
    outlets = home.xpath(f"//ul[{_cls('media')}]/li")
    assert len(outlets) >= 8
    assert _about_link(home), "the footer links the about page"
    assert not home.xpath(f"//*[{_cls(NOTICE)}]")


def test_story_article_related_and_entity_pages(first: FirstRun) -> None:
    home = first.page("/")
    story_href = home.xpath(f"//section[{_cls('cerita-utama')}]//li/a")[0].get("href")
    story = first.page(story_href)
    timeline = story.xpath(f"//ol[{_cls('linimasa')}]/li/a[{_cls('judul')}]")
    assert len(timeline) >= 2, story_href
    article = first.page(timeline[0].get("href"))
    assert article.xpath("//main//h1")[0].text_content().strip()
    related = article.xpath(f"//section[{_cls('terkait')}]//li")
    assert related, "no related news on an article of a story"
    entities = article.xpath(f"//section[{_cls('entitas')}]//li/a")
    assert entities, "no entities on an article of a story"
    entity = first.page(entities[0].get("href"))
    # the same entity (the article may write it otherwise, e.g. "Kpk" from a headline in title case)
    name = entity.xpath("//main//h1")[0].text_content().strip()
    assert name.casefold() == entities[0].text_content().strip().casefold()
    assert len(entity.xpath(f"//ol[{_cls('linimasa')}]/li")) >= 1
    assert _about_link(entity)


def test_search_finds_the_sample_and_the_feeds_carry_it(first: FirstRun) -> None:
    home = first.page("/")
    headline = home.xpath(f"//section[{_cls('terbaru')}]//li/a[{_cls('judul')}]")[0].text_content()
    word = max(re.findall(r"\w{5,}", headline), key=len)  # a word of the newest headline
    found = first.page(f"/cari?q={quote(word)}")
    assert len(found.xpath(f"//ol[{_cls('hasil')}]/li")) >= 1, word
    assert len(first.page("/cari?q=Putin").xpath(f"//ol[{_cls('hasil')}]/li")) >= 1  # the Tempo example page
    rss = first.get("/feed/rss/terbaru")
    assert rss.status_code == 200 and "xml" in rss.headers["content-type"]
    assert rss.text.count("<item>") >= 10
    atom = first.get("/feed/atom/terbaru")
    assert atom.status_code == 200 and atom.text.count("<entry>") >= 10


def test_about_page_gives_the_sample_its_attribution_and_licence(first: FirstRun) -> None:
    about = first.page("/tentang")
    text = " ".join(about.text_content().split())
    for needed in ("IndoSum", "Kemal Kurniawan", "Samuel Louvan", "CC BY-SA 4.0", "Tempo.co", "hak cipta"):
        assert needed.lower() in text.lower(), needed
    links = {a.get("href") for a in about.xpath("//a")}
    assert any(h and h.startswith("https://creativecommons.org/licenses/by-sa/4.0") for h in links)
    assert "https://arxiv.org/abs/1810.05334" in links
    licence = (first.workdir / "examples" / "LICENSE-indosum-CC-BY-SA-4.0.txt").read_text(encoding="utf-8")
    assert "Kurniawan" in licence and "Louvan" in licence  # the same authors as the licence file
    assert _about_link(about)


def _png_colours(path: Path) -> int:
    """Distinct byte values of the decoded image rows: a blank page has a handful."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(idat)))


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--lang=id-ID",
]


@pytest.mark.browser
def test_front_page_in_headless_chromium(first: FirstRun, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")
    shot = tmp_path / "first-run-home.png"
    url = f"{first.run.base}/"

    def browse() -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
        # started from inside the run's namespace, Chromium sees its loopback
        base = [str(CHROMIUM), *CHROMIUM_ARGS, f"--user-data-dir={tmp_path / 'profile'}"]
        dom = subprocess.run([*base, "--dump-dom", url], capture_output=True, text=True, timeout=120)
        picture = subprocess.run(
            [*base, f"--screenshot={shot}", "--window-size=1280,1800", url],
            capture_output=True,
            text=True,
            timeout=120,
        )
        return dom, picture

    dom, picture = first.run.call(browse)
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = lxml.html.fromstring(dom.stdout)
    assert len(page.xpath(f"//section[{_cls('terbaru')}]//li/a[{_cls('judul')}]")) >= 10, (
        "Chromium's front page lists no stories"
    )
    assert len(page.xpath(f"//section[{_cls('cerita-utama')}]//li")) >= 5
    assert picture.returncode == 0 and shot.exists(), picture.stderr[-2000:]
    assert shot.stat().st_size > 20_000 and _png_colours(shot) > 50, f"a blank screenshot: {shot}"
    print(f"screenshot: {shot}")


def test_a_second_make_run_stores_nothing_twice(first: FirstRun) -> None:
    first.run.stop()
    db = first.workdir / "kabar.db"
    before = _count(db)
    assert before == SAMPLE_RECORDS
    again = start_make_run(
        first.workdir, _make_args(), port=free_port(), env=first.env, namespace=first.run.namespace
    )
    try:
        _wait(lambda: "ingested" in again.output(), 300, "the second run's ingest summary", again)
    finally:
        again.stop()
    out = again.output()
    assert (
        f"ingested {SAMPLE_RECORDS} records in the background: 0 added, {SAMPLE_RECORDS} already stored"
        in out
    )
    assert _count(db) == before
