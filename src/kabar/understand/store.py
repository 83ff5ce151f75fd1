"""Entity records across the archive: what one archive-wide entity is, and how names resolve to it.

An article's entities (``article.entities``, filled by :func:`kabar.understand.enrich`) are
resolved to archive-wide ids when the article is ingested (:mod:`kabar.archive.entity_indexer`,
stored by :mod:`kabar.archive.entity_store`): the entity's full name, then its multi-word
aliases (and acronyms such as ``AS``), are looked up among the names already seen for that
type; a miss opens a new entity. The record keeps every name seen, the roles the text gave
over time (first/last seen), and how many articles name it. Read them through
``archive.entities`` (``get_entity``, ``list_entities``, ``entity_articles`` …).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kabar.model import Entity, EntityType

ENTITY_TYPES: tuple[str, ...] = ("person", "place", "organization")
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


def lookup_names(entity: Entity) -> list[str]:
    """Names that may identify an entity across articles, strongest first.

    A bare surname ("Putin") is a good alias inside one article but ambiguous across the
    archive, so single-word aliases count only for acronyms ("AS") and non-persons.
    """
    names = [entity.name]
    for alias in entity.aliases:
        if entity.type != "person" or len(alias.split()) >= 2 or _ACRONYM.match(alias):
            names.append(alias)
    return names


def merge_entities(entities: list[Entity]) -> list[Entity]:
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
        if not norm or e.type not in ENTITY_TYPES:
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


__all__ = [
    "ENTITY_TYPES",
    "MAX_NAME_CHARS",
    "EntityRecord",
    "EntityRole",
    "lookup_names",
    "merge_entities",
    "normalise_name",
    "utc_text",
]
