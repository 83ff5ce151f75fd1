"""Bulk ingest: records read and understood by N worker processes, stored by one writer in batches.

``kabar ingest`` runs every record through :class:`BatchIngest`:

- **workers**: ``workers`` threads each lease an :class:`~kabar.ingest.Ingestor` from one
  :class:`~kabar.ingest.IngestorPool` (the pool the API's ingests use), so each record is read,
  extracted and understood in that ingestor's own guard worker process, under the per-record
  guard, exactly as one-by-one ingest does (:meth:`~kabar.ingest.Ingestor.ready`). A thread only
  waits on its worker's pipe, so ``workers`` processes run at once;
- **one writer**: this thread takes the results **in input order** and stores them with
  ``archive.add_batch`` — ``batch_size`` articles a transaction, each in a savepoint of its own
  (:mod:`kabar.archive.batch_write`). Input order keeps the archive the same whatever the
  number of workers: the same ids, the same copies, the same stories (clustering is online, so
  its result depends on the order articles arrive). One writer is what SQLite allows; on
  PostgreSQL it is also what keeps that order (several writers would race for it), and the
  writer's own work is the indexers, not waiting on the server;
- **rejects** stay per record: a reject (read, extract, size, understand, or an indexer raising
  on one article inside its savepoint: ``store``) costs that record only. Before a reject is
  handed out, the articles before it are committed, so a caller that stops there (``--strict``)
  leaves nothing after it stored;
- **faults of the archive** (:class:`~kabar.archive.errors.ArchiveError`) end the run: the
  batch being written is rolled back whole, the ones before it stay; a rerun stores the rest
  (known records come back "unchanged").

**Bulk mode** (``BatchOptions.defer_indexes``, ``kabar ingest --bulk``): the writer stores the
articles' rows only (:func:`kabar.archive.batch_write.deferred_indexes`); :meth:`BatchIngest.build_indexes`
then builds every derived index once, in set-based passes and in id order
(:mod:`kabar.archive.bulk_index`), which leaves the archive as ingesting one by one would.
Until it has run, the articles stored are *pending* (not found by search, related news,
duplicates, entities or stories); a run interrupted before it is completed by the next
``--bulk`` run, or by :func:`~kabar.archive.bulk_index.build_pending`.

Memory holds at most ``window`` records in flight (read, being worked on, or waiting to be
stored), whatever the size of the input.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Archive, BatchAdd
from kabar.archive.batch_write import deferred_indexes
from kabar.archive.bulk_index import BuildReport, build_pending, require_search_indexer
from kabar.archive.errors import ArchiveError
from kabar.guard import reject_of
from kabar.ingest import IngestOptions, IngestorPool, IngestOutcome
from kabar.model import Article
from kabar.prepare import PageJob

BATCH_MAX = 10_000
WORKERS_MAX = 64


@dataclass(slots=True, frozen=True)
class BatchOptions:
    batch_size: int = 64  # articles per transaction
    workers: int = 1  # guard worker processes reading and understanding records at once
    defer_indexes: bool = False  # bulk mode: rows now, derived indexes once at the end

    def __post_init__(self) -> None:
        if not 1 <= self.batch_size <= BATCH_MAX:
            raise ValueError(f"the batch size must be 1 to {BATCH_MAX}, not {self.batch_size}")
        if not 1 <= self.workers <= WORKERS_MAX:
            raise ValueError(f"the number of workers must be 1 to {WORKERS_MAX}, not {self.workers}")

    @property
    def window(self) -> int:
        """Records in flight: enough that the workers stay busy while the writer stores a batch."""
        return self.batch_size + 4 * self.workers


@dataclass(slots=True)
class _Ready:
    source: str
    article: Article


Step = _Ready | IngestOutcome


class BatchIngest:
    """Stores a stream of jobs (and already-made rejects) in batches; outcomes in input order."""

    def __init__(self, archive: Archive, options: IngestOptions, batch: BatchOptions | None = None) -> None:
        self.archive = archive
        self.options = options
        self.batch = batch or BatchOptions()
        if self.batch.defer_indexes:  # refused before anything is stored
            require_search_indexer(_sql_archive(archive).indexers)
        self.pool = IngestorPool(archive, options, self.batch.workers)
        self._executor = ThreadPoolExecutor(max_workers=self.batch.workers, thread_name_prefix="kabar-bulk")
        self._gate = threading.Lock()
        # Per ingestor (by id; each is leased by one thread at a time): will its guard fork a
        # worker on its next record? True until its first record, and after a worker was discarded.
        self._fresh: dict[int, bool] = {}

    def __enter__(self) -> BatchIngest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop records not yet started, let running ones finish, end every worker process."""
        self._executor.shutdown(wait=True, cancel_futures=True)
        self.pool.close()

    def run(self, entries: Iterable[PageJob | IngestOutcome]) -> Iterator[IngestOutcome]:
        """One outcome per entry, in order; stops early when the caller stops reading."""
        in_flight: deque[Future[Step]] = deque()
        pending: list[_Ready] = []
        self._gate.acquire()  # this thread runs (reads, writes) holding the gate; see _work
        try:
            for entry in entries:
                in_flight.append(self._submit(entry))
                while len(in_flight) >= self.batch.window:
                    yield from self._take(self._result(in_flight.popleft()), pending)
            while in_flight:
                yield from self._take(self._result(in_flight.popleft()), pending)
            yield from self._flush(pending)
        finally:
            self._gate.release()
            for future in in_flight:  # the caller stopped (--strict) or a fault ended the run
                future.cancel()

    def build_indexes(self, progress: Callable[[int], None] | None = None) -> BuildReport:
        """Bulk mode's end: every pending article's derived indexes, built once (id order)."""
        return build_pending(_sql_archive(self.archive), progress=progress)

    def _writing(self) -> contextlib.AbstractContextManager[None]:
        return deferred_indexes() if self.batch.defer_indexes else contextlib.nullcontext()

    def _result(self, future: Future[Step]) -> Step:
        """Waiting for a record is the only time this thread lets a guard worker be forked."""
        if future.done():
            return future.result()
        self._gate.release()
        try:
            return future.result()
        finally:
            self._gate.acquire()

    def _submit(self, entry: PageJob | IngestOutcome) -> Future[Step]:
        if isinstance(entry, IngestOutcome):
            done: Future[Step] = Future()
            done.set_result(entry)
            return done
        return self._executor.submit(self._work, entry)

    def _work(self, job: PageJob) -> Step:
        """In a pool thread: everything but storing, in the leased ingestor's guard worker.

        The guard forks its worker process on its first record and again after one was
        killed (a budget, a death: ``guard.restarts`` moves). A fork copies every lock in
        the process as it is at that instant, and a lock held by another thread stays held
        in the child for ever: a module lock while the writer imports an indexer's library
        for the first time (datasketch) hangs the new worker in its first import (seen: the
        record rejected after the 60 s wall deadline). So such a run waits for the gate,
        which the writer thread holds except while it waits for a record.
        """
        with self.pool.lease() as ingestor:
            before = ingestor.guard.restarts
            if self._fresh.get(id(ingestor), True):
                with self._gate:
                    ready = ingestor.ready(job)
            else:
                ready = ingestor.ready(job)
            self._fresh[id(ingestor)] = ingestor.guard.restarts != before
        return ready if isinstance(ready, IngestOutcome) else _Ready(job.source, ready)

    def _take(self, step: Step, pending: list[_Ready]) -> Iterator[IngestOutcome]:
        if isinstance(step, _Ready):
            pending.append(step)
            if len(pending) >= self.batch.batch_size:
                yield from self._flush(pending)
            return
        yield from self._flush(pending)  # what came before the reject is stored before it is told
        yield step

    def _flush(self, pending: list[_Ready]) -> Iterator[IngestOutcome]:
        if not pending:
            return
        batch = list(pending)
        pending.clear()
        try:
            with self._writing():
                results = self.archive.add_batch([ready.article for ready in batch])
        except ArchiveError:
            raise
        except Exception:
            # Something outside any one article's savepoint failed (cleaning an odd article
            # before the transaction): store them one by one, so only the culprit is lost.
            results = [self._alone(ready.article) for ready in batch]
        for ready, done in zip(batch, results, strict=True):
            if done.result is not None:
                result = done.result
                yield IngestOutcome(
                    ready.source, result.status, id=result.id, headline=ready.article.headline
                )
            else:
                assert done.error is not None
                reject = reject_of(ready.source, "store", done.error)
                yield IngestOutcome(ready.source, "rejected", reject=reject)

    def _alone(self, article: Article) -> BatchAdd:
        try:
            with self._writing():
                return self.archive.add_batch([article])[0]
        except ArchiveError:
            raise
        except Exception as exc:
            return BatchAdd(error=exc)


def _sql_archive(archive: Archive) -> CoreArchive:
    if not isinstance(archive, CoreArchive):
        raise TypeError(f"bulk mode needs an SQL archive, not {type(archive).__name__}")
    return archive


__all__ = ["BATCH_MAX", "WORKERS_MAX", "BatchIngest", "BatchOptions"]
