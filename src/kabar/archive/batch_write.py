"""Many articles in one transaction, each inside a SAVEPOINT of its own (``archive.add_batch``).

One transaction per article pays a ``BEGIN IMMEDIATE``/``COMMIT`` pair (on SQLite the WAL
frames of every commit, on PostgreSQL a round trip and a WAL flush) and a pooled connection
check-out for every article; a bulk ingest pays them once per batch instead. The article rules
are the very ones :meth:`~kabar.archive.articles_core.CoreArchive.add` runs (same row, same
copy and update rules, every indexer inside), so a batch stores what the same articles added
one by one, in the same order, would store.

What stays all or nothing:

- **an article**: its row, its copy record and every index entry are written inside its own
  savepoint. An indexer raising on it rolls that savepoint back: the article is absent (not
  half-indexed), its :class:`~kabar.archive.base.BatchAdd` carries the error, and the
  articles before and after it in the batch are stored;
- **the batch**: nothing of it is visible before its one commit. A fault of the archive itself
  (:class:`~kabar.archive.errors.ArchiveError`: disk full, locked, read-only, gone) ends the
  whole batch — rolled back, nothing of it stored — and propagates; a rerun stores it again.
  On PostgreSQL a deadlock or serialization failure between writers aborts the transaction:
  the whole batch is run again (as ``PostgresArchive.add`` runs one article again). Writers
  take their locks in one order (:mod:`kabar.archive.write_turn`), so among kabar's writers
  this does not arise; the rerun is the safety net for any other writer, and
  :attr:`BatchArchive.write_retries` counts the reruns so that one would show.

The batch's change-log rows (:mod:`kabar.archive.change_log`) are written together right
before the commit: the log's ordering lock is then held for the commit's tail only, not from
the first article on (which made concurrent batches wait for one another whole).

**Bulk mode** (:func:`deferred_indexes`): inside the block a *new* article is stored without
its derived indexes (search, related statistics, near-duplicates, entities, stories); they are
built later, once, by :func:`kabar.archive.bulk_index.build_pending`, in id order — the order
ingest would have indexed them in. An article that changes a stored one (same URL, new text)
is still re-indexed at once, as ``add`` does: its old index entries must not outlive its text.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar

from sqlalchemy.engine import Connection, Engine

from kabar.archive.articles_core import CoreArchive, Incoming
from kabar.archive.base import AddResult, BatchAdd, Indexer
from kabar.archive.errors import ArchiveBusy, ArchiveError

# Deadlock, serialization failure (PostgreSQL SQLSTATEs): the transaction was aborted whole,
# so running it again is safe. SQLite's busy has no SQLSTATE and is never retried here (its own
# busy timeout has waited already).
RETRIED_STATES = frozenset({"40P01", "40001"})
# A batch holds its row locks (story_df, related_df, entity upserts, the URL index) for many
# articles, so two or three batches over overlapping inputs can deadlock again and again: with
# 3 retries 50/100/150 ms apart, a writer re-ran straight into the batch that had beaten it and
# lost four times in a row (exit 4 in three concurrent `kabar ingest` runs). More retries, and a
# growing, jittered pause that lets the winner commit first and keeps writers out of lockstep.
BATCH_RETRIES = 8
_BACKOFF_FIRST = 0.1  # seconds before the first rerun; doubled after each, up to _BACKOFF_MAX
_BACKOFF_MAX = 2.0
# Bulk mode for the writes of this thread (a context variable: the API's ingest threads share
# one archive, and only the bulk writer's own thread defers).
_DEFERRED: ContextVar[bool] = ContextVar("kabar_deferred_indexes", default=False)


@contextmanager
def deferred_indexes() -> Iterator[None]:
    """New articles stored in this block (``add``, ``add_batch``, this thread) get no derived
    indexes yet: :func:`kabar.archive.bulk_index.build_pending` builds them, once, afterwards.

    Until then those articles are *pending*: stored, but not found by search, related news,
    near-duplicates, entities or stories; ``bulk_index.pending_count`` says how many.
    """
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def deferring_indexes() -> bool:
    """Whether this thread is inside :func:`deferred_indexes`."""
    return _DEFERRED.get()


def retriable(exc: ArchiveError) -> bool:
    """An archive error that only says another writer got in the way this time."""
    return isinstance(exc, ArchiveBusy) and getattr(exc.__cause__, "sqlstate", None) in RETRIED_STATES


class BatchArchive(CoreArchive):
    """:class:`~kabar.archive.articles_core.CoreArchive` whose batches (:meth:`add_batch`) run again
    when another writer got in the way (both SQL backends)."""

    def __init__(self, engine: Engine, url: str, indexers: Sequence[Indexer] | None) -> None:
        super().__init__(engine, url, indexers)
        self._retries = 0
        self._retries_lock = threading.Lock()  # the API's ingest threads share one archive

    @property
    def write_retries(self) -> int:
        """Write transactions run again since this archive was opened because another writer
        got in the way (a deadlock or serialization failure); 0 when writers keep one lock order."""
        return self._retries

    def _count_retry(self) -> None:
        with self._retries_lock:
            self._retries += 1

    def _insert_new(self, conn: Connection, item: Incoming, article_id: int | None) -> AddResult:
        if not _DEFERRED.get():
            return super()._insert_new(conn, item, article_id)
        # Bulk mode: CoreArchive._insert_new without its indexer loop, the row only;
        # kabar.archive.bulk_index builds the indexes later, in id order.
        row = item.row()
        if article_id is not None:
            row["id"] = article_id
        new_id = int(conn.execute(self._insert, row).scalar_one())
        item.article.id = new_id
        return AddResult(id=new_id, status="added")

    def _article_scope(self, conn: Connection) -> AbstractContextManager[object]:
        # Bulk mode on SQLite: an unmatched article is one INSERT and nothing else (no indexer,
        # its change-log row kept in memory for the batch's end). SQLite undoes a failing
        # statement by itself and the transaction goes on, so the savepoint and its release —
        # two of the article's three statements — guard nothing there. PostgreSQL aborts the
        # whole transaction on a failing statement: the savepoint stays.
        if _DEFERRED.get() and conn.dialect.name == "sqlite":
            return nullcontext()
        return super()._article_scope(conn)

    def _write_batch_retrying(self, articles: Sequence[Incoming]) -> list[BatchAdd]:
        """The batch's transaction (:meth:`CoreArchive.add_batch`), run again after a growing,
        jittered pause while another writer's deadlock or serialization failure aborts it."""
        for attempt in range(BATCH_RETRIES):
            try:
                return self._write_batch(articles)
            except ArchiveError as exc:
                if not retriable(exc):
                    raise
                self._count_retry()
                pause = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2**attempt)
                time.sleep(pause * random.uniform(0.5, 1.5))  # jitter only
        return self._write_batch(articles)  # the last run: whatever it raises is raised


__all__ = [
    "BATCH_RETRIES",
    "RETRIED_STATES",
    "BatchArchive",
    "deferred_indexes",
    "deferring_indexes",
    "retriable",
]
