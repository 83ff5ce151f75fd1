"""A bulk build's story state across its chunks: the document frequencies and the stories it wrote.

A bulk build (:mod:`kabar.archive.bulk_index`) clusters article after article; each one asked the
tables for its terms' document frequencies, its candidate stories and their centroids — reads
of what the build itself had just written. The build is the archive's one writer of stories
while it runs (bulk mode stores articles first and builds their indexes at the end, in one
process), so :class:`StoryBuildState` keeps what it wrote in memory, across chunks, and answers
from there:

- **document frequencies**: every ``story_df`` row the build has read or written, with its
  current count. A table this small at the start (:data:`DF_PRELOAD` rows; an empty one on a
  first load) is read whole, and then no term is ever looked up; a larger one is read a term
  the first time it is needed.
- **stories**: each story the build created or changed, as its ``stories`` and ``story_keys``
  rows now hold it (the parsed centroid, the keys, the UTC texts), with an inverted index from
  key to story. Candidate stories come from that index alone when no ``story_keys`` row of a
  story *not* held can pass the query's recency bound: every such row's ``last_published`` is
  known to be older than the bound (the rows there at the start, and the stories let go since
  to keep memory bounded, :data:`MAX_STORIES`). Otherwise the stored query runs as before,
  widened by the held stories, which it drops (their rows may be stale).

The answers are the tables' at the same point, so story assignments are those of ingest.
Two guards keep it so: a chunk whose clustering raised is followed by a fresh read
(:meth:`StoryBuildState.invalidate`: what it held may include rolled-back writes), and each
chunk first compares the story tables' fingerprint (highest ids, counts, latest update, the
document count) with the one it left at its last chunk — another writer in between, and the
state is read again from the tables.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, repeat
from operator import add
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from kabar.archive.centroid_cache import shared_copy
from kabar.archive.nul_text import from_column
from kabar.archive.statements import parse_time
from kabar.archive.story_store import stories, story_articles, story_df, story_keys
from kabar.understand.store import utc_text
from kabar.understand.story_cluster import DOCS_KEY, Centroid

# Stories held between chunks: a held story costs its parsed centroid (some tens of kB), and a
# long load's older stories go cold (ClusterOptions.max_gap_days) — those go first.
MAX_STORIES = 4096
# A story_df of at most this many rows is read whole at the start (a few MB); a bigger one is
# read a term at a time, on first need.
DF_PRELOAD = 200_000

Reader = Callable[[list[str]], dict[str, int]]


@dataclass(slots=True, frozen=True)
class HeldStory:
    """A story as its ``stories`` and ``story_keys`` rows hold it after the build's last write."""

    centroid: Centroid  # what its stored JSON parses to (maps shared: never changed in place)
    label: str
    count: int
    first: str | None  # UTC text, as stored
    last: str | None
    first_time: datetime | None  # the texts as a read parses them
    last_time: datetime | None
    keys: frozenset[str]


