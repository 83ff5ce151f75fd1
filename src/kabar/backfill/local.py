"""The local engine: one task per WARC in a pool of processes on this machine (nothing to install).

Processes, not threads: extraction is CPU-bound Python. ``fork`` starts them: the guard
forks its own worker from each of them anyway, and a forked process shares the parent's
imported modules instead of importing kabar again. A worker process that dies (killed,
out of memory) breaks the pool; the tasks it left unfinished are run again in a new pool,
up to ``max_retries`` times each, as Ray retries a dead worker's task.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool

from kabar.backfill.record import warm_task_process
from kabar.backfill.task import TaskResult, TaskSpec, run_task


def run_local(
    specs: Sequence[TaskSpec],
    workers: int,
    max_retries: int = 2,
    task: Callable[[TaskSpec], TaskResult] = run_task,
) -> Iterator[TaskResult]:
    """Each spec's result, as each finishes (``task``: a module-level function; tests pass their own).

    A dead worker breaks the whole pool, so the other tasks running then are run again too
    (each such run counts as one of their attempts).
    """
    if task is run_task and specs:
        # Loaded once here, before the pool forks: every worker (and a pool started again after a
        # death) inherits it, where each worker loaded it for its own first WARC (a CPU-second or
        # more each, N times over with N workers).
        warm_task_process(any(s.understand for s in specs))
    attempts = dict.fromkeys(range(len(specs)), 0)
    pending = list(range(len(specs)))
    while pending:
        for i in pending:
            attempts[i] += 1
        left: list[int] = []
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=max(1, min(workers, len(pending))), mp_context=context) as pool:
            futures: dict[Future[TaskResult], int] = {pool.submit(task, specs[i]): i for i in pending}
            for future in as_completed(futures):
                i = futures[future]
                try:
                    result = future.result()
                except BrokenProcessPool:
                    if attempts[i] <= max_retries:
                        left.append(i)
                        continue
                    result = TaskResult(
                        warc=str(specs[i].warc),
                        status="failed",
                        error=f"the worker died {attempts[i]} times on this WARC",
                    )
                result.attempts = attempts[i]
                yield result
        pending = sorted(left)


__all__ = ["run_local"]
