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
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Sequence

from sqlalchemy.engine import Engine

from kabar.archive import change_log
from kabar.archive.articles_core import CoreArchive, clean_article
from kabar.archive.base import BatchAdd, Indexer
from kabar.archive.errors import ArchiveBusy, ArchiveError
from kabar.model import Article

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


def retriable(exc: ArchiveError) -> bool:
    """An archive error that only says another writer got in the way this time."""
    return isinstance(exc, ArchiveBusy) and getattr(exc.__cause__, "sqlstate", None) in RETRIED_STATES


class BatchArchive(CoreArchive):
    """:class:`~kabar.archive.articles_core.CoreArchive` with :meth:`add_batch` (both SQL backends)."""

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

    def add_batch(self, articles: Sequence[Article]) -> list[BatchAdd]:
        """Store ``articles`` in order in one transaction, each all or nothing; one
        :class:`~kabar.archive.base.BatchAdd` per article, in the same order."""
        if not articles:
            return []
        cleaned = [clean_article(article) for article in articles]
        for attempt in range(BATCH_RETRIES + 1):
            try:
                results = self._write_batch(cleaned)
                break
            except ArchiveError as exc:
                if not retriable(exc) or attempt == BATCH_RETRIES:
                    raise
                self._count_retry()
                pause = min(_BACKOFF_MAX, _BACKOFF_FIRST * 2**attempt)
                time.sleep(pause * random.uniform(0.5, 1.5))  # jitter only
        for given, done in zip(articles, results, strict=True):
            if done.result is not None and done.result.status != "unchanged":
                given.id = done.result.id  # as add() does: a copy carries the stored article's id
        return results

    def _write_batch(self, articles: Sequence[Article]) -> list[BatchAdd]:
        results: list[BatchAdd] = []
        with self.engine.begin() as conn, change_log.deferred(conn) as logged:
            self._begin_write(conn)
            for article in articles:
                kept = len(logged)
                try:
                    # The savepoint is the article's own transaction: an exception inside rolls
                    # back exactly what this article wrote (row, copy, index entries).
                    with conn.begin_nested():
                        result = self._add(conn, article, article.content_hash)
                except ArchiveError:
                    raise  # the archive's fault, not the article's: the batch ends, uncommitted
                except Exception as exc:
                    del logged[kept:]  # its savepoint is undone: so is its log row
                    results.append(BatchAdd(error=exc))
                    continue
                results.append(BatchAdd(result=result))
            change_log.flush(conn, logged)  # last before the commit: the lock is held only for its tail
        return results


__all__ = ["BATCH_RETRIES", "RETRIED_STATES", "BatchArchive", "retriable"]
