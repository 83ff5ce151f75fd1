"""The Ray engine: one remote task per WARC on a Ray cluster (``pip install 'kabar[ray]'``).

Ray is imported only here, and only when this engine runs: kabar works without it.
``address=None`` starts a private local cluster of ``workers`` CPUs (no dashboard) and
stops it at the end; an address (``ray://head:10001``, ``auto``) joins a running cluster
and leaves it running. Every node must see the WARC files and the output folder under the
same paths (a shared file system): a task reads and writes files, and only its small
result comes back. A task whose worker dies is run again by Ray (``max_retries``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kabar.backfill.task import TaskResult, TaskSpec, run_task


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be started or reached (the message says which)."""


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayUnavailable(
            "the Ray engine needs Ray: pip install 'kabar[ray]' (or use --engine local)"
        ) from None
    return ray


def remote_task(function: Callable[..., Any], max_retries: int) -> Any:
    """``function`` as a Ray task of one CPU that Ray runs again when its worker dies."""
    return _ray().remote(num_cpus=1, max_retries=max_retries)(function)


def run_ray(
    specs: Sequence[TaskSpec], workers: int, address: str | None = None, max_retries: int = 3
) -> Iterator[TaskResult]:
    """Each spec's result, as each finishes."""
    ray = _ray()
    started = False
    if not ray.is_initialized():
        try:
            if address:
                ray.init(address=address, log_to_driver=False)
            else:
                ray.init(num_cpus=max(1, workers), include_dashboard=False, log_to_driver=False)
        except Exception as exc:  # Ray raises many kinds here (ConnectionError, RuntimeError, ValueError)
            where = f"the Ray cluster at {address}" if address else "a local Ray cluster"
            raise RayUnavailable(f"cannot start or join {where}: {type(exc).__name__}: {exc}"[:400]) from None
        started = True
    try:
        remote = remote_task(run_task, max_retries)
        waiting = {remote.remote(spec): spec for spec in specs}
        while waiting:
            done, _ = ray.wait(list(waiting), num_returns=1)
            for ref in done:
                spec = waiting.pop(ref)
                try:
                    result: TaskResult = ray.get(ref)
                except Exception as exc:  # the task's worker died more than max_retries times
                    result = TaskResult(
                        warc=str(spec.warc), status="failed", error=f"{type(exc).__name__}: {exc}"[:300]
                    )
                yield result
    finally:
        if started:
            ray.shutdown()


__all__ = ["RayUnavailable", "run_ray"]
