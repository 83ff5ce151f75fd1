"""`kabar serve --workers 2` as a real server: starts, answers, sees a new article, stops on SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from serve_support import fill, make_article, story_article

CLI = "from kabar.cli.main import main; main()"


def _children(pid: int) -> set[int]:
    out = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry.name))
    return out


def _wait_for_port(log: Path, proc: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        if found:
            return int(found.group(1))
        if proc.poll() is not None:
            pytest.fail(f"kabar serve exited: {log.read_text()[-2000:]}")
        time.sleep(0.1)
    pytest.fail("kabar serve printed no address within 60 s")


@pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="counts worker processes through /proc (Linux)"
)
def test_two_workers_answer_see_an_ingest_and_stop_on_sigterm(tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    fill(db, [make_article(n) for n in range(1, 4)]).close()
    log = tmp_path / "serve.log"
    env = {**os.environ, "KABAR_TOKEN": ""}
    with log.open("wb") as out:
        args = [sys.executable, "-c", CLI, "serve", "--db", str(db), "--port", "0", "--workers", "2"]
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        port = _wait_for_port(log, proc)
        assert "(2 workers)" in log.read_text()
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    if client.get("/").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            workers = _children(proc.pid)
            assert len(workers) == 1  # the server process serves too, beside one forked worker
            for _ in range(20):  # each new connection may land on either process
                with httpx.Client(base_url=base, timeout=30) as fresh:
                    assert "bagian 0" not in fresh.get("/api/articles").text
            fill(db, [story_article(0)]).close()  # another process writes: every worker must see it
            for _ in range(20):
                with httpx.Client(base_url=base, timeout=30) as fresh:
                    assert "bagian 0" in fresh.get("/api/articles").text
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log.read_text()[-2000:]
        for pid in workers:
            assert not Path(f"/proc/{pid}").exists(), "a worker outlived the server"
        assert "Traceback" not in log.read_text()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
