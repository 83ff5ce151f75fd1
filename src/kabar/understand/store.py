"""Entity records across the archive: one id per entity, kept current by :class:`EntityIndexer`.

An article's entities (``article.entities``, filled by :func:`kabar.understand.enrich`) are
resolved to archive-wide ids when the article is ingested: the entity's full name, then its
multi-word aliases (and acronyms such as ``AS``), are looked up among the names already seen
for that type; a miss opens a new entity. The record keeps every name seen, the roles the
text gave over time (first/last seen), and how many articles name it.

Read API (for the portal, the CLI and the API; every function takes an open SQLAlchemy
``Connection`` — e.g. ``archive.connect()`` — and only reads)::

    get_entity(conn, entity_id: int) -> EntityRecord | None
    list_entities(conn, limit: int = 20, offset: int = 0,
                  type: EntityType | None = None, name: str | None = None) -> list[EntityRecord]
        # most-named first; ``name`` filters by a case-insensitive substring of any name seen
    entity_articles(conn, entity_id: int, limit: int = 20, offset: int = 0) -> list[int]
        # article ids, newest first
    article_entity_ids(conn, article_id: int) -> list[int]
    find_entity_id(conn, name: str, type: EntityType | None = None) -> int | None

``kabar.understand.stories.article_story(conn, article_id) -> int | None`` gives the story
an article belongs to.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kabar.model import Article, Entity, EntityType

_ENTITY_TYPES: tuple[str, ...] = ("person", "place", "organization")
_PUNCT = re.compile(r"[^\w\s-]+")
_SPACE = re.compile(r"\s+")
_ACRONYM = re.compile(r"^[A-Z]{2,6}$")
MAX_NAME_CHARS = 300  # a longer "name" is extraction junk; keep rows and indexes small


@dataclass(slots=True)
class EntityRole:
    role: str
    count: int
    first_seen: datetime | None = None
    last_seen: datetime | None = None


@dataclass(slots=True)
class EntityRecord:
    id: int
    name: str
    type: EntityType
    names: list[str] = field(default_factory=list)  # every surface name seen, most used first
    roles: list[EntityRole] = field(default_factory=list)  # most recently seen first
    article_count: int = 0
    mention_count: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def normalise_name(name: str) -> str:
    """The lookup form of a name: NFKC, case-folded, punctuation dropped, spaces collapsed."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return _SPACE.sub(" ", _PUNCT.sub(" ", folded)).strip()


