"""Concurrent POST /api/ingest: a slow page holds neither the readers nor the other ingests.

The slow page here is one held in its guard worker until the test lets it go (``hold`` in
guard_support: no CPU used, so a loaded machine changes nothing); every assertion is about
what finished before what, none about how long anything took.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kabar.guard_start
import kabar.prepare
from guard_support import good_page, slow_extract
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions
from kabar.serve.ingest_pool import IngestPool, default_workers
from kabar.wiring import default_indexers
from serve_support import make_app

TOKEN = "rahasia-kolam"
AUTH = {"Authorization": f"Bearer {TOKEN}", "content-type": "text/plain"}


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[SqliteArchive]:
    arch = open_archive(tmp_path / "k.db", default_indexers())
    yield arch
    arch.close()


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The file whose creation lets held pages go on (read by the forked guard workers)."""
    monkeypatch.setattr(kabar.prepare, "extract", slow_extract(kabar.prepare.extract))
    # The patch reaches a forked worker only: the API's workers are forked here, not forkserver's.
    monkeypatch.setattr(kabar.guard_start, "START_METHOD", "fork")
    path = tmp_path / "release"
    monkeypatch.setenv("KABAR_TEST_HOLD", str(path))
    return path


async def _until(check: object, what: str) -> None:
    """Wait (on the event loop) until ``check()`` holds; a minute at most, then fail saying what."""
    assert callable(check)
    for _ in range(6000):
        if check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def test_a_held_ingest_stalls_neither_reads_nor_other_ingests_and_the_pool_is_bounded(
    archive: SqliteArchive, release: Path
) -> None:
    app = make_app(
        archive, token=TOKEN, guard=GuardOptions(max_cpu_seconds=5), ingest_workers=2, warm_latest=0
    )

    def started() -> int:
        return len(list(release.parent.glob(f"{release.name}.started.*")))

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t", timeout=120) as client:

            def post(name: str) -> asyncio.Task[httpx.Response]:
                page = good_page(f"Berita {name} tentang banjir").encode()
                request = client.post(
                    "/api/ingest", params={"url": f"https://x.test/{name}"}, content=page, headers=AUTH
                )
                return asyncio.ensure_future(request)

            # Both workers started and warm first (loading the models takes seconds of CPU).
            warm = await asyncio.gather(post("pemanasan-1"), post("pemanasan-2"))
            assert [r.status_code for r in warm] == [201, 201], [r.text for r in warm]
            pool = app.state.kabar.ingest_pool
            assert pool is not None and pool.started == 2

            held = post("hold-1")
            await _until(lambda: started() == 1, "the first held page reached its worker")
            # Another ingest goes through the other worker while the first page is held.
            small = post("kecil-1")
            done, _ = await asyncio.wait({small}, timeout=30)
            assert small in done and small.result().status_code == 201, "an ingest waited on a held page"
            read = await client.get("/api/articles")
            assert read.status_code == 200
            assert not held.done()

            # Both workers held: a third ingest waits its turn, and reads still do not wait.
            held_too = post("hold-2")
            await _until(lambda: started() == 2, "the second held page reached its worker")
            queued = post("kecil-2")
            for _ in range(3):
                assert (await client.get("/api/articles")).status_code == 200
            await asyncio.sleep(0.3)
            assert not queued.done(), "more ingests ran at once than the pool has workers"
            assert not held.done() and not held_too.done()

            release.touch()
            answers = await asyncio.gather(held, held_too, queued)
            assert [r.status_code for r in answers] == [201, 201, 201], [r.text for r in answers]
            assert pool.started == 2  # never more workers than the bound

    try:
        asyncio.run(go())
    finally:
        release.touch()
        pool = app.state.kabar.ingest_pool
        if pool is not None:
            pool.close()
    assert archive.count() == 6


def test_the_default_pool_is_the_cores_at_most_four(archive: SqliteArchive) -> None:
    assert 1 <= default_workers() <= 4
    with pytest.raises(ValueError):
        IngestPool(archive, IngestOptions(), 0)
