"""Entities across the archive in SQL (tables of migration 0004).

- ``entities``: one row per entity (one id), its display name, type and counts;
- ``entity_names``: every surface name seen for an entity; ``norm`` resolves a name to its id;
- ``entity_roles``: roles the text gave an entity, with first/last publication time seen;
- ``article_entities``: which article names which entity (with the role it gave there).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Column,
    ColumnElement,
    Integer,
    MetaData,
    Table,
    Text,
    and_,
    case,
    delete,
    func,
    select,
    update,
)

from kabar.archive.entity_tally import EntityTally, KnownName, Ref
from kabar.archive.many_rows import placeholder, values_rows
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.statements import ID_CHUNK, page, parse_time, read_id, read_ids
from kabar.archive.stores import ArticleEntity, EntityCount, EntityEntry, EntityName, EntityQuery
from kabar.model import EntityType
from kabar.understand.store import ENTITY_TYPES, EntityRecord, EntityRole, normalise_name, utc_text

metadata = MetaData()

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", Text, nullable=False),
    Column("type", Text, nullable=False),
    Column("article_count", Integer, nullable=False),
    Column("mention_count", Integer, nullable=False),
    Column("first_seen", Text),
    Column("last_seen", Text),
)

entity_names = Table(
    "entity_names",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("type", Text, primary_key=True),
    Column("norm", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("count", Integer, nullable=False),
)

entity_roles = Table(
    "entity_roles",
    metadata,
    Column("entity_id", Integer, primary_key=True),
    Column("role", Text, primary_key=True),
    Column("count", Integer, nullable=False),
    Column("first_seen", Text),
    Column("last_seen", Text),
)

article_entities = Table(
    "article_entities",
    metadata,
    Column("article_id", Integer, primary_key=True),
    Column("entity_id", Integer, primary_key=True),
    Column("mentions", Integer, nullable=False),
    Column("role", Text),
    Column("published_utc", Text),
)


def _minus(column: Any, amount: Any) -> ColumnElement[Any]:
    # never below zero; CASE, not SQLite's scalar MAX(a, b) (PostgreSQL spells it GREATEST)
    return case((column > amount, column - amount), else_=0)


# Ingest runs these for every article: each is built once (statements.once). Each takes a
# batch of rows (executemany); the rows' times may be NULL, which the CASEs leave alone.


# The write of an ingested article's entity rows goes to the driver, many rows a statement
# (kabar.archive.many_rows): SQLAlchemy's per-row processing of a dozen rows a table cost more
# than the writes. Plain SQL both dialects read; CASE, not SQLite's scalar MAX/MIN.
_INT, _TEXT = "integer", "text"
# Created entities take ids in the order of the last column (INSERT … SELECT … ORDER BY, as
# SQLAlchemy orders its own multi-row inserts): sorted, the returned ids are the rows' ids.
_CREATE_HEAD = (
    "INSERT INTO entities (name, type, article_count, mention_count, first_seen, last_seen) "
    "SELECT column1, column2, column3, column4, column5, column6 FROM ("
)
_CREATE_TAIL = ") AS v ORDER BY column7 RETURNING id"
_CREATE_CASTS = (_TEXT, _TEXT, _INT, _INT, _TEXT, _TEXT, _INT)
_LINK_HEAD = "INSERT INTO article_entities (article_id, entity_id, mentions, role, published_utc)"
_LINK_TAIL = "ON CONFLICT (article_id, entity_id) DO UPDATE SET mentions = article_entities.mentions + excluded.mentions"
_LINK_CASTS = (_INT, _INT, _INT, _TEXT, _TEXT)
_NAME_HEAD = "INSERT INTO entity_names (entity_id, type, norm, name, count)"
_NAME_TAIL = "ON CONFLICT (type, norm, entity_id) DO UPDATE SET count = entity_names.count + excluded.count"
_NAME_CASTS = (_INT, _TEXT, _TEXT, _TEXT, _INT)
_ROLE_HEAD = "INSERT INTO entity_roles (entity_id, role, count, first_seen, last_seen)"
_ROLE_TAIL = (
    "ON CONFLICT (entity_id, role) DO UPDATE SET count = entity_roles.count + excluded.count, "
    "first_seen = CASE WHEN entity_roles.first_seen IS NULL OR entity_roles.first_seen > excluded.first_seen "
    "THEN excluded.first_seen ELSE entity_roles.first_seen END, "
    "last_seen = CASE WHEN entity_roles.last_seen IS NULL OR entity_roles.last_seen < excluded.last_seen "
    "THEN excluded.last_seen ELSE entity_roles.last_seen END"
)
_ROLE_CASTS = (_INT, _TEXT, _INT, _TEXT, _TEXT)


def _bump_sql(mark: str) -> str:
    # a NULL time changes nothing: the comparisons are NULL, the CASE keeps the column
    return (
        f"UPDATE entities SET article_count = article_count + {mark}, mention_count = mention_count + {mark}, "
        f"first_seen = CASE WHEN first_seen IS NULL OR first_seen > {mark} THEN {mark} ELSE first_seen END, "
        f"last_seen = CASE WHEN last_seen IS NULL OR last_seen < {mark} THEN {mark} ELSE last_seen END "
        f"WHERE id = {mark}"
    )


def _columns() -> Any:
    e = entities.c
    return select(e.id, e.name, e.type, e.article_count, e.mention_count, e.first_seen, e.last_seen)


class SqlEntityStore:
    """:class:`kabar.archive.stores.EntityStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    # -- writing (inside ingest) -----------------------------------------------------
    def index_article(
        self, article_id: int, published: datetime | None, entries: Sequence[EntityEntry]
    ) -> None:
        """An article's entities in a few statements: its names read once, resolved in memory
        (:class:`~kabar.archive.entity_tally.EntityTally`), each table's rows written at once."""
        if not entries:
            return
        tally = EntityTally()
        self.read_names(tally, entries)
        tally.add(article_id, utc_text(published), entries)
        self.write(tally)

    def read_names(self, tally: EntityTally, entries: Sequence[EntityEntry]) -> None:
        """What the tables hold for the names ``entries`` look up that ``tally`` has not read."""
        wanted = tally.wanted(entries)
        if not wanted:
            return
        types = sorted({t for t, _ in wanted})
        norms = sorted({n for _, n in wanted})
        found: list[KnownName] = []
        with self._db.reading() as conn:
            m = placeholder(conn)
            # Types and names both in the condition: the look-up walks the key (type, norm). To
            # the driver: SQLAlchemy's expansion of the IN lists cost the call four times the query.
            head = (
                "SELECT n.entity_id, n.type, n.norm, e.article_count FROM entity_names n "
                f"JOIN entities e ON e.id = n.entity_id WHERE n.type IN ({', '.join([m] * len(types))}) AND n.norm IN "
            )
            for i in range(0, len(norms), ID_CHUNK):
                part = norms[i : i + ID_CHUNK]
                rows = conn.exec_driver_sql(f"{head}({', '.join([m] * len(part))})", (*types, *part))
                found.extend(KnownName(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows)
        tally.known(wanted, found)

    def write(self, tally: EntityTally) -> None:
        """The rows ``tally`` adds: created entities, count changes, links, names, roles."""
        with self._db.writing() as conn:
            new = [
                (n.name, n.type, n.article_count, n.mention_count, n.first_seen, n.last_seen, i)
                for i, n in enumerate(tally.new)
            ]
            created = sorted(
                int(r[0]) for r in values_rows(conn, _CREATE_HEAD, _CREATE_TAIL, new, _CREATE_CASTS)
            )

            def id_of(ref: Ref) -> int:
                return ref.entity_id if ref.entity_id is not None else created[ref.new or 0]

            # Each table's rows sorted by its key: every writer takes the row locks in one order.
            if tally.changes:
                bumps = [
                    (c.articles, c.mentions, c.first_seen, c.first_seen, c.last_seen, c.last_seen, e)
                    for e, c in sorted(tally.changes.items())
                ]
                conn.exec_driver_sql(_bump_sql(placeholder(conn)), bumps)
            links = sorted(
                (k.article_id, id_of(k.ref), k.mentions, k.role, k.published) for k in tally.links.values()
            )
            values_rows(conn, _LINK_HEAD, _LINK_TAIL, links, _LINK_CASTS)
            names = sorted(
                ((id_of(n.ref), n.type, n.norm, n.name, n.count) for n in tally.names.values()),
                key=lambda r: (r[1], r[2], r[0]),
            )
            values_rows(conn, _NAME_HEAD, _NAME_TAIL, names, _NAME_CASTS)
            roles = sorted(
                (id_of(r.ref), r.role, r.count, r.first_seen, r.last_seen) for r in tally.roles.values()
            )
            values_rows(conn, _ROLE_HEAD, _ROLE_TAIL, roles, _ROLE_CASTS)

    def unlink_article(self, article_id: int) -> None:
        ae = article_entities.c
        # every entity the article names, in one statement: each loses the article and its mentions
        mentions = (
            select(ae.mentions)
            .where(ae.article_id == article_id, ae.entity_id == entities.c.id)
            .scalar_subquery()
        )
        named = select(ae.entity_id).where(ae.article_id == article_id)
        with self._db.writing() as conn:
            conn.execute(
                update(entities)
                .where(entities.c.id.in_(named))
                .values(
                    article_count=_minus(entities.c.article_count, 1),
                    mention_count=_minus(entities.c.mention_count, mentions),
                )
            )
            conn.execute(delete(article_entities).where(ae.article_id == article_id))

    # -- reading -----------------------------------------------------------------------
    def get_entity(self, entity_id: int) -> EntityRecord | None:
        with self._db.reading() as conn:
            row = conn.execute(_columns().where(entities.c.id == entity_id)).first()
            return self._record(conn, tuple(row)) if row is not None else None

    def list_entities(self, query: EntityQuery | None = None) -> list[EntityRecord]:
        """Entities named by at least one article, most-named first."""
        q = query or EntityQuery()
        stmt = _columns().where(entities.c.article_count > 0)
        if q.type is not None:
            stmt = stmt.where(entities.c.type == q.type)
        if q.name is not None:
            norm = normalise_name(q.name)
            if not norm:
                return []  # punctuation alone names nothing
            escaped = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            named = select(entity_names.c.entity_id).where(
                entity_names.c.norm.like(f"%{escaped}%", escape="\\")
            )
            stmt = stmt.where(entities.c.id.in_(named))
        stmt = page(stmt.order_by(entities.c.article_count.desc(), entities.c.id), q.limit, q.offset)
        with self._db.reading() as conn:
            return [self._record(conn, tuple(r)) for r in conn.execute(stmt).all()]

    def entity_articles(self, entity_id: int, limit: int = 20, offset: int = 0) -> list[int]:
        """Ids of the articles naming an entity, newest first."""
        stmt = (
            select(article_entities.c.article_id)
            .where(article_entities.c.entity_id == entity_id)
            .order_by(article_entities.c.published_utc.desc(), article_entities.c.article_id.desc())
        )
        return read_ids(self._db, page(stmt, limit, offset))

    def article_entity_ids(self, article_id: int) -> list[int]:
        stmt = (
            select(article_entities.c.entity_id)
            .where(article_entities.c.article_id == article_id)
            .order_by(article_entities.c.mentions.desc(), article_entities.c.entity_id)
        )
        return read_ids(self._db, stmt)

    def article_entity_ids_many(self, article_ids: Sequence[int]) -> dict[int, list[int]]:
        """:meth:`article_entity_ids` for many articles, one query per chunk (a batch's change
        log); each list in the same order, an article without entities absent."""
        out: dict[int, list[int]] = {}
        wanted = sorted(set(article_ids))
        c = article_entities.c
        with self._db.reading() as conn:
            for i in range(0, len(wanted), ID_CHUNK):
                stmt = (
                    select(c.article_id, c.entity_id)
                    .where(c.article_id.in_(wanted[i : i + ID_CHUNK]))
                    .order_by(c.article_id, c.mentions.desc(), c.entity_id)
                )
                for r in conn.execute(stmt):
                    out.setdefault(int(r[0]), []).append(int(r[1]))
        return out

    def find_entity_id(self, name: str, type: EntityType | None = None) -> int | None:
        stmt = (
            select(entity_names.c.entity_id)
            .join(entities, entities.c.id == entity_names.c.entity_id)
            .where(entity_names.c.norm == normalise_name(name))
            .order_by(entities.c.article_count.desc())
            .limit(1)
        )
        if type is not None:
            stmt = stmt.where(entity_names.c.type == type)
        return read_id(self._db, stmt)

    def find_entity_ids(self, names: Sequence[EntityName]) -> dict[EntityName, int]:
        """:meth:`find_entity_id` for many names in one query (an article page names a dozen)."""
        # Types and names both in the condition, so the look-up walks the primary key (type,
        # norm); a name without a type is asked under every type, and the rows are sorted out below.
        norms = sorted({normalise_name(n.name) for n in names})
        types = sorted({t for n in names for t in ((n.type,) if n.type else ENTITY_TYPES)})
        if not norms:
            return {}
        stmt = (
            select(
                entity_names.c.entity_id, entity_names.c.norm, entity_names.c.type, entities.c.article_count
            )
            .join(entities, entities.c.id == entity_names.c.entity_id)
            .where(entity_names.c.type.in_(types), entity_names.c.norm.in_(norms))
        )
        with self._db.reading() as conn:
            rows = [(int(r[0]), str(r[1]), str(r[2]), int(r[3] or 0)) for r in conn.execute(stmt)]
        out: dict[EntityName, int] = {}
        for key in names:
            norm = normalise_name(key.name)
            found = [r for r in rows if r[1] == norm and (key.type is None or r[2] == key.type)]
            if found:  # the most-named entity, as find_entity_id's ORDER BY takes it
                out[key] = max(found, key=lambda r: (r[3], -r[0]))[0]
        return out

    def top_in_articles(self, article_ids: Sequence[int], limit: int = 30) -> list[EntityCount]:
        """The entities most of these articles name."""
        if not article_ids:
            return []
        n = func.count().label("n")
        stmt = (
            select(entities.c.id, entities.c.name, entities.c.type, n)
            .select_from(article_entities.join(entities, and_(entities.c.id == article_entities.c.entity_id)))
            .where(article_entities.c.article_id.in_(list(article_ids)))
            .group_by(entities.c.id, entities.c.name, entities.c.type, entities.c.article_count)
            .order_by(n.desc(), entities.c.article_count.desc(), entities.c.id)
            .limit(limit)
        )
        with self._db.reading() as conn:
            return [
                EntityCount(id=int(r[0]), name=str(r[1]), type=r[2], articles=int(r[3]))
                for r in conn.execute(stmt)
            ]

    def entities_of(self, article_ids: Sequence[int]) -> dict[int, list[ArticleEntity]]:
        """Each article's entities (most mentioned first), in one query."""
        ids = sorted(set(article_ids))
        if not ids:
            return {}
        stmt = (
            select(
                article_entities.c.article_id,
                article_entities.c.entity_id,
                entities.c.name,
                entities.c.type,
                article_entities.c.mentions,
                entities.c.article_count,
            )
            .select_from(article_entities.join(entities, entities.c.id == article_entities.c.entity_id))
            .where(article_entities.c.article_id.in_(ids))
            .order_by(
                article_entities.c.article_id,
                article_entities.c.mentions.desc(),
                article_entities.c.entity_id,
            )
        )
        out: dict[int, list[ArticleEntity]] = {}
        with self._db.reading() as conn:
            for r in conn.execute(stmt):
                etype = str(r[3])
                assert etype in ENTITY_TYPES
                out.setdefault(int(r[0]), []).append(
                    ArticleEntity(
                        article_id=int(r[0]),
                        entity_id=int(r[1]),
                        name=str(r[2]),
                        type=etype,  # type: ignore[arg-type]
                        mentions=int(r[4]),
                        article_count=int(r[5] or 0),
                    )
                )
        return out

    def entity_ids_of(self, article_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """Each article's entity ids, in one query (no join, no records: see the protocol)."""
        ids = sorted(set(article_ids))
        if not ids:
            return {}
        stmt = select(article_entities.c.article_id, article_entities.c.entity_id).where(
            article_entities.c.article_id.in_(ids)
        )
        out: dict[int, set[int]] = {}
        with self._db.reading() as conn:
            for article_id, entity_id in conn.execute(stmt):
                out.setdefault(int(article_id), set()).add(int(entity_id))
        return {k: frozenset(v) for k, v in out.items()}

    @staticmethod
    def _record(conn: Any, row: tuple[Any, ...]) -> EntityRecord:
        entity_id = int(row[0])
        names = [
            str(r[0])
            for r in conn.execute(
                select(entity_names.c.name)
                .where(entity_names.c.entity_id == entity_id)
                .order_by(entity_names.c.count.desc(), entity_names.c.name)
            )
        ]
        roles = [
            EntityRole(
                role=str(r[0]), count=int(r[1]), first_seen=parse_time(r[2]), last_seen=parse_time(r[3])
            )
            for r in conn.execute(
                select(
                    entity_roles.c.role,
                    entity_roles.c.count,
                    entity_roles.c.first_seen,
                    entity_roles.c.last_seen,
                )
                .where(entity_roles.c.entity_id == entity_id)
                .order_by(entity_roles.c.last_seen.desc(), entity_roles.c.count.desc())
            )
        ]
        etype = str(row[2])
        assert etype in ENTITY_TYPES
        return EntityRecord(
            id=entity_id,
            name=str(row[1]),
            type=etype,  # type: ignore[arg-type]
            names=names,
            roles=roles,
            article_count=int(row[3]),
            mention_count=int(row[4]),
            first_seen=parse_time(row[5]),
            last_seen=parse_time(row[6]),
        )


__all__ = ["SqlEntityStore", "article_entities", "entities", "entity_names", "entity_roles"]