def utc_text(value: datetime | None) -> str | None:
    """The archive's UTC text form of a time (same as ``articles.published_utc``)."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _lookup_names(entity: Entity) -> list[str]:
    """Names that may identify an entity across articles, strongest first.

    A bare surname ("Putin") is a good alias inside one article but ambiguous across the
    archive, so single-word aliases count only for acronyms ("AS") and non-persons.
    """
    names = [entity.name]
    for alias in entity.aliases:
        if entity.type != "person" or len(alias.split()) >= 2 or _ACRONYM.match(alias):
            names.append(alias)
    return names


def _merge_entities(entities: list[Entity]) -> list[Entity]:
    """One entry per (type, name) even when an extractor lists an entity twice."""
    seen: dict[tuple[str, str], Entity] = {}
    for e in entities:
        e = Entity(
            name=e.name[:MAX_NAME_CHARS],
            type=e.type,
            role=e.role[:MAX_NAME_CHARS] if e.role else None,
            aliases=[a[:MAX_NAME_CHARS] for a in e.aliases[:50]],
            mentions=e.mentions,
            roles=[r[:MAX_NAME_CHARS] for r in e.roles[:50]],
        )
        norm = normalise_name(e.name)
        if not norm or e.type not in _ENTITY_TYPES:
            continue
        key = (e.type, norm)
        if key in seen:
            kept = seen[key]
            kept.mentions = [*kept.mentions, *e.mentions]
            kept.aliases = [*kept.aliases, *(a for a in e.aliases if a not in kept.aliases)]
            if e.role and not kept.role:
                kept.role = e.role
        else:
            seen[key] = Entity(
                name=e.name,
                type=e.type,
                role=e.role,
                aliases=list(e.aliases),
                mentions=list(e.mentions),
                roles=list(e.roles),
            )
    return list(seen.values())


class EntityIndexer:
    """Resolves an article's entities to archive-wide ids inside the ingest transaction."""

    name = "entities"

    def index(self, conn: Connection, article_id: int, article: Article) -> None:
        when = utc_text(article.published)
        for entity in _merge_entities(article.entities):
            entity_id = self._resolve(conn, entity, when)
            mentions = max(1, len(entity.mentions))
            inserted = conn.execute(
                text(
                    "INSERT OR IGNORE INTO article_entities"
                    " (article_id, entity_id, mentions, role, published_utc)"
                    " VALUES (:a, :e, :m, :r, :p)"
                ),
                {"a": article_id, "e": entity_id, "m": mentions, "r": entity.role, "p": when},
            ).rowcount
            if not inserted:  # two names of one article resolved to the same entity
                conn.execute(
                    text(
                        "UPDATE article_entities SET mentions = mentions + :m WHERE article_id = :a AND entity_id = :e"
                    ),
                    {"a": article_id, "e": entity_id, "m": mentions},
                )
            conn.execute(
                text(
                    "UPDATE entities SET article_count = article_count + :n, mention_count = mention_count + :m,"
                    " first_seen = CASE WHEN first_seen IS NULL OR first_seen > :p THEN :p ELSE first_seen END,"
                    " last_seen = CASE WHEN last_seen IS NULL OR last_seen < :p THEN :p ELSE last_seen END"
                    " WHERE id = :e"
                ),
                {"e": entity_id, "m": mentions, "n": 1 if inserted else 0, "p": when},
            )
            self._record_names(conn, entity_id, entity)
            for role in dict.fromkeys(r for r in [entity.role, *entity.roles] if r):
                self._record_role(conn, entity_id, role, when)

    def remove(self, conn: Connection, article_id: int) -> None:
        rows = conn.execute(
            text("SELECT entity_id, mentions FROM article_entities WHERE article_id = :a"), {"a": article_id}
        ).all()
        for entity_id, mentions in rows:
            conn.execute(
                text(
                    "UPDATE entities SET article_count = MAX(0, article_count - 1),"
                    " mention_count = MAX(0, mention_count - :m) WHERE id = :e"
                ),
                {"e": entity_id, "m": mentions},
            )
        conn.execute(text("DELETE FROM article_entities WHERE article_id = :a"), {"a": article_id})

    @staticmethod
    def _resolve(conn: Connection, entity: Entity, when: str | None) -> int:
        for name in _lookup_names(entity):
            row = conn.execute(
                text(
                    "SELECT n.entity_id FROM entity_names n JOIN entities e ON e.id = n.entity_id"
                    " WHERE n.type = :t AND n.norm = :n ORDER BY e.article_count DESC, n.entity_id LIMIT 1"
                ),
                {"t": entity.type, "n": normalise_name(name)},
            ).first()
            if row is not None:
                return int(row[0])
        result = conn.execute(
            text("INSERT INTO entities (name, type, first_seen, last_seen) VALUES (:n, :t, :p, :p)"),
            {"n": entity.name, "t": entity.type, "p": when},
        )
        new_id = result.lastrowid
        assert new_id is not None
        return int(new_id)

    @staticmethod
    def _record_names(conn: Connection, entity_id: int, entity: Entity) -> None:
        for name in dict.fromkeys([entity.name, *entity.aliases]):
            norm = normalise_name(name)
            if not norm:
                continue
            conn.execute(
                text(
                    "INSERT INTO entity_names (entity_id, type, norm, name, count) VALUES (:e, :t, :n, :name, 1)"
                    " ON CONFLICT (type, norm, entity_id) DO UPDATE SET count = count + 1"
                ),
                {"e": entity_id, "t": entity.type, "n": norm, "name": name},
            )

    @staticmethod
    def _record_role(conn: Connection, entity_id: int, role: str, when: str | None) -> None:
        conn.execute(
            text(
                "INSERT INTO entity_roles (entity_id, role, count, first_seen, last_seen) VALUES (:e, :r, 1, :p, :p)"
                " ON CONFLICT (entity_id, role) DO UPDATE SET count = count + 1,"
                " first_seen = CASE WHEN first_seen IS NULL OR first_seen > :p THEN :p ELSE first_seen END,"
                " last_seen = CASE WHEN last_seen IS NULL OR last_seen < :p THEN :p ELSE last_seen END"
            ),
            {"e": entity_id, "r": role.strip(), "p": when},
        )


