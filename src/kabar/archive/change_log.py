"""What each commit changed: one row per article added, updated or copied (migration 0008_change_log).

The portal keeps rendered pages until what they show changes. The archive's change stamp
(:mod:`kabar.archive.change_stamp`) says *that* something was committed; this log says
*what*: the article, the story it is in after the change, the entities and outlet it touched,
and the URLs it is known by (a page that linked out to that URL now links inside). A reader
asks for the rows after the last position it saw (:func:`changes_since`).

Each row also names the articles whose own pages the change touches (``affected``, migration
0009_change_reach), worked out here once per change instead of by every portal worker that
reads it: the members of the article's story, and the articles its related ranking reaches,
which an indexer above the archive (kabar.link.change_reach) notes on the transaction
(:class:`ChangeNotes`) before the row is written. A row without that note (a writer without
the indexer, or one older than the column) leaves ``affected`` NULL: unknown, so everything.

Written inside the article's own transaction (and savepoint, in a batch) by
:meth:`~kabar.archive.articles_core.CoreArchive._add` and ``add_if_known`` — the one call
:func:`record` — so a row exists exactly when its change was committed.

Positions are the ``seq`` column, and a reader that has seen position N must never later
meet a newly committed row below N. SQLite has one writer at a time, so insert order is
commit order. PostgreSQL hands out sequence values to concurrent writers in insert order but
they may commit in another; a transaction-scoped advisory lock taken just before the insert
(held until commit) makes the two orders one. It serialises only the tail of each writing
transaction: a batch (``add_batch``) collects its rows (:func:`deferred`) and writes them all,
lock first, just before its commit — held from its first article, the lock made concurrent
batches wait for one another whole (past the 60 s lock timeout with three ``kabar ingest``).

Writes that bypass :func:`record` (``bulk_load`` into an empty archive) are caught by the
reader: the articles' highest id moving past every logged one means "everything changed".
An article's id is taken at its insert, before the lock, so ids and positions are in
different orders: the reader's statements share one snapshot (REPEATABLE READ on
PostgreSQL), in which every visible article past the last reading has its row visible too.
Old rows are pruned as new ones come (the newest :data:`KEEP` stay); a reader further
behind than that is told the log is incomplete and treats everything as changed.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, Text, delete, func, inspect, select, text
from sqlalchemy.engine import Connection

from kabar.archive.base import AddResult
from kabar.archive.entity_store import SqlEntityStore
from kabar.archive.schema import articles
from kabar.archive.sql_source import BoundSource, ConnectionSource
from kabar.archive.story_store import SqlStoryStore
from kabar.model import Article

metadata = MetaData()
_INT64 = Integer().with_variant(BigInteger(), "postgresql")  # as the migration's int64()
_MAX_INT64 = 2**63 - 1

# Core view of the table; the DDL is the migration's (0008_change_log).
change_log = Table(
    "change_log",
    metadata,
    Column("seq", _INT64, primary_key=True, autoincrement=True),
    Column("article_id", _INT64, nullable=False),
    Column("change", Text, nullable=False),  # added | updated | copy
    Column("story_id", _INT64),  # the article's story after the change (None: in none)
    Column("outlet", Text),
    Column("entity_ids", Text, nullable=False),  # space-separated
    Column("urls", Text, nullable=False),  # canonical URL and URL, newline-separated
    Column("logged_at", Text, nullable=False),  # UTC ISO 8601
    Column("affected", Text),  # space-separated article ids whose pages it touches; NULL: unknown
)

LOGGED = frozenset({"added", "updated", "copy"})  # "unchanged" wrote nothing worth telling
KEEP = 50_000  # rows kept: a reader syncs on every commit it notices, so it is never far behind
_PRUNE_EVERY = 512
_ORDER_LOCK = 0x6B61626172 + 8  # "kabar"+8: the advisory lock that orders PostgreSQL's log inserts
_PENDING = "kabar_change_log_pending"  # Connection.info key: a batch's rows, written at its end
_MAX_URL = 2048  # longer URLs are kept cut (a link to one would be cut too: see serve/invalidation)
_REACH = "kabar_change_log_reach"  # Connection.info key: the related reach noted per article
# A story larger than this makes its changes' pages "unknown" (NULL: every page) rather than a
# row with thousands of ids that every worker parses.
MAX_AFFECTED = 5_000


@dataclass(slots=True, frozen=True)
class ArticleChange:
    seq: int
    article_id: int
    change: str
    story_id: int | None
    outlet: str | None
    entity_ids: tuple[int, ...]
    urls: tuple[str, ...]
    # The articles whose own pages this change touches, the article itself aside (story members,
    # related reach); None: unknown (an older row or writer), every page may be touched.
    affected: frozenset[int] | None = None


@dataclass(slots=True, frozen=True)
class ChangeBatch:
    """The changes committed after position ``since``, up to ``position``."""

    since: int
    position: int  # ask from here next time
    articles_max: int  # the highest article id at the time of reading
    changes: tuple[ArticleChange, ...]
    complete: bool  # False: the log cannot say everything (pruned past ``since``, or a write it missed)


@dataclass(slots=True, frozen=True)
class LogPosition:
    seq: int  # the newest logged change (0: none)
    articles_max: int  # the highest article id (0: none)


class ChangeNotes:
    """What an indexer tells the change log about the article it just indexed, on the ingest
    transaction (``IndexStores.change_notes``): kept on the connection until the article's row
    is written. On any other source (a store reading through the engine) notes go nowhere."""

    def __init__(self, source: ConnectionSource) -> None:
        self._source = source

    def note_reach(self, article_id: int, article: Article, reached: Iterable[int]) -> None:
        """The articles whose related news ``article`` (stored as ``article_id``) may now enter."""
        if not isinstance(self._source, BoundSource):
            return
        notes = self._source.conn.info.setdefault(_REACH, {})
        # Keyed by id and held with the very article object the row is later written for: a
        # note left behind by a rolled-back article never stands for another one.
        notes[article_id] = (article, frozenset(reached))


def _reach(conn: Connection, result: AddResult, article: Article) -> frozenset[int] | None:
    """The reach noted for this article on this transaction; a copy needs none (no ranking
    moves: its text is the stored article's), an addition or update without one is unknown."""
    if result.status == "copy":
        return frozenset()
    note = conn.info.get(_REACH, {}).get(result.id)
    if note is None or note[0] is not article:
        return None
    reached: frozenset[int] = note[1]
    return reached


def record(conn: Connection, result: AddResult, article: Article) -> None:
    """Log ``result`` (the outcome of storing ``article``) on the article's own transaction,
    after its indexers ran (the story and entities are read as they now stand). Inside
    :func:`deferred` the row is kept for the batch's end instead."""
    if result.status not in LOGGED:
        return
    pending = conn.info.get(_PENDING)
    if pending is not None:
        pending.append((result, article))
        return
    _write(conn, [(result, article)])


@contextmanager
def deferred(conn: Connection) -> Iterator[list[tuple[AddResult, Article]]]:
    """Keep the rows :func:`record` is asked for on ``conn``; the caller writes them with
    :func:`flush` right before its commit (and drops those of a rolled-back savepoint from
    the list it is given). Left without a flush, nothing is logged."""
    pending: list[tuple[AddResult, Article]] = []
    conn.info[_PENDING] = pending
    try:
        yield pending
    finally:
        conn.info.pop(_PENDING, None)  # info outlives the checkout: never leave it behind


def flush(conn: Connection, pending: list[tuple[AddResult, Article]]) -> None:
    """Write the rows a :func:`deferred` block kept, ordering lock included."""
    _write(conn, pending)
    pending.clear()


def _write(conn: Connection, entries: list[tuple[AddResult, Article]]) -> None:
    if not entries:
        return
    source = BoundSource(conn)
    stories, entities = SqlStoryStore(source), SqlEntityStore(source)
    rows = []
    members: dict[int, list[int]] = {}  # per story: a batch's articles often share one
    # One read each for the batch's stories and entities, not two statements an article (every
    # article is written by now: what the per-article reads saw, these see).
    ids = [result.id for result, _article in entries]
    story_of = stories.article_stories(ids)
    entity_ids = entities.article_entity_ids_many(ids)
    for result, article in entries:  # read before the lock: it orders only the inserts
        urls = [u[:_MAX_URL] for u in dict.fromkeys((article.canonical_url, article.url)) if u]
        if result.status == "copy":
            urls = []  # a copy's URL is not the article's
        story_id = story_of.get(result.id)
        affected = _reach(conn, result, article)
        if affected is not None and story_id is not None:
            if story_id not in members:
                members[story_id] = stories.story_article_ids(story_id)
            affected = affected | frozenset(members[story_id])  # their story box reads its label and size
        rows.append(
            {
                "article_id": result.id,
                "change": result.status,
                "story_id": story_id,
                "outlet": article.outlet,
                "entity_ids": " ".join(map(str, entity_ids.get(result.id, ()))),
                "urls": "\n".join(urls),
                "logged_at": datetime.now(UTC).isoformat(),
                "affected": _ids_text(affected, result.id),
            }
        )
    conn.info.pop(_REACH, None)  # every note of this transaction is used; info outlives the checkout
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ORDER_LOCK})
    # All rows in one statement (SQLAlchemy's insertmanyvalues), every new seq returned. Pruning
    # after the last due seq alone leaves what pruning after each due seq left: each prune
    # only widens the one before it, and rows newer than a prune's bound are never in it.
    seqs = [int(r[0]) for r in conn.execute(_insert_returning_seq(), rows)]
    due = [seq for seq in seqs if seq % _PRUNE_EVERY == 0 and seq > KEEP]
    if due:
        conn.execute(delete(change_log).where(change_log.c.seq <= max(due) - KEEP))


