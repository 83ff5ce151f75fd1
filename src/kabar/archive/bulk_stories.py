"""The stories store of a bulk build: the clustering's writes kept in memory, written once a chunk.

Story clustering is online: each article is scored against the stories the articles before
it made, so a bulk build (:mod:`kabar.archive.bulk_index`) still runs it article by article,
in id order. What it need not do is write every step: on ingest each article upserts a
document-frequency row per term (hundreds), rewrites its story's centroid and keys, and
upserts its membership. :class:`BufferedStoryStore` answers the clustering's questions from
the build's state (:class:`~kabar.archive.bulk_story_state.StoryBuildState`: what the build has
read and written, across chunks) and the stored tables, and writes the chunk's net changes at
:meth:`~BufferedStoryStore.flush`, set-based (one ``executemany`` per table).

The answers are those the SQL store would give at the same point, by construction:

- document frequencies: the stored count plus the build's additions, for the terms that have
  a row or gained one (only additions happen here: a build never takes an article out);
- candidates: the held stories' keys from memory; the SQL query only when a story not held
  may pass its recency bound, its limit then widened by the number of held stories, those
  dropped from its rows and counted from memory instead (keys shared, the same recency bound
  on the same UTC text), in the same order (most keys shared, then the newer story), cut at
  the same limit;
- centroids: a held story is kept parsed, with the very UTC texts the table holds, and read
  back as a load parses the row (its JSON, made once at the flush, is what it parses to).

A new story still takes its id from the table at once (one insert), so ids come out as on ingest.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete

from kabar.archive.bulk_story_state import StoryBuildState, held_story
from kabar.archive.centroid_cache import CentroidCache, shared_copy
from kabar.archive.many_rows import placeholder
from kabar.archive.nul_text import to_column
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.stores import StoryMember
from kabar.archive.story_store import (  # the stored statements themselves: the same SQL
    SqlStoryStore,
    stored_hits,
    story_articles,
    story_keys,
)
from kabar.archive.upsert import dialect_insert
from kabar.understand.store import utc_text
from kabar.understand.stories import features_to_json
from kabar.understand.story_cluster import DOCS_KEY, Centroid, ClusterOptions

# PostgreSQL: one statement per table, the rows as arrays (see BufferedStoryStore._flush_pg).
_PG_DF_ADD = (
    "INSERT INTO story_df (term, df) SELECT u.term, u.df "
    "FROM unnest(CAST(%s AS text[]), CAST(%s AS integer[])) AS u(term, df) "
    "ON CONFLICT (term) DO UPDATE SET df = story_df.df + excluded.df"
)
# Every story here has its row already (create inserts it at once): the conflict branch is the
# update, and unlike UPDATE ... FROM an INSERT takes its rows (and their locks) in array order.
_PG_STORIES_SAVE = (
    "INSERT INTO stories (id, label, article_count, first_published, last_published, centroid, updated_at) "
    "SELECT u.i, u.l, u.n, u.f, u.p, u.c, CAST(%s AS text) FROM unnest(CAST(%s AS integer[]), "
    "CAST(%s AS text[]), CAST(%s AS integer[]), CAST(%s AS text[]), CAST(%s AS text[]), CAST(%s AS text[])) "
    "AS u(i, l, n, f, p, c) ON CONFLICT (id) DO UPDATE SET label = excluded.label, "
    "article_count = excluded.article_count, first_published = excluded.first_published, "
    "last_published = excluded.last_published, centroid = excluded.centroid, updated_at = excluded.updated_at"
)
_PG_KEYS_ADD = (
    "INSERT INTO story_keys (key, story_id, last_published) SELECT u.k, u.s, u.p "
    "FROM unnest(CAST(%s AS text[]), CAST(%s AS integer[]), CAST(%s AS text[])) AS u(k, s, p) "
    "ON CONFLICT DO NOTHING"
)
_PG_MEMBERS_UPSERT = (
    "INSERT INTO story_articles (article_id, story_id, published_utc, score, features) "
    "SELECT u.a, u.s, u.p, u.x, u.f FROM unnest(CAST(%s AS integer[]), CAST(%s AS integer[]), "
    "CAST(%s AS text[]), CAST(%s AS double precision[]), CAST(%s AS text[])) AS u(a, s, p, x, f) "
    "ON CONFLICT (article_id) DO UPDATE SET story_id = excluded.story_id, "
    "published_utc = excluded.published_utc, score = excluded.score, features = excluded.features"
)


@dataclass(slots=True, frozen=True)
class _Story:
    """A story as its ``stories`` and ``story_keys`` rows would hold it."""

    centroid: str  # JSON
    label: str
    count: int
    first: str | None  # UTC text
    last: str | None
    keys: frozenset[str]


class BufferedStoryStore(SqlStoryStore):
    """:class:`~kabar.archive.story_store.SqlStoryStore` whose clustering writes wait for :meth:`flush`.

    ``state`` holds what the build has read and written (across its chunks); the caller has
    begun it on this chunk's transaction (:meth:`~kabar.archive.bulk_story_state.StoryBuildState.begin`).
    """

    def __init__(
        self,
        source: ConnectionSource,
        centroids: CentroidCache | None = None,
        state: StoryBuildState | None = None,
    ) -> None:
        super().__init__(source, centroids)
        self._source = source
        if state is None:  # one chunk on its own: read everything afresh
            state = StoryBuildState()
            with source.reading() as conn:
                state.begin(conn)
        self._state = state
        self._df_added: Counter[str] = Counter()  # this chunk's, to write
        self._changed: set[int] = set()  # stories this chunk saved, to write
        self._members: dict[int, dict[str, Any]] = {}

    # -- the clustering's state ------------------------------------------------------
    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        return self._state.frequencies(terms, self._stored_frequencies)

    def _stored_frequencies(self, terms: list[str]) -> dict[str, int]:
        return SqlStoryStore.document_frequencies(self, terms)

    def add_document(self, terms: Iterable[str], sign: int) -> None:
        if sign <= 0:
            raise ValueError("a bulk build only counts articles in")
        counted = {*terms, DOCS_KEY}
        self._state.count_in(counted, self._stored_frequencies)
        self._df_added.update(counted)

    def candidates(self, keys: list[str], published: datetime | None, options: ClusterOptions) -> list[int]:
        if not keys:
            return []
        state = self._state
        since = utc_text(published - timedelta(days=options.max_gap_days)) if published else None
        hits = state.held_hits(keys, since)
        if state.table_needed(since):
            # The stored rows of a held story may be stale: the query is widened by their number
            # and they are dropped, so the best other stories are all still in what it returns.
            stored = self._stored_hits(keys, since, options.max_candidates + state.held())
            for sid, n in stored.items():
                if state.story(sid) is None:
                    hits[sid] = n
        # the stored query's order: most shared keys first, ties to the newer story (two stable
        # sorts on C keys: newest first, then by count, equal counts keeping that order)
        ranked = sorted(hits, reverse=True)
        ranked.sort(key=hits.__getitem__, reverse=True)
        return ranked[: options.max_candidates]

    def _stored_hits(self, keys: list[str], since: str | None, limit: int) -> dict[int, int]:
        """The stored query: keys shared per story, best first, at most ``limit`` stories."""
        with self._source.reading() as conn:
            return stored_hits(conn, keys, since, limit)

    def load(self, story_ids: list[int]) -> dict[int, Centroid]:
        state = self._state
        out: dict[int, Centroid] = {}
        stored = [sid for sid in story_ids if state.story(sid) is None]
        loaded = super().load(stored) if stored else {}
        for sid in story_ids:
            held = state.story(sid)
            if held is not None:  # as the table's row would be read (CentroidCache.parse)
                out[sid] = shared_copy(held.centroid, held.count, held.first_time, held.last_time)
            elif sid in loaded:
                out[sid] = loaded[sid]
        return out

    def create(self, centroid: Centroid, keys: list[str]) -> int:
        # the id from the table at once (as on ingest), the story itself with the chunk's writes
        with self._source.writing() as conn:
            sid = _new_story_id(conn)
        self.save(sid, centroid, keys)
        return sid

    def save(self, story_id: int, centroid: Centroid, keys: list[str]) -> None:
        # its JSON is written (and made) once, at the flush: a story saved by many of the
        # chunk's articles was serialised for each
        self._state.hold(story_id, held_story(centroid, keys))
        self._changed.add(story_id)

    def set_member(self, member: StoryMember) -> None:
        self._members[member.article_id] = {
            "article_id": member.article_id,
            "story_id": member.story_id,
            "published_utc": utc_text(member.published),
            "score": member.score,
            "features": features_to_json(member.features),
        }

    def _changed_rows(self) -> dict[int, _Story]:
        """The chunk's stories as their rows will hold them (sorted by id); kept parsed in the cache."""
        out: dict[int, _Story] = {}
        for sid in sorted(self._changed):
            held = self._state.story(sid)
            assert held is not None  # stories are let go only after the flush
            text = json.dumps(held.centroid.to_json(), ensure_ascii=False)
            self.centroids.keep(sid, text, held.centroid)
            out[sid] = _Story(
                centroid=text,
                label=held.label,
                count=held.count,
                first=held.first,
                last=held.last,
                keys=held.keys,
            )
        return out

    # -- writing the chunk's changes ---------------------------------------------------
    def flush(self) -> None:
        """Write what this chunk changed, in sorted key order (the lock order of every writer)."""
        changed = self._changed_rows()
        with self._source.writing() as conn:
            dialect = conn.dialect
            if dialect.name == "postgresql":
                self._flush_pg(conn, changed)
            else:
                self._flush_rows(conn, changed)
        self._df_added.clear()
        self._changed.clear()
        self._members.clear()

    def _flush_rows(self, conn: Any, changed: dict[int, _Story]) -> None:
        """The chunk's changes as rows (``executemany``): SQLite runs these in-process."""
        dialect = conn.dialect
        if self._df_added:
            m = placeholder(conn)
            sql = (
                f"INSERT INTO story_df (term, df) VALUES ({m}, {m}) ON CONFLICT (term) "
                "DO UPDATE SET df = story_df.df + excluded.df"
            )
            rows = [(to_column(t, dialect), n) for t, n in sorted(self._df_added.items())]
            conn.exec_driver_sql(sql, rows)
        if changed:
            _write_stories(conn, changed)
        if self._members:
            upsert = dialect_insert(dialect.name, story_articles)
            upsert = upsert.on_conflict_do_update(
                index_elements=["article_id"],
                set_={k: upsert.excluded[k] for k in ("story_id", "published_utc", "score", "features")},
            )
            conn.execute(upsert, [self._members[a] for a in sorted(self._members)])

    def _flush_pg(self, conn: Any, changed: dict[int, _Story]) -> None:
        """The chunk's changes as one array statement per table: psycopg's executemany sent each
        row as a statement of its own (tens of thousands a chunk). ``unnest`` keeps the arrays'
        sorted order and an INSERT takes its rows in that order, so locks are still taken in
        sorted key order."""
        dialect = conn.dialect
        if self._df_added:
            terms = sorted(self._df_added)
            conn.exec_driver_sql(
                _PG_DF_ADD, ([to_column(t, dialect) for t in terms], [self._df_added[t] for t in terms])
            )
        if changed:
            ids = sorted(changed)
            ss = [changed[sid] for sid in ids]
            conn.exec_driver_sql(
                _PG_STORIES_SAVE,
                (
                    datetime.now(UTC).isoformat(),
                    ids,
                    [s.label for s in ss],
                    [s.count for s in ss],
                    [s.first for s in ss],
                    [s.last for s in ss],
                    [s.centroid for s in ss],
                ),
            )
            conn.execute(delete(story_keys).where(story_keys.c.story_id.in_(ids)))
            keys = [(k, sid, s.last) for sid, s in zip(ids, ss, strict=True) for k in sorted(s.keys)]
            if keys:
                conn.exec_driver_sql(
                    _PG_KEYS_ADD,
                    (
                        [to_column(k[0], dialect) for k in keys],
                        [k[1] for k in keys],
                        [k[2] for k in keys],
                    ),
                )
        if self._members:
            rows = [self._members[a] for a in sorted(self._members)]
            conn.exec_driver_sql(
                _PG_MEMBERS_UPSERT,
                tuple(
                    [r[c] for r in rows]
                    for c in ("article_id", "story_id", "published_utc", "score", "features")
                ),
            )


