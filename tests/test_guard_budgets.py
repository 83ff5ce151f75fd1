"""The per-record budgets are settable where records come in: the engine's TOML and `kabar serve`.

A tiny budget rejects the record that exceeds it, with the configured figure in its one line,
and the engine or the server goes on with the next one.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import kabar.guard_start
import kabar.prepare
from guard_support import bad_enrich, good_page, slow_extract
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.engine.config import ConfigError, parse_config
from kabar.guard import GuardOptions
from kabar.wiring import default_indexers
from serve_support import Client, make_app

TOKEN = "rahasia-anggaran"
AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "text/plain"}


@pytest.fixture
def injected(monkeypatch: pytest.MonkeyPatch) -> None:
    # Patched in this process before the guard's worker is forked: the worker runs them too.
    monkeypatch.setattr(kabar.prepare, "extract", slow_extract(kabar.prepare.extract))
    monkeypatch.setattr(kabar.prepare, "enrich", bad_enrich(kabar.prepare.enrich))
    monkeypatch.setattr(kabar.guard_start, "START_METHOD", "fork")  # the API's workers forked too


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = open_archive(tmp_path / "k.db", default_indexers())
    yield arch
    arch.close()


# -- validation --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("max_cpu_seconds = 0", ["max_cpu_seconds", "0.01"]),
        ("max_cpu_seconds = 7200", ["max_cpu_seconds", "3600"]),
        ("max_memory_mb = 10", ["max_memory_mb", "64"]),
        ('max_memory_mb = "1024"', ["max_memory_mb"]),
    ],
)
def test_engine_budgets_out_of_range_are_refused(line: str, words: list[str]) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(f'[engine]\n{line}\n\n[[source]]\nname = "a"\nurl = "https://a.test/rss"\n')
    for word in words:
        assert word in str(caught.value)


def test_engine_budgets_reach_the_guard() -> None:
    cfg = parse_config("[engine]\nmax_cpu_seconds = 2.5\nmax_memory_mb = 300\n")
    assert cfg.guard_options() == GuardOptions(max_cpu_seconds=2.5, max_memory_mb=300)
    assert parse_config("").guard_options() == GuardOptions()  # the defaults: 10 s, 1024 MB


def test_guard_options_refuse_budgets_out_of_range() -> None:
    for bad in ({"max_cpu_seconds": 0.0}, {"max_cpu_seconds": -1.0}, {"max_memory_mb": 1}):
        with pytest.raises(ValueError, match="budget per record"):
            GuardOptions(**bad)  # type: ignore[arg-type]


# -- the engine --------------------------------------------------------------------------------
def _site_config(site: Any, db: Path, names: list[str], engine_lines: str) -> str:
    from sources_site import rss

    items = []
    for i, name in enumerate(names):
        path = f"/berita/{i}-{name}"
        title = f"Berita {i} tentang {name} di Jakarta"
        body = good_page(title).split("\n\n", 2)[2].replace("\n\n", "</p><p>")
        html = f"<html><body><article><h1>{title}</h1><p>{body}</p></article></body></html>"
        site.add(path, body=html.encode())
        items.append((site.url(path), title, "Tue, 03 Nov 2020 09:50:00 GMT"))
    site.add("/rss.xml", body=rss(items), content_type="application/rss+xml")
    return (
        f'[engine]\ndb = "{db}"\ntimeout_seconds = 5\nretries = 0\nallow_private = true\n{engine_lines}\n'
        f'[[source]]\nname = "RSS Lokal"\nkind = "feed"\nurl = "{site.url("/rss.xml")}"\n'
    )


@pytest.mark.parametrize(
    ("engine_lines", "bad", "expected"),
    [
        ("max_cpu_seconds = 0.5", "spin", "CpuBudgetExceeded: over the CPU budget of 0.5 s"),
        ("max_memory_mb = 64", "swell", "MemoryError: over the memory budget of 64 MB"),
    ],
)
def test_the_engines_budgets_come_from_its_toml(
    injected: None,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    engine_lines: str,
    bad: str,
    expected: str,
) -> None:
    from kabar.engine.run import Engine
    from kabar.sources.crawler import Fetcher
    from kabar.sources.urls import canonical_url
    from sources_site import LocalSite

    caplog.set_level(logging.INFO, logger="kabar.run")
    with LocalSite() as site:
        toml = _site_config(site, tmp_path / "k.db", ["baik", bad, "bagus"], engine_lines)
        cfg = parse_config(toml)
        archive = open_archive(cfg.db, default_indexers())
        engine = Engine(cfg, archive)
        try:

            async def go() -> Any:
                async with Fetcher(cfg.fetch_options(), on_record=engine.log.record) as fetcher:
                    return await engine.run_round(fetcher, all_sources=True)

            outcome = asyncio.run(go())
            assert (outcome.added, outcome.failed) == (2, 1)
            assert engine.frontier.state_of(canonical_url(site.url(f"/berita/1-{bad}")) or "") == "failed"
        finally:
            engine.close()
            archive.close()
    rejected = [r.getMessage() for r in caplog.records if r.getMessage().startswith("page rejected")]
    assert len(rejected) == 1 and expected in rejected[0], rejected
    assert not any(r.exc_info for r in caplog.records)


# -- the API -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("guard", "bad", "expected"),
    [
        (GuardOptions(max_cpu_seconds=0.5), "spin", "over the CPU budget of 0.5 s"),
        (GuardOptions(max_memory_mb=64), "swell", "over the memory budget of 64 MB"),
    ],
)
def test_the_apis_budget_rejects_the_page_422_and_serves_on(
    injected: None, archive: SqliteArchive, guard: GuardOptions, bad: str, expected: str
) -> None:
    app = make_app(archive, token=TOKEN, guard=guard, ingest_workers=1, warm_latest=0)
    client = Client(app)
    try:
        rejected = client.post(
            "/api/ingest",
            params={"url": f"https://x.test/{bad}"},
            content=good_page("Halaman berat").encode(),
            headers=AUTH,
        )
        assert rejected.status_code == 422, rejected.text
        assert expected in rejected.json()["message"]
        assert "Traceback" not in rejected.text
        assert client.get("/api/articles").status_code == 200  # the server stays up
        good = client.post(
            "/api/ingest",
            params={"url": "https://x.test/baik"},
            content=good_page("Halaman baik").encode(),
            headers=AUTH,
        )
        assert good.status_code == 201, good.text
        assert archive.count() == 1
    finally:
        pool = app.state.kabar.ingest_pool
        if pool is not None:
            pool.close()


# -- kabar serve -------------------------------------------------------------------------------
def test_kabar_serve_passes_its_budgets_and_workers_to_the_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from kabar.cli.main import app

    db = tmp_path / "k.db"
    open_archive(db, default_indexers()).close()
    seen: dict[str, Any] = {}

    def fake_run(server: uvicorn.Server, *args: object, **kwargs: object) -> None:
        seen["options"] = server.config.app.state.kabar.options  # type: ignore[union-attr]

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    args = ["serve", "--db", str(db), "--max-cpu-seconds", "2.5", "--ingest-workers", "3"]
    # One serving process (KABAR_WORKERS, where the prefork option exists): nothing forks in the test.
    env = {"KABAR_MAX_MEMORY_MB": "300", "KABAR_HANDLER_TIMEOUT": "12", "KABAR_WORKERS": "1"}
    result = CliRunner(env=env).invoke(app, args)
    assert result.exit_code == 0, result.output
    options = seen["options"]
    assert options.guard == GuardOptions(max_cpu_seconds=2.5, max_memory_mb=300)
    assert options.ingest_workers == 3 and options.handler_seconds == 12.0


@pytest.mark.parametrize(
    "args",
    [
        ["--max-cpu-seconds", "0"],
        ["--max-cpu-seconds", "99999"],
        ["--max-memory-mb", "8"],
        ["--ingest-workers", "-1"],
        ["--handler-timeout", "0"],
    ],
)
def test_kabar_serve_refuses_budgets_out_of_range(tmp_path: Path, args: list[str]) -> None:
    from kabar.cli.main import app

    db = tmp_path / "k.db"
    open_archive(db, default_indexers()).close()
    result = CliRunner().invoke(app, ["serve", "--db", str(db), *args])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
