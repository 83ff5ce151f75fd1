"""The Ray engine: one remote task per WARC on a Ray cluster (``pip install 'kabar[ray]'``).

Ray is imported only here, and only when this engine runs: kabar works without it.
``address=None`` starts a private local cluster of ``workers`` CPUs (no dashboard) and
stops it at the end; an address (``ray://head:10001``, ``auto``) joins a running cluster
and leaves it running. Every node must see the WARC files and the output folder under the
same paths (a shared file system): a task reads and writes files, and only its small
result comes back. A task whose worker dies is run again by Ray (``max_retries``).
An address is asked over TCP first (:mod:`kabar.backfill.ray_address`): where nothing
listens, the run fails within ``connect_timeout`` seconds instead of Ray's silent reconnecting.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from kabar.backfill.ray_address import CONNECT_TIMEOUT, RayUnreachable, check_reachable
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


def local_cluster_options(workers: int) -> dict[str, Any]:
    """``ray.init``'s arguments for a private local cluster of ``workers`` CPUs.

    Ray starts its workers 15 steps nicer than itself (``worker_niceness``): on a machine with
    anything else running, the tasks that are the whole backfill waited behind the neighbours,
    and behind Ray's own daemons and the driver (each a few per cent of a core), where the
    local engine's workers run at the command's own priority. Here they run at it too.
    """
    return {
        "num_cpus": max(1, workers),
        "include_dashboard": False,
        "log_to_driver": False,
        "_system_config": {"worker_niceness": 0},
    }


def _start(ray: Any, workers: int) -> None:
    try:
        ray.init(**local_cluster_options(workers))
    except Exception as exc:  # Ray raises many kinds here (ConnectionError, RuntimeError, ValueError)
        raise RayUnavailable(f"cannot start a local Ray cluster: {type(exc).__name__}: {exc}"[:400]) from None


def _joined_already() -> bool:
    """Has this process joined a cluster already (Ray imported and initialised by the caller)?"""
    ray = sys.modules.get("ray")
    return ray is not None and bool(ray.is_initialized())


def _probe(address: str, timeout: float) -> None:
    try:
        check_reachable(address, timeout)
    except RayUnreachable as exc:
        raise RayUnavailable(str(exc)) from None


def _join(ray: Any, address: str, timeout: float) -> None:
    """Join the cluster at ``address`` within about ``timeout`` seconds, or raise RayUnavailable.

    Two bounds, one deadline: the TCP probe (nothing listening fails at once, or at the
    timeout), then ``ray.init`` itself, run on a helper thread so that a port that answers but
    is no Ray cluster (another service, a head node still starting) cannot hold the run: Ray
    would keep reconnecting for minutes. The helper thread is a daemon; the command ends anyway.
    """
    deadline = time.monotonic() + timeout
    _probe(address, timeout)  # again: cheap, and the cluster may have gone during Ray's import
    outcome: list[BaseException | None] = []

    def connect() -> None:
        try:
            ray.init(address=address, log_to_driver=False)
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)
        else:
            outcome.append(None)

    helper = threading.Thread(target=connect, name="kabar-ray-join", daemon=True)
    helper.start()
    helper.join(max(0.0, deadline - time.monotonic()))
    if not outcome:
        raise RayUnavailable(
            f"cannot join the Ray cluster at {address}: it accepts connections but did not answer as "
            f"a Ray cluster within {timeout:g} s (is it the head node's port? --connect-timeout to wait longer)"
        )
    failed = outcome[0]
    if failed is not None:  # Ray raises many kinds here (ConnectionError, RuntimeError, ValueError)
        raise RayUnavailable(
            f"cannot join the Ray cluster at {address}: {type(failed).__name__}: {failed}"[:400]
        ) from None


def run_ray(
    specs: Sequence[TaskSpec],
    workers: int,
    address: str | None = None,
    max_retries: int = 3,
    connect_timeout: float = CONNECT_TIMEOUT,
) -> Iterator[TaskResult]:
    """Each spec's result, as each finishes.

    Raises :class:`RayUnavailable` (before yielding anything) when Ray is missing, or the
    cluster cannot be started, or nothing answers at ``address`` within ``connect_timeout`` s.
    """
    if address and not _joined_already():
        # Before Ray's import: on a loaded machine importing Ray alone took a minute of wall time.
        _probe(address, connect_timeout)
    ray = _ray()
    started = False
    if not ray.is_initialized():
        if address:
            _join(ray, address, connect_timeout)
        else:
            _start(ray, workers)
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


__all__ = ["RayUnavailable", "local_cluster_options", "run_ray"]
