"""The engine meets real archive faults: one clear line, nothing lost, and it resumes.

A full disk (``RLIMIT_FSIZE`` on a ``kabar run --once`` subprocess), another process holding
the write lock mid-round, the archive deleted under a serving ``kabar run``: never a traceback,
never SQL or article text; links not stored stay pending, and the next round or run stores
them, each once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import resource
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fault_support import BODY_MARK, SQL_MARKS, lock_held
from kabar.archive.errors import ArchiveBusy, ArchiveFull, ArchiveGone, ArchiveReadOnly, ArchiveUnavailable
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.cli.common import EXIT_ARCHIVE_FAULT
from kabar.engine.config import parse_config
from kabar.engine.run import Engine, stops_engine
from kabar.sources.crawler import Fetcher
from kabar.wiring import default_indexers
from sources_site import LocalSite, rss

KABAR = [sys.executable, "-c", "from kabar.cli.main import main; main()"]


def _site(site: LocalSite, db: Path, count: int, *, port: int = 0, delay: float = 0.0) -> str:
    """``count`` article pages behind one RSS feed, and the engine's TOML for them."""
    items = []
    for n in range(count):
        path = f"/berita/{n}"
        title = f"Berita nomor {n} tentang banjir di Jakarta"
        body = (
            f"<p>Jakarta - {BODY_MARK} {n} di Jakarta Selatan pada Senin pagi. Warga mengungsi.</p>"
            f"<p>Petugas membantu warga kawasan {n} hingga malam.</p>"
        )
        html = f"<html><body><article><h1>{title}</h1>{body}</article></body></html>"
        site.add(path, body=html.encode(), delay=delay)
        items.append((site.url(path), title, "Tue, 03 Nov 2020 09:50:00 GMT"))
    site.add("/rss.xml", body=rss(items), content_type="application/rss+xml")
    return (
        f'[engine]\ndb = "{db}"\nport = {port}\ntimeout_seconds = 5\nretries = 0\nallow_private = true\n'
        f"max_links_per_poll = {count}\nrate_per_host = 1000\nconcurrency_per_host = 8\n\n"
        f'[[source]]\nname = "RSS Lokal"\nkind = "feed"\nurl = "{site.url("/rss.xml")}"\n'
    )


def _rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as raw:
        return raw.execute(sql).fetchall()


def _count(db: Path) -> int:
    try:
        return int(_rows(db, "SELECT count(*) FROM articles")[0][0])
    except sqlite3.Error:
        return 0


def _assert_clean(output: str) -> None:
    assert "Traceback" not in output, output
    for mark in (*SQL_MARKS, BODY_MARK):
        assert mark not in output, (mark, output)


def _last_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert lines, "nothing on stderr"
    return lines[-1]


def _limited(size: int) -> Callable[[], None]:
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # the write fails with EFBIG instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_which_faults_stop_the_engine() -> None:
    assert not stops_engine(ArchiveBusy("db", "x")) and not stops_engine(ArchiveUnavailable("db", "x"))
    assert not stops_engine(ArchiveFull("db", "x"))  # space may be freed while the portal serves
    assert stops_engine(ArchiveReadOnly("db", "x")) and stops_engine(ArchiveGone("db", "x"))


