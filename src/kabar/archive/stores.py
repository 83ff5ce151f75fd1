"""The archive's typed stores: one per concern, the only way above ``archive/`` reaches storage.

Each store is a Protocol with typed records in and out. The SQL implementations
(:mod:`kabar.archive.story_store`, :mod:`~kabar.archive.entity_store`,
:mod:`~kabar.archive.duplicate_store`, :mod:`~kabar.archive.fetch_log`,
:mod:`~kabar.archive.frontier`) are SQLAlchemy Core, dialect-neutral, shared by every SQL
backend; term statistics and the search index belong to a backend's search
(:mod:`kabar.archive.fts` on SQLite).

An archive offers them for reading (``archive.stories``, ``archive.entities`` …; each call
its own short transaction). Inside ingest every :class:`~kabar.archive.base.Indexer` gets an
:class:`IndexStores` whose stores all write on the article's one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kabar.archive.copy_store import CopyRecord
from kabar.archive.term_records import DocTerms, IndexedDoc, MatchOptions, ScoredId
from kabar.model import Article, EntityType
from kabar.sources.crawler import FetchResult
from kabar.sources.fetchlog import FrontierCounts, PendingLink, SourceRow
from kabar.understand.store import EntityRecord
from kabar.understand.story_cluster import StoryStore as ClusterStore
from kabar.understand.story_features import ArticleFeatures

# -- stories -----------------------------------------------------------------------


@dataclass(slots=True)
class StorySummary:
    id: int
    label: str
    article_count: int
    first_published: datetime | None = None
    last_published: datetime | None = None


@dataclass(slots=True)
class StoryMember:
    """One article's place in a story, with the features that can take it back out."""

    story_id: int
    article_id: int
    published: datetime | None
    score: float
    features: ArticleFeatures


class StoryStore(ClusterStore, Protocol):
    """Stories: the clustering's own state (:class:`kabar.understand.story_cluster.StoryStore`),
    membership, and the reads of the portal, the API and the CLI."""

    def set_member(self, member: StoryMember) -> None: ...

    def member(self, article_id: int) -> StoryMember | None: ...

    def remove_member(self, article_id: int) -> None: ...

    def settle(self, story_id: int) -> None:
        """After a member left: drop the story if it is empty, else recompute its span."""
        ...

    def list_stories(self, limit: int = 20, offset: int = 0, min_articles: int = 2) -> list[StorySummary]: ...

    def count_stories(self, min_articles: int = 2) -> int: ...

    def summary(self, story_id: int) -> StorySummary | None: ...

    def article_story(self, article_id: int) -> int | None: ...

    def story_article_ids(self, story_id: int) -> list[int]: ...

    def member_features(self, story_id: int) -> list[ArticleFeatures]: ...


# -- entities ----------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class EntityEntry:
    """One entity of an article as the entity indexer records it (its names normalised already)."""

    type: str
    name: str  # the display name of an entity created for it
    lookup: tuple[str, ...]  # normalised names that may identify it archive-wide, strongest first
    mentions: int
    role: str | None  # the role the article gives it (kept on the article's link)
    names: tuple[tuple[str, str], ...] = ()  # (normalised, as written) names to record
    roles: tuple[str, ...] = ()  # roles to record (a role twice counts twice)


@dataclass(slots=True, frozen=True)
class EntityCount:
    id: int
    name: str
    type: EntityType
    articles: int  # how many of the given articles name it


@dataclass(slots=True, frozen=True)
class ArticleEntity:
    """An entity as one article names it, with how many articles name it archive-wide."""

    article_id: int
    entity_id: int
    name: str
    type: EntityType
    mentions: int
    article_count: int


@dataclass(slots=True, frozen=True)
class EntityQuery:
    limit: int = 20
    offset: int = 0
    type: EntityType | None = None
    name: str | None = None  # a case-insensitive substring of any name seen


@dataclass(slots=True, frozen=True)
class EntityName:
    """A name as an article gives it, with its type when known (a key for :meth:`EntityStore.find_entity_ids`)."""

    name: str
    type: EntityType | None = None


