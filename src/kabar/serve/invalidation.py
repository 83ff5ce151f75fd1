"""Which kept answers a batch of archive changes makes stale (the response cache's targeted invalidation).

Two kinds of answer are kept (serve/response_cache.py):

- **an article's own answers** (``/artikel/{id}``, ``/api/articles/{id}``, its related list):
  they show the article, its copies, its story (label and size), its related news, and links
  to other articles and outside URLs. Such an answer is stale when the change log names the
  article itself, a story it is in, an article whose related ranking may now list or drop it,
  an article it links to that was updated, or a URL it links out to that an article was just
  stored under (the link now points inside the portal).
- **everything else** — front page, sections, search, feeds, lists, story and entity pages:
  stale after any logged change (what they list moves with every new article).

"Whose related ranking may now list it" and "a story it is in" are worked out once, when the
change is written (archive/change_log.py's ``affected``, link/change_reach.py: the new
article's own best related matches, the relation taken as symmetric, and its story's
members), so reading a batch costs one indexed range query per worker and nothing else. What
the symmetric approximation misses, and the slow drift of every score as document
frequencies move, are bounded by the article answers' maximum age (the related cache's
lifetime). A row that does not name its pages (written before migration 0009_change_reach,
or by a writer without the reach indexer) makes the whole batch "everything".

The same rows say what happens to the kept related rankings (serve/cache.py,
:attr:`Invalidation.rankings`): a new article is an arrival on the rankings of the articles
its row names (checked, not dropped: one ranking of the new article per process instead of
one of each named article); an updated one drops them, and every ranking listing it; a copy
moves no ranking (copies are not ranked). A page dropped for any other reason (a list, a link,
a URL) is rendered again with its kept ranking.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kabar.archive.change_log import ChangeBatch
from kabar.serve.cache import Arrival, RankingChanges

# ASCII digits only (``\d`` takes any script's): another spelling of an id is a list-kind
# answer, dropped on any change, which is always safe.
_ARTICLE_PATH = re.compile(r"^/artikel/([0-9]{1,18})(?:/[^/]*)?$")
_API_PATH = re.compile(r"^/api/articles/([0-9]{1,18})(?:/related)?$")
_LINK = re.compile(rb"/artikel/([0-9]{1,18})")
# Absolute URLs as an HTML attribute (entities escaped) or a JSON string carries them; the
# quote, angle bracket or space that ends one is never part of an href the portal writes.
_URL = re.compile(rb"https?://[^\s\"'<>\\]+")
_MAX_URLS = 2_000  # per answer: a hostile page with thousands of links keeps only these


@dataclass(slots=True, frozen=True)
class Dependencies:
    """What a kept answer shows, as far as invalidation is concerned."""

    article_id: int | None  # the article it is about; None: a list (stale on any change)
    links: frozenset[int] = frozenset()  # article ids it links to
    urls: frozenset[str] = frozenset()  # outside URLs it links to


LIST = Dependencies(None)


def article_of(path: str) -> int | None:
    """The article an address is about (``/artikel/12/slug``, ``/api/articles/12/related``), else None."""
    found = _ARTICLE_PATH.match(path) or _API_PATH.match(path)
    return int(found.group(1)) if found is not None else None


def dependencies(path: str, body: bytes) -> Dependencies:
    """An answer's dependencies, read from its address and its body."""
    article_id = article_of(path)
    if article_id is None:
        return LIST
    links = frozenset(int(m) for m in _LINK.findall(body)) - {article_id}
    urls: set[str] = set()
    for match in _URL.finditer(body):
        urls.add(html.unescape(match.group(0).decode("utf-8", "replace")))
        if len(urls) >= _MAX_URLS:
            break
    return Dependencies(article_id, links, frozenset(urls))


@dataclass(slots=True, frozen=True)
class Invalidation:
    everything: bool = False  # the log could not say what changed
    lists: bool = False  # any logged change: every list answer is stale
    article_ids: frozenset[int] = frozenset()  # their own answers are stale
    linked_ids: frozenset[int] = frozenset()  # answers linking to them are stale
    urls: frozenset[str] = frozenset()  # answers linking out to them are stale
    rankings: RankingChanges = field(default_factory=RankingChanges)  # what kept related rankings make of it

    @property
    def empty(self) -> bool:
        return not (self.everything or self.lists)

    def affects(self, deps: Dependencies) -> bool:
        if self.everything:
            return True
        if deps.article_id is None:
            return self.lists
        return (
            deps.article_id in self.article_ids
            or not self.linked_ids.isdisjoint(deps.links)
            or not self.urls.isdisjoint(deps.urls)
        )


EVERYTHING = Invalidation(everything=True, lists=True)
NOTHING = Invalidation()


def plan(batch: ChangeBatch) -> Invalidation:
    """What ``batch`` makes stale: read from the log rows alone, never from the archive."""
    if not batch.complete:
        return EVERYTHING
    if not batch.changes:
        return NOTHING
    own: set[int] = set()
    linked: set[int] = set()
    urls: set[str] = set()
    arrivals: list[Arrival] = []
    reranked: set[int] = set()
    for change in batch.changes:
        if change.affected is None:
            return EVERYTHING  # the row cannot say which pages it touches
        own.add(change.article_id)
        own.update(change.affected)
        if change.change == "updated":
            linked.add(change.article_id)  # its headline or time may read differently where linked
            reranked.add(change.article_id)
            reranked.update(change.affected)
        elif change.change == "added":
            arrivals.append(Arrival(change.article_id, change.affected))
        if change.change in ("added", "updated"):
            urls.update(change.urls)
    rankings = RankingChanges(tuple(arrivals), frozenset(reranked), frozenset(linked))
    return Invalidation(
        lists=True,
        article_ids=frozenset(own),
        linked_ids=frozenset(linked),
        urls=frozenset(urls),
        rankings=rankings,
    )


__all__ = [
    "EVERYTHING",
    "LIST",
    "NOTHING",
    "Dependencies",
    "Invalidation",
    "article_of",
    "dependencies",
    "plan",
]
