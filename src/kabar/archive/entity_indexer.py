"""The entities indexer: an article's entities resolved to archive-wide ids inside the ingest transaction.

Which names identify an entity is :mod:`kabar.understand.store`'s rule; the records are kept by the
archive's :class:`~kabar.archive.stores.EntityStore`.
"""

from __future__ import annotations

from datetime import datetime

from kabar.archive.stores import EntityLink, EntityStore, IndexStores
from kabar.model import Article, Entity
from kabar.understand.store import lookup_names, merge_entities, normalise_name


class EntityIndexer:
    """Resolves an article's entities to archive-wide ids inside the ingest transaction."""

    name = "entities"

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        store = stores.entities
        when = article.published
        for entity in merge_entities(article.entities):
            entity_id = self._resolve(store, entity, when)
            store.link(
                EntityLink(
                    article_id=article_id,
                    entity_id=entity_id,
                    mentions=max(1, len(entity.mentions)),
                    role=entity.role,
                    published=when,
                )
            )
            for name in dict.fromkeys([entity.name, *entity.aliases]):
                norm = normalise_name(name)
                if norm:
                    store.record_name(entity_id, entity.type, norm, name)
            for role in dict.fromkeys(r for r in [entity.role, *entity.roles] if r):
                store.record_role(entity_id, role, when)

    def remove(self, stores: IndexStores, article_id: int) -> None:
        stores.entities.unlink_article(article_id)

    @staticmethod
    def _resolve(store: EntityStore, entity: Entity, when: datetime | None) -> int:
        found = store.find(entity.type, [normalise_name(n) for n in lookup_names(entity)])
        return found if found is not None else store.create(entity.name, entity.type, when)


__all__ = ["EntityIndexer"]
