"""A small time-bounded cache for the related-news ranking, owned by the app's state.

The ranking is the one expensive part of an article page (a BM25 match and re-scoring
over the archive, tens of ms at 100k articles); readers crowd onto a few fresh articles,
so remembering each article's ranked ids for a few minutes saves most of that work.
The ids are kept, not the articles, so an edited article still renders fresh.
functools.lru_cache has no expiry, hence this.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(slots=True)
class TtlCache:
    max_entries: int = 4096
    ttl_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    _items: OrderedDict[tuple[int, int], tuple[float, list[int]]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: tuple[int, int]) -> list[int] | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is None:
                return None
            stored_at, value = entry
            if self.clock() - stored_at > self.ttl_seconds:
                del self._items[key]
                return None
            self._items.move_to_end(key)
            return list(value)

    def put(self, key: tuple[int, int], value: list[int]) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._items[key] = (self.clock(), list(value))
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
