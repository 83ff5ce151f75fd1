"""The archive's one narrow seam.

Everything above the archive (link, serve, CLI, engine) talks to :class:`Archive`;
SQLite is the default backend and PostgreSQL can stand beside it behind the same
protocol and the same test suite. Indexers (search, near-duplicates, entities,
stories) hook into ingest through :class:`Indexer` so that adding one article
updates every index incrementally inside the article's own transaction.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Protocol, runtime_checkable

from kabar.archive.stores import (
    CopyStore,
    DerivedStores,
    FetchLogStore,
    FrontierStore,
    IndexStores,
)
from kabar.model import Article, TimePrecision

if TYPE_CHECKING:  # the stream's records import this module's neighbours
    from kabar.archive.article_stream import ArticlePage, StreamQuery

# "copy": the text was stored already and this new URL or outlet was recorded as its copy
# (kabar.archive.copy_store); the same URL again is "unchanged".
AddStatus = Literal["added", "unchanged", "updated", "copy"]


@dataclass(slots=True, frozen=True)
class AddResult:
    id: int
    status: AddStatus


@dataclass(slots=True, frozen=True)
class BatchAdd:
    """One article of ``add_batch``: stored (``result``), or refused alone (``error``: it raised
    inside its own savepoint, nothing of it stored, the batch's other articles unaffected)."""

    result: AddResult | None = None
    error: Exception | None = None


@dataclass(slots=True, frozen=True)
class ListQuery:
    limit: int = 20
    offset: int = 0
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(slots=True)
class ArticleSummary:
    """A light row for lists: no body, so listing stays cheap at 1M articles."""

    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    description: str | None = None
    # "day": ``published`` is a bare day, shown as its date alone; None also for rows stored before
    # kabar kept it (migration 0011_time_precision).
    published_precision: TimePrecision | None = None


@dataclass(slots=True, frozen=True)
class ArticleBrief:
    """An article as a list of other articles shows it (related news, a story's timeline, an
    entity's articles): read from the row's columns, the stored JSON opened only for the
    first paragraph of an article without a description."""

    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    blurb: str | None  # the description, else the first paragraph (what an Article would show)
    published_precision: TimePrecision | None = None  # "day": a bare day, shown as its date


@dataclass(slots=True, frozen=True)
class SearchQuery:
    text: str
    limit: int = 10
    offset: int = 0
    outlet: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    order: Literal["relevance", "newest"] = "relevance"


@dataclass(slots=True)
class SearchHit:
    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    score: float
    snippet: str  # with matches marked by «…» (the portal turns them into <mark>)
    published_precision: TimePrecision | None = None  # "day": a bare day, shown as its date


@dataclass(slots=True)
class SearchResult:
    query: str
    hits: list[SearchHit] = field(default_factory=list)
    total: int = 0
    # False: more than ``total`` articles match (a reader's search counts up to a bound,
    # kabar.archive.search_flow); the hits are the same either way.
    total_exact: bool = True
    message: str | None = None  # a clear word for an empty/stopword-only/odd query


@dataclass(slots=True, frozen=True)
class OutletCount:
    outlet: str
    articles: int


@runtime_checkable
class Indexer(Protocol):
    """Keeps one derived index current. Called inside the ingest transaction.

    ``stores`` are the archive's typed stores bound to that transaction: an indexer writes
    only through them, and never commits.
    """

    name: str

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None: ...

    def remove(self, stores: IndexStores, article_id: int) -> None: ...


class Archive(DerivedStores, Protocol):
    """What every backend offers. Implementations: :mod:`kabar.archive.sqlite`, :mod:`kabar.archive.postgres`."""

    url: str

    def add(self, article: Article) -> AddResult: ...

    def add_batch(self, articles: Sequence[Article]) -> list[BatchAdd]:
        """``add`` for many articles in one transaction, each in a savepoint of its own
        (:mod:`kabar.archive.batch_write`): one result per article, in order."""
        ...

    def add_if_known(self, article: Article) -> AddResult | None:
        """If the archive holds this text: record the article as a copy (or nothing, for a URL
        seen before) and say so; else ``None`` and nothing is written. Lets ingest skip
        understanding for known text without losing the URL it came under."""
        ...

    def get(self, article_id: int) -> Article | None: ...

    def get_many(self, ids: Sequence[int]) -> list[Article]: ...

    def find_id(self, *, canonical_url: str | None = None, content_hash: str | None = None) -> int | None: ...

    def list_articles(self, query: ListQuery) -> list[ArticleSummary]: ...

    def count(self) -> int: ...

    def outlets(self) -> list[OutletCount]: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """Light rows (no body) for these ids, in their order; unknown ids are skipped."""
        ...

    def briefs(self, ids: Sequence[int]) -> list[ArticleBrief]:
        """What a list of articles shows of each, in the order of ``ids`` (unknown ids skipped)."""
        ...

    def shared_read(self) -> AbstractContextManager[None]:
        """Every read inside the block on one connection and transaction (one portal page)."""
        ...

    def own_reads(self) -> AbstractContextManager[None]:
        """Reads inside the block in transactions of their own, even inside :meth:`shared_read`."""
        ...

    def stream_articles(self, query: StreamQuery) -> Iterator[ArticlePage]:
        """Every matching article, a page at a time in id order, memory one page
        (:mod:`kabar.archive.article_stream`; ``kabar export`` reads through it)."""
        ...

    def count_matching(self, query: StreamQuery) -> int:
        """How many articles :meth:`stream_articles` yields for ``query``."""
        ...

    # The typed stores (kabar.archive.stores; the derived ones come with DerivedStores); each
    # call is its own short transaction.
    @property
    def copies(self) -> CopyStore: ...

    @property
    def fetch_log(self) -> FetchLogStore: ...

    @property
    def frontier(self) -> FrontierStore: ...

    def close(self) -> None: ...