@functools.cache
def _insert_returning_seq() -> Any:
    return change_log.insert().returning(change_log.c.seq)


def _ids_text(affected: frozenset[int] | None, own: int) -> str | None:
    if affected is None or len(affected) > MAX_AFFECTED:
        return None
    return " ".join(map(str, sorted(affected - {own})))


def position(conn: Connection) -> LogPosition:
    """Two index look-ups: where the log and the articles stand."""
    row = conn.execute(
        select(
            select(func.max(change_log.c.seq)).scalar_subquery(),
            select(func.max(articles.c.id)).scalar_subquery(),
        )
    ).one()
    return LogPosition(int(row[0] or 0), int(row[1] or 0))


def has_reach(conn: Connection) -> bool:
    """Whether the log has the ``affected`` column (migration 0009_change_reach): an archive opened
    read-only at an older revision has not, and its rows are read without it (every page touched)."""
    return any(c["name"] == "affected" for c in inspect(conn).get_columns(change_log.name))


def changes_since(
    conn: Connection, since: int, articles_max: int, limit: int = 5_000, *, reach: bool = True
) -> ChangeBatch:
    """The changes after ``since``; ``articles_max`` is the highest article id the reader knew of.
    ``reach``: the log has the ``affected`` column (:func:`has_reach`).

    More than ``limit`` changes at once is reported as incomplete (everything changed): a
    reader that far behind is better served by starting afresh than by a long list.
    """
    if conn.dialect.name == "postgresql" and not conn.in_transaction():
        # One snapshot for every statement below: under READ COMMITTED a write committed
        # between position() and _new_ids() showed as an article without its log row.
        conn.execution_options(isolation_level="REPEATABLE READ")
    since = min(max(since, -1), _MAX_INT64)  # any integer asked for is answered, never a driver error
    articles_max = min(max(articles_max, 0), _MAX_INT64)
    # The position first, then the rows up to it: a change committed in between is left for the
    # next reading (positions are in commit order, so nothing below it can appear later).
    now = position(conn)
    oldest = conn.execute(select(func.min(change_log.c.seq))).scalar()
    columns = list(change_log.c) if reach else [c for c in change_log.c if c.name != "affected"]
    rows = conn.execute(
        select(*columns)
        .where(change_log.c.seq > since, change_log.c.seq <= now.seq)
        .order_by(change_log.c.seq)
        .limit(limit + 1)
    ).all()
    changes = tuple(_change(r) for r in rows[:limit])
    pruned_past = oldest is not None and since + 1 < int(oldest) and since < now.seq
    added = {c.article_id for c in changes if c.change == "added"}
    # Articles stored without a log row (a bulk load) show as ids past every logged one.
    missed = now.articles_max > articles_max and any(
        i not in added for i in _new_ids(conn, articles_max, now.articles_max)
    )
    complete = not (pruned_past or missed or len(rows) > limit)
    return ChangeBatch(
        since=since, position=now.seq, articles_max=now.articles_max, changes=changes, complete=complete
    )


