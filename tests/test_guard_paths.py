"""The one ingest path's rules, and the guard on the engine's and the API's paths."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kabar.guard_start
import kabar.prepare
from guard_support import bad_enrich, good_page, slow_extract
from kabar.archive.base import SearchQuery
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions, Ingestor
from kabar.model import Article, RawPage
from kabar.sources.hints import PUBLISHED, SUMMARY, TITLE
from kabar.wiring import default_indexers

TOKEN = "rahasia-uji-guard"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FAST = GuardOptions(max_cpu_seconds=1.0, max_memory_mb=256)


@pytest.fixture
def injected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kabar.prepare, "extract", slow_extract(kabar.prepare.extract))
    monkeypatch.setattr(kabar.prepare, "enrich", bad_enrich(kabar.prepare.enrich))
    # The patches reach a forked worker only: the API's workers are forked too here.
    monkeypatch.setattr(kabar.guard_start, "START_METHOD", "fork")


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = open_archive(tmp_path / "k.db", default_indexers())
    yield arch
    arch.close()


class FailingIndexer:
    """Runs after the real indexers, so their rows are already written when it raises."""

    name = "gagal"

    def index(self, stores: object, article_id: int, article: Article) -> None:
        if "boom" in (article.headline or "").lower():
            raise ValueError("indexer failed on this article")

    def remove(self, stores: object, article_id: int) -> None:
        pass


def test_a_reject_while_storing_leaves_nothing_behind(tmp_path: Path) -> None:
    archive = open_archive(tmp_path / "k.db", [*default_indexers(), FailingIndexer()])
    try:
        with Ingestor(archive, IngestOptions(understand=False, guard=FAST)) as ingestor:
            good = ingestor.store(Article(headline="Gempa di Cianjur", paragraphs=["Warga mengungsi."]), "a")
            bad = ingestor.store(Article(headline="Boom di Semarang", paragraphs=["Gudang terbakar."]), "b")
        assert good.status == "added" and bad.reject is not None
        assert (bad.reject.stage, bad.reject.error) == ("store", "ValueError")
        assert archive.count() == 1
        assert archive.search(SearchQuery(text="Semarang")).total == 0  # the FTS rows rolled back too
        assert archive.search(SearchQuery(text="Cianjur")).total == 1
    finally:
        archive.close()


def test_understanding_that_fails_rejects_the_article_whole(injected: None, archive: SqliteArchive) -> None:
    with Ingestor(archive, IngestOptions(guard=FAST)) as ingestor:
        bad = ingestor.store(Article(headline="Boom di Semarang", paragraphs=["Gudang terbakar."]), "x")
        slow = ingestor.store(Article(headline="Spin di Bandung", paragraphs=["Jalan macet."]), "y")
        good = ingestor.store(Article(headline="Gempa di Cianjur", paragraphs=["Warga mengungsi."]), "z")
    assert bad.reject is not None and (bad.reject.stage, bad.reject.error) == ("understand", "ValueError")
    assert slow.reject is not None and slow.reject.error == "CpuBudgetExceeded"
    assert good.status == "added" and archive.count() == 1
    stored = archive.get(good.id or 0)
    assert stored is not None and stored.entities  # understood, not half-stored


def test_feed_hints_fill_gaps_and_never_overwrite(archive: SqliteArchive) -> None:
    hints = {TITLE: "Judul dari feed", PUBLISHED: "2001-01-01T00:00:00+00:00", SUMMARY: "Ringkasan feed"}
    full = RawPage(content=good_page("Judul dari halaman"), kind="text", url="https://x.test/a", hints=hints)
    with Ingestor(archive, IngestOptions(understand=False, guard=FAST)) as ingestor:
        outcome = ingestor.ingest_page(full, outlet="Lokal")
    article = archive.get(outcome.id or 0)
    assert article is not None
    assert article.headline == "Judul dari halaman"  # the page's own headline and time win
    assert article.published is not None and article.published.year == 2020
    assert article.description == "Ringkasan feed"  # the page had none: the feed fills it
    assert article.outlet == "Lokal" and article.canonical_url == "https://x.test/a"


# -- the API ----------------------------------------------------------------------------------------
def _app(archive: SqliteArchive) -> object:
    from serve_support import make_app

    return make_app(archive, token=TOKEN, guard=FAST)


def test_api_slow_page_does_not_stall_other_clients(injected: None, archive: SqliteArchive) -> None:
    """A page whose regex backtracks for ever holds the GIL in one C call: in the server's own
    process it would stall every request. In the guard's worker, a GET is answered meanwhile."""
    app = _app(archive)

    async def go() -> dict[str, float | int | bool]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            await client.get("/api/articles")  # routes warm
            started = time.perf_counter()
            slow = asyncio.create_task(
                client.post(
                    "/api/ingest",
                    params={"url": "https://x.test/backtrack"},
                    content=good_page("Halaman lambat").encode(),
                    headers={**AUTH, "content-type": "text/plain"},
                )
            )
            await asyncio.sleep(0.2)  # the POST is in the worker by now
            asked = time.perf_counter()
            answer = await client.get("/api/articles")
            answered = time.perf_counter()
            slow_done_first = slow.done()
            response = await slow
            return {
                "get_status": answer.status_code,
                "get_seconds": answered - asked,
                "post_status": response.status_code,
                "post_seconds": time.perf_counter() - started,
                "slow_done_first": slow_done_first,
            }

    result = asyncio.run(go())
    assert result["get_status"] == 200 and result["post_status"] == 422
    assert not result["slow_done_first"]  # the GET was answered while the slow page was still in work
    assert result["get_seconds"] < result["post_seconds"] / 3


