"""Bad input to the PostgreSQL backend: one clear line, nothing half-stored, resumable.

An unreachable server, a database that does not exist, a login the server refuses,
another application's database (refused before anything is written), and the server
dropping the writer's connection mid-ingest (``pg_terminate_backend``).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backends import PgServer, database_url, open_test_archive
from kabar.archive import open_archive
from kabar.archive.errors import ArchiveReadOnly, ArchiveUnavailable, NotAnArchive
from kabar.model import Article

pytestmark = pytest.mark.postgres

N_ARTICLES = 200  # enough writes after the eighth for a drop to meet one

WRITER = str(Path(__file__).with_name("ingest_child.py"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _one_line(message: str) -> None:
    assert message and "\n" not in message and "Traceback" not in message
    assert "SELECT" not in message and "INSERT" not in message  # never SQL text


def test_an_unreachable_server_is_one_line() -> None:
    url = f"postgresql://kabar:s3cret@127.0.0.1:{_free_port()}/kabar"
    with pytest.raises(ArchiveUnavailable) as info:
        open_archive(url)
    _one_line(str(info.value))
    assert "cannot reach the database server" in str(info.value) and "s3cret" not in str(info.value)


def test_a_database_that_does_not_exist_is_one_line(pg_server: PgServer) -> None:
    url = database_url(pg_server.url, "kabar_no_such_database")
    with pytest.raises(ArchiveUnavailable) as info:
        open_archive(url)
    _one_line(str(info.value))
    said = str(info.value)
    assert "refused the connection" in said and "kabar_no_such_database" in said and "createdb" in said


def test_a_refused_login_is_one_line_without_the_password(pg_server: PgServer) -> None:
    # Trust authentication accepts any password, so the refusal here is an unknown role:
    # the same class of error (SQLSTATE 28xxx) as a wrong password.
    url = make_url(pg_server.url).set(username="kabar_no_such_role", password="s3cret")
    with pytest.raises(ArchiveUnavailable) as info:
        open_archive(url.render_as_string(hide_password=False))
    _one_line(str(info.value))
    said = str(info.value)
    assert "refused the connection" in said and "kabar_no_such_role" in said and "s3cret" not in said


def test_another_applications_database_is_refused_untouched(pg_server: PgServer) -> None:
    with pg_server.database(template=False) as url:
        dsn = make_url(url).render_as_string(hide_password=False)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("CREATE TABLE articles (id serial PRIMARY KEY, title text)")
            conn.execute("CREATE TABLE users (id serial PRIMARY KEY, name text)")
        with pytest.raises(NotAnArchive) as info:
            open_archive(url)
        _one_line(str(info.value))
        with psycopg.connect(dsn) as conn:
            tables = {
                r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            }
        assert tables == {"articles", "users"}  # no alembic_version, no kabar tables


def test_an_empty_database_becomes_an_archive(pg_server: PgServer) -> None:
    with pg_server.database(template=False) as url:
        archive = open_archive(url)
        assert archive.count() == 0
        archive.close()
        reader = open_archive(url, read_only=True)
        assert reader.count() == 0
        with pytest.raises(ArchiveReadOnly) as info:  # a reader never writes
            reader.add(Article(headline="Satu", paragraphs=["Berita pertama tentang pasar."]))
        _one_line(str(info.value))
        reader.close()


def _terminate(url: str) -> int:
    """Drop every connection kabar has to this database, as a server restart would."""
    name = make_url(url).database
    admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND application_name = 'kabar' AND pid <> pg_backend_pid()",
            (name,),
        ).fetchall()
    return len(rows)


@pytest.fixture
def archive_url(pg_server: PgServer) -> Iterator[str]:
    with pg_server.database() as url:
        yield url


def test_the_server_dropping_the_writer_mid_ingest(archive_url: str) -> None:
    proc = subprocess.Popen(
        [sys.executable, WRITER, archive_url, str(N_ARTICLES), "--all-indexers"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    for _ in range(8):  # well into the run, then the connection goes
        proc.stdout.readline()
    # A connection dropped between articles is reconnected unseen (pool pre-ping: the next test),
    # so one drop lands mid-write only by chance, less often the faster a write is. The server
    # keeps dropping the writer, as a restarting server would, until a drop meets a write.
    deadline = time.monotonic() + 30
    while proc.poll() is None and time.monotonic() < deadline:
        _terminate(archive_url)
        time.sleep(0.002)
    out, err = proc.communicate(timeout=60)
    faults = [line for line in out.splitlines() if line.startswith("FAULT")]
    assert proc.returncode == 4, err[-2000:]
    assert len(faults) == 1 and faults[0].startswith("FAULT ArchiveUnavailable")
    _one_line(faults[0])
    assert "cannot reach the database server" in faults[0]
    # Every article is whole (its search entry, duplicates signature and entities written
    # with it) or absent …
    archive = open_test_archive(archive_url)
    stored = archive.count()
    assert 8 <= stored < N_ARTICLES
    with archive.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM search_docs")).scalar_one() == stored
        assert conn.execute(text("SELECT count(*) FROM dedup_signatures")).scalar_one() == stored
        assert conn.execute(text("SELECT count(*) FROM story_articles")).scalar_one() == stored
    archive.close()
    # … and running the same ingest again finishes it, storing each article once.
    done = subprocess.run(
        [sys.executable, WRITER, archive_url, str(N_ARTICLES), "--all-indexers"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    archive = open_test_archive(archive_url)
    assert archive.count() == N_ARTICLES
    archive.close()


def test_a_writer_reconnects_after_the_server_dropped_it_between_articles(archive_url: str) -> None:
    archive = open_test_archive(archive_url)
    first = archive.add(Article(headline="Satu", paragraphs=["Berita pertama tentang pasar."]))
    assert _terminate(archive_url) >= 1  # the pooled connection is dead now
    second = archive.add(Article(headline="Dua", paragraphs=["Berita kedua tentang sekolah."]))
    assert (first.status, second.status) == ("added", "added") and archive.count() == 2
    archive.close()
