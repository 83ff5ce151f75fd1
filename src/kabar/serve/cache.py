"""A small time-bounded cache for the related-news ranking, owned by the app's state.

The ranking is the one expensive part of an article page (a BM25 match and re-scoring
over the archive, tens of ms at 100k articles); readers crowd onto a few fresh articles,
so remembering each article's ranked ids saves most of that work. The ids are kept, not
the articles, so an edited article still renders fresh.

An entry is dropped as soon as the archive's change log says the article's ranking may
have changed (:meth:`TtlCache.forget`, called by the response cache's invalidation), so a
new article shows in the related lists it belongs to from the next request on; the
lifetime only bounds the slow drift of scores as the archive grows. A ranking computed
while such a change was being applied is not kept (it may predate the change): a miss
remembers the forget-count it started at. functools.lru_cache has no expiry, hence this.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

Key = tuple[int, int]  # (article id, limit)
_TOMBSTONES = 65_536  # forgotten article ids remembered (beyond: every ranking under way is refused)


@dataclass(slots=True)
class TtlCache:
    max_entries: int = 4096
    ttl_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _items: OrderedDict[Key, tuple[float, list[int]]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _epoch: int = 0  # forget() calls so far
    _floor: int = 0  # rankings begun before this epoch are refused (tombstones were trimmed)
    _forgotten: OrderedDict[int, int] = field(default_factory=OrderedDict)  # article id → epoch
    # key → (epoch the oldest ranking under way began at, rankings under way)
    _misses: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def get(self, key: Key) -> list[int] | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and self.clock() - entry[0] > self.ttl_seconds:
                del self._items[key]
                entry = None
            if entry is None:
                began, count = self._misses.get(key, (self._epoch, 0))
                self._misses[key] = (began, count + 1)  # the oldest ranking under way decides
                if len(self._misses) > 4 * max(self.max_entries, 1):
                    # Abandoned misses (rankings that raised): those under way now are refused.
                    self._misses.clear()
                    self._floor = self._epoch + 1
                return None
            self._items.move_to_end(key)
            return list(entry[1])

    def put(self, key: Key, value: list[int]) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            began, count = self._misses.pop(key, (self._epoch, 1))  # no miss on record: a plain put
            if count > 1:
                self._misses[key] = (began, count - 1)
            if began < self._floor or self._forgotten.get(key[0], -1) >= began:
                return  # forgotten while it was being ranked: it may not show the change
            self._items[key] = (self.clock(), list(value))
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def forget(self, article_ids: Iterable[int]) -> int:
        """Drop the rankings of ``article_ids``; how many entries were dropped."""
        ids = set(article_ids)
        if not ids:
            return 0
        with self._lock:
            epoch = self._epoch
            self._epoch += 1
            for article_id in ids:
                self._forgotten[article_id] = epoch
                self._forgotten.move_to_end(article_id)
            while len(self._forgotten) > _TOMBSTONES:
                self._forgotten.popitem(last=False)
                self._floor = epoch + 1
            dropped = [k for k in self._items if k[0] in ids]
            for k in dropped:
                del self._items[k]
            return len(dropped)

    def clear(self) -> None:
        """Drop every ranking, and refuse those under way (the log could not say what changed)."""
        with self._lock:
            self._items.clear()
            self._epoch += 1
            self._floor = self._epoch

    def __len__(self) -> int:
        return len(self._items)
