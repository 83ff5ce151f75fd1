"""The engine against a local news site: feeds, sitemaps, a front page, broken sources, /status."""

from __future__ import annotations

import asyncio
import logging
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from backends import is_postgres, open_test_archive
from conftest import BACKENDS, backend_url, shared_path
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import ListQuery
from kabar.archive.sqlite import open_archive
from kabar.engine.config import parse_config
from kabar.engine.run import Engine, RoundResult, build_app
from kabar.sources.crawler import Fetcher
from kabar.sources.urls import canonical_url
from sources_site import LocalSite, NewsSite, build_news_site


def _rounds(engine: Engine, n: int, all_sources: bool = True) -> list[RoundResult]:
    async def go() -> list[RoundResult]:
        async with Fetcher(engine.config.fetch_options(), on_record=engine.log.record) as fetcher:
            return [await engine.run_round(fetcher, all_sources=all_sources) for _ in range(n)]

    return asyncio.run(go())


@dataclass
class Ran:
    site: LocalSite
    ns: NewsSite
    engine: Engine
    archive: CoreArchive
    rounds: list[RoundResult]


@pytest.fixture(scope="module", params=BACKENDS)
def ran(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ran]:
    """One engine, two rounds over the local news site; the tests below inspect the result."""
    anpandu = shared_path("pages", "id", "anpandu")
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    folder = tmp_path_factory.mktemp("engine")
    with LocalSite() as site, backend_url(request, folder) as url:
        ns = build_news_site(site, anpandu, corpus, folder / "kabar.db", generated=4)
        cfg = parse_config(ns.config_toml)
        archive = open_test_archive(url) if is_postgres(url) else open_archive(cfg.db)
        try:
            engine = Engine(cfg, archive)
            yield Ran(site, ns, engine, archive, _rounds(engine, 2))
        finally:
            archive.close()


def test_fills_the_archive_from_feeds_sitemap_and_front_page(ran: Ran) -> None:
    site, ns, archive = ran.site, ran.ns, ran.archive
    first, second = ran.rounds
    expected = {canonical_url(site.url(p)) for p in ns.article_paths}
    stored = {a.url for a in archive.list_articles(ListQuery(limit=500))}
    assert archive.count() == len(expected) == first.added
    assert {canonical_url(u or "") for u in stored} == expected
    # each article page fetched exactly once across both rounds
    for path in ns.article_paths:
        assert len(site.hits_for(path)) == 1, path
    # second round: the RSS feed answers 304 to the conditional GET, nothing new is stored
    assert second.added == 0 and second.links_new == 0
    assert site.hits_for("/rss.xml")[-1].status == 304
    states = {s.name: s for s in ran.engine.log.sources()}
    assert states["RSS Lokal"].articles_added == 9 and states["RSS Lokal"].etag == '"r1"'
    assert states["Peta Situs"].articles_added > 0 and states["Beranda"].articles_added == 4
    assert ran.engine.frontier.counts().pending == 1  # the 500, until its attempts run out
    assert not site.hits_for("/tag/banjir") and not site.hits_for("/kategori/nasional")
    assert ran.engine.log.fetch_counts()["ok"] >= len(expected)


def test_survives_down_garbage_looping_and_slow_sources(ran: Ran) -> None:
    states = {s.name: s for s in ran.engine.log.sources()}
    assert states["Mati"].last_outcome == "network_error" and states["Mati"].consecutive_errors == 2
    assert "unreadable feed" in (states["Sampah"].last_error or "")
    assert "redirect loop" in (states["Putar"].last_error or "")
    assert "timeout" in (states["Lambat"].last_error or "")
    assert ran.engine.log.fetch_counts()["redirect_loop"] == 2

    # broken article links: garbage and a 404 fail at once; a 500 is tried again next round
    def state(name: str) -> str | None:
        return ran.engine.frontier.state_of(canonical_url(ran.site.url(f"/rusak/{name}")) or "")

    assert state("biner") == "failed" and len(ran.site.hits_for("/rusak/biner")) == 1
    assert state("hilang") == "failed" and len(ran.site.hits_for("/rusak/hilang")) == 1
    assert state("galat") == "pending" and len(ran.site.hits_for("/rusak/galat")) == 2
    assert all(r.poll_errors == 4 and not r.offline for r in ran.rounds)


def test_feed_hints_fill_only_gaps(ran: Ran) -> None:
    archive = ran.archive
    for summary in archive.list_articles(ListQuery(limit=500)):
        article = archive.get(summary.id)
        assert article is not None and article.headline and article.paragraphs
        # every real page has a time: from the page, else from its feed or sitemap entry
        if "/berita/1000" not in (article.url or ""):
            assert article.published is not None, article.url


def test_status_page_and_portal_in_one_app(ran: Ran) -> None:
    archive = ran.archive
    app = build_app(ran.engine)

    async def get(path: str) -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            return await c.get(path)

    page = asyncio.run(get("/status"))
    assert page.status_code == 200
    for name in ("RSS Lokal", "Peta Situs", "Beranda", "Mati", "Sampah", "Putar", "Lambat"):
        assert name in page.text
    assert "redirect loop" in page.text and "<script" not in page.text
    data = asyncio.run(get("/status.json")).json()
    assert data["articles"] == archive.count() and data["frontier"]["failed"] == 2
    assert {s["name"] for s in data["sources"] if s["last_error"]} == {"Mati", "Sampah", "Putar", "Lambat"}
    assert data["engine"]["rounds"] == 2 and data["fetches"]
    assert asyncio.run(get("/")).status_code == 200


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_unreachable_network_is_said_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    port = _closed_port()
    cfg = parse_config(
        f'[engine]\ndb = "{tmp_path / "k.db"}"\nallow_private = true\nretries = 0\n'
        f'[[source]]\nname = "A"\nurl = "http://127.0.0.1:{port}/a.xml"\n'
        f'[[source]]\nname = "B"\nkind = "sitemap"\nurl = "http://127.0.0.1:{port}/s.xml"\n'
    )
    archive = open_archive(cfg.db)
    try:
        engine = Engine(cfg, archive)
        with caplog.at_level(logging.WARNING, logger="kabar.run"):
            rounds = _rounds(engine, 3)
        assert all(r.offline for r in rounds)
        said = [r.message for r in caplog.records if "network unreachable" in r.message]
        assert len(said) == 1 and "serving the 0 articles" in said[0]
        assert engine.status.offline
    finally:
        archive.close()


def test_private_sources_are_refused_unless_allowed(tmp_path: Path) -> None:
    with LocalSite() as site:
        site.add("/rss.xml", body=b"<rss version='2.0'><channel><title>x</title></channel></rss>")
        cfg = parse_config(
            f'[engine]\ndb = "{tmp_path / "k.db"}"\n[[source]]\nname = "A"\nurl = "{site.url("/rss.xml")}"\n'
            '[[source]]\nname = "Metadata"\nurl = "http://169.254.169.254/latest/meta-data/"\n'
        )
        archive = open_archive(cfg.db)
        try:
            engine = Engine(cfg, archive)
            [result] = _rounds(engine, 1)
            states = {s.name: s for s in engine.log.sources()}
            assert states["A"].last_outcome == "unsafe" and "allow" in (states["A"].last_error or "")
            assert states["Metadata"].last_outcome == "unsafe"
            assert not site.hits and result.poll_errors == 2 and not result.offline
        finally:
            archive.close()
