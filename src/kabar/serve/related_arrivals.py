"""Whether a newly added article enters a kept "Berita terkait" list, without ranking the list again.

The change log names, for a new article B, the articles whose related news B may enter
(link/change_reach.py: B's best BM25 matches and its story's members). Ranking each of them
again is what made the targeted cache mode dearer than the stamp mode under ingest: one
ranking per named page viewed, in every worker. Instead B is ranked once per process, in
link/related.py's ``newest`` mode with the widest limit, which gives every article B counts
as on its subject (its qualified set); by the symmetry the reach already rests on, B enters
A's related news exactly when A is in B's qualified set. It is then inserted where the
``newest`` ranking puts it: by publication time, newest first, the list cut to its length.

B's own related box is the head of that same ranking (the ``newest`` mode's order does not
depend on its limit), so it is kept for B's page too: readers arrive at the newest articles,
and the one ranking serves both.

What this does not see, and leaves to the kept list's lifetime (``related_cache_seconds``):
the asymmetry of the two rankings' scores, B entering A's three best by relevance (which are
shown whatever the stricter floor says) and pushing out one shown only for that, and the
drift of every score as the archive grows. When it cannot tell — B has near-duplicates (the
ranking shows one per group, and which one is its choice), B cannot be ranked — the list
is ranked again, as before.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kabar.archive.base import Archive
from kabar.link import related

if TYPE_CHECKING:
    from kabar.serve.cache import TtlCache

log = logging.getLogger(__name__)

_OLDEST = datetime.min.replace(tzinfo=UTC)  # as link/related.py orders an undated article
_REMEMBERED = 1024  # new articles whose qualified set is kept per process
PAGE_LIMIT = 10  # the article page's related box (article_view.build_article_view's default)


@dataclass(slots=True, frozen=True)
class Qualified:
    """The articles a new article counts as on its subject, newest first."""

    ids: tuple[int, ...]
    reprinted: bool  # it has near-duplicates in the archive

    def names(self, article_id: int) -> bool:
        return article_id in self.ids


@dataclass(slots=True)
class ArrivalPatcher:
    """:class:`kabar.serve.cache.Patcher` over an archive (one per process, shared by its threads)."""

    archive: Archive
    own: TtlCache | None = None  # where a new article's own box is kept (the cache this patches)
    rankings: int = 0  # new articles ranked so far (tests and benchmarks read it: proof without timing)
    _known: OrderedDict[int, Qualified] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _generation: int = 0  # forget() and clear() calls: a ranking that overlapped one is not kept

    def patch(
        self, article_id: int, limit: int, ids: list[int], arrivals: tuple[int, ...]
    ) -> list[int] | None:
        entering: list[int] = []
        for new_id in dict.fromkeys(arrivals):
            if new_id == article_id or new_id in ids:
                continue  # itself, or a ranking that already saw it
            found = self.qualified(new_id)
            if found is None:
                return None
            if not found.names(article_id):
                continue
            if found.reprinted:
                return None  # which of its group the list shows is the ranking's choice
            entering.append(new_id)
        if not entering:
            return ids
        return self._merge(ids, entering, limit)

    def _merge(self, ids: list[int], entering: list[int], limit: int) -> list[int]:
        """``newest`` order: publication time then id, both descending; an article gone is left out."""
        when = {s.id: s.published or _OLDEST for s in self.archive.summaries([*ids, *entering])}
        merged = [i for i in dict.fromkeys([*ids, *entering]) if i in when]
        merged.sort(key=lambda i: (when[i], i), reverse=True)
        return merged[: max(0, limit)]

    def qualified(self, article_id: int) -> Qualified | None:
        """``article_id``'s qualified set, ranked on first need; None: it could not be ranked."""
        with self._lock:
            known = self._known.get(article_id)
            if known is not None:
                self._known.move_to_end(article_id)
                return known
            generation = self._generation
        options = related.RelatedOptions(mode="newest", limit=related.MAX_LIMIT)
        try:
            hits = related.related(self.archive, article_id, options)
            reprinted = bool(self.archive.duplicates.members_of(article_id))
        except related.RelatedError:
            hits, reprinted = [], False  # gone, or no text to rank by: it enters nobody's list
        except Exception:  # e.g. the archive busy: the lists it is noted on are ranked again
            log.exception("ranking the new article %s failed", article_id)
            return None
        found = Qualified(tuple(h.id for h in hits), reprinted)
        with self._lock:
            self.rankings += 1
            if generation != self._generation:
                return found  # the article changed while it was ranked: used once, not kept
            self._known[article_id] = found
            while len(self._known) > _REMEMBERED:
                self._known.popitem(last=False)
        if self.own is not None:
            self.own.put((article_id, PAGE_LIMIT), list(found.ids[:PAGE_LIMIT]))
        return found

    def forget(self, article_ids: Iterable[int]) -> None:
        with self._lock:
            self._generation += 1
            for article_id in article_ids:
                self._known.pop(article_id, None)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._known.clear()


__all__ = ["ArrivalPatcher", "Qualified"]
