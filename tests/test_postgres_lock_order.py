"""PostgreSQL writers take their locks in one order: concurrent batches do not deadlock.

Three writers, each with its own archive (engine, connections) and the default indexers,
store batches of different articles over one shared vocabulary — the same people, places
and topics — one writer in order, one in reverse, one rotated, all starting together.
Before :mod:`kabar.archive.write_turn` such runs deadlocked and were rerun (counted by
``write_retries``); now no rerun is needed and every article is stored once with its
story and entities. ``benchmarks/pg_writers.py`` counts the reruns with and without the
turn in one run. The PostgreSQL tests skip, saying why, without a server.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from benchmarks.pg_writers import PEOPLE, PLACES, WritersPlan, run_writers, shared_article
from sqlalchemy import text
from sqlalchemy.engine import Connection

from backends import PgServer
from kabar.archive.base import BatchAdd
from kabar.archive.batch_write import BatchArchive
from kabar.archive.errors import ArchiveBusy
from kabar.archive.open import open_archive
from kabar.archive.postgres import PostgresArchive, PostgresOptions
from kabar.archive.write_turn import WRITE_TURN_LOCK
from kabar.model import Article
from kabar.wiring import default_indexers


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    with pg_server.database() as url:
        yield url


@pytest.mark.postgres
def test_concurrent_batches_in_opposite_orders_need_no_rerun(pg_url: str) -> None:
    plan = WritersPlan(writers=3, batches=4, batch_size=6)
    run = run_writers(pg_url, plan)
    assert run.errors == []
    assert run.retries == 0
    with PostgresArchive(PostgresOptions(url=pg_url)) as archive, archive.engine.connect() as conn:
        total = plan.articles
        assert archive.count() == total
        assert conn.execute(text("SELECT count(*) FROM story_articles")).scalar_one() == total
        # Every person and place is one entity, named by every article that names it.
        rows = conn.execute(text("SELECT name, article_count FROM entities ORDER BY name")).all()
        assert {r[0] for r in rows} <= set(PEOPLE) | set(PLACES)
        assert sum(int(r[1]) for r in rows) == 2 * total


@pytest.mark.postgres
def test_a_writer_waits_for_its_turn_holding_nothing(pg_url: str) -> None:
    """While another transaction holds the turn, a batch waits at its first statement holding
    no lock on any table (so nothing it waits behind can wait for it), then goes on."""
    with PostgresArchive(PostgresOptions(url=pg_url, indexers=default_indexers())) as archive:
        holder = archive.engine.connect()
        holder.begin()
        holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_TURN_LOCK})
        stored: list[int] = []
        writer = threading.Thread(
            target=lambda: stored.extend(
                d.result.id for d in archive.add_batch([shared_article(0, 0, [0])]) if d.result is not None
            )
        )
        writer.start()
        pid = _turn_waiter(holder)
        assert pid is not None, "the writer never queued for the turn"
        held = holder.execute(
            text("SELECT count(*) FROM pg_locks WHERE pid = :pid AND locktype = 'relation'"), {"pid": pid}
        ).scalar_one()
        assert held == 0
        assert stored == []
        holder.rollback()
        holder.close()
        writer.join(timeout=120)
        assert len(stored) == 1
        assert archive.write_retries == 0


def _turn_waiter(conn: Connection) -> int | None:
    """The backend waiting for the turn (polled: the writer is a thread starting up), or None."""
    for _ in range(600):
        pid = conn.execute(
            text(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted "
                "AND classid = :hi AND objid = :lo"
            ),
            {"hi": WRITE_TURN_LOCK >> 32, "lo": WRITE_TURN_LOCK & 0xFFFFFFFF},
        ).scalar()
        if pid is not None:
            return int(pid)
        time.sleep(0.05)
    return None


class _Deadlock(Exception):
    sqlstate = "40P01"  # what psycopg's DeadlockDetected carries


def test_a_batch_rerun_after_a_deadlock_is_counted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The safety net still reruns a batch PostgreSQL aborted, and ``write_retries`` shows it
    (on SQLite, with the abort made by hand: the counting is the backends' shared code)."""
    archive = open_archive(str(tmp_path / "kabar.db"), [])
    assert isinstance(archive, BatchArchive)
    with archive:
        real = archive._write_batch
        aborts = [1]

        def once_aborted(articles: Sequence[Article]) -> list[BatchAdd]:
            if aborts:
                aborts.pop()
                busy = ArchiveBusy("uji", "deadlock detected")
                busy.__cause__ = _Deadlock()
                raise busy
            return real(articles)

        monkeypatch.setattr(archive, "_write_batch", once_aborted)
        done = archive.add_batch([shared_article(0, 0, [0])])
        assert [d.result.status for d in done if d.result is not None] == ["added"]
        assert archive.write_retries == 1
