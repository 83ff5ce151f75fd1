"""POST /api/ingest's workers: a few pages worked on at once, none waiting behind another's budget.

One guard worker takes one record at a time, so with a single one a page that uses its whole
CPU budget holds every other client's ingest for as long. The pool keeps up to ``size``
ingestors, each with its own guard worker process, so ``size`` pages are read and understood
in parallel (about the number of cores: more would only share the same CPUs); further
requests wait their turn.

Waiting holds no thread: the blocking part runs on the pool's own threads (a
``ThreadPoolExecutor`` of ``size`` threads, whose queue holds the waiting requests), never on
the thread pool FastAPI runs the synchronous read routes in, so however many ingests queue, a
GET never waits on them. The executor does not belong to any event loop, so one pool serves
an app whichever loop runs it.

The server runs threads, so its guard workers are never forked from it: they come from a
forkserver (:class:`kabar.guard_start.StartedGuard`), started on the first ingest and kept.
"""

from __future__ import annotations

import asyncio
import os
from concurrent.futures import ThreadPoolExecutor

from kabar.archive.base import Archive
from kabar.guard_start import StartedGuard
from kabar.ingest import IngestOptions, IngestorPool, IngestOutcome
from kabar.serve.ingest import IngestRequest, ingest
from kabar.serve.state import ServeState

MAX_DEFAULT_WORKERS = 4  # the default stops here: each worker holds its own models in memory


def default_workers() -> int:
    """One per core this process may use, at most :data:`MAX_DEFAULT_WORKERS`."""
    return max(1, min(MAX_DEFAULT_WORKERS, len(os.sched_getaffinity(0))))


class IngestPool:
    """Up to ``size`` ingests at once, each ingestor (and its guard worker) used by one at a time
    (the ingestors: :class:`kabar.ingest.IngestorPool`, which batch ingest's workers use too)."""

    def __init__(self, archive: Archive, options: IngestOptions, size: int) -> None:
        self._ingestors = IngestorPool(archive, options, size, guard_type=StartedGuard)
        self.size = size
        self._executor = ThreadPoolExecutor(max_workers=size, thread_name_prefix="kabar-ingest")

    async def run(self, request: IngestRequest) -> IngestOutcome:
        """Ingest one page or document; raises what :func:`~kabar.serve.ingest.ingest` raises."""
        loop = asyncio.get_running_loop()
        # Cancelled while queued (the client left, the request's deadline passed), the job is
        # dropped unstarted; once started it finishes, whole or not at all, like any ingest.
        return await loop.run_in_executor(self._executor, self._ingest, request)

    def _ingest(self, request: IngestRequest) -> IngestOutcome:
        # At most ``size`` threads run jobs, so at most ``size`` ingestors are ever made.
        with self._ingestors.lease() as ingestor:
            return ingest(ingestor, request)

    @property
    def started(self) -> int:
        """Ingestors made so far (each starts its worker process on its first page)."""
        return self._ingestors.started

    def close(self) -> None:
        """Drop queued jobs, let running ones finish, end every worker process."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self._ingestors.close()


def ingest_pool_of(state: ServeState) -> IngestPool:
    """The app's one pool, made on the first ingest (on the event loop, so only once)."""
    if state.ingest_pool is None:
        options = IngestOptions(max_article_chars=state.options.max_article_chars, guard=state.options.guard)
        size = state.options.ingest_workers or default_workers()
        state.ingest_pool = IngestPool(state.archive, options, size)
    return state.ingest_pool


__all__ = ["MAX_DEFAULT_WORKERS", "IngestPool", "default_workers", "ingest_pool_of"]
