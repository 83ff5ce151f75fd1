"""Helpers for the archive fault tests: real faults (locks, full disks, read-only mounts), clear lines."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typer.testing import CliRunner, Result

from kabar.cli.main import app

# Written into every test article: a message that shows it leaked article text.
BODY_MARK = "Banjir melanda kawasan"
# What SQLAlchemy's own message holds (the statement, its parameters): never shown to a user.
SQL_MARKS = ("INSERT", "SELECT", "UPDATE", "[SQL", "[parameters", "sqlalche.me", "Traceback")

KABAR = [sys.executable, "-c", "from kabar.cli.main import main; main()"]

# Holds SQLite's write lock (BEGIN IMMEDIATE) until killed: another process's writer.
LOCK_HOLDER = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(600)
"""


def write_articles(folder: Path, count: int, start: int = 0) -> Path:
    """``count`` small flattened-text articles, each distinct (one file each)."""
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(start, start + count):
        (folder / f"berita-{n:05d}.txt").write_text(
            f"Berita nomor {n} tentang banjir di Jakarta\n\n"
            f"Jakarta - {BODY_MARK} {n} di Jakarta Selatan pada Senin pagi. Warga mengungsi.\n\n"
            f"Petugas membantu warga kawasan {n} hingga malam.\n",
            encoding="utf-8",
        )
    return folder


def invoke(args: list[str], env: dict[str, str] | None = None) -> Result:
    return CliRunner(env=env).invoke(app, args)


def assert_one_clear_line(stderr: str, *words: str) -> str:
    """The error is one line on stderr naming the fault, with no SQL, traceback or article text."""
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    line = lines[0]
    assert line.startswith("kabar:"), line
    for mark in (*SQL_MARKS, BODY_MARK):
        assert mark not in line, line
    for word in words:
        assert word in line, line
    return line


def stored(db: Path) -> list[tuple[int, str, str]]:
    """(id, content hash, data) of every stored article, read without kabar."""
    with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True) as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [
            (int(r[0]), str(r[1]), str(r[2]))
            for r in raw.execute("SELECT id, content_hash, data FROM articles")
        ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@contextmanager
def lock_held(db: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the archive's write lock for as long as the block runs."""
    holder = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait(timeout=30)


def _run(args: list[str]) -> bool:
    return subprocess.run(args, capture_output=True, check=False).returncode == 0


@contextmanager
def mounted_tmpfs(folder: Path, size: str) -> Iterator[Path | None]:
    """A small tmpfs at ``folder`` (a really full disk), or None where mounting is not permitted."""
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)]):
        yield None
        return
    try:
        yield folder
    finally:
        _run(["umount", "-l", str(folder)])


@contextmanager
def read_only_place(folder: Path, view: Path) -> Iterator[Path | None]:
    """``folder`` where kabar cannot write, or None where that cannot be had.

    As root a read-only bind mount at ``view`` (``chmod`` makes nothing read-only for
    root); as another user the folder and its files with their write bits cleared.
    """
    if os.geteuid() != 0:
        files = [folder, *folder.iterdir()]
        modes = {p: p.stat().st_mode for p in files}
        for p in files:
            p.chmod(modes[p] & 0o555)
        try:
            yield folder
        finally:
            for p in files:
                p.chmod(modes[p])
        return
    view.mkdir(parents=True, exist_ok=True)
    if not _run(["mount", "--bind", str(folder), str(view)]):
        yield None
        return
    try:
        yield view if _run(["mount", "-o", "remount,bind,ro", str(view)]) else None
    finally:
        _run(["umount", "-l", str(view)])