_NEW_STORY = "INSERT INTO stories (label, article_count, centroid) VALUES ('', 0, '{}')"


def _new_story_id(conn: Any) -> int:
    """The id the table gives a new story (its row is written in full at the flush). The driver's
    cursor: most articles of a load open a story, and SQLAlchemy's statement costs more than it."""
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            cursor.execute(_NEW_STORY + " RETURNING id")
            row = cursor.fetchone()
            assert row is not None
            return int(row[0])
        cursor.execute(_NEW_STORY)
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)
    finally:
        cursor.close()


def _write_stories(conn: Any, changed: dict[int, _Story]) -> None:
    """The chunk's stories and their keys as rows, through the driver: SQLAlchemy's per-row
    parameter handling cost more than SQLite's writing of the rows (tens of keys a story)."""
    dialect = conn.dialect
    m = placeholder(conn)
    now = datetime.now(UTC).isoformat()
    ids = sorted(changed)
    conn.exec_driver_sql(
        f"UPDATE stories SET label = {m}, article_count = {m}, first_published = {m}, "
        f"last_published = {m}, centroid = {m}, updated_at = {m} WHERE id = {m}",
        [
            (s.label, s.count, s.first, s.last, s.centroid, now, sid)
            for sid, s in ((i, changed[i]) for i in ids)
        ],
    )
    conn.execute(delete(story_keys).where(story_keys.c.story_id.in_(ids)))
    rows = [(to_column(k, dialect), sid, changed[sid].last) for sid in ids for k in sorted(changed[sid].keys)]
    if rows:
        conn.exec_driver_sql(
            f"INSERT INTO story_keys (key, story_id, last_published) VALUES ({m}, {m}, {m}) ON CONFLICT DO NOTHING",
            rows,
        )


__all__ = ["BufferedStoryStore"]
