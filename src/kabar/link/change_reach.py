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
"""

from __future__ import annotations

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


@dataclass(slots=True)
class ReachIndexer:
    """Notes, per stored article, the articles whose related news it may enter (one BM25 match)."""

    options: ReachOptions = field(default_factory=ReachOptions)
    name: str = "reach"

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        stores.change_notes.note_reach(article_id, article, self.reached(stores, article_id, article))

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


__all__ = ["ReachIndexer", "ReachOptions"]
