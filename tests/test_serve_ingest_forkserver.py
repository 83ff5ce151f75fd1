"""The API's guard workers are started by a forkserver, never forked from the threaded server.

Forking a process that runs threads copies every lock as another thread held it (Python 3.12
warns with a DeprecationWarning). The server always runs threads (its ingest pool's among them),
so os.fork is watched here as 3.12 watches it: called while another thread runs, it warns, and
the warning is an error in these tests; on 3.12 and later the interpreter's own warning is too.
"""

from __future__ import annotations

import os
import threading
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from forkserver_support import parent_pid, stuck_in_c
from guard_support import good_page
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.guard import GuardOptions
from kabar.guard_start import StartedGuard
from kabar.wiring import default_indexers
from serve_support import Client, make_app

TOKEN = "rahasia-forkserver"
AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "text/plain"}


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every os.fork of this process, warned about as Python 3.12 does when threads run."""
    seen: list[int] = []
    real: Callable[[], int] = os.fork

    def watched() -> int:
        seen.append(threading.active_count())
        if threading.active_count() > 1:
            warnings.warn(
                "This process is multi-threaded, use of fork() may lead to deadlocks in the child.",
                DeprecationWarning,
                stacklevel=2,
            )
        return real()

    monkeypatch.setattr(os, "fork", watched)
    return seen


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_api_ingest_works_and_forks_nothing_from_the_server(forks: list[int], tmp_path: Path) -> None:
    with open_archive(tmp_path / "k.db", default_indexers()) as archive:
        _ingest_twice_through_the_api(archive)
    assert forks == []  # the worker came from the forkserver, started without os.fork


def _ingest_twice_through_the_api(archive: SqliteArchive) -> None:
    # No wall-clock deadline that a loaded machine could pass (the guard's is a last resort).
    guard = GuardOptions(max_cpu_seconds=30, wall_seconds=3600)
    app = make_app(archive, token=TOKEN, guard=guard, ingest_workers=1, warm_latest=0, handler_seconds=None)
    client = Client(app)
    try:
        for n in range(2):  # the second ingest reuses the worker the first one started
            answer = client.post(
                "/api/ingest",
                params={"url": f"https://x.test/berita-{n}"},
                content=good_page(f"Banjir kiriman nomor {n} rendam Jakarta").encode(),
                headers=AUTH,
            )
            assert answer.status_code == 201, answer.text
        assert archive.count() == 2
        pool = app.state.kabar.ingest_pool
        assert pool is not None and pool.started == 1
    finally:
        pool = app.state.kabar.ingest_pool
        if pool is not None:
            pool.close()


@pytest.mark.filterwarnings("error::DeprecationWarning")
def test_a_started_worker_killed_by_its_budget_is_replaced(forks: list[int]) -> None:
    """The guard's kernel backstop and restart hold for a worker that is not this process's child:
    the forkserver reports how it ended (SIGXCPU), and the next record gets a new worker."""
    held = threading.Event()
    other = threading.Thread(target=held.wait)  # a thread running, as in the server
    other.start()
    try:
        with StartedGuard(GuardOptions(max_cpu_seconds=0.1, wall_seconds=3600)) as guard:
            stuck = guard.run(stuck_in_c, 1, source="stuck")
            assert stuck.reject is not None and stuck.reject.error == "CpuBudgetExceeded", stuck.reject
            assert "kernel" in stuck.reject.message and stuck.reject.stage == "stuck"
            after = guard.run(parent_pid, 2, source="after")
            assert guard.restarts == 1
            assert after.value is not None and after.value != os.getpid()  # the forkserver's child
    finally:
        held.set()
        other.join()
    assert forks == []


def test_empty_and_hostile_bodies_are_refused_before_any_worker_starts(tmp_path: Path) -> None:
    with open_archive(tmp_path / "k.db", default_indexers()) as archive:
        app = make_app(archive, token=TOKEN, ingest_workers=1, warm_latest=0)
        client = Client(app)
        for body in (b"", b"\x00\x01\xff" * 100, "é".encode("latin-1") * 10):
            answer = client.post("/api/ingest", content=body, headers=AUTH)
            assert answer.status_code == 422, answer.text
        assert app.state.kabar.ingest_pool is None or app.state.kabar.ingest_pool.started == 0
