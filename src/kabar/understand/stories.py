"""Stories: articles about one event or developing story, grouped online as they are ingested.

:class:`StoryIndexer` runs inside the ingest transaction: it adds the new article to the best
recently active story or opens a new one (see :mod:`kabar.understand.story_cluster` for the
algorithm), writing only through the connection it is given. Nothing is rebuilt.

Read API (for the portal, the CLI and the API; each takes an open SQLAlchemy ``Connection`` —
e.g. ``archive.connect()`` — and only reads)::

    list_stories(conn, limit: int = 20, offset: int = 0, min_articles: int = 2) -> list[StorySummary]
        # most recently updated first
    get_story(conn, story_id: int, timeline: TimelineOptions | None = None) -> Story | None
        # label, article ids (oldest first), entities, timeline (kabar.link.timeline.TimelineEvent,
        # built from the story's latest TIMELINE_ARTICLES articles)
    article_story(conn, article_id: int) -> int | None
        # the story an article belongs to
    story_article_ids(conn, story_id: int) -> list[int]
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, text
from sqlalchemy.engine import Connection

from kabar.link.timeline import TimelineEvent, TimelineOptions, build_timeline
from kabar.model import Article, EntityType
from kabar.understand.store import utc_text
from kabar.understand.story_cluster import (
    Centroid,
    ClusterOptions,
    assign,
    unassign,
)
from kabar.understand.story_events import EventSignature
from kabar.understand.story_features import ArticleFeatures, FeatureOptions, article_features

TIMELINE_ARTICLES = 200


@dataclass(slots=True)
class StorySummary:
    id: int
    label: str
    article_count: int
    first_published: datetime | None = None
    last_published: datetime | None = None


@dataclass(slots=True)
class StoryEntity:
    name: str
    articles: int  # how many of the story's articles name it
    type: EntityType | None = None  # None where the name came from capitalised spans, not NER
    entity_id: int | None = None  # the archive-wide id (kabar.understand.store) when known


@dataclass(slots=True)
class Story:
    id: int
    label: str
    article_ids: list[int] = field(default_factory=list)  # oldest first
    entities: list[StoryEntity] = field(default_factory=list)  # most shared first
    timeline: list[TimelineEvent] = field(default_factory=list)
    first_published: datetime | None = None
    last_published: datetime | None = None

    @property
    def article_count(self) -> int:
        return len(self.article_ids)


def _parse(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


class SqlStoryStore:
    """The clustering's state in the archive's own tables (see migration 0004)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _cursor(self) -> Any:
        # The two hottest statements of ingest (hundreds of terms per article) go to the
        # DB-API cursor of the same connection, inside the same transaction: SQLAlchemy's
        # per-call compile of an expanding IN and its per-row processing cost 4× the query.
        return self.conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]

    def document_frequencies(self, terms: Iterable[str]) -> dict[str, int]:
        wanted = list(dict.fromkeys(terms))
        out: dict[str, int] = {}
        cur = self._cursor()
        for i in range(0, len(wanted), 500):  # SQLite's bound-parameter limit
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update(
                cur.execute(f"SELECT term, df FROM story_df WHERE term IN ({marks})", chunk).fetchall()
            )
        cur.close()
        return out

    def add_document(self, terms: Iterable[str], sign: int) -> None:
        from kabar.understand.story_cluster import DOCS_KEY

        cur = self._cursor()
        cur.executemany(
            "INSERT INTO story_df (term, df) VALUES (?, MAX(0, ?)) ON CONFLICT (term) DO UPDATE SET df = MAX(0, df + ?)",
            [(t, sign, sign) for t in dict.fromkeys([*terms, DOCS_KEY])],
        )
        cur.close()

    def candidates(self, keys: list[str], published: datetime | None, options: ClusterOptions) -> list[int]:
        if not keys:
            return []
        since = utc_text(published - timedelta(days=options.max_gap_days)) if published else None
        stmt = text(
            "SELECT story_id, COUNT(*) AS hits FROM story_keys WHERE key IN :k"
            " AND (:since IS NULL OR last_published IS NULL OR last_published >= :since)"
            " GROUP BY story_id ORDER BY hits DESC, story_id DESC LIMIT :n"
        ).bindparams(bindparam("k", expanding=True))
        return [
            int(r[0])
            for r in self.conn.execute(stmt, {"k": keys, "since": since, "n": options.max_candidates})
        ]

    def load(self, story_ids: list[int]) -> dict[int, Centroid]:
        if not story_ids:
            return {}
        stmt = text(
            "SELECT id, centroid, article_count, first_published, last_published FROM stories WHERE id IN :i"
        ).bindparams(bindparam("i", expanding=True))
        out: dict[int, Centroid] = {}
        for r in self.conn.execute(stmt, {"i": story_ids}):
            out[int(r[0])] = Centroid.from_json(
                json.loads(r[1] or "{}"), int(r[2]), _parse(r[3]), _parse(r[4])
            )
        return out

    def create(self, centroid: Centroid, keys: list[str]) -> int:
        result = self.conn.execute(text("INSERT INTO stories (label, article_count) VALUES ('', 0)"))
        sid = result.lastrowid
        assert sid is not None
        self.save(int(sid), centroid, keys)
        return int(sid)

    def save(self, story_id: int, centroid: Centroid, keys: list[str]) -> None:
        last = utc_text(centroid.last)
        self.conn.execute(
            text(
                "UPDATE stories SET label = :l, article_count = :n, first_published = :f, last_published = :p,"
                " centroid = :c, updated_at = :u WHERE id = :i"
            ),
            {
                "i": story_id,
                "l": centroid.label,
                "n": centroid.count,
                "f": utc_text(centroid.first),
                "p": last,
                "c": json.dumps(centroid.to_json(), ensure_ascii=False),
                "u": datetime.now(UTC).isoformat(),
            },
        )
        self.conn.execute(text("DELETE FROM story_keys WHERE story_id = :i"), {"i": story_id})
        if keys:
            self.conn.execute(
                text("INSERT OR IGNORE INTO story_keys (key, story_id, last_published) VALUES (:k, :i, :p)"),
                [{"k": k, "i": story_id, "p": last} for k in keys],
            )