# -- reading -------------------------------------------------------------------


def _record(conn: Connection, row: tuple[object, ...]) -> EntityRecord:
    entity_id = int(str(row[0]))
    names = [
        str(r[0])
        for r in conn.execute(
            text("SELECT name FROM entity_names WHERE entity_id = :e ORDER BY count DESC, name"),
            {"e": entity_id},
        )
    ]
    roles = [
        EntityRole(role=str(r[0]), count=int(r[1]), first_seen=_parse(r[2]), last_seen=_parse(r[3]))
        for r in conn.execute(
            text(
                "SELECT role, count, first_seen, last_seen FROM entity_roles WHERE entity_id = :e"
                " ORDER BY last_seen DESC, count DESC"
            ),
            {"e": entity_id},
        )
    ]
    etype = str(row[2])
    assert etype in _ENTITY_TYPES
    return EntityRecord(
        id=entity_id,
        name=str(row[1]),
        type=etype,  # type: ignore[arg-type]
        names=names,
        roles=roles,
        article_count=int(str(row[3])),
        mention_count=int(str(row[4])),
        first_seen=_parse(row[5] if isinstance(row[5], str) else None),
        last_seen=_parse(row[6] if isinstance(row[6], str) else None),
    )


_COLUMNS = "id, name, type, article_count, mention_count, first_seen, last_seen"


def get_entity(conn: Connection, entity_id: int) -> EntityRecord | None:
    row = conn.execute(text(f"SELECT {_COLUMNS} FROM entities WHERE id = :e"), {"e": entity_id}).first()
    return _record(conn, tuple(row)) if row is not None else None


def list_entities(
    conn: Connection,
    limit: int = 20,
    offset: int = 0,
    type: EntityType | None = None,
    name: str | None = None,
) -> list[EntityRecord]:
    """Entities named by at least one article, most-named first."""
    where = ["article_count > 0"]
    params: dict[str, object] = {"l": max(0, min(limit, 1000)), "o": max(0, offset)}
    if type is not None:
        where.append("type = :t")
        params["t"] = type
    if name is not None:
        norm = normalise_name(name)
        if not norm:
            return []  # punctuation alone names nothing
        where.append("id IN (SELECT entity_id FROM entity_names WHERE norm LIKE :n ESCAPE '\\')")
        escaped = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["n"] = f"%{escaped}%"
    rows = conn.execute(
        text(
            f"SELECT {_COLUMNS} FROM entities WHERE {' AND '.join(where)}"
            " ORDER BY article_count DESC, id LIMIT :l OFFSET :o"
        ),
        params,
    ).all()
    return [_record(conn, tuple(r)) for r in rows]


def entity_articles(conn: Connection, entity_id: int, limit: int = 20, offset: int = 0) -> list[int]:
    """Ids of the articles naming an entity, newest first."""
    rows = conn.execute(
        text(
            "SELECT article_id FROM article_entities WHERE entity_id = :e"
            " ORDER BY published_utc DESC, article_id DESC LIMIT :l OFFSET :o"
        ),
        {"e": entity_id, "l": max(0, min(limit, 1000)), "o": max(0, offset)},
    )
    return [int(r[0]) for r in rows]


def article_entity_ids(conn: Connection, article_id: int) -> list[int]:
    rows = conn.execute(
        text(
            "SELECT entity_id FROM article_entities WHERE article_id = :a ORDER BY mentions DESC, entity_id"
        ),
        {"a": article_id},
    )
    return [int(r[0]) for r in rows]


def find_entity_id(conn: Connection, name: str, type: EntityType | None = None) -> int | None:
    params: dict[str, object] = {"n": normalise_name(name)}
    clause = "" if type is None else " AND n.type = :t"
    if type is not None:
        params["t"] = type
    row = conn.execute(
        text(
            "SELECT n.entity_id FROM entity_names n JOIN entities e ON e.id = n.entity_id"
            f" WHERE n.norm = :n{clause} ORDER BY e.article_count DESC LIMIT 1"
        ),
        params,
    ).first()
    return int(row[0]) if row is not None else None
