"""Kill ``kabar run`` with SIGKILL mid-ingest, start it again: nothing lost, nothing twice, it resumes."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from conftest import shared_path
from kabar.sources.urls import canonical_url
from sources_site import LocalSite, build_news_site


def _kabar() -> list[str]:
    script = Path(sys.executable).parent / "kabar"
    return (
        [str(script)] if script.exists() else [sys.executable, "-c", "from kabar.cli.main import app; app()"]
    )


def _count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.Error:
        return 0


def test_sigkill_mid_ingest_then_resume(tmp_path: Path) -> None:
    anpandu = shared_path("pages", "id", "anpandu")
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    db = tmp_path / "kabar.db"
    with LocalSite() as site:
        ns = build_news_site(
            site, anpandu, corpus, db, generated=4, page_delay=0.2, broken=False, real_limit=18
        )
        config = tmp_path / "local.toml"
        config.write_text(ns.config_toml)
        cmd = [*_kabar(), "run", "--config", str(config), "--once"]
        log1 = (tmp_path / "run1.log").open("w")
        proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=log1, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while _count(db, "SELECT count(*) FROM articles") < 3:
            assert proc.poll() is None, (tmp_path / "run1.log").read_text()
            assert time.monotonic() < deadline, "no article stored within 60 s"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        log1.close()
        stored_before = _count(db, "SELECT count(*) FROM articles")
        done_before = _count(db, "SELECT count(*) FROM crawl_frontier WHERE state = 'done'")
        total = len(ns.article_paths)
        assert 0 < stored_before < total, "the kill must land mid-ingest"
        with sqlite3.connect(db) as conn:
            done_urls = {r[0] for r in conn.execute("SELECT url FROM crawl_frontier WHERE state = 'done'")}
        hits_before = {p: len(site.hits_for(p)) for p in ns.article_paths}

        second = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stdout + second.stderr

        assert _count(db, "SELECT count(*) FROM articles") == total  # nothing lost
        assert _count(db, "SELECT count(DISTINCT canonical_url) FROM articles") == total  # nothing twice
        assert _count(db, "SELECT count(DISTINCT content_hash) FROM articles") == total
        assert _count(db, "SELECT count(*) FROM crawl_frontier WHERE state != 'done'") == 0
        # it resumed: what was done before the kill was not fetched again
        for path in ns.article_paths:
            if canonical_url(site.url(path)) in done_urls:
                assert len(site.hits_for(path)) == hits_before[path] == 1, path
        assert done_before >= stored_before - 4  # at most the pages in flight were stored but not yet marked
        # and the fetch log holds both runs
        assert _count(db, "SELECT count(*) FROM source_fetches") > total
        print(
            f"killed after {stored_before}/{total} stored; second run completed the rest: {second.stdout.strip()}"
        )