# Per-article features are kept so that removing an article can take it back out of its story.
# Only its strongest terms are kept (bounded rows at a million articles); the centroid itself
# keeps only its top terms anyway, and the document frequencies of the weaker terms a removed
# article had stay counted — a drift of one document per removal, harmless for idf.
STORED_TERMS = 150


def _features_json(f: ArticleFeatures) -> str:
    terms = dict(sorted(f.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:STORED_TERMS])
    return json.dumps(
        {
            "terms": terms,
            "days": f.days,
            "fixtures": f.event.fixtures,
            "scores": f.event.scores,
            "title": f.title,
            "entities": f.entities,
            "names": f.entity_names,
            "published": f.published.isoformat() if f.published else None,
            "headline": f.headline,
        },
        ensure_ascii=False,
    )


def _features_from_json(raw: str) -> ArticleFeatures:
    d = json.loads(raw or "{}")
    return ArticleFeatures(
        terms={str(k): float(v) for k, v in (d.get("terms") or {}).items()},
        title={str(k): float(v) for k, v in (d.get("title") or {}).items()},
        entities={str(k): float(v) for k, v in (d.get("entities") or {}).items()},
        entity_names={str(k): str(v) for k, v in (d.get("names") or {}).items()},
        published=_parse(d.get("published")),
        headline=str(d.get("headline") or ""),
        days=[str(x) for x in d.get("days") or []],
        event=EventSignature(
            fixtures=[str(x) for x in d.get("fixtures") or []],
            scores=[str(x) for x in d.get("scores") or []],
        ),
    )


class StoryIndexer:
    """Keeps stories current: one article in, one story joined or opened."""

    name = "stories"

    def __init__(self, options: ClusterOptions | None = None, features: FeatureOptions | None = None) -> None:
        self.options = options or ClusterOptions()
        self.features = features or FeatureOptions()

    def index(self, conn: Connection, article_id: int, article: Article) -> None:
        f = article_features(article, self.features)
        if not f.terms and not f.entities:
            return  # nothing to compare on (an empty or non-text article): it joins no story
        result = assign(SqlStoryStore(conn), f, self.options)
        conn.execute(
            text(
                "INSERT OR REPLACE INTO story_articles (story_id, article_id, published_utc, score, features)"
                " VALUES (:s, :a, :p, :sc, :f)"
            ),
            {
                "s": result.story_id,
                "a": article_id,
                "p": utc_text(article.published),
                "sc": result.score,
                "f": _features_json(f),
            },
        )

    def remove(self, conn: Connection, article_id: int) -> None:
        row = conn.execute(
            text("SELECT story_id, features FROM story_articles WHERE article_id = :a"), {"a": article_id}
        ).first()
        if row is None:
            return
        story_id = int(row[0])
        conn.execute(text("DELETE FROM story_articles WHERE article_id = :a"), {"a": article_id})
        unassign(SqlStoryStore(conn), story_id, _features_from_json(row[1]), self.options)
        left = conn.execute(
            text("SELECT COUNT(*) FROM story_articles WHERE story_id = :s"), {"s": story_id}
        ).scalar_one()
        if not left:
            conn.execute(text("DELETE FROM story_keys WHERE story_id = :s"), {"s": story_id})
            conn.execute(text("DELETE FROM stories WHERE id = :s"), {"s": story_id})
        else:  # first/last published are recomputed from the members that remain
            conn.execute(
                text(
                    "UPDATE stories SET first_published = (SELECT MIN(published_utc) FROM story_articles"
                    " WHERE story_id = :s), last_published = (SELECT MAX(published_utc) FROM story_articles"
                    " WHERE story_id = :s) WHERE id = :s"
                ),
                {"s": story_id},
            )