def _new_ids(conn: Connection, after: int, upto: int, limit: int = 10_000) -> list[int]:
    stmt = (
        select(articles.c.id)
        .where(articles.c.id > after, articles.c.id <= upto)
        .order_by(articles.c.id)
        .limit(limit)
    )
    found = [int(r[0]) for r in conn.execute(stmt)]
    return found if len(found) < limit else [*found, upto + 1]  # too many to list: surely missed


def _change(row: object) -> ArticleChange:
    r = row._mapping  # type: ignore[attr-defined]
    return ArticleChange(
        seq=int(r["seq"]),
        article_id=int(r["article_id"]),
        change=str(r["change"]),
        story_id=int(r["story_id"]) if r["story_id"] is not None else None,
        outlet=r["outlet"],
        entity_ids=tuple(int(x) for x in str(r["entity_ids"]).split()),
        urls=tuple(u for u in str(r["urls"]).split("\n") if u),
        affected=_affected(r.get("affected")),
    )


def _affected(value: object) -> frozenset[int] | None:
    if value is None:
        return None
    try:
        return frozenset(int(x) for x in str(value).split())
    except ValueError:  # not a list this module wrote: unknown, as NULL
        return None


__all__ = [
    "KEEP",
    "MAX_AFFECTED",
    "ArticleChange",
    "ChangeBatch",
    "ChangeNotes",
    "LogPosition",
    "change_log",
    "changes_since",
    "deferred",
    "flush",
    "has_reach",
    "position",
    "record",
]
