"""Story centroids already parsed, per archive: ingest reads the same few recent stories for every
article, and parsing their JSON each time cost more than the query that reads it.

An entry is the centroid's stored JSON text with what it parses to. A read still fetches the
text (the query is unchanged) and the entry is used only when that text is the very one it was
made from, so a story another writer changed, a save rolled back with its savepoint, or a story
id taken again after a deletion all parse afresh: the cache can be stale, never wrong. The
story's count and span come from their own columns on every read, as before.

Callers get a Centroid of their own that shares the entry's maps (copy-on-write): the clustering
replaces a map it updates (story_cluster.update_centroid), never changes one in place, and copying
every candidate's maps on every read was most of a read's cost.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from kabar.understand.story_cluster import Centroid

# Recently active stories are what ingest reads; a bound keeps a long run's memory flat (an
# entry holds its text and parsed maps, some tens of kB for a full centroid).
DEFAULT_STORIES = 1024


@dataclass(slots=True, frozen=True)
class _Entry:
    text: str
    centroid: Centroid


def shared_copy(c: Centroid, count: int, first: datetime | None, last: datetime | None) -> Centroid:
    """A Centroid of its own (its fields may be reassigned) sharing ``c``'s maps and list."""
    return Centroid(
        terms=c.terms,
        title=c.title,
        entities=c.entities,
        days=c.days,
        fixtures=c.fixtures,
        scores=c.scores,
        event_names=c.event_names,
        stages=c.stages,
        kinds=c.kinds,
        published_days=c.published_days,
        names=c.names,
        headlines=c.headlines,
        count=count,
        first=first,
        last=last,
    )


class CentroidCache:
    """Parsed centroids keyed by story id, each valid for exactly one stored text."""

    def __init__(self, size: int = DEFAULT_STORIES) -> None:
        self._size = size
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._lock = threading.Lock()  # one archive may serve several threads

    def parse(
        self, story_id: int, text: str, count: int, first: datetime | None, last: datetime | None
    ) -> Centroid:
        """The centroid the stored ``text`` and columns hold (as ``Centroid.from_json`` reads them)."""
        with self._lock:
            entry = self._entries.get(story_id)
            if entry is not None and entry.text == text:
                self._entries.move_to_end(story_id)
                return shared_copy(entry.centroid, count, first, last)
        parsed = Centroid.from_json(json.loads(text), count, first, last)
        self.keep(story_id, text, parsed)
        return shared_copy(parsed, count, first, last)

    def __len__(self) -> int:
        return len(self._entries)

    def keep(self, story_id: int, text: str, centroid: Centroid) -> None:
        """Remember ``centroid`` as what ``text`` (its JSON, being stored now) parses to."""
        entry = _Entry(text, shared_copy(centroid, 0, None, None))
        with self._lock:
            self._entries[story_id] = entry
            self._entries.move_to_end(story_id)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)


__all__ = ["DEFAULT_STORIES", "CentroidCache", "shared_copy"]
