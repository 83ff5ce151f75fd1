"""Bulk mode's second half: the derived indexes of articles stored without them, built at the end.

In bulk mode (:func:`kabar.archive.batch_write.deferred_indexes`) ingest stores the article
rows (with the same-article, copy and change-log rules of ``add``) and nothing else.
:func:`build_pending` then builds every derived index for those articles — search and, on
PostgreSQL, related news' statistics; near-duplicates; entities; stories — in **id order**,
the order ingest would have indexed them in, so the archive answers exactly as if they had
been ingested one by one (``tests/test_bulk_ingest.py`` compares the two on both backends).

Which articles are pending needs no marker table: every indexed article has a ``search_docs``
row (the search indexer writes one for every article, with terms or without), so *pending* is
"an article without a ``search_docs`` row". The passes run a chunk of articles at a time, each
chunk **one transaction** holding all its indexes: a build that is interrupted
(killed, a fault of the archive) leaves the chunks before committed and the rest pending, and
running :func:`build_pending` again goes on from there with the same result.

Per chunk:

- **search** (and related statistics on PostgreSQL): one set-based write of the chunk's
  documents through the backend's own index (:class:`~kabar.archive.stores.SearchIndex`),
  where the search indexer stands in the archive's list (first by default; the change-reach
  indexer, last, then sees the chunk's documents);
- **stories**: the clustering runs article by article (its result depends on the order), on a
  write-back store (:class:`~kabar.archive.bulk_stories.BufferedStoryStore`) that keeps the
  chunk's document frequencies, centroids, keys and memberships in memory and writes them
  once at the chunk's end — the same assignments, a few statements a chunk instead of a
  few hundred rows an article;
- **entities**: the indexer article by article in id order, on a write-back store
  (:class:`~kabar.archive.bulk_entities.BufferedEntityStore`) that resolves the chunk's entities
  in memory over one read of each name and writes each entity table's rows once at the chunk's end;
- **near-duplicates**: :meth:`~kabar.link.dedup.DedupIndexer.index_chunk` (a
  :class:`ChunkIndexer`), article by article in id order, the stored buckets of the chunk's
  band keys read at once and its signatures and bands written at once.

An indexer that raises on one article (not a fault of the archive) makes the chunk run again
article by article, each in a savepoint; the article it fails on is taken out of the archive
(as ingest rejects an article an indexer fails on) and named in :attr:`BuildReport.refused`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol, runtime_checkable

from sqlalchemy import delete, select, text
from sqlalchemy.engine import Connection

from kabar.archive.articles_core import CoreArchive, article_from_row
from kabar.archive.base import Indexer
from kabar.archive.bulk_entities import BufferedEntityStore
from kabar.archive.bulk_stories import BufferedStoryStore
from kabar.archive.bulk_story_state import StoryBuildState
from kabar.archive.errors import ArchiveError
from kabar.archive.fts import FtsIndexer
from kabar.archive.index_pass import ArticleAnalyses, index_each
from kabar.archive.schema import articles
from kabar.archive.sql_source import BoundSource
from kabar.archive.store_access import SqlStores
from kabar.archive.stores import IndexStores
from kabar.archive.term_records import IndexedDoc
from kabar.model import Article

CHUNK = 500  # articles per transaction of the build: big enough to batch, small enough to resume
_PENDING = text(
    "SELECT a.id FROM articles a WHERE a.id > :after "
    "AND NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.id = a.id) ORDER BY a.id LIMIT :n"
)
_COUNT = text(
    "SELECT count(*) FROM articles a WHERE NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.id = a.id)"
)
# The cheap check for a command's start: is the newest article unindexed (an interrupted bulk
# load leaves its newest articles pending)?
_NEWEST_PENDING = text(
    "SELECT 1 FROM articles a WHERE a.id = (SELECT max(id) FROM articles) "
    "AND NOT EXISTS (SELECT 1 FROM search_docs s WHERE s.id = a.id)"
)


@runtime_checkable
class ChunkIndexer(Indexer, Protocol):
    """An indexer that indexes a chunk's articles (each with its id) as it would one by one, in
    their order, with fewer statements."""

    def index_chunk(self, stores: IndexStores, articles: Sequence[Article]) -> None: ...


class BulkModeRefused(ValueError):
    """Bulk mode needs the search indexer: its ``search_docs`` rows are what marks an article indexed."""


@dataclass(slots=True, frozen=True)
class RefusedArticle:
    """An article an indexer failed on during the build: taken out of the archive."""

    id: int
    headline: str | None
    error: str


@dataclass(slots=True)
class BuildReport:
    articles: int = 0  # articles indexed by this build
    chunks: int = 0
    seconds: float = 0.0  # wall
    refused: list[RefusedArticle] = field(default_factory=list)


Progress = Callable[[int], None]


def require_search_indexer(indexers: Sequence[Indexer]) -> FtsIndexer:
    for ix in indexers:
        if isinstance(ix, FtsIndexer):
            return ix
    raise BulkModeRefused("bulk mode needs the archive's search indexer (kabar.wiring.default_indexers)")


def pending_count(archive: CoreArchive) -> int:
    """Articles stored in bulk mode whose derived indexes are not built yet."""
    with archive.engine.connect() as conn:
        return int(conn.execute(_COUNT).scalar_one())


def newest_pending(archive: CoreArchive) -> bool:
    """Whether the newest article is unindexed: a bulk load was interrupted (two index look-ups)."""
    with archive.engine.connect() as conn:
        return conn.execute(_NEWEST_PENDING).first() is not None


def build_pending(
    archive: CoreArchive, *, chunk: int = CHUNK, progress: Progress | None = None
) -> BuildReport:
    """Build the derived indexes of every pending article, in id order, a chunk a transaction.

    Raises :class:`BulkModeRefused` when the archive has no search indexer, and what the
    archive raises for its own faults (:class:`~kabar.archive.errors.ArchiveError`): the chunk
    being built is rolled back, the ones before it stay built, a rerun goes on.
    """
    require_search_indexer(archive.indexers)
    if chunk < 1:
        raise ValueError(f"the chunk must be at least 1 article, not {chunk}")
    report = BuildReport()
    started = time.perf_counter()
    state = StoryBuildState()  # this build's: bulk mode is the archive's one writer while it runs
    after = 0
    while True:
        with archive.engine.connect() as conn:
            ids = [int(r[0]) for r in conn.execute(_PENDING, {"after": after, "n": chunk})]
        if not ids:
            break
        _build_chunk(archive, ids, report, state)
        report.chunks += 1
        after = ids[-1]
        if progress is not None:
            progress(len(ids))
    report.seconds = time.perf_counter() - started
    return report


def _build_chunk(archive: CoreArchive, ids: list[int], report: BuildReport, state: StoryBuildState) -> None:
    with archive.engine.begin() as conn:
        archive._begin_write(conn)  # PostgreSQL: the writers' turn, as every write transaction
        items = _load(conn, ids)
        refused: list[RefusedArticle] = []
        try:
            with conn.begin_nested():
                _index_all(archive, conn, items, state)
        except ArchiveError:
            raise
        except Exception:  # an indexer failed on some article: find it, one savepoint each
            refused = _index_one_by_one(archive, conn, items, state)
    report.refused.extend(refused)
    report.articles += len(items) - len(refused)


def _load(conn: Connection, ids: list[int]) -> list[Article]:
    rows = conn.execute(select(articles.c.id, articles.c.data).where(articles.c.id.in_(ids)))
    found = {int(r[0]): article_from_row(int(r[0]), r[1]) for r in rows}
    return [found[i] for i in ids if i in found]  # id order: the order ingest indexes in


def _index_all(
    archive: CoreArchive, conn: Connection, items: Sequence[Article], state: StoryBuildState
) -> None:
    """Every indexer, in the archive's order, over the whole chunk: the kinds are independent of
    one another, so running each over all the articles equals running all over each."""
    state.begin(conn)
    try:
        _index_chunk(archive, conn, items, state)
    except BaseException:
        state.invalidate()  # its savepoint is rolled back: what it held is not in the tables
        raise
    state.settled(conn)


def _index_chunk(
    archive: CoreArchive, conn: Connection, items: Sequence[Article], state: StoryBuildState
) -> None:
    base = archive.index_stores(conn)
    buffered = BufferedStoryStore(BoundSource(conn), archive.centroids, state)
    named = BufferedEntityStore(BoundSource(conn))
    stores: SqlStores = replace(base, stories=buffered, entities=named)
    analyses = [ArticleAnalyses(article) for article in items]  # each text analysed once, for all
    for ix in archive.indexers:
        if isinstance(ix, FtsIndexer):  # one set-based write of the chunk's documents
            stores.search_index.add([_doc(ix, one) for one in analyses])
            continue
        if isinstance(ix, ChunkIndexer):
            ix.index_chunk(stores, items)
            continue
        index_each(ix, stores, analyses)
    named.flush()
    buffered.flush()


def _doc(ix: FtsIndexer, analyses: ArticleAnalyses) -> IndexedDoc:
    article = analyses.article
    assert article.id is not None
    return ix.doc(article.id, article, analyses.by(ix.text_analyzer))


def _index_one_by_one(
    archive: CoreArchive, conn: Connection, items: Sequence[Article], state: StoryBuildState
) -> list[RefusedArticle]:
    state.invalidate()  # the chunk's savepoint is rolled back
    refused = []
    for article in items:
        assert article.id is not None
        try:
            with conn.begin_nested():
                _index_all(archive, conn, [article], state)
        except ArchiveError:
            raise
        except Exception as exc:
            # As ingest rejects an article an indexer fails on: nothing of it stays.
            conn.execute(delete(articles).where(articles.c.id == article.id))
            refused.append(RefusedArticle(article.id, article.headline, f"{type(exc).__name__}: {exc}"))
    return refused


__all__ = [
    "CHUNK",
    "BuildReport",
    "BulkModeRefused",
    "ChunkIndexer",
    "RefusedArticle",
    "build_pending",
    "newest_pending",
    "pending_count",
    "require_search_indexer",
]
