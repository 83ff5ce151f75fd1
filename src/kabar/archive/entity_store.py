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
    bindparam,
    case,
    delete,
    func,
    select,
    update,
)

from kabar.archive.sql_source import ConnectionSource
from kabar.archive.statements import ID_CHUNK, insert_new, once, page, parse_time, read_id, read_ids
from kabar.archive.stores import ArticleEntity, EntityCount, EntityLink, EntityName, EntityQuery
from kabar.archive.upsert import dialect_insert
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


def _earliest(column: Any, when: Any) -> ColumnElement[Any]:
    return case((column.is_(None) | (column > when), when), else_=column)


def _latest(column: Any, when: Any) -> ColumnElement[Any]:
    return case((column.is_(None) | (column < when), when), else_=column)


def _minus(column: Any, amount: int) -> ColumnElement[Any]:
    # never below zero; CASE, not SQLite's scalar MAX(a, b) (PostgreSQL spells it GREATEST)
    return case((column > amount, column - amount), else_=0)


# Ingest runs these a dozen times per entity per article: each is built once (statements.once).


@once
def _find() -> Any:
    return (
        select(entity_names.c.entity_id)
        .join(entities, entities.c.id == entity_names.c.entity_id)
        .where(entity_names.c.type == bindparam("t"), entity_names.c.norm == bindparam("n"))
        .order_by(entities.c.article_count.desc(), entity_names.c.entity_id)
        .limit(1)
    )


@once
def _add_mentions() -> Any:
    ae = article_entities.c
    return (
        update(article_entities)
        .where(ae.article_id == bindparam("a"), ae.entity_id == bindparam("e"))
        .values(mentions=ae.mentions + bindparam("m"))
    )


@once
def _bump(dated: bool) -> Any:
    values: dict[str, Any] = {
        "article_count": entities.c.article_count + bindparam("n"),
        "mention_count": entities.c.mention_count + bindparam("m"),
    }
    if dated:  # comparing with NULL would keep the old value anyway
        values["first_seen"] = _earliest(entities.c.first_seen, bindparam("p"))
        values["last_seen"] = _latest(entities.c.last_seen, bindparam("p"))
    return update(entities).where(entities.c.id == bindparam("e")).values(**values)


@once
def _name_upsert(dialect: str) -> Any:
    return dialect_insert(dialect, entity_names).on_conflict_do_update(
        index_elements=["type", "norm", "entity_id"], set_={"count": entity_names.c.count + 1}
    )


@once
def _role_upsert(dialect: str, dated: bool) -> Any:
    updates: dict[str, Any] = {"count": entity_roles.c.count + 1}
    if dated:
        updates["first_seen"] = _earliest(entity_roles.c.first_seen, bindparam("p"))
        updates["last_seen"] = _latest(entity_roles.c.last_seen, bindparam("p"))
    return dialect_insert(dialect, entity_roles).on_conflict_do_update(
        index_elements=["entity_id", "role"], set_=updates
    )


def _columns() -> Any:
    e = entities.c
    return select(e.id, e.name, e.type, e.article_count, e.mention_count, e.first_seen, e.last_seen)


class SqlEntityStore:
    """:class:`kabar.archive.stores.EntityStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    # -- writing (inside ingest) -----------------------------------------------------
    def find(self, type: str, norms: Sequence[str]) -> int | None:
        stmt = _find()
        with self._db.reading() as conn:
            for norm in norms:
                row = conn.execute(stmt, {"t": type, "n": norm}).first()
                if row is not None:
                    return int(row[0])
        return None

    def create(self, name: str, type: str, published: datetime | None) -> int:
        when = utc_text(published)
        row = {
            "name": name,
            "type": type,
            "article_count": 0,
            "mention_count": 0,
            "first_seen": when,
            "last_seen": when,
        }
        with self._db.writing() as conn:
            result = conn.execute(entities.insert(), row)
        pk = result.inserted_primary_key
        assert pk is not None
        return int(pk[0])

    def link(self, link: EntityLink) -> None:
        when = utc_text(link.published)
        row = {
            "article_id": link.article_id,
            "entity_id": link.entity_id,
            "mentions": link.mentions,
            "role": link.role,
            "published_utc": when,
        }
        with self._db.writing() as conn:
            inserted = conn.execute(insert_new(conn.dialect.name, article_entities), row).rowcount
            if not inserted:  # two names of one article resolved to the same entity
                conn.execute(_add_mentions(), {"a": link.article_id, "e": link.entity_id, "m": link.mentions})
            params: dict[str, Any] = {"e": link.entity_id, "n": 1 if inserted else 0, "m": link.mentions}
            if when is not None:
                params["p"] = when
            conn.execute(_bump(when is not None), params)

    def record_name(self, entity_id: int, type: str, norm: str, name: str) -> None:
        row = {"entity_id": entity_id, "type": type, "norm": norm, "name": name, "count": 1}
        with self._db.writing() as conn:
            conn.execute(_name_upsert(conn.dialect.name), row)

    def record_role(self, entity_id: int, role: str, published: datetime | None) -> None:
        when = utc_text(published)
        row: dict[str, Any] = {
            "entity_id": entity_id,
            "role": role.strip(),
            "count": 1,
            "first_seen": when,
            "last_seen": when,
        }
        if when is not None:
            row["p"] = when
        with self._db.writing() as conn:
            conn.execute(_role_upsert(conn.dialect.name, when is not None), row)

    def unlink_article(self, article_id: int) -> None:
        with self._db.writing() as conn:
            rows = conn.execute(
                select(article_entities.c.entity_id, article_entities.c.mentions).where(
                    article_entities.c.article_id == article_id
                )
            ).all()
            for entity_id, mentions in rows:
                conn.execute(
                    update(entities)
                    .where(entities.c.id == entity_id)
                    .values(
                        article_count=_minus(entities.c.article_count, 1),
                        mention_count=_minus(entities.c.mention_count, int(mentions)),
                    )
                )
            conn.execute(delete(article_entities).where(article_entities.c.article_id == article_id))

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
