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

from sqlalchemy import text

from backends import is_postgres, open_test_archive
from kabar.model import Article

N_ARTICLES = 400

WRITER = str(Path(__file__).with_name("ingest_child.py"))


def _kill_mid_ingest(db: str, delay: float) -> None:
    proc = subprocess.Popen(
        [sys.executable, WRITER, str(db), str(N_ARTICLES)],
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


def test_sigkill_mid_ingest_loses_nothing_and_stores_nothing_twice(archive_url: str) -> None:
    db = archive_url
    for delay in (0.05, 0.31, 0.17):
        _kill_mid_ingest(db, delay)
        if not is_postgres(db):
            with sqlite3.connect(db) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        archive = open_test_archive(db)
        with archive.engine.connect() as conn:
            rows = conn.execute(text("SELECT id, data FROM articles")).all()
        archive.close()
        for _id, data in rows:
            stored = json.loads(data)  # every stored row is whole
            assert stored["headline"] and len(stored["paragraphs"]) == 2
    # finishing the ingest afterwards stores each article exactly once
    subprocess.run([sys.executable, WRITER, db, str(N_ARTICLES)], check=True, capture_output=True)
    archive = open_test_archive(db)
    assert archive.count() == N_ARTICLES
    again = archive.add(
        Article(
            headline="Berita 7 tentang banjir di Jakarta",
            paragraphs=["Banjir melanda kawasan 7 di Jakarta Selatan pada Senin pagi.", "Warga mengungsi."],
        )
    )
    assert again.status == "unchanged"
