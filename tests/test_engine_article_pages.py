"""Multi-page articles fetched whole (issue 16): the engine and ``kabar fetch`` fetch an article's
other pages through the same polite fetcher, read each and join them before storing.

A local site serves a three-page article written for these tests (``fixtures/multipage``) under
several addresses, each a case: all pages there, page 3 missing, page 2 linking back to page 1,
page 3 disallowed by robots.txt, page 2 redirecting to another host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.archive.sqlite import open_archive
from kabar.cli.main import app
from kabar.engine.article_pages import PAGES_STOPPED_NOTE, ArticlePages, PagesOptions
from kabar.engine.config import EngineConfig, parse_config
from kabar.engine.run import Engine
from kabar.extract.html import extract_html
from kabar.extract.pagination import PAGE_READ_NOTE, PAGES_NEXT_NOTE
from kabar.ingest import Prepared
from kabar.model import Article, RawPage
from kabar.prepare import PageJob
from kabar.sources.crawler import Fetcher
from kabar.sources.urls import canonical_url
from sources_site import LocalSite, Route, rss

FIX = Path(__file__).parent / "fixtures" / "multipage"
SLUG = "banjir-bandang-lembah"
CASES: dict[str, dict[str, str | None]] = {  # folder → its pages (query → fixture; None: 404)
    "utuh": {"": "page1", "?page=2": "page2", "?page=3": "page3"},
    "hilang": {"": "page1", "?page=2": "page2", "?page=3": None},  # page 3 answers 404
    "putar": {"": "page1", "?page=2": "page2_cycle", "?page=3": "page3"},  # page 2's next is page 1
    "robots": {"": "page1", "?page=2": "page2", "?page=3": "page3"},  # page 3 disallowed
    "berkas": {"?page=2": "page2", "?page=3": "page3"},  # page 1 is read from a file, offline
    "semua": {"": "page1_showall", "?page=all": "all", "?page=2": "page2", "?page=3": "page3"},
    "pindah": {"": "page1", "?page=3": "page3"},  # page 2 redirects to another host (OFF_HOST)
    "masuk": {"": "page1", "?page=2": "page2", "?page=3": "page3"},  # the feed lists page 2 (ENTRY)
}
ENTRY = {"masuk": "?page=2"}  # a case's feed link when not its page 1
OFF_HOST = "/berita/lain/" + SLUG  # where page 2 of "pindah" points, on the site's other name


def _html(case: str, name: str) -> str:
    """A fixture page; each case's first page has a line of its own (the archive keeps one copy of a text)."""
    html = (FIX / f"{name}.html").read_text(encoding="utf-8")
    own = f"<p>Laporan ini disusun untuk kasus {case} oleh tim redaksi yang berada di lokasi bencana.</p>"
    return html.replace("</h1>", "</h1>" + own) if name.startswith("page1") else html


def _paragraphs(case: str, name: str) -> list[str]:
    page = RawPage(_html(case, name), kind="html", url="http://x.example.id/berita/a/" + SLUG)
    return extract_html(page).paragraphs


def _path(case: str) -> str:
    return f"/berita/{case}/{SLUG}"


@dataclass
class Ran:
    site: LocalSite
    engine: Engine
    db: Path

    def stored(self, case: str) -> Article:
        with open_archive(self.db) as archive:
            found = archive.find_id(canonical_url=canonical_url(self.site.url(_path(case))))
            assert found is not None, case
            article = archive.get(found)
        assert article is not None
        return article

    def hits(self, case: str, query: str) -> int:
        return len(self.site.hits_for(_path(case) + query))


def _config(site: LocalSite, db: Path) -> EngineConfig:
    """The engine on ``db`` polling the loopback site's feed, fast and without retries."""
    return parse_config(f"""
[engine]
db = "{db}"
rate_per_host = 100
timeout_seconds = 2
retries = 0
allow_private = true

[[source]]
name = "Lokal"
kind = "feed"
url = "{site.url("/rss.xml")}"
""")


def _round(engine: Engine) -> None:
    """One round over every source, through a fetcher of the engine's own options."""

    async def go() -> None:
        async with Fetcher(engine.config.fetch_options(), on_record=engine.log.record) as fetcher:
            await engine.run_round(fetcher, all_sources=True)

    asyncio.run(go())


