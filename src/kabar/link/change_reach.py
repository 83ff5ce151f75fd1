"""Which articles' "Berita terkait" a newly stored article may enter: worked out once, at ingest.

The portal keeps each article's rendered page until something it shows changes
(serve/invalidation.py). A new or updated article B changes article A's page when B enters
A's related news. Finding every such A exactly would rank every article again; instead the
relation is taken as symmetric: B enters A's box when A and B are about the same thing,
which is when A ranks high in B's own related match. :class:`ReachIndexer` runs that match
(the first, BM25 stage of link/related.py: B's distinctive terms, as :func:`build_profile`
picks them) right after B is indexed, on B's own transaction, and notes the top
:attr:`ReachOptions.reach` articles for the change log's row (archive/change_log.py), so a
portal worker reads the answer instead of ranking B again in every process.

What the approximation misses (B clearing A's floor while A is not among B's best) is
bounded by how long the portal keeps an article's page (``ServeOptions.article_cache_seconds``).
The story's members are added by the change log itself (their story box reads its size).

An updated article may change story: the members of the story it leaves lose it from their
story box (its size) and their related candidates. By the time this indexer runs the story
indexer has already moved it, so :class:`StoryLeft` (:attr:`ReachIndexer.story_left`, listed
before the story indexer: kabar.wiring) notes the old story's members on the update's
``remove`` pass, and :meth:`ReachIndexer.index` names them too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kabar.archive.stores import IndexStores
from kabar.archive.term_records import MatchOptions
from kabar.link.related import RelatedOptions
from kabar.link.related_profile import build_profile
from kabar.model import Article


@dataclass(slots=True, frozen=True)
class ReachOptions:
    # Twice the related box's length: B's arrival matters to the articles it ranks among its own
    # best, and a margin covers the related ranking's re-scoring (names, time) reordering them.
    reach: int = 20
    related: RelatedOptions = field(default_factory=lambda: RelatedOptions(mode="newest"))


_LEFT_KEPT = 1_024  # notes of updates never indexed (their transaction failed) are dropped past this


@dataclass(slots=True)
class StoryLeft:
    """An indexer that only looks: on an update's ``remove`` pass, before the story indexer moves
    the article, it notes the members of the story the article is in, for :class:`ReachIndexer`.

    Notes are keyed by the transaction's stores object and the article (one ingest transaction
    updates an article once); a writer's threads each hold their own transaction."""

    name: str = "reach-story-left"
    _left: dict[tuple[int, int], frozenset[int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        return None  # an addition leaves no story

    def remove(self, stores: IndexStores, article_id: int) -> None:
        story_id = stores.stories.article_story(article_id)
        if story_id is None:
            return
        members = frozenset(stores.stories.story_article_ids(story_id)) - {article_id}
        with self._lock:
            if len(self._left) >= _LEFT_KEPT:
                self._left.clear()
            self._left[id(stores), article_id] = members

    def take(self, stores: IndexStores, article_id: int) -> frozenset[int]:
        """The members noted for this update (none for an addition), forgotten once taken."""
        with self._lock:
            return self._left.pop((id(stores), article_id), frozenset())


@dataclass(slots=True)
class ReachIndexer:
    """Notes, per stored article, the articles whose related news it may enter (one BM25 match),
    and on an update the members of the story it left (:attr:`story_left` must run first)."""

    options: ReachOptions = field(default_factory=ReachOptions)
    name: str = "reach"
    story_left: StoryLeft = field(default_factory=StoryLeft)

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        reached = [*self.reached(stores, article_id, article), *self.story_left.take(stores, article_id)]
        stores.change_notes.note_reach(article_id, article, reached)

    def remove(self, stores: IndexStores, article_id: int) -> None:
        return None  # nothing stored of its own: the note lives only until the log row is written

    def reached(self, stores: IndexStores, article_id: int, article: Article) -> list[int]:
        related = self.options.related
        profile = build_profile(stores.term_stats, article_id, article, related.profile)
        if not profile.query:
            return []  # no distinctive term: it enters nobody's related news
        options = MatchOptions(limit=self.options.reach + 1, max_candidates=related.match_budget)
        found = stores.term_stats.match_terms(profile.query, options)
        return [s.id for s in found if s.id != article_id][: self.options.reach]


__all__ = ["ReachIndexer", "ReachOptions", "StoryLeft"]