# -- reading -------------------------------------------------------------------


def list_stories(
    conn: Connection, limit: int = 20, offset: int = 0, min_articles: int = 2
) -> list[StorySummary]:
    rows = conn.execute(
        text(
            "SELECT id, label, article_count, first_published, last_published FROM stories"
            " WHERE article_count >= :m ORDER BY last_published DESC, id DESC LIMIT :l OFFSET :o"
        ),
        {"m": max(1, min_articles), "l": max(0, min(limit, 1000)), "o": max(0, offset)},
    )
    return [
        StorySummary(
            id=int(r[0]),
            label=str(r[1] or ""),
            article_count=int(r[2]),
            first_published=_parse(r[3]),
            last_published=_parse(r[4]),
        )
        for r in rows
    ]


def count_stories(conn: Connection, min_articles: int = 2) -> int:
    row = conn.execute(
        text("SELECT COUNT(*) FROM stories WHERE article_count >= :m"), {"m": max(1, min_articles)}
    ).first()
    return int(row[0]) if row else 0


def article_story(conn: Connection, article_id: int) -> int | None:
    row = conn.execute(
        text("SELECT story_id FROM story_articles WHERE article_id = :a"), {"a": article_id}
    ).first()
    return int(row[0]) if row is not None else None


def story_article_ids(conn: Connection, story_id: int) -> list[int]:
    rows = conn.execute(
        text("SELECT article_id FROM story_articles WHERE story_id = :s ORDER BY published_utc, article_id"),
        {"s": story_id},
    )
    return [int(r[0]) for r in rows]


def _story_entities(conn: Connection, story_id: int, article_ids: list[int]) -> list[StoryEntity]:
    """Archive entities (NER) when the entity indexer has them, else the clusterer's name spans."""
    stmt = text(
        "SELECT e.id, e.name, e.type, COUNT(*) AS n FROM article_entities ae JOIN entities e ON e.id = ae.entity_id"
        " WHERE ae.article_id IN :a GROUP BY e.id ORDER BY n DESC, e.article_count DESC LIMIT 30"
    ).bindparams(bindparam("a", expanding=True))
    rows = conn.execute(stmt, {"a": article_ids}).all() if article_ids else []
    if rows:
        return [StoryEntity(name=str(r[1]), articles=int(r[3]), type=r[2], entity_id=int(r[0])) for r in rows]
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for r in conn.execute(text("SELECT features FROM story_articles WHERE story_id = :s"), {"s": story_id}):
        f = _features_from_json(r[0])
        counts.update(f.entities.keys())
        for k, v in f.entity_names.items():
            names.setdefault(k, v)
    return [StoryEntity(name=names.get(k, k), articles=n) for k, n in counts.most_common(30)]


def _articles(conn: Connection, ids: list[int]) -> list[Article]:
    from kabar.serialize import article_from_dict

    if not ids:
        return []
    stmt = text("SELECT id, data FROM articles WHERE id IN :i").bindparams(bindparam("i", expanding=True))
    found = {int(r[0]): r[1] for r in conn.execute(stmt, {"i": ids})}
    out = []
    for i in ids:
        if i in found:
            a = article_from_dict(json.loads(found[i]))
            a.id = i
            out.append(a)
    return out


def get_story(conn: Connection, story_id: int, timeline: TimelineOptions | None = None) -> Story | None:
    row = conn.execute(
        text("SELECT id, label, first_published, last_published FROM stories WHERE id = :s"), {"s": story_id}
    ).first()
    if row is None:
        return None
    ids = story_article_ids(conn, story_id)
    return Story(
        id=int(row[0]),
        label=str(row[1] or ""),
        article_ids=ids,
        entities=_story_entities(conn, story_id, ids),
        # a long-running story's timeline is built from its latest articles (bounded work per view)
        timeline=build_timeline(_articles(conn, ids[-TIMELINE_ARTICLES:]), timeline).events,
        first_published=_parse(row[2]),
        last_published=_parse(row[3]),
    )