def test_a_full_disk_mid_run_is_one_line_and_a_rerun_stores_the_rest_once(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    total = 40
    with LocalSite() as site:
        config = tmp_path / "local.toml"
        config.write_text(_site(site, db, total))
        cmd = [*KABAR, "run", "--config", str(config), "--once"]
        first = subprocess.run(
            cmd, capture_output=True, text=True, preexec_fn=_limited(900_000), timeout=300, check=False
        )
        _assert_clean(first.stdout + first.stderr)
        assert first.returncode == EXIT_ARCHIVE_FAULT, first.stderr
        line = _last_line(first.stderr)
        assert line.startswith("kabar:") and "disk is full" in line, line
        kept = _count(db)
        assert 0 < kept < total, f"the limit must fall mid-run ({kept} of {total} stored)"
        assert _rows(db, "SELECT count(*) FROM crawl_frontier WHERE state = 'failed'")[0][0] == 0

        second = subprocess.run(cmd, capture_output=True, text=True, timeout=300, check=False)
        assert second.returncode == 0, second.stderr
        _assert_clean(second.stdout + second.stderr)
    assert _count(db) == total
    assert _rows(db, "SELECT count(DISTINCT content_hash) FROM articles")[0][0] == total  # none twice
    assert _rows(db, "SELECT count(*) FROM crawl_frontier WHERE state != 'done'")[0][0] == 0


def test_a_lock_held_mid_round_ends_the_round_and_the_next_stores_everything(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    db = tmp_path / "kabar.db"
    total = 6
    with LocalSite() as site:
        cfg = parse_config(_site(site, db, total))
        archive = SqliteArchive(ArchiveOptions(path=db, indexers=default_indexers(), busy_timeout=0.2))
        engine = Engine(cfg, archive)
        real_drain = engine._drain

        async def drain_while_locked(fetcher: Fetcher, outcome: Any) -> None:
            with lock_held(db):  # another process takes the write lock after the poll
                await real_drain(fetcher, outcome)

        async def round_(engine: Engine) -> Any:
            async with Fetcher(cfg.fetch_options(), on_record=engine.log.record) as fetcher:
                return await engine.run_round(fetcher, all_sources=True)

        try:
            engine._drain = drain_while_locked  # type: ignore[method-assign]
            with pytest.raises(ArchiveBusy):
                asyncio.run(round_(engine))
            assert archive.count() == 0
            counts = engine.frontier.counts()
            assert counts.pending == total and counts.failed == 0  # nothing given up on
        finally:
            engine.close()
            archive.close()
        # The next run, with the usual busy timeout (0.2 s is too short even for the engine's
        # own fetch log waiting on its own article writes), stores every page once.
        archive = SqliteArchive(ArchiveOptions(path=db, indexers=default_indexers()))
        engine = Engine(cfg, archive)
        try:
            outcome = asyncio.run(round_(engine))
            assert outcome.added == total and archive.count() == total
            assert engine.frontier.counts().pending == 0
        finally:
            engine.close()
            archive.close()
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"


def test_the_engine_retries_a_busy_archive_with_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the serving loop a busy archive is waited out: one warning a round, no traceback."""
    caplog.set_level(logging.INFO)
    db = tmp_path / "kabar.db"
    with LocalSite() as site:
        cfg = parse_config(_site(site, db, 3))
        archive = SqliteArchive(ArchiveOptions(path=db, indexers=default_indexers(), busy_timeout=0.2))
        engine = Engine(cfg, archive)
        monkeypatch.setattr(ArchiveBusy, "retry_after", 0)  # try again at once (the real wait is 5 s)
        rounds: list[str] = []
        real_round = engine.run_round

        async def counted(fetcher: Fetcher, *, all_sources: bool = False) -> Any:
            rounds.append("round")
            try:
                return await real_round(fetcher, all_sources=True)
            finally:
                if archive.count() == 3:
                    stop.set()

        stop = asyncio.Event()

        async def go() -> None:
            async with Fetcher(cfg.fetch_options(), on_record=engine.log.record) as fetcher:
                with lock_held(db):
                    task = asyncio.ensure_future(engine.loop(fetcher, stop))
                    while len(rounds) < 2:  # two rounds met the lock
                        await asyncio.sleep(0.05)
                await asyncio.wait_for(task, timeout=120)

        engine.run_round = counted  # type: ignore[method-assign]
        try:
            asyncio.run(go())
            assert archive.count() == 3
        finally:
            engine.close()
            archive.close()
    warnings = [r.getMessage() for r in caplog.records if r.getMessage().startswith("round stopped")]
    assert warnings and all("busy" in w and "\n" not in w for w in warnings), warnings
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    _assert_clean("\n".join(r.getMessage() for r in caplog.records))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_archive_deleted_under_a_serving_engine_stops_it_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    total = 30
    with LocalSite() as site:
        config = tmp_path / "local.toml"
        config.write_text(_site(site, db, total, port=_free_port(), delay=0.1))
        proc = subprocess.Popen(
            [*KABAR, "run", "--config", str(config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            while _count(db) < 3:
                assert proc.poll() is None, proc.communicate()
                assert time.monotonic() < deadline, "no article stored within 120 s"
                time.sleep(0.02)
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
    _assert_clean(out + err)
    assert proc.returncode == EXIT_ARCHIVE_FAULT, err
    line = _last_line(err)
    assert line.startswith("kabar:") and "deleted or replaced" in line, line
    assert not db.exists()  # no new empty archive made behind the user's back


def test_the_related_news_warmer_says_an_archive_fault_in_one_line(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from kabar.archive.sqlite import open_archive
    from kabar.serve.warm import Warmer
    from serve_support import make_app, make_article

    caplog.set_level(logging.INFO, logger="kabar.serve.warm")
    db = tmp_path / "kabar.db"
    archive = open_archive(db, default_indexers())
    archive.add(make_article(1))
    app = make_app(archive, warm_latest=0)
    for suffix in ("", "-wal", "-shm"):  # the archive deleted under the server
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    warmer = Warmer(app.state.kabar, latest=10)
    warmer.start()
    try:
        deadline = time.monotonic() + 30
        while not [r for r in caplog.records if r.name == "kabar.serve.warm"]:
            assert time.monotonic() < deadline, "the warmer said nothing"
            time.sleep(0.02)
    finally:
        warmer.close()
        archive.close()
    said = [r for r in caplog.records if r.name == "kabar.serve.warm"]
    assert not [r for r in said if r.exc_info], "a traceback was logged"
    assert "deleted or replaced" in said[0].getMessage()