@pytest.fixture(scope="module")
def ran(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    folder = tmp_path_factory.mktemp("pages")
    db = folder / "kabar.db"
    with LocalSite() as site:
        for case, pages in CASES.items():
            for query, name in pages.items():
                body = _html(case, name).encode() if name else b"tidak ada"
                site.add(_path(case) + query, body=body, status=200 if name else 404)
        # The same server under another name (localhost, not 127.0.0.1) stands for another host.
        elsewhere = site.url(OFF_HOST).replace("127.0.0.1", "localhost")
        site.add(_path("pindah") + "?page=2", Route(status=302, headers={"Location": elsewhere}))
        site.add(OFF_HOST, body=_html("pindah", "page2").encode())
        site.add("/robots.txt", body=f"User-agent: *\nDisallow: {_path('robots')}?page=3\n".encode())
        date = "Fri, 03 May 2024 08:15:00 +0700"
        items = [(site.url(_path(c) + ENTRY.get(c, "")), f"Banjir {c}", date) for c in CASES if c != "berkas"]
        site.add("/rss.xml", body=rss(items), content_type="application/rss+xml")
        cfg = _config(site, db)
        archive = open_archive(cfg.db)
        engine = Engine(cfg, archive)
        try:
            _round(engine)
            yield Ran(site, engine, db)
        finally:
            engine.close()
            archive.close()


def test_three_pages_are_stored_as_one_article(ran: Ran) -> None:
    article = ran.stored("utuh")
    assert article.paragraphs == [p for n in ("page1", "page2", "page3") for p in _paragraphs("utuh", n)]
    assert article.page_count == 3 and article.pages_read == 3 and not article.incomplete
    assert article.headline == "Banjir Bandang Terjang Lembah Sungai"
    assert not any(n.startswith(PAGES_NEXT_NOTE) for n in article.notes)
    for query in ("", "?page=2", "?page=3"):
        assert ran.hits("utuh", query) == 1
        # every page went through the polite fetcher: its User-Agent, robots.txt read first
        assert ran.site.hits_for(_path("utuh") + query)[0].headers["user-agent"].startswith("kabar/")


def test_a_show_all_view_is_fetched_instead_of_each_page(ran: Ran) -> None:
    article = ran.stored("semua")
    expected = (
        _paragraphs("semua", "page1_showall") + _paragraphs("semua", "page2") + _paragraphs("semua", "page3")
    )
    assert article.paragraphs == expected
    assert article.page_count == 3 and article.pages_read == 3 and not article.incomplete
    assert ran.hits("semua", "?page=all") == 1 and ran.hits("semua", "?page=2") == 0


def test_an_article_entered_at_page_2_is_read_from_page_1(ran: Ran) -> None:
    # The feed names page 2; page 2 names page 1 (?page=1, which the site serves as page 1):
    # page 1 is fetched, then page 2 is taken as read (not fetched again), then page 3.
    with open_archive(ran.db) as archive:
        found = archive.find_id(canonical_url=canonical_url(ran.site.url(_path("masuk") + "?page=1")))
        article = archive.get(found or 0)
    assert article is not None
    expected = [p for n in ("page1", "page2", "page3") for p in _paragraphs("masuk", n)]
    assert article.paragraphs == expected
    assert article.page_count == 3 and article.pages_read == 3 and not article.incomplete
    assert ran.hits("masuk", "?page=2") == 1 and ran.hits("masuk", "?page=1") == 1
    assert ran.hits("masuk", "?page=3") == 1 and ran.hits("masuk", "") == 0
    assert not any(n.startswith(PAGE_READ_NOTE) for n in article.notes), article.notes


def test_an_article_entered_at_page_2_with_a_show_all_view_reads_the_view(ran: Ran) -> None:
    # Page 2 links the show-all view: the view is the article, in order, page 2 not appended twice.
    path = _path("semuadua")
    ran.site.add(path + "?page=all", body=_html("semuadua", "all").encode())
    page2 = _html("semuadua", "page2").replace(
        "Halaman berikutnya</a>", 'Halaman berikutnya</a> <a href="?page=all">Tampilkan semua</a>'
    )
    url = ran.site.url(path + "?page=2")
    first = ran.engine.ingestor.prepared(PageJob(source=url, page=RawPage(page2, kind="html", url=url)))
    assert isinstance(first, Prepared)

    async def go() -> Prepared:
        async with Fetcher(ran.engine.config.fetch_options()) as fetcher:
            return await ArticlePages(fetcher, ran.engine.ingestor).complete(first, url)

    whole = asyncio.run(go()).article
    assert whole.paragraphs == _paragraphs("semuadua", "all")
    assert whole.pages_read == 3 and not whole.incomplete
    assert len(ran.site.hits_for(path + "?page=all")) == 1 and ran.site.hits_for(path + "?page=1") == []


def test_a_page_2_whose_page_1_fails_is_kept_forward_and_incomplete(ran: Ran) -> None:
    path = _path("gagal")  # page 1 (?page=1) answers 404
    ran.site.add(path + "?page=1", status=404, body=b"tidak ada")
    for query in ("?page=2", "?page=3"):
        ran.site.add(path + query, body=_html("gagal", CASES["utuh"][query] or "").encode())
    url = ran.site.url(path + "?page=2")
    page = RawPage(_html("gagal", "page2"), kind="html", url=url)
    first = ran.engine.ingestor.prepared(PageJob(source=url, page=page))
    assert isinstance(first, Prepared)

    async def go() -> Prepared:
        async with Fetcher(ran.engine.config.fetch_options()) as fetcher:
            return await ArticlePages(fetcher, ran.engine.ingestor).complete(first, url)

    whole = asyncio.run(go()).article
    assert whole.paragraphs == _paragraphs("gagal", "page2") + _paragraphs("gagal", "page3")
    assert whole.incomplete and whole.pages_read == 2
    assert any(n.startswith(PAGES_STOPPED_NOTE + "page 1 was not read: http error") for n in whole.notes), (
        whole.notes
    )


def test_a_missing_page_stores_what_was_read(ran: Ran) -> None:
    article = ran.stored("hilang")
    assert article.paragraphs == _paragraphs("hilang", "page1") + _paragraphs("hilang", "page2")
    assert article.page_count == 3 and article.pages_read == 2 and article.incomplete
    assert any(n.startswith(PAGES_STOPPED_NOTE + "page 3 was not read: http error") for n in article.notes), (
        article.notes
    )


def test_a_page_linking_back_stops_the_walk(ran: Ran) -> None:
    article = ran.stored("putar")
    assert article.paragraphs == _paragraphs("putar", "page1") + _paragraphs("putar", "page2")
    assert article.pages_read == 2 and article.incomplete
    assert any("links back to a page already read" in n for n in article.notes)
    assert ran.hits("putar", "") == 1 and ran.hits("putar", "?page=3") == 0


def test_robots_txt_holds_for_the_other_pages(ran: Ran) -> None:
    article = ran.stored("robots")
    assert article.pages_read == 2 and article.incomplete
    assert ran.hits("robots", "?page=3") == 0
    assert any("robots disallowed" in n for n in article.notes)


def test_a_next_page_on_another_host_is_not_fetched(ran: Ran) -> None:
    # The reader only names pages of the same host; a note naming another host is refused here too.
    other = ran.site.url(_path("utuh") + "?page=2").replace("127.0.0.1", "localhost")
    first = Article(
        headline="Banjir",
        paragraphs=_paragraphs("utuh", "page1"),
        url=ran.site.url(_path("utuh")),
        page_count=3,
        pages_read=1,
        notes=[PAGES_NEXT_NOTE + other],
    )
    before = ran.hits("utuh", "?page=2")

    async def go() -> Prepared:
        async with Fetcher(ran.engine.config.fetch_options()) as fetcher:
            pages = ArticlePages(fetcher, ran.engine.ingestor, PagesOptions())
            return await pages.complete(Prepared(first), ran.site.url(_path("utuh")))

    whole = asyncio.run(go()).article
    assert ran.hits("utuh", "?page=2") == before
    assert whole.pages_read == 1 and whole.incomplete
    assert any("on another host, not fetched" in n for n in whole.notes)


def test_a_next_page_redirecting_to_another_host_is_not_followed(ran: Ran) -> None:
    # The redirect is stopped before the other host is asked anything: neither the page nor its
    # robots.txt is requested there (same server, so its hits show every request).
    article = ran.stored("pindah")
    assert article.paragraphs == _paragraphs("pindah", "page1")
    assert article.page_count == 3 and article.pages_read == 1 and article.incomplete
    assert ran.hits("pindah", "?page=2") == 1
    assert ran.site.hits_for(OFF_HOST) == []
    assert not [h for h in ran.site.hits if h.headers.get("host", "").startswith("localhost")]
    assert any(
        n.startswith(PAGES_STOPPED_NOTE + "page 2 was not read: redirected to another host, not fetched")
        for n in article.notes
    ), article.notes


def test_a_page_read_offline_fetches_nothing(ran: Ran) -> None:
    page = RawPage(_html("berkas", "page1"), kind="html", url=ran.site.url(_path("berkas")))
    stored = ran.engine.ingestor.ingest_page(page, source="page1.html")
    assert stored.status == "added"
    assert ran.hits("berkas", "?page=2") == 0
    article = ran.stored("berkas")
    assert article.pages_read == 1 and article.page_count == 3 and article.incomplete


def test_the_page_cap_holds(ran: Ran) -> None:
    url = ran.site.url(_path("utuh"))
    html = _html("utuh", "page1")
    first = ran.engine.ingestor.prepared(PageJob(source=url, page=RawPage(html, kind="html", url=url)))
    assert isinstance(first, Prepared)

    async def go() -> Prepared:
        async with Fetcher(ran.engine.config.fetch_options()) as fetcher:
            pages = ArticlePages(fetcher, ran.engine.ingestor, PagesOptions(max_pages=2))
            return await pages.complete(first, url)

    before = ran.hits("utuh", "?page=3")
    whole = asyncio.run(go()).article
    assert whole.pages_read == 2 and whole.page_count == 3 and whole.incomplete
    assert any("at the cap of 2 pages" in n for n in whole.notes)
    assert ran.hits("utuh", "?page=3") == before


def test_fetch_command_joins_the_pages(ran: Ran, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    url = ran.site.url(_path("utuh"))
    out = CliRunner().invoke(app, ["fetch", url, "--db", str(db), "--allow-private"])
    assert out.exit_code == 0, out.output
    with open_archive(db) as archive:
        article = archive.get(archive.find_id(canonical_url=canonical_url(url)) or 0)
    assert article is not None
    assert article.paragraphs == [p for n in ("page1", "page2", "page3") for p in _paragraphs("utuh", n)]
    assert article.pages_read == 3 and not article.incomplete


def _crawl(site: LocalSite, db: Path, feeds: list[list[str]]) -> list[int]:
    """One engine round per feed (the paths it lists); the article count after each round."""
    listed: list[str] = []
    date = "Fri, 03 May 2024 08:15:00 +0700"
    site.add(
        "/rss.xml",
        Route(handler=lambda _p: Route(body=rss([(site.url(p), "Banjir", date) for p in listed]))),
    )
    cfg = _config(site, db)
    archive = open_archive(cfg.db)
    engine = Engine(cfg, archive)
    counts: list[int] = []
    try:
        for paths in feeds:
            listed[:] = paths
            _round(engine)
            counts.append(archive.count())
    finally:
        engine.close()
        archive.close()
    return counts


@pytest.mark.parametrize("together", [False, True], ids=["later-round", "same-round"])
def test_pages_read_with_their_article_are_not_crawled_as_articles(tmp_path: Path, together: bool) -> None:
    # The feed lists page 2 as a link of its own: later (page 1 already stored with it) or in the
    # same round as page 1. Either way it is one article, page 2 is this article's page in the
    # frontier, and a later listing fetches nothing.
    path = _path("frontier")
    with LocalSite() as site:
        for query, name in CASES["utuh"].items():
            site.add(path + query, body=_html("frontier", name or "").encode())
        first, second = [path], [path, path + "?page=2"]
        counts = _crawl(site, tmp_path / "k.db", [second, second] if together else [first, second, second])
        assert counts[-1] == 1, counts
        with open_archive(tmp_path / "k.db") as archive:
            found = archive.find_id(canonical_url=canonical_url(site.url(path)))
            page2 = canonical_url(site.url(path + "?page=2"))
            assert page2 is not None and archive.frontier.state_of(page2) == "done"
            stored = archive.get(found or 0)
        assert stored is not None and stored.pages_read == 3
        # Each page is requested once: later, page 2 is this article's page and never fetched as a
        # link of its own; in the same round, page 1 (fetching page 2 as its next page) and page 2
        # (listed, and reading from page 1 on) share what either fetched.
        for query in ("", "?page=2", "?page=3"):
            assert len(site.hits_for(path + query)) == 1, query
