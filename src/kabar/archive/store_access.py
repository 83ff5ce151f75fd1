"""The stores an SQL archive offers, for reading and inside ingest (shared by every SQL backend).

:class:`StoreAccess` is mixed into :class:`~kabar.archive.articles_core.CoreArchive`: each
property is a store whose calls run in their own short transaction, and :meth:`index_stores`
binds the same stores to the ingest transaction for the indexers. A backend supplies only its
search (:meth:`search_stores`): FTS5 on SQLite, a ``tsvector`` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, bindparam, case, or_, select
from sqlalchemy.engine import Connection, Engine

from kabar.archive.base import ArticleBrief, ArticleSummary
from kabar.archive.centroid_cache import CentroidCache
from kabar.archive.change_log import ChangeNotes
from kabar.archive.copy_store import SqlCopyStore
from kabar.archive.duplicate_store import SqlDuplicateStore
from kabar.archive.entity_store import SqlEntityStore
from kabar.archive.fetch_log import SqlFetchLog
from kabar.archive.frontier import SqlFrontier
from kabar.archive.schema import articles
from kabar.archive.sql_source import BoundSource, ConnectionSource, EngineSource
from kabar.archive.statements import once, parse_time
from kabar.archive.stores import SearchIndex, TermStats
from kabar.archive.story_store import SqlStoryStore
from kabar.serialize import stored_precision


class SearchStores(SearchIndex, TermStats, Protocol):
    """A backend's search as the stores see it: the index ingest writes, the statistics related news reads."""


@dataclass(slots=True, frozen=True)
class SqlStores:
    """:class:`kabar.archive.stores.IndexStores` over one connection source."""

    stories: SqlStoryStore
    entities: SqlEntityStore
    duplicates: SqlDuplicateStore
    term_stats: TermStats
    search_index: SearchIndex
    change_notes: ChangeNotes


def sql_stores(
    source: ConnectionSource, search: SearchStores, centroids: CentroidCache | None = None
) -> SqlStores:
    return SqlStores(
        stories=SqlStoryStore(source, centroids),
        entities=SqlEntityStore(source),
        duplicates=SqlDuplicateStore(source),
        term_stats=search,
        search_index=search,
        change_notes=ChangeNotes(source),
    )


class StoreAccess:
    engine: Engine
    centroids: CentroidCache  # the archive's parsed story centroids (kabar.archive.centroid_cache)

    def search_stores(self, source: ConnectionSource) -> SearchStores:
        raise NotImplementedError(f"{type(self).__name__} has no search backend")

    def index_stores(self, conn: Connection) -> SqlStores:
        """The stores on the ingest transaction ``conn`` (for the indexers; never commits)."""
        source = BoundSource(conn)
        return sql_stores(source, self.search_stores(source), self.centroids)

    @property
    def stories(self) -> SqlStoryStore:
        return SqlStoryStore(EngineSource(self.engine), self.centroids)

    @property
    def entities(self) -> SqlEntityStore:
        return SqlEntityStore(EngineSource(self.engine))

    @property
    def duplicates(self) -> SqlDuplicateStore:
        return SqlDuplicateStore(EngineSource(self.engine))

    @property
    def term_stats(self) -> TermStats:
        return self.search_stores(EngineSource(self.engine))

    @property
    def copies(self) -> SqlCopyStore:
        return SqlCopyStore(EngineSource(self.engine))

    @property
    def fetch_log(self) -> SqlFetchLog:
        return SqlFetchLog(EngineSource(self.engine))

    @property
    def frontier(self) -> SqlFrontier:
        return SqlFrontier(EngineSource(self.engine))

    def summaries(self, ids: Sequence[int]) -> list[ArticleSummary]:
        """Light rows (no body) for these ids, in their order; unknown ids are skipped."""
        if not ids:
            return []
        a = articles.c
        found: dict[int, ArticleSummary] = {}
        with EngineSource(self.engine).reading() as conn:
            for i in range(0, len(ids), 500):
                chunk = list(ids[i : i + 500])
                stmt = select(
                    a.id, a.headline, a.published, a.outlet, a.url, a.description, a.published_precision
                ).where(a.id.in_(chunk))
                for r in conn.execute(stmt):
                    found[int(r[0])] = ArticleSummary(
                        id=int(r[0]),
                        headline=r[1],
                        published=parse_time(r[2]),
                        outlet=r[3],
                        url=r[4],
                        description=r[5],
                        published_precision=stored_precision(r[6]),
                    )
        return [found[i] for i in ids if i in found]

    def briefs(self, ids: Sequence[int]) -> list[ArticleBrief]:
        """What a list of articles shows of each, in the order of ``ids``; unknown ids are skipped.

        The columns hold what the stored JSON holds (both written from one article by
        ``article_row``); only an article without a description sends its JSON, for the first
        paragraph, and that is parsed as plain JSON, never rebuilt into an Article.
        """
        if not ids:
            return []
        stmt = _briefs_statement()
        found: dict[int, ArticleBrief] = {}
        with EngineSource(self.engine).reading() as conn:
            for i in range(0, len(ids), 500):
                for r in conn.execute(stmt, {"ids": list(ids[i : i + 500])}):
                    found[int(r[0])] = ArticleBrief(
                        id=int(r[0]),
                        headline=r[1],
                        published=parse_time(r[2]),
                        outlet=r[3],
                        url=r[4],
                        blurb=r[5] or (_first_paragraph(r[6]) if r[6] is not None else None),
                        published_precision=stored_precision(r[7]),
                    )
        return [found[i] for i in ids if i in found]


@once
def _briefs_statement() -> Select[Any]:
    """Built once: constructing it cost more than running it (a portal page lists ten)."""
    a = articles.c
    no_description = or_(a.description.is_(None), a.description == "")
    body = case((no_description, a.data), else_=None)
    return select(
        a.id, a.headline, a.published, a.outlet, a.url, a.description, body, a.published_precision
    ).where(a.id.in_(bindparam("ids", expanding=True)))


def _first_paragraph(data: str) -> str | None:
    """The first paragraph of a stored article's JSON (as ``Article.paragraphs[0]``), else None."""
    paragraphs = json.loads(data).get("paragraphs") or []
    return str(paragraphs[0]) if paragraphs else None


__all__ = ["SearchStores", "SqlStores", "StoreAccess", "sql_stores"]