def test_api_rejects_in_the_clients_terms_and_goes_on(injected: None, archive: SqliteArchive) -> None:
    from serve_support import Client

    client = Client(_app(archive))
    bad = client.post(
        "/api/ingest",
        params={"url": "https://x.test/boom"},
        content=good_page("Halaman rusak").encode(),
        headers={**AUTH, "content-type": "text/plain"},
    )
    assert bad.status_code == 422 and "ValueError" not in bad.text and "Traceback" not in bad.text
    good = client.post(
        "/api/ingest",
        params={"url": "https://x.test/baik"},
        content=good_page("Halaman baik").encode(),
        headers={**AUTH, "content-type": "text/plain"},
    )
    assert good.status_code == 201, good.text
    assert archive.count() == 1


# -- the engine -------------------------------------------------------------------------------------
def _site_config(site: object, db: Path, names: list[str]) -> str:
    from sources_site import LocalSite, rss

    assert isinstance(site, LocalSite)
    items = []
    for i, name in enumerate(names):
        path = f"/berita/{i}-{name}"
        title = f"Berita {i} tentang {name} di Jakarta"
        body = good_page(title).split("\n\n", 2)[2].replace("\n\n", "</p><p>")
        site.add(
            path, body=f"<html><body><article><h1>{title}</h1><p>{body}</p></article></body></html>".encode()
        )
        items.append((site.url(path), title, "Tue, 03 Nov 2020 09:50:00 GMT"))
    site.add("/rss.xml", body=rss(items), content_type="application/rss+xml")
    return f"""
[engine]
db = "{db}"
timeout_seconds = 5
retries = 0
allow_private = true

[[source]]
name = "RSS Lokal"
kind = "feed"
url = "{site.url("/rss.xml")}"
"""


def test_engine_round_rejects_the_bad_page_and_stores_the_others(injected: None, tmp_path: Path) -> None:
    from kabar.engine.config import parse_config
    from kabar.engine.run import Engine
    from kabar.sources.crawler import Fetcher
    from kabar.sources.urls import canonical_url
    from sources_site import LocalSite

    with LocalSite() as site:
        cfg = parse_config(_site_config(site, tmp_path / "k.db", ["baik", "boom", "bagus"]))
        archive = open_archive(cfg.db, default_indexers())
        engine = Engine(cfg, archive)
        try:

            async def go() -> object:
                async with Fetcher(cfg.fetch_options(), on_record=engine.log.record) as fetcher:
                    return await engine.run_round(fetcher, all_sources=True)

            outcome = asyncio.run(go())
            assert (outcome.added, outcome.failed) == (2, 1)  # type: ignore[attr-defined]
            assert archive.count() == 2
            assert engine.frontier.state_of(canonical_url(site.url("/berita/1-boom")) or "") == "failed"
        finally:
            engine.close()
            archive.close()


def test_kabar_fetch_reports_the_rejected_page_and_exits_3(injected: None, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kabar.cli.main import app
    from sources_site import LocalSite

    with LocalSite() as site:
        _site_config(site, tmp_path / "k.db", ["baik", "boom"])
        urls = [site.url("/berita/0-baik"), site.url("/berita/1-boom")]
        result = CliRunner().invoke(
            app, ["fetch", *urls, "--db", str(tmp_path / "k.db"), "--allow-private", "--ignore-robots"]
        )
    assert result.exit_code == 3, result.output
    assert "added #1" in result.stdout
    assert f"rejected {urls[1]}: extract: ValueError" in result.stderr.replace("\n", "")
    assert json.dumps("Traceback") not in result.output