class EntityStore(Protocol):
    def index_article(
        self, article_id: int, published: datetime | None, entries: Sequence[EntityEntry]
    ) -> None:
        """Record an article's entities, in order: each resolved to the stored entity its first
        resolvable lookup name names (most-named wins), else created; linked, names and roles counted."""
        ...

    def unlink_article(self, article_id: int) -> None: ...

    def get_entity(self, entity_id: int) -> EntityRecord | None: ...

    def list_entities(self, query: EntityQuery | None = None) -> list[EntityRecord]: ...

    def entity_articles(self, entity_id: int, limit: int = 20, offset: int = 0) -> list[int]: ...

    def article_entity_ids(self, article_id: int) -> list[int]: ...

    def find_entity_id(self, name: str, type: EntityType | None = None) -> int | None: ...

    def find_entity_ids(self, names: Sequence[EntityName]) -> dict[EntityName, int]:
        """:meth:`find_entity_id` for many names at once (the names not found are left out)."""
        ...

    def top_in_articles(self, article_ids: Sequence[int], limit: int = 30) -> list[EntityCount]: ...

    def entities_of(self, article_ids: Sequence[int]) -> dict[int, list[ArticleEntity]]:
        """Each article's entities in one query (related news compares a query with its candidates)."""
        ...

    def entity_ids_of(self, article_ids: Sequence[int]) -> dict[int, frozenset[int]]:
        """Only the entity ids of each article, in one query: what related news compares its
        candidates by (the full rows of sixty candidates were a quarter of a call's CPU)."""
        ...


# -- near-duplicates ---------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class StoredSignature:
    article_id: int
    shingles: int
    signature: bytes  # kabar.link.minhash.to_blob


@dataclass(slots=True, frozen=True)
class BandedSignature:
    """A signature with its LSH band keys: the rows :meth:`DuplicateStore.add_signature` writes."""

    signature: StoredSignature
    band_keys: tuple[int, ...]


@dataclass(slots=True, frozen=True)
class GroupRow:
    article_id: int
    group_id: int
    similarity: float


@dataclass(slots=True)
class DuplicateMember:
    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    similarity: float  # best verified similarity to another member of the group


@dataclass(slots=True)
class DuplicateGroup:
    group_id: int  # the smallest article id in the group
    members: list[DuplicateMember] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class GroupQuery:
    limit: int | None = None
    offset: int = 0
    min_size: int = 2


class DuplicateStore(Protocol):
    """MinHash signatures, LSH band buckets and duplicate groups (the algorithm: kabar.link.dedup)."""

    def add_signature(self, signature: StoredSignature, band_keys: Sequence[int]) -> None: ...

    def signature(self, article_id: int) -> StoredSignature | None: ...

    def remove_signature(self, article_id: int, band_keys: Sequence[int]) -> None: ...

    def band_candidates(self, keys: Sequence[int], per_band: int) -> set[int]:
        """Articles sharing a band key, at most ``per_band`` per key (a crowded bucket is boilerplate)."""
        ...

    def signatures(self, ids: Sequence[int]) -> list[StoredSignature]: ...

    def band_rows(self, keys: Sequence[int], per_band: int) -> dict[int, list[int]]:
        """For each of ``keys`` that has rows, the articles in its bucket in id order, at most
        ``per_band``: :meth:`band_candidates`'s rows for many articles' keys in a few statements."""
        ...

    def add_signatures(self, signed: Sequence[BandedSignature]) -> None:
        """:meth:`add_signature` for many articles, set-based."""
        ...

    def group_rows(self, ids: Sequence[int]) -> dict[int, GroupRow]: ...

    def merge_groups(self, groups: Iterable[int], into: int) -> None: ...

    def set_similarity(self, article_id: int, similarity: float) -> None: ...

    def add_members(self, rows: Sequence[GroupRow]) -> None: ...

    def group_of(self, article_id: int) -> int | None: ...

    def group_members(self, group_id: int) -> list[int]: ...

    def drop_group(self, group_id: int) -> None: ...

    def members_of(self, article_id: int) -> list[int]:
        """Every other article in ``article_id``'s group (empty if it has none)."""
        ...

    def groups_of(self, ids: Sequence[int]) -> dict[int, int]:
        """article id → group id, for those of ``ids`` that have near-duplicates."""
        ...

    def list_groups(self, query: GroupQuery | None = None) -> list[DuplicateGroup]:
        """Groups, largest first, each with its members oldest first."""
        ...


