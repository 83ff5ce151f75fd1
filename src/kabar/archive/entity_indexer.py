"""The entities indexer: an article's entities resolved to archive-wide ids inside the ingest transaction.

Which names identify an entity is :mod:`kabar.understand.store`'s rule; the records are kept by the
archive's :class:`~kabar.archive.stores.EntityStore`.
"""

from __future__ import annotations

from kabar.archive.stores import EntityEntry, IndexStores
from kabar.model import Article, Entity
from kabar.understand.store import lookup_names, merge_entities, normalise_name


class EntityIndexer:
    """Resolves an article's entities to archive-wide ids inside the ingest transaction."""

    name = "entities"

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        entries = [entity_entry(e) for e in merge_entities(article.entities)]
        stores.entities.index_article(article_id, article.published, entries)

    def remove(self, stores: IndexStores, article_id: int) -> None:
        stores.entities.unlink_article(article_id)


def entity_entry(entity: Entity) -> EntityEntry:
    """What the store records of one (merged) entity: understand's names, normalised."""
    names = []
    for name in dict.fromkeys([entity.name, *entity.aliases]):
        norm = normalise_name(name)
        if norm:
            names.append((norm, name))
    return EntityEntry(
        type=entity.type,
        name=entity.name,
        lookup=tuple(normalise_name(n) for n in lookup_names(entity)),
        mentions=max(1, len(entity.mentions)),
        role=entity.role,
        names=tuple(names),
        roles=tuple(r.strip() for r in dict.fromkeys(r for r in [entity.role, *entity.roles] if r)),
    )


__all__ = ["EntityIndexer", "entity_entry"]
