"""Stories in SQL: the clustering's state, membership and the reads (tables of migration 0004).

- ``stories``: one row per story, with its running centroid (JSON) for incremental clustering;
- ``story_articles``: each article belongs to at most one story (with the features that can
  take it back out);
- ``story_keys``: an inverted index (term/entity key → story) to find candidate stories fast;
- ``story_df``: online document frequencies for the clustering's TF-IDF.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    Select,
    Table,
    Text,
    bindparam,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from kabar.archive.centroid_cache import CentroidCache
from kabar.archive.many_rows import placeholder
from kabar.archive.nul_text import NulSafeText, from_column, to_column
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.statements import ID_CHUNK, once, page, parse_time, read_id, read_ids
from kabar.archive.stores import StoryMember, StorySummary
from kabar.archive.upsert import dialect_insert
from kabar.understand.store import utc_text
from kabar.understand.stories import features_from_json, features_to_json
from kabar.understand.story_cluster import DOCS_KEY, Centroid, ClusterOptions
from kabar.understand.story_features import ArticleFeatures

metadata = MetaData()

stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("label", Text),
    Column("article_count", Integer, nullable=False),
    Column("first_published", Text),
    Column("last_published", Text),
    Column("centroid", Text, nullable=False),
    Column("updated_at", Text),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("story_id", Integer, nullable=False),
    Column("article_id", Integer, primary_key=True),
    Column("published_utc", Text),
    Column("score", Float),
    Column("features", Text, nullable=False),
)

story_keys = Table(
    "story_keys",
    metadata,
    Column("key", NulSafeText, primary_key=True),
    Column("story_id", Integer, primary_key=True),
    Column("last_published", Text),
)

story_df = Table(
    "story_df",
    metadata,
    Column("term", NulSafeText, primary_key=True),
    Column("df", Integer, nullable=False),
)

_BATCH = 500  # bound parameters per IN (SQLite's limit is 999 on old builds)


# PostgreSQL gets a statement's many rows as one array, in one statement: psycopg's executemany
# sends every row as a statement of its own (a round of the protocol, and the server's work of
# one statement, per term: a few hundred an article). unnest keeps the array's (sorted) order,
# so the rows are still written, and locked, one after another in that order.
_PG_DF_UPSERT = (
    "INSERT INTO story_df (term, df) SELECT u.term, CAST(%s AS integer) "
    "FROM unnest(CAST(%s AS text[])) AS u(term) ON CONFLICT (term) DO UPDATE SET "
    "df = CASE WHEN story_df.df + CAST(%s AS integer) > 0 THEN story_df.df + CAST(%s AS integer) ELSE 0 END"
)
_PG_KEYS_INSERT = (
    "INSERT INTO story_keys (key, story_id, last_published) "
    "SELECT u.key, CAST(%s AS integer), CAST(%s AS text) FROM unnest(CAST(%s AS text[])) AS u(key) "
    "ON CONFLICT DO NOTHING"
)


# Built once per shape (statements.once): ingest runs these for every article.


def stored_hits(conn: Connection, keys: Sequence[str], since: str | None, limit: int) -> dict[int, int]:
    """The stories sharing keys with ``keys`` (and, with ``since``, not older), with how many they
    share, most first (then the newer story), at most ``limit``: the clustering's candidates.

    To the driver, as :meth:`SqlStoryStore.document_frequencies`: SQLAlchemy's expansion of the
    IN list cost the call four times the query (ingest asks once an article)."""
    if not keys:
        return {}
    m = placeholder(conn)
    column = [to_column(k, conn.dialect) for k in keys]
    sql = f"SELECT story_id, count(*) AS hits FROM story_keys WHERE key IN ({', '.join([m] * len(column))})"
    params: list[object] = [*column]
    if since is not None:
        sql += f" AND (last_published IS NULL OR last_published >= {m})"
        params.append(since)
    sql += f" GROUP BY story_id ORDER BY hits DESC, story_id DESC LIMIT {m}"
    params.append(limit)
    return {int(r[0]): int(r[1]) for r in conn.exec_driver_sql(sql, tuple(params))}


@once
def _save() -> Any:
    c = stories.c
    return (
        update(stories)
        .where(c.id == bindparam("i"))
        .values(
            label=bindparam("l"),
            article_count=bindparam("n"),
            first_published=bindparam("f"),
            last_published=bindparam("p"),
            centroid=bindparam("c"),
            updated_at=bindparam("u"),
        )
    )


@once
def _drop_keys() -> Any:
    return delete(story_keys).where(story_keys.c.story_id == bindparam("i"))


@once
def _member_upsert(dialect: str) -> Any:
    ins = dialect_insert(dialect, story_articles)
    return ins.on_conflict_do_update(
        index_elements=["article_id"],
        set_={k: ins.excluded[k] for k in ("story_id", "published_utc", "score", "features")},
    )


class SqlStoryStore:
    """:class:`kabar.archive.stores.StoryStore` in SQL; also the clustering's store on ingest."""

    def __init__(self, source: ConnectionSource, centroids: CentroidCache | None = None) -> None:
        self._db = source
        # the archive's cache when it hands one over (kept across articles), else this store's own
        self.centroids = centroids if centroids is not None else CentroidCache()

    # -- the clustering's state ------------------------------------------------------
    # The two hottest statements of ingest (hundreds of terms per article) go to the driver
    # through exec_driver_sql: SQLAlchemy's per-call expansion of an IN list and its per-row
    # processing cost 4× the query. The SQL is plain SQL both dialects read; only the
    # placeholder differs (the driver's paramstyle).
    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(terms))
        out: dict[str, int] = {}
        with self._db.reading() as conn:
            mark = placeholder(conn)
            nul_safe = conn.dialect.name == "postgresql"
            # The driver's own cursor on the same connection (and transaction): SQLAlchemy's
            # result object fetched the few hundred rows one by one, most of the call's cost.
            cursor = conn.connection.cursor()
            try:
                for i in range(0, len(wanted), _BATCH):
                    chunk = wanted[i : i + _BATCH]
                    if nul_safe:
                        chunk = [to_column(t, conn.dialect) for t in chunk]
                    sql = f"SELECT term, df FROM story_df WHERE term IN ({', '.join([mark] * len(chunk))})"
                    cursor.execute(sql, tuple(chunk))
                    rows = cursor.fetchall()
                    if nul_safe:
                        out.update((from_column(str(r[0]), conn.dialect), int(r[1])) for r in rows)
                    else:
                        out.update(rows)
            finally:
                cursor.close()
        return out

    def add_document(self, terms: Iterable[str], sign: int) -> None:
        first = 1 if sign > 0 else 0
        with self._db.writing() as conn:
            m = placeholder(conn)
            # Clamped at zero by CASE, not MAX(a, b): that is SQLite's scalar max (PostgreSQL: GREATEST).
            sql = (
                f"INSERT INTO story_df (term, df) VALUES ({m}, {m}) ON CONFLICT (term) DO UPDATE SET "
                f"df = CASE WHEN story_df.df + {m} > 0 THEN story_df.df + {m} ELSE 0 END"
            )
            # Sorted: the rows' locks are taken in one order, whichever writer runs this.
            keys = sorted({*terms, DOCS_KEY})
            if conn.dialect.name == "postgresql":
                keys = [to_column(t, conn.dialect) for t in keys]
                conn.exec_driver_sql(_PG_DF_UPSERT, (first, keys, sign, sign))
                return
            rows = [(t, first, sign, sign) for t in keys]
            conn.exec_driver_sql(sql, rows)

    def candidates(self, keys: list[str], published: datetime | None, options: ClusterOptions) -> list[int]:
        if not keys:
            return []
        since = utc_text(published - timedelta(days=options.max_gap_days)) if published else None
        with self._db.reading() as conn:
            return list(stored_hits(conn, keys, since, options.max_candidates))

    def load(self, story_ids: list[int]) -> dict[int, Centroid]:
        if not story_ids:
            return {}
        out: dict[int, Centroid] = {}
        with self._db.reading() as conn:
            # to the driver, as stored_hits: the candidates' rows, once an article
            m = placeholder(conn)
            sql = (
                "SELECT id, centroid, article_count, first_published, last_published FROM stories "
                f"WHERE id IN ({', '.join([m] * len(story_ids))})"
            )
            for r in conn.exec_driver_sql(sql, tuple(story_ids)):
                sid = int(r[0])
                out[sid] = self.centroids.parse(
                    sid, r[1] or "{}", int(r[2]), parse_time(r[3]), parse_time(r[4])
                )
        return out

    def create(self, centroid: Centroid, keys: list[str]) -> int:
        row = _story_row(centroid)
        with self._db.writing() as conn:
            result = conn.execute(stories.insert(), row)
            pk = result.inserted_primary_key
            assert pk is not None
            sid = int(pk[0])
            self.centroids.keep(sid, row["centroid"], centroid)
            # a new story has no key rows yet: nothing to drop
            self._insert_keys(conn, sid, keys, row["last_published"])
        return sid

    def save(self, story_id: int, centroid: Centroid, keys: list[str]) -> None:
        row = _story_row(centroid)
        params = {
            "i": story_id,
            "l": row["label"],
            "n": row["article_count"],
            "f": row["first_published"],
            "p": row["last_published"],
            "c": row["centroid"],
            "u": row["updated_at"],
        }
        with self._db.writing() as conn:
            conn.execute(_save(), params)
            self.centroids.keep(story_id, row["centroid"], centroid)
            conn.execute(_drop_keys(), {"i": story_id})
            self._insert_keys(conn, story_id, keys, row["last_published"])

    @staticmethod
    def _insert_keys(conn: Connection, story_id: int, keys: list[str], last: str | None) -> None:
        if not keys:
            return
        # To the driver, as add_document's rows: a story's few dozen keys on every save cost
        # SQLAlchemy's per-row parameter processing more than the insert itself.
        m = placeholder(conn)
        sql = (
            f"INSERT INTO story_keys (key, story_id, last_published) VALUES ({m}, {m}, {m}) "
            "ON CONFLICT DO NOTHING"
        )
        # sorted, as add_document's rows: one lock order for every writer
        if conn.dialect.name == "postgresql":
            column = [to_column(k, conn.dialect) for k in sorted(keys)]
            conn.exec_driver_sql(_PG_KEYS_INSERT, (story_id, last, column))
            return
        conn.exec_driver_sql(sql, [(to_column(k, conn.dialect), story_id, last) for k in sorted(keys)])

    # -- membership --------------------------------------------------------------------
    def set_member(self, member: StoryMember) -> None:
        row = {
            "article_id": member.article_id,
            "story_id": member.story_id,
            "published_utc": utc_text(member.published),
            "score": member.score,
            "features": features_to_json(member.features),
        }
        with self._db.writing() as conn:
            conn.execute(_member_upsert(conn.dialect.name), row)

    def member(self, article_id: int) -> StoryMember | None:
        stmt = select(
            story_articles.c.story_id,
            story_articles.c.published_utc,
            story_articles.c.score,
            story_articles.c.features,
        ).where(story_articles.c.article_id == article_id)
        with self._db.reading() as conn:
            row = conn.execute(stmt).first()
        if row is None:
            return None
        return StoryMember(
            story_id=int(row[0]),
            article_id=article_id,
            published=parse_time(row[1]),
            score=float(row[2] or 0.0),
            features=features_from_json(row[3]),
        )

    def remove_member(self, article_id: int) -> None:
        with self._db.writing() as conn:
            conn.execute(delete(story_articles).where(story_articles.c.article_id == article_id))

    def settle(self, story_id: int) -> None:
        members = (
            select(func.count()).select_from(story_articles).where(story_articles.c.story_id == story_id)
        )
        with self._db.writing() as conn:
            if not conn.execute(members).scalar_one():
                conn.execute(delete(story_keys).where(story_keys.c.story_id == story_id))
                conn.execute(delete(stories).where(stories.c.id == story_id))
                return
            # first/last published are recomputed from the members that remain
            span = select(
                func.min(story_articles.c.published_utc), func.max(story_articles.c.published_utc)
            ).where(story_articles.c.story_id == story_id)
            first, last = conn.execute(span).one()
            conn.execute(
                update(stories)
                .where(stories.c.id == story_id)
                .values(first_published=first, last_published=last)
            )

    # -- reading -----------------------------------------------------------------------
    def list_stories(self, limit: int = 20, offset: int = 0, min_articles: int = 2) -> list[StorySummary]:
        """Most recently updated first."""
        newest = (
            _summary_columns()
            .where(stories.c.article_count >= max(1, min_articles))
            .order_by(stories.c.last_published.desc(), stories.c.id.desc())
        )
        with self._db.reading() as conn:
            return [_summary(r) for r in conn.execute(page(newest, limit, offset))]

    def count_stories(self, min_articles: int = 2) -> int:
        stmt = (
            select(func.count()).select_from(stories).where(stories.c.article_count >= max(1, min_articles))
        )
        with self._db.reading() as conn:
            return int(conn.execute(stmt).scalar_one())

    def summary(self, story_id: int) -> StorySummary | None:
        with self._db.reading() as conn:
            row = conn.execute(_summary_columns().where(stories.c.id == story_id)).first()
        return _summary(row) if row is not None else None

    def article_story(self, article_id: int) -> int | None:
        return read_id(
            self._db, select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
        )

    def article_stories(self, article_ids: Sequence[int]) -> dict[int, int]:
        """:meth:`article_story` for many articles in one query per chunk (a batch's change log);
        an article in no story is absent."""
        out: dict[int, int] = {}
        wanted = sorted(set(article_ids))
        c = story_articles.c
        with self._db.reading() as conn:
            for i in range(0, len(wanted), ID_CHUNK):
                chunk = wanted[i : i + ID_CHUNK]
                stmt = select(c.article_id, c.story_id).where(c.article_id.in_(chunk))
                out.update((int(r[0]), int(r[1])) for r in conn.execute(stmt))
        return out

    def story_article_ids(self, story_id: int) -> list[int]:
        """Oldest first."""
        stmt = (
            select(story_articles.c.article_id)
            .where(story_articles.c.story_id == story_id)
            .order_by(story_articles.c.published_utc, story_articles.c.article_id)
        )
        return read_ids(self._db, stmt)

    def member_features(self, story_id: int) -> list[ArticleFeatures]:
        stmt = select(story_articles.c.features).where(story_articles.c.story_id == story_id)
        with self._db.reading() as conn:
            return [features_from_json(r[0]) for r in conn.execute(stmt)]


def _story_row(centroid: Centroid) -> dict[str, Any]:
    """The ``stories`` row that holds ``centroid``."""
    return {
        "label": centroid.label,
        "article_count": centroid.count,
        "first_published": utc_text(centroid.first),
        "last_published": utc_text(centroid.last),
        "centroid": json.dumps(centroid.to_json(), ensure_ascii=False),
        "updated_at": datetime.now(UTC).isoformat(),
    }


def _summary_columns() -> Select[Any]:
    return select(
        stories.c.id,
        stories.c.label,
        stories.c.article_count,
        stories.c.first_published,
        stories.c.last_published,
    )


def _summary(row: Any) -> StorySummary:
    return StorySummary(
        id=int(row[0]),
        label=str(row[1] or ""),
        article_count=int(row[2]),
        first_published=parse_time(row[3]),
        last_published=parse_time(row[4]),
    )


__all__ = ["SqlStoryStore", "stories", "story_articles", "story_df", "story_keys"]