# -- copies ------------------------------------------------------------------------


class CopyStore(Protocol):
    """Every other URL and outlet a stored text appeared under (kabar.archive.copy_store)."""

    def record(self, copy: CopyRecord) -> bool:
        """Keep a copy; False if its URL was recorded already."""
        ...

    def copies_of(self, article_id: int) -> list[CopyRecord]:
        """The article's copies, earliest first (publication time, else first seen)."""
        ...

    def copies_of_many(self, ids: Sequence[int]) -> dict[int, list[CopyRecord]]: ...

    def count(self) -> int: ...

    def all_copies(self) -> list[CopyRecord]: ...


# -- the search index and its statistics (backend-specific: kabar.archive.fts) ------


class TermStats(Protocol):
    """What related news needs from the search index: counts, stored terms, BM25 candidates."""

    def collection_size(self) -> int: ...

    def doc_frequencies(self, terms: Iterable[str], cap: int | None = None) -> dict[str, int]: ...

    def indexed_terms(self, ids: Sequence[int]) -> dict[int, DocTerms]: ...

    def match_terms(self, terms: Sequence[str], options: MatchOptions) -> list[ScoredId]: ...


class SearchIndex(Protocol):
    def add(self, docs: Sequence[IndexedDoc]) -> None: ...

    def remove(self, article_id: int) -> None: ...


# -- the engine's memory -------------------------------------------------------------


class FetchLogStore(Protocol):
    """Every request the engine made, and one row of state per configured source."""

    def record(self, result: FetchResult) -> None: ...

    def prune(self, keep: int = 200_000) -> int: ...

    def recent_fetches(self, limit: int = 50) -> list[dict[str, Any]]: ...

    def fetch_counts(self) -> dict[str, int]: ...

    def ensure_source(self, name: str, kind: str, url: str) -> None: ...

    def source(self, name: str) -> SourceRow | None: ...

    def sources(self) -> list[SourceRow]: ...

    def poll_done(
        self, name: str, result: FetchResult, *, links: int, error: str | None, next_due: datetime
    ) -> None: ...

    def count_article(self, name: str | None, *, added: bool, failed: bool) -> None: ...


class FrontierStore(Protocol):
    """Every article link discovered, fetched once, resumable."""

    def discover(self, links: list[tuple[str, dict[str, str]]], source: str | None) -> int: ...

    def state_of(self, url: str) -> str | None: ...

    def pending(self, limit: int = 100) -> list[PendingLink]: ...

    def finish(
        self, url: str, *, outcome: str, article_id: int | None, retry: bool, max_attempts: int = 3
    ) -> None: ...

    def mark_pages(self, urls: list[str], *, article_id: int, source: str | None) -> None: ...

    def counts(self) -> FrontierCounts: ...


# -- what an indexer is handed ---------------------------------------------------------


class DerivedStores(Protocol):
    """The derived indexes both an archive and an indexer's transaction offer."""

    @property
    def stories(self) -> StoryStore: ...

    @property
    def entities(self) -> EntityStore: ...

    @property
    def duplicates(self) -> DuplicateStore: ...

    @property
    def term_stats(self) -> TermStats: ...


class ChangeNoter(Protocol):
    """Where an indexer notes, for the change log's row, which articles' pages a change reaches."""

    def note_reach(self, article_id: int, article: Article, reached: Iterable[int]) -> None: ...


class IndexStores(DerivedStores, Protocol):
    """The stores an indexer writes through, all on the article's one transaction."""

    @property
    def search_index(self) -> SearchIndex: ...

    @property
    def change_notes(self) -> ChangeNoter: ...


__all__ = [
    "ArticleEntity",
    "BandedSignature",
    "ChangeNoter",
    "CopyStore",
    "DuplicateGroup",
    "DuplicateMember",
    "DuplicateStore",
    "EntityCount",
    "EntityEntry",
    "EntityQuery",
    "EntityStore",
    "FetchLogStore",
    "FrontierStore",
    "GroupQuery",
    "GroupRow",
    "IndexStores",
    "SearchIndex",
    "StoredSignature",
    "StoryMember",
    "StoryStore",
    "StorySummary",
    "TermStats",
]
