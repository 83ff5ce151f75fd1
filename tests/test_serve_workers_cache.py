"""`kabar serve --workers 2`: each worker keeps its own answers and reads the change log the archive keeps.

An article is ingested by another process; every worker then shows it on the front page,
and no worker renders an unrelated article's page a second time (``x-kabar-cache``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from serve_support import fill, make_article, story_article
from test_serve_workers import CLI, _wait_for_port

QUIET = "Harga cabai rawit naik di pasar Surabaya"


def _quiet_article() -> object:
    return make_article(
        300,
        headline=QUIET,
        paragraphs=["Pedagang cabai di Pasar Keputran mengeluhkan harga cabai rawit.", "Petani gagal panen."],
        description="Cabai mahal.",
        url="https://pasar.example/cabai",
        canonical_url="https://pasar.example/cabai",
    )


def _fresh_get(base: str, path: str) -> httpx.Response:
    # a new connection each time: the two processes share one listening socket
    with httpx.Client(base_url=base, timeout=30) as client:
        return client.get(path)


@pytest.mark.skipif(not Path("/proc").exists(), reason="Linux process tree")
def test_two_workers_keep_an_unrelated_page_across_an_ingest_by_another_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The mode is the deployment's: the writer below notes each commit's reach only under it.
    monkeypatch.setenv("KABAR_CACHE_INVALIDATION", "targeted")
    db = tmp_path / "k.db"
    archive = fill(db, [story_article(n) for n in range(1, 4)] + [_quiet_article()])  # type: ignore[list-item]
    quiet_id = archive.find_id(canonical_url="https://pasar.example/cabai")
    archive.close()
    log = tmp_path / "serve.log"
    env = {**os.environ, "KABAR_TOKEN": "", "KABAR_CACHE_INVALIDATION": "targeted"}
    with log.open("wb") as out:
        args = [sys.executable, "-c", CLI, "serve", "--db", str(db), "--port", "0", "--workers", "2"]
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        base = f"http://127.0.0.1:{_wait_for_port(log, proc)}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if _fresh_get(base, "/").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        page = f"/artikel/{quiet_id}"
        before = [_fresh_get(base, page) for _ in range(30)]
        assert all(r.status_code == 200 and QUIET in r.text for r in before)
        misses_before = sum(r.headers["x-kabar-cache"] == "miss" for r in before)
        assert 1 <= misses_before <= 2  # once per worker that answered
        assert all("bagian 0" not in _fresh_get(base, "/").text for _ in range(10))
        fill(db, [story_article(0)]).close()  # another process writes
        fronts = [_fresh_get(base, "/") for _ in range(20)]
        assert all("bagian 0" in r.text for r in fronts)  # every worker read the log
        after = [_fresh_get(base, page) for _ in range(30)]
        misses_after = sum(r.headers["x-kabar-cache"] == "miss" for r in after)
        # No worker renders it twice: a worker that had it keeps it; one that never served it
        # renders it once now.
        assert misses_before + misses_after <= 2, (misses_before, misses_after)
        assert all(r.text == before[0].text for r in after)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "Traceback" not in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
