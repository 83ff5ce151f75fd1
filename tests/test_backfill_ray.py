"""The Ray engine on a local cluster (num_cpus=2, no dashboard), started once for the module: slow to start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from backfill_support import article_spec, sample_articles, write_warc
from kabar.backfill.engines import Engine, EngineOptions, run_tasks
from kabar.backfill.task import TaskSpec

ray = pytest.importorskip(
    "ray", reason="Ray is not installed (pip install 'kabar[ray]'; make test installs it)"
)


@pytest.fixture(scope="module", autouse=True)
def cluster() -> Iterator[None]:
    from kabar.backfill.ray_engine import local_cluster_options

    ray.init(**local_cluster_options(2))
    yield
    ray.shutdown()


def test_ray_runs_one_task_per_warc_and_a_rerun_skips(tmp_path: Path) -> None:
    warcs = [
        write_warc(tmp_path / f"{n}.warc.gz", [article_spec(a) for a in sample_articles(2, skip=2 * n)])
        for n in range(3)
    ]
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"not a WARC\n")
    out = tmp_path / "out"
    specs = [TaskSpec(warc=w, out_dir=out, understand=False) for w in [*warcs, bad]]
    options = EngineOptions(engine=Engine.ray, workers=2)
    results = {Path(r.warc).name: r for r in run_tasks(specs, options)}
    assert {n: r.status for n, r in results.items()} == {
        "0.warc.gz": "done",
        "1.warc.gz": "done",
        "2.warc.gz": "done",
        "bad.warc.gz": "failed",
    }
    assert "not a WARC file" in (results["bad.warc.gz"].error or "")
    assert sum(pq.read_metadata(p).num_rows for p in out.glob("*.parquet")) == 6
    again = [r.status for r in run_tasks(specs[:3], options)]
    assert again == ["skipped"] * 3
    assert ray.is_initialized(), "a cluster the caller started is left running"


def test_ray_retries_a_task_whose_worker_died(tmp_path: Path) -> None:
    # The engine's own setting (max_retries on the remote task), on a task that kills its worker.
    from kabar.backfill.ray_engine import remote_task

    def _dies_once(marker: str) -> int:  # nested: Ray ships it by value (tests/ is not importable there)
        """Kills its own worker the first time (a worker lost to the OOM killer), answers the second."""
        import os

        path = Path(marker)
        if not path.exists():
            path.write_text("died once")
            os._exit(1)
        return 7

    ref = remote_task(_dies_once, max_retries=2).remote(str(tmp_path / "died"))
    assert ray.get(ref, timeout=120) == 7


def test_the_local_cluster_runs_its_tasks_at_the_commands_priority() -> None:
    """Not Ray's default 15 steps nicer, behind the neighbours and Ray's own daemons."""
    from kabar.backfill.ray_engine import remote_task

    def _niceness() -> int:
        import os

        return os.nice(0)

    import os

    assert ray.get(remote_task(_niceness, max_retries=0).remote(), timeout=120) == os.nice(0)
