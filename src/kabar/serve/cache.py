"""A small time-bounded cache for the related-news ranking, owned by the app's state.

The ranking is the one expensive part of an article page (a BM25 match and re-scoring
over the archive, tens of ms at 100k articles); readers crowd onto a few fresh articles,
so remembering each article's ranked ids saves most of that work. The ids are kept, not
the articles, so an edited article still renders fresh, and ages are written when the page
is sent (serve/ages.py), so a kept list never shows a stale "9 jam lalu".

What the change log says (``KABAR_CACHE_INVALIDATION=targeted``, serve/invalidation.py)
reaches the entries through :meth:`TtlCache.apply`:

- **a new article** B is noted on the entries of the articles its row names
  (:attr:`RankingChanges.arrivals`), not dropped: the next :meth:`TtlCache.get` of such an
  entry asks the :class:`Patcher` whether B enters that list, and inserts it where the
  ranking would (link/related.py's ``newest`` mode: newest first). That costs one ranking
  of B per process, however many lists it is noted on, where dropping them cost one ranking
  of each (the cause of the targeted mode's CPU cost under ingest). Without a patcher, or
  when it cannot tell, the entry is dropped and ranked again, as before.
- **an updated article** drops the entries its row names and every entry listing it: its
  text moved, so where it belongs is ranked again.

The lifetime bounds what a patch does not see (the slow drift of every score as the
archive's statistics move). A ranking computed while a change naming its article was being
applied is not kept (it may predate the change): a miss remembers the epoch it started at.
functools.lru_cache has no expiry, hence this.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol

log = logging.getLogger(__name__)

Key = tuple[int, int]  # (article id, limit)
_TOMBSTONES = 65_536  # forgotten article ids remembered (beyond: every ranking under way is refused)
MAX_ARRIVALS = 64  # new articles noted on one entry; past this it is ranked again (cheaper than patching)


@dataclass(slots=True, frozen=True)
class Arrival:
    """A newly added article and the articles whose related news it may enter (its log row's reach)."""

    article_id: int
    named: frozenset[int]


@dataclass(slots=True, frozen=True)
class RankingChanges:
    """What a batch of logged changes means for kept rankings."""

    arrivals: tuple[Arrival, ...] = ()
    forget: frozenset[int] = frozenset()  # these articles' rankings are ranked again
    listed: frozenset[int] = frozenset()  # rankings that list one of these are ranked again

    @property
    def empty(self) -> bool:
        return not (self.arrivals or self.forget or self.listed)


class Patcher(Protocol):
    """Decides whether newly added articles enter a kept related list (serve/related_arrivals.py)."""

    def patch(
        self, article_id: int, limit: int, ids: list[int], arrivals: tuple[int, ...]
    ) -> list[int] | None:
        """The list with the arrivals that belong in it; None: it cannot tell (rank it again)."""
        ...

    def forget(self, article_ids: Iterable[int]) -> None:
        """Whatever it remembers about these articles is out of date."""
        ...

    def clear(self) -> None:
        """Whatever it remembers is out of date (the log could not say what changed)."""
        ...


@dataclass(slots=True, frozen=True)
class _Entry:
    made: float  # when it was ranked (patching keeps it: the lifetime bounds drift since the ranking)
    ids: tuple[int, ...]
    arrivals: tuple[int, ...] = ()  # new articles noted since, not yet looked at


@dataclass(slots=True)
class TtlCache:
    max_entries: int = 4096
    ttl_seconds: float = 300.0
    clock: Callable[[], float] = time.monotonic
    patcher: Patcher | None = None  # without one, an arrival drops the entries it is noted on
    _items: OrderedDict[Key, _Entry] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _epoch: int = 0  # forget() calls so far
    _floor: int = 0  # rankings begun before this epoch are refused (tombstones were trimmed)
    _forgotten: OrderedDict[int, int] = field(default_factory=OrderedDict)  # article id → epoch
    # key → (epoch the oldest ranking under way began at, rankings under way)
    _misses: dict[Key, tuple[int, int]] = field(default_factory=dict)

    def get(self, key: Key) -> list[int] | None:
        with self._lock:
            entry = self._items.get(key)
            if entry is not None and self.clock() - entry.made > self.ttl_seconds:
                del self._items[key]
                entry = None
            if entry is None:
                self._note_miss(key)
                return None
            self._items.move_to_end(key)
            if not entry.arrivals:
                return list(entry.ids)
        # Outside the lock: the patcher may rank the new articles (once each per process).
        patched = self._patch(key, entry)
        with self._lock:
            current = self._items.get(key)
            if patched is None:
                if current is entry:
                    del self._items[key]
                self._note_miss(key)
                return None
            seen = len(entry.arrivals)
            if current is not None and (current.made, current.ids, current.arrivals[:seen]) == (
                entry.made,
                entry.ids,
                entry.arrivals,
            ):
                # Unchanged but for arrivals noted meanwhile: those stay for the next look.
                self._items[key] = _Entry(entry.made, tuple(patched), current.arrivals[seen:])
            return list(patched)

    def _patch(self, key: Key, entry: _Entry) -> list[int] | None:
        if self.patcher is None:
            return None
        try:
            return self.patcher.patch(key[0], key[1], list(entry.ids), entry.arrivals)
        except Exception:  # a side box must not take the page down: ranked again instead
            log.exception("patching the related news of article %s failed", key[0])
            return None

    def _note_miss(self, key: Key) -> None:
        began, count = self._misses.get(key, (self._epoch, 0))
        self._misses[key] = (began, count + 1)  # the oldest ranking under way decides
        if len(self._misses) > 4 * max(self.max_entries, 1):
            # Abandoned misses (rankings that raised): those under way now are refused.
            self._misses.clear()
            self._floor = self._epoch + 1

    def put(self, key: Key, value: list[int]) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            began, count = self._misses.pop(key, (self._epoch, 1))  # no miss on record: a plain put
            if count > 1:
                self._misses[key] = (began, count - 1)
            if began < self._floor or self._forgotten.get(key[0], -1) >= began:
                return  # forgotten while it was being ranked: it may not show the change
            self._items[key] = _Entry(self.clock(), tuple(value))
            self._items.move_to_end(key)
            while len(self._items) > self.max_entries:
                self._items.popitem(last=False)

    def forget(self, article_ids: Iterable[int]) -> int:
        """Drop the rankings of ``article_ids``; how many entries were dropped."""
        return self.apply(RankingChanges(forget=frozenset(article_ids)))

    def apply(self, changes: RankingChanges) -> int:
        """Apply what a batch of logged changes means (see the module's docstring); how many
        entries were dropped or noted."""
        if changes.empty:
            return 0
        arriving: dict[int, list[int]] = {}
        for arrival in changes.arrivals:
            for target in arrival.named - {arrival.article_id}:
                arriving.setdefault(target, []).append(arrival.article_id)
        if self.patcher is not None and (changes.forget or changes.listed):
            self.patcher.forget(changes.forget | changes.listed)
        with self._lock:
            # A ranking under way of any of these may predate the change: it is not kept.
            self._tombstone(changes.forget | arriving.keys())
            touched = 0
            for key, entry in list(self._items.items()):
                if self._drops(key, entry, changes, arriving):
                    del self._items[key]
                    touched += 1
                elif key[0] in arriving:
                    self._items[key] = _Entry(entry.made, entry.ids, entry.arrivals + tuple(arriving[key[0]]))
                    touched += 1
            return touched

    def _drops(
        self, key: Key, entry: _Entry, changes: RankingChanges, arriving: dict[int, list[int]]
    ) -> bool:
        if key[0] in changes.forget:
            return True
        if changes.listed and not changes.listed.isdisjoint(entry.ids + entry.arrivals):
            return True
        if key[0] in arriving:
            return self.patcher is None or len(entry.arrivals) + len(arriving[key[0]]) > MAX_ARRIVALS
        return False

    def _tombstone(self, article_ids: Iterable[int]) -> None:
        ids = set(article_ids)
        if not ids:
            return
        epoch = self._epoch
        self._epoch += 1
        for article_id in ids:
            self._forgotten[article_id] = epoch
            self._forgotten.move_to_end(article_id)
        while len(self._forgotten) > _TOMBSTONES:
            self._forgotten.popitem(last=False)
            self._floor = epoch + 1

    def clear(self) -> None:
        """Drop every ranking, and refuse those under way (the log could not say what changed)."""
        with self._lock:
            self._items.clear()
            self._epoch += 1
            self._floor = self._epoch
        if self.patcher is not None:
            self.patcher.clear()

    def __len__(self) -> int:
        return len(self._items)
