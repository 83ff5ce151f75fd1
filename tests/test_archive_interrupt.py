"""An ingest killed at any moment leaves every article fully stored or absent."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from kabar.archive.sqlite import open_archive
from kabar.model import Article

N_ARTICLES = 400

WRITER = r"""
import sys
from datetime import datetime, timedelta, timezone
from kabar.archive.sqlite import open_archive
from kabar.model import Article
archive = open_archive(sys.argv[1])
for n in range(int(sys.argv[2])):
    archive.add(Article(
        headline=f"Berita {n} tentang banjir di Jakarta",
        paragraphs=[f"Banjir melanda kawasan {n} di Jakarta Selatan pada Senin pagi.", "Warga mengungsi."],
        published=datetime(2021, 1, 1, tzinfo=timezone(timedelta(hours=7))) + timedelta(minutes=n),
        outlet="Uji",
    ))
    print(n, flush=True)
"""


def _kill_mid_ingest(db: Path, delay: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(N_ARTICLES)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    # wait until it has really started writing, then kill it at an arbitrary moment
    proc.stdout.readline()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_sigkill_mid_ingest_loses_nothing_and_stores_nothing_twice(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    for delay in (0.05, 0.31, 0.17):
        _kill_mid_ingest(db, delay)
        with sqlite3.connect(db) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            rows = raw.execute("SELECT id, data FROM articles").fetchall()
        for _id, data in rows:
            stored = json.loads(data)  # every stored row is whole
            assert stored["headline"] and len(stored["paragraphs"]) == 2
    # finishing the ingest afterwards stores each article exactly once
    subprocess.run([sys.executable, "-c", WRITER, str(db), str(N_ARTICLES)], check=True, capture_output=True)
    archive = open_archive(db)
    assert archive.count() == N_ARTICLES
    again = archive.add(
        Article(
            headline="Berita 7 tentang banjir di Jakarta",
            paragraphs=["Banjir melanda kawasan 7 di Jakarta Selatan pada Senin pagi.", "Warga mengungsi."],
        )
    )
    assert again.status == "unchanged"
