"""The entities store of a bulk build: a chunk's entity rows resolved in memory, written once.

On ingest each article's entities are resolved over one read of their names and written at
once (:meth:`~kabar.archive.entity_store.SqlEntityStore.index_article`). A bulk build
(:mod:`kabar.archive.bulk_index`) runs the entity indexer over a chunk of articles in one
transaction, in id order, so :class:`BufferedEntityStore` keeps one
:class:`~kabar.archive.entity_tally.EntityTally` for the whole chunk: each article reads only
the names the chunk has not read yet (a name read once holds, with the chunk's own additions,
what the tables would hold by then), and the chunk's rows are written at :meth:`flush`.

The rows are those the articles indexed one by one would leave, by construction: the tally
resolves each article as the tables would answer after the articles before it, and the
entities it creates take their ids in creation order at the flush (a bulk build is the
archive's one writer), as they would one article at a time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from kabar.archive.entity_store import SqlEntityStore
from kabar.archive.entity_tally import EntityTally
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.stores import EntityEntry
from kabar.understand.store import utc_text


class BufferedEntityStore(SqlEntityStore):
    """:class:`SqlEntityStore` whose entity writes wait for :meth:`flush` (one per chunk)."""

    def __init__(self, source: ConnectionSource) -> None:
        super().__init__(source)
        self._tally = EntityTally()

    def index_article(
        self, article_id: int, published: datetime | None, entries: Sequence[EntityEntry]
    ) -> None:
        if not entries:
            return
        self.read_names(self._tally, entries)
        self._tally.add(article_id, utc_text(published), entries)

    def unlink_article(self, article_id: int) -> None:
        self.flush()  # what is held first: the rows it takes out may be among them
        super().unlink_article(article_id)

    def flush(self) -> None:
        """Write what the chunk's articles added."""
        tally, self._tally = self._tally, EntityTally()
        self.write(tally)


__all__ = ["BufferedEntityStore"]
