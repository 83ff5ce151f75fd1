"""The head of PostgreSQL's lock order: every transaction that stores articles takes one lock first.

Two writers deadlock when each holds a row the other wants next. Sorting the keys of each
multi-row upsert (``story_df``, ``related_df``, ``story_keys``) orders the locks *within* one
statement, but not across a transaction: an article's indexers lock related-news counters,
dedup bands, entity rows, entity names, story rows and story counters, in that order, and the
next article of the same batch starts over at related news. Writer A's article 1 and writer
B's article 1 then hold rows that each other's article 2 wants. Many of those keys (entity
ids, story ids, the related-news slot, which depends on the new article's id) are only known
half-way through the article, so they cannot be locked up front in sorted order.

What every article locks, whatever its text, is the story counter row of the document count
(``story_df``, :data:`kabar.understand.story_cluster.DOCS_KEY`): a second batch already waited
for the first one's commit there, so batches never really wrote at the same time. This
lock makes that wait the *first* lock of the transaction instead of a lock in the middle,
which turns it from a deadlock risk into a queue: nothing is held while a writer waits for
its turn, so no cycle can form among kabar's writers. The work that runs at once —
reading, extracting and understanding, in the ingest workers — happens before the
transaction. The change log's own ordering lock (:mod:`kabar.archive.change_log`) is taken
at the commit's tail, after this one: the order stays one.

SQLite needs none of this: ``BEGIN IMMEDIATE`` is its writer lock.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# "kabar" and a number, like the other advisory locks (migrations: +0, the change log: +8).
WRITE_TURN_LOCK = 0x6B61626172 + 1


def take_write_turn(conn: Connection) -> None:
    """Wait for this transaction's turn to write; held until it commits or rolls back.

    The wait counts against the connection's ``lock_timeout`` like any row lock
    (``KABAR_BUSY_TIMEOUT``), so a writer stuck behind a very long transaction still fails
    with a clear "busy" error rather than waiting forever.
    """
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_TURN_LOCK})


__all__ = ["WRITE_TURN_LOCK", "take_write_turn"]
