"""Storage faults made for real end in one clear line, lose nothing, and a rerun finishes the job.

A lock held by another process, a full disk (a small tmpfs, or RLIMIT_FSIZE in a
subprocess), the archive deleted or replaced mid-run, kill -9 mid-batch; the API
answers such faults 503 with Retry-After.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from fault_support import (
    BODY_MARK,
    KABAR,
    SQL_MARKS,
    assert_one_clear_line,
    invoke,
    lock_held,
    mounted_tmpfs,
    stored,
    write_articles,
)
from kabar.archive import errors, faults
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive, open_archive
from kabar.cli.common import EXIT_ARCHIVE_FAULT, EXIT_REFUSED
from kabar.model import Article
from kabar.wiring import default_indexers
from serve_support import Client, make_app, make_article


def _ingest_args(pages: Path, db: Path) -> list[str]:
    # Small batches: a fault falls after some batches committed, and those must stay whole.
    return ["ingest", str(pages), "--db", str(db), "--no-understand", "-q", "--batch", "4"]


def _assert_whole_and_once(db: Path, expected: int) -> None:
    rows = stored(db)
    assert len(rows) == expected
    assert len({digest for _id, digest, _data in rows}) == expected  # nothing doubled
    for _id, _digest, data in rows:
        article = json.loads(data)  # every stored row is a whole article
        assert article["headline"] and len(article["paragraphs"]) == 2


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5) as raw:
            return int(raw.execute("SELECT count(*) FROM articles").fetchone()[0])
    except sqlite3.Error:  # not there yet, or the schema not yet made
        return 0


# -- translation: driver errors to archive errors, no SQL, no article text --------------


def _sqlite_error(code: int, name: str) -> sqlite3.Error:
    error = sqlite3.OperationalError(name.lower())
    error.sqlite_errorcode = code
    error.sqlite_errorname = name
    return error


@pytest.mark.parametrize(
    ("code", "name", "kind"),
    [
        (5, "SQLITE_BUSY", errors.ArchiveBusy),
        (6, "SQLITE_LOCKED", errors.ArchiveBusy),
        (8, "SQLITE_READONLY", errors.ArchiveReadOnly),
        (1032, "SQLITE_READONLY_DBMOVED", errors.ArchiveGone),
        (13, "SQLITE_FULL", errors.ArchiveFull),
        (778, "SQLITE_IOERR_WRITE", errors.ArchiveUnavailable),
        (11, "SQLITE_CORRUPT", errors.ArchiveCorrupt),
        (26, "SQLITE_NOTADB", errors.NotAnArchive),
        (14, "SQLITE_CANTOPEN", errors.ArchiveUnavailable),
    ],
)
def test_sqlite_result_codes_become_archive_errors_without_the_statement(
    code: int, name: str, kind: type[errors.ArchiveError], tmp_path: Path
) -> None:
    db = tmp_path / "kabar.db"
    db.touch()
    context = faults.FaultContext(where=str(db), busy_timeout=10.0, path=db)
    # As SQLAlchemy raises it: its str() holds the statement and the article's JSON.
    wrapped = DBAPIError.instance(
        "INSERT INTO articles (data) VALUES (?)",
        (json.dumps({"paragraphs": [f"{BODY_MARK} 1"]}),),
        _sqlite_error(code, name),
        sqlite3.Error,
    )
    assert "INSERT" in str(wrapped) and BODY_MARK in str(wrapped)
    error = faults.translate(wrapped, context)
    assert type(error) is kind
    assert str(error).startswith(f"{db}: ") and "\n" not in str(error)
    assert not any(mark in str(error) for mark in (*SQL_MARKS, BODY_MARK))
    assert error.summary and str(db) not in error.summary


def test_a_programming_error_is_not_taken_for_a_storage_fault() -> None:
    context = faults.FaultContext(where="kabar.db", busy_timeout=10.0)
    assert faults.translate(_sqlite_error(1, "SQLITE_ERROR"), context) is None
    assert faults.translate(ValueError("no"), context) is None


@pytest.mark.parametrize(
    ("sqlstate", "kind"),
    [
        ("53100", errors.ArchiveFull),
        ("25006", errors.ArchiveReadOnly),
        ("55P03", errors.ArchiveBusy),
        ("40P01", errors.ArchiveBusy),
        ("57P01", errors.ArchiveUnavailable),
        ("08006", errors.ArchiveUnavailable),
        ("28P01", errors.ArchiveUnavailable),
        ("3D000", errors.ArchiveMissing),
        (None, errors.ArchiveUnavailable),
    ],
)
def test_postgresql_sqlstates_map_to_the_same_kinds(
    sqlstate: str | None, kind: type[errors.ArchiveError]
) -> None:
    # The shape psycopg's errors have (module, class name, .sqlstate); the backend's own
    # tests meet the real ones against a server.
    driver_error = type("OperationalError", (Exception,), {"__module__": "psycopg"})
    orig = driver_error("server says no")
    orig.sqlstate = sqlstate
    context = faults.FaultContext(where="postgresql://kabar@127.0.0.1/test", busy_timeout=10.0)
    assert type(faults.translate(orig, context)) is kind


def test_the_busy_timeout_is_settable_and_checked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from kabar.archive.busy_timeout import busy_timeout

    assert busy_timeout() == 10.0
    monkeypatch.setenv("KABAR_BUSY_TIMEOUT", "2.5")
    assert busy_timeout() == 2.5 and busy_timeout(0.5) == 0.5
    monkeypatch.setenv("KABAR_BUSY_TIMEOUT", "soon")
    with pytest.raises(errors.ArchiveSettingError, match="KABAR_BUSY_TIMEOUT"):
        busy_timeout()
    monkeypatch.delenv("KABAR_BUSY_TIMEOUT")
    open_archive(tmp_path / "kabar.db").close()
    result = invoke(["list", "--db", str(tmp_path / "kabar.db")], env={"KABAR_BUSY_TIMEOUT": "-1"})
    assert result.exit_code == EXIT_REFUSED
    assert_one_clear_line(result.stderr, "busy timeout")


# -- a lock held by another process -------------------------------------------------------


def test_a_lock_held_past_the_busy_timeout_is_one_line_and_a_rerun_finishes(tmp_path: Path) -> None:
    pages = write_articles(tmp_path / "pages", 12)
    db = tmp_path / "kabar.db"
    open_archive(db).close()
    env = {"KABAR_BUSY_TIMEOUT": "0.3"}
    with lock_held(db):
        result = invoke(_ingest_args(pages, db), env=env)
    assert result.exit_code == EXIT_ARCHIVE_FAULT, result.output
    assert_one_clear_line(result.stderr, "write lock", "0.3 s busy timeout", "KABAR_BUSY_TIMEOUT")
    assert stored(db) == []
    result = invoke(_ingest_args(pages, db), env=env)
    assert result.exit_code == 0, result.output
    _assert_whole_and_once(db, 12)


def test_a_writer_waits_for_a_lock_released_within_the_timeout(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    archive = SqliteArchive(ArchiveOptions(path=db, indexers=[], busy_timeout=0.2))
    with lock_held(db), pytest.raises(errors.ArchiveBusy) as caught:
        archive.add(make_article(1))
    assert caught.value.retryable and archive.count() == 0
    patient = SqliteArchive(ArchiveOptions(path=db, indexers=[], busy_timeout=30))
    with lock_held(db) as holder:
        threading.Timer(0.3, holder.kill).start()  # the other writer finishes while we wait
        assert patient.add(make_article(1)).status == "added"
    archive.close()
    patient.close()


# -- a full disk -------------------------------------------------------------------------


def _limited(size: int) -> Callable[[], None]:
    def apply() -> None:
        # Ignored, SIGXFSZ no longer kills the writer: the write fails with EFBIG instead.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return apply


def test_a_file_size_limit_mid_batch_is_one_line_and_a_rerun_finishes(tmp_path: Path) -> None:
    pages = write_articles(tmp_path / "pages", 40)
    db = tmp_path / "kabar.db"
    # A fresh archive's WAL holds ~200 kB and each article adds ~22 kB: the limit falls mid-batch.
    run = subprocess.run(
        [*KABAR, *_ingest_args(pages, db)],
        capture_output=True,
        text=True,
        preexec_fn=_limited(600_000),
        timeout=300,
        check=False,
    )
    assert run.returncode == EXIT_ARCHIVE_FAULT, run.stderr
    assert_one_clear_line(run.stderr, "disk is full", "run the same command again")
    kept = len(stored(db))
    assert 0 < kept < 40
    result = invoke(_ingest_args(pages, db))
    assert result.exit_code == 0, result.output
    _assert_whole_and_once(db, 40)


def test_a_full_file_system_mid_batch_is_one_line_and_a_rerun_finishes(tmp_path: Path) -> None:
    pages = write_articles(tmp_path / "pages", 40)
    with mounted_tmpfs(tmp_path / "small", "640k") as small:
        if small is None:
            pytest.skip(
                "mounting a tmpfs is not permitted here (needs root); the RLIMIT_FSIZE test covers it"
            )
        db = small / "kabar.db"
        result = invoke(_ingest_args(pages, db))
        assert result.exit_code == EXIT_ARCHIVE_FAULT, result.output
        assert_one_clear_line(result.stderr, "disk is full")
        assert 0 < len(stored(db)) < 40
        # Room made (the file system grown), the same command finishes the job.
        subprocess.run(["mount", "-o", "remount,size=64m", str(small)], check=True)
        result = invoke(_ingest_args(pages, db))
        assert result.exit_code == 0, result.output
        _assert_whole_and_once(db, 40)


# -- the file deleted or replaced mid-run --------------------------------------------------


def _remove_archive(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)


def test_the_archive_deleted_mid_batch_is_one_line_and_a_rerun_finishes(tmp_path: Path) -> None:
    pages = write_articles(tmp_path / "pages", 60)
    db = tmp_path / "kabar.db"
    done = threading.Event()

    def delete_once_started() -> None:
        while not done.is_set():
            if _count(db) >= 3:
                _remove_archive(db)
                return
            time.sleep(0.005)

    deleter = threading.Thread(target=delete_once_started)
    deleter.start()
    try:
        result = invoke(_ingest_args(pages, db))
    finally:
        done.set()
        deleter.join()
    assert result.exit_code == EXIT_ARCHIVE_FAULT, result.output
    assert_one_clear_line(result.stderr, "deleted or replaced")
    assert not db.exists()  # no new empty archive made behind the user's back
    result = invoke(_ingest_args(pages, db))
    assert result.exit_code == 0, result.output
    _assert_whole_and_once(db, 60)


def test_an_archive_replaced_under_a_writer_and_a_reader_is_left_alone(tmp_path: Path) -> None:
    db, other = tmp_path / "kabar.db", tmp_path / "other.db"
    writer = open_archive(db)
    writer.add(make_article(1))
    reader = open_archive(db, read_only=True)
    with open_archive(other) as replacement:
        replacement.add(make_article(2))
    os.replace(other, db)  # e.g. a restore from a backup while kabar runs
    with pytest.raises(errors.ArchiveGone, match="deleted or replaced"):
        writer.add(make_article(3))
    with pytest.raises(errors.ArchiveGone):
        reader.count()
    writer.close()
    reader.close()
    for suffix in ("-wal", "-shm"):  # a restore replaces these too (else SQLite replays the old WAL)
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    with open_archive(db) as reopened:  # a rerun uses the file now there
        assert [a.headline for a in reopened.get_many([1, 2, 3])] == [make_article(2).headline]


# -- kill -9 mid-batch ---------------------------------------------------------------------


def test_kill_9_mid_batch_then_a_rerun_stores_everything_once(tmp_path: Path) -> None:
    pages = write_articles(tmp_path / "pages", 80)
    db = tmp_path / "kabar.db"
    proc = subprocess.Popen(
        [*KABAR, *_ingest_args(pages, db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its guard workers die with it
    )
    try:
        while proc.poll() is None and _count(db) < 5:
            time.sleep(0.005)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    killed_at = _count(db)
    assert 0 < killed_at < 80, "the batch ended before it could be killed"
    _assert_whole_and_once(db, len(stored(db)))
    result = invoke(_ingest_args(pages, db))
    assert result.exit_code == 0, result.output
    _assert_whole_and_once(db, 80)


# -- the API -------------------------------------------------------------------------------


def test_the_api_answers_archive_faults_503_with_retry_after(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    archive = SqliteArchive(ArchiveOptions(path=db, indexers=default_indexers(), busy_timeout=0.2))
    archive.add(make_article(1))
    client = Client(make_app(archive, token="rahasia"))
    assert client.get("/api/articles").status_code == 200
    page = b"Berita nomor 9 tentang banjir\n\nJakarta - " + BODY_MARK.encode() + b" 9 pada Senin pagi.\n"
    headers = {"Authorization": "Bearer rahasia", "Content-Type": "text/plain"}
    with lock_held(db):
        busy = client.post("/api/ingest", content=page, headers=headers)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "busy" in busy.json()["message"] and str(db) not in busy.text and BODY_MARK not in busy.text
    assert archive.count() == 1
    _remove_archive(db)
    for url in ("/api/articles", "/"):
        gone = client.get(url)
        assert gone.status_code == 503 and int(gone.headers["Retry-After"]) > 0
        assert str(tmp_path) not in gone.text and not any(m in gone.text for m in SQL_MARKS)
    archive.close()


def test_an_article_too_big_for_the_disk_leaves_the_archive_as_it_was(tmp_path: Path) -> None:
    """In-process, with the limit on this process only for the one add (restored after)."""
    db = tmp_path / "kabar.db"
    archive = open_archive(db, default_indexers())  # every index written in the same transaction
    archive.add(make_article(1))
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    old = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    wal = Path(f"{db}-wal").stat().st_size
    big = Article(
        headline="Berita besar", paragraphs=[f"{BODY_MARK} {n} " + "kata " * 200 for n in range(400)]
    )
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (wal + 64_000, hard))
        with pytest.raises(errors.ArchiveFull) as caught:
            archive.add(big)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, old)
    assert BODY_MARK not in str(caught.value) and "INSERT" not in str(caught.value)
    assert archive.count() == 1
    assert archive.add(big).status == "added"  # room again: the same add succeeds
    archive.close()