class StoryBuildState:
    """The story tables as the build left them, in memory; valid between :meth:`begin` and a change
    by anyone else."""

    def __init__(self, max_stories: int | None = None, df_preload: int | None = None) -> None:
        self._max_stories = MAX_STORIES if max_stories is None else max_stories
        self._df_preload = DF_PRELOAD if df_preload is None else df_preload
        self._valid = False
        self._fingerprint: tuple[Any, ...] | None = None
        self._df: dict[str, int] = {}
        self._df_absent: set[str] = set()  # looked up: no row
        self._df_complete = False  # every row of story_df is in _df
        self._stories: dict[int, HeldStory] = {}
        self._by_key: dict[str, set[int]] = {}
        # the story_keys rows of stories not held: any at all, any without a time, the latest time
        self._outside_any = True
        self._outside_untimed = True
        self._outside_last: str | None = None

    # -- validity ----------------------------------------------------------------
    def begin(self, conn: Connection) -> None:
        """At a chunk's start, inside its transaction: read the tables again unless they are as
        this state left them."""
        if self._valid and _fingerprint(conn) == self._fingerprint:
            return
        self._reset(conn)

    def settled(self, conn: Connection) -> None:
        """After the chunk's writes, inside its transaction: let the coldest stories go, and note
        the tables' fingerprint for the next chunk."""
        self._let_go()
        self._fingerprint = _fingerprint(conn)

    def invalidate(self) -> None:
        """The clustering raised: what is held may not be what the tables hold after the rollback."""
        self._valid = False

    def _reset(self, conn: Connection) -> None:
        self._df.clear()
        self._df_absent.clear()
        self._stories.clear()
        self._by_key.clear()
        total, timed, latest = conn.execute(
            select(
                func.count(), func.count(story_keys.c.last_published), func.max(story_keys.c.last_published)
            )
        ).one()
        self._outside_any = int(total) > 0
        self._outside_untimed = int(timed) < int(total)
        self._outside_last = latest
        rows = int(conn.execute(select(func.count()).select_from(story_df)).scalar_one())
        self._df_complete = rows <= self._df_preload
        if self._df_complete and rows:
            self._df.update(_all_frequencies(conn))
        self._valid = True

    # -- document frequencies ------------------------------------------------------
    def frequencies(self, wanted: Iterable[str], read: Reader) -> dict[str, int]:
        """The current count of each term that has a row (``read``: the table's, for terms not seen),
        and of every other term known: the held counts themselves, not a copy (the clustering
        reads them at once; copying the few hundred it asked for cost more than the reading)."""
        self._know(wanted, read)
        return self._df

    def count_in(self, terms: set[str], read: Reader) -> None:
        self._know(terms, read)
        df = self._df
        # each term's count plus one, the loop in C (the set iterated twice in its one order)
        df.update(zip(terms, map(add, map(df.get, terms, repeat(0)), repeat(1)), strict=True))
        if self._df_absent:
            self._df_absent.difference_update(terms)

    def _know(self, wanted: Iterable[str], read: Reader) -> None:
        if self._df_complete:
            return
        df, absent = self._df, self._df_absent
        missing = [t for t in wanted if t not in df and t not in absent]
        if not missing:
            return
        stored = read(missing)
        for t in missing:
            if t in stored:
                df[t] = stored[t]
            else:
                absent.add(t)

    # -- stories -----------------------------------------------------------------
    def story(self, story_id: int) -> HeldStory | None:
        return self._stories.get(story_id)

    def held(self) -> int:
        return len(self._stories)

    def held_ids(self) -> set[int]:
        return set(self._stories)

    def hold(self, story_id: int, story: HeldStory) -> None:
        old = self._stories.get(story_id)
        if old is not None:
            for k in old.keys - story.keys:
                self._unindex(k, story_id)
        for k in story.keys:
            self._by_key.setdefault(k, set()).add(story_id)
        self._stories[story_id] = story

    def _unindex(self, key: str, story_id: int) -> None:
        ids = self._by_key.get(key)
        if ids is not None:
            ids.discard(story_id)
            if not ids:
                del self._by_key[key]

    def held_hits(self, keys: list[str], since: str | None) -> dict[int, int]:
        """Keys shared per held story whose last article is not older than ``since`` (the stored
        query's bound: no time, or at least ``since``)."""
        by_key = self._by_key
        hits: Counter[int] = Counter(chain.from_iterable(by_key.get(k, ()) for k in set(keys)))
        if since is None:
            return dict(hits)
        stories = self._stories
        return {sid: n for sid, n in hits.items() if (last := stories[sid].last) is None or last >= since}

    def table_needed(self, since: str | None) -> bool:
        """Whether a story not held may pass the recency bound ``since`` (then the table is asked)."""
        if not self._outside_any:
            return False
        if since is None or self._outside_untimed or self._outside_last is None:
            return True
        return since <= self._outside_last

    def _let_go(self) -> None:
        """Keep at most ``max_stories``: the ones whose last article is oldest go (untimed ones last)."""
        over = len(self._stories) - self._max_stories
        if over <= 0:
            return
        order = sorted(self._stories.items(), key=lambda kv: (kv[1].last is None, kv[1].last or "", kv[0]))
        for sid, story in order[:over]:
            for k in story.keys:
                self._unindex(k, sid)
            del self._stories[sid]
            self._outside_any = True
            if story.last is None:
                self._outside_untimed = True
            elif self._outside_last is None or story.last > self._outside_last:
                self._outside_last = story.last


def held_story(centroid: Centroid, keys: list[str]) -> HeldStory:
    """``centroid`` as the build saves it (a copy of its own: the caller may reassign its fields)."""
    first, last = utc_text(centroid.first), utc_text(centroid.last)
    return HeldStory(
        centroid=shared_copy(centroid, 0, None, None),
        label=centroid.label,
        count=centroid.count,
        first=first,
        last=last,
        first_time=parse_time(first),
        last_time=parse_time(last),
        keys=frozenset(keys),
    )


def _fingerprint(conn: Connection) -> tuple[Any, ...]:
    """What moves when anyone changes the story tables: ids, counts, the latest save, documents."""
    s, a = stories.c, story_articles.c
    row = conn.execute(
        select(
            select(func.max(s.id)).scalar_subquery(),
            select(func.count()).select_from(stories).scalar_subquery(),
            select(func.max(s.updated_at)).scalar_subquery(),
            select(func.count()).select_from(story_articles).scalar_subquery(),
            select(func.max(a.article_id)).scalar_subquery(),
            select(story_df.c.df).where(story_df.c.term == DOCS_KEY).scalar_subquery(),
        )
    ).one()
    return tuple(row)


def _all_frequencies(conn: Connection) -> dict[str, int]:
    # the driver's cursor: SQLAlchemy's result rows cost more than the read itself
    cursor = conn.connection.cursor()
    try:
        cursor.execute("SELECT term, df FROM story_df")
        rows = cursor.fetchall()
    finally:
        cursor.close()
    if conn.dialect.name == "postgresql":
        return {from_column(str(r[0]), conn.dialect): int(r[1]) for r in rows}
    return {str(r[0]): int(r[1]) for r in rows}


__all__ = ["DF_PRELOAD", "MAX_STORIES", "HeldStory", "StoryBuildState", "held_story"]
