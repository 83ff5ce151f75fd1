"""Every article that matches a filter, a page at a time: the archive's streaming read.

An export of a million articles must not hold a million articles: :func:`stream_pages` reads
``page_size`` rows per short read transaction, in id order, and starts each page after the
last id of the one before (keyset paging: every page costs the same, where OFFSET would
rescan all the rows before it). Memory is one page, whatever the archive's size.

Where the ids come from depends on the filter:

* no search words and no story: the ``articles`` table itself, ``id > last`` — or, with a
  time filter, ``(published_utc, id) > last`` on the time index (pages in publication order);
* search words (``text``): the backend's search index, ``ids_after`` in id order (FTS5 on
  SQLite, the ``tsvector`` table on PostgreSQL); articles that have all the words and
  "phrases" (no fallback to any word: a dataset's rows should not depend on the archive's
  other contents);
* a story alone: its members (a story is small), in id order.

Outlet and time filters are applied to every page's rows; the story filter too when search
words pick the ids. Each article comes with the archive's own grouping: its story and its
near-duplicate group. Articles stored while a stream runs appear if they sort after the
page being read; nothing is read twice. Every page's statement is served by an index in its
own order (checked with EXPLAIN on SQLite: no per-page sort of the remaining rows).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import Select, func, literal, select, tuple_
from sqlalchemy.engine import Connection

from kabar.archive.articles_core import to_utc_text
from kabar.archive.duplicate_store import dedup_groups
from kabar.archive.schema import articles
from kabar.archive.search_flow import PhraseMatch, empty_message
from kabar.archive.search_parse import parse_query
from kabar.archive.sql_source import BoundSource
from kabar.archive.story_store import story_articles
from kabar.model import Article
from kabar.serialize import article_from_dict

DEFAULT_PAGE_SIZE = 500


class UnsearchableQuery(ValueError):
    """Search words that leave nothing to look for (only stopwords, or empty)."""


@dataclass(slots=True, frozen=True)
class StreamQuery:
    since: datetime | None = None  # published at or after
    until: datetime | None = None  # published before
    outlet: str | None = None
    story: int | None = None
    text: str | None = None  # search words and "phrases": articles with all of them
    page_size: int = DEFAULT_PAGE_SIZE


@dataclass(slots=True)
class StreamedArticle:
    """One stored article: its kabar JSON (:func:`kabar.serialize.article_to_dict`) as stored.

    The text, not an :class:`Article`: decoding it into Python objects (fifteen entities,
    thirty mentions) costs more than everything else an export does, and a Parquet export
    decodes it in Arrow instead (:mod:`kabar.export.arrow_page`). :attr:`data` is the plain
    form, :attr:`article` the typed article.
    """

    id: int
    json_text: str
    content_hash: str  # as stored (Article.content_hash recomputes it: a regex per paragraph)
    story_id: int | None = None
    duplicate_group: int | None = None  # the smallest id of its near-duplicate group

    @property
    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.json_text)
        return data

    @property
    def article(self) -> Article:
        article = article_from_dict(self.data)
        article.id = self.id
        return article


@dataclass(slots=True)
class ArticlePage:
    articles: list[StreamedArticle] = field(default_factory=list)
    last_id: int = 0  # the last id read (kept or not): in id order, where the next page starts


class MatchPager(Protocol):
    """What a backend's search index answers for a stream (fts5_phrases, PgSearch)."""

    def ids_after(self, match: PhraseMatch, after: int, limit: int) -> list[int]: ...

    def count(self, match: PhraseMatch) -> int: ...


Reader = Callable[[], AbstractContextManager[Connection]]


def _pager(conn: Connection) -> MatchPager:
    if conn.dialect.name == "postgresql":
        from kabar.archive.pg_search import PgSearch

        return PgSearch(BoundSource(conn))
    from kabar.archive.fts import fts5_phrases

    return fts5_phrases(conn)


def _match(query: StreamQuery) -> PhraseMatch | None:
    if query.text is None:
        return None
    parsed = parse_query(query.text)
    if not parsed.phrases:
        raise UnsearchableQuery("; ".join([*parsed.notes, empty_message(parsed)]))
    return PhraseMatch(
        tuple(parsed.phrases), "AND", query.outlet, to_utc_text(query.since), to_utc_text(query.until)
    )


def _filtered(
    stmt: Select[Any], query: StreamQuery, *, story: bool, outlet_scan: bool = False
) -> Select[Any]:
    a = articles.c
    if query.outlet is not None:
        # In id order, the outlet's index (outlet, published_utc) would make every page fetch
        # and sort all the outlet's remaining rows (quadratic over an export). Compared as an
        # expression, which no index serves, the outlet is checked on the id scan: one pass.
        outlet = a.outlet.concat("") if outlet_scan else a.outlet
        stmt = stmt.where(outlet == query.outlet)
    if query.since is not None:
        stmt = stmt.where(a.published_utc >= to_utc_text(query.since))
    if query.until is not None:
        stmt = stmt.where(a.published_utc < to_utc_text(query.until))
    if story and query.story is not None:
        stmt = stmt.where(story_articles.c.story_id == query.story)
    return stmt


def _rows_statement(query: StreamQuery, *, story: bool, outlet_scan: bool = False) -> Select[Any]:
    a = articles.c
    joined = articles.outerjoin(story_articles, story_articles.c.article_id == a.id).outerjoin(
        dedup_groups, dedup_groups.c.article_id == a.id
    )
    stmt = select(
        a.id, a.data, a.content_hash, story_articles.c.story_id, dedup_groups.c.group_id, a.published_utc
    ).select_from(joined)
    return _filtered(stmt, query, story=story, outlet_scan=outlet_scan)


def _streamed(rows: Sequence[Any]) -> list[StreamedArticle]:
    return [
        StreamedArticle(
            id=int(r[0]),
            json_text=str(r[1]),
            content_hash=str(r[2]),
            story_id=None if r[3] is None else int(r[3]),
            duplicate_group=None if r[4] is None else int(r[4]),
        )
        for r in rows
    ]


def _story_ids(read: Reader, story: int) -> list[int]:
    with read() as conn:
        rows = conn.execute(select(story_articles.c.article_id).where(story_articles.c.story_id == story))
        return sorted(int(r[0]) for r in rows)


def stream_pages(read: Reader, query: StreamQuery) -> Iterator[ArticlePage]:
    """The matching articles, ``query.page_size`` per page (pages may be empty): in id order,
    or with a time filter (and no search words or story) in publication-time order.

    Each page is its own short read: nothing is held open between pages, so a caller may
    stop at any page.
    """
    size = max(1, query.page_size)
    match = _match(query)  # refuses an unsearchable query before anything is read
    if match is not None:
        yield from _search_pages(read, query, match, size)
    elif query.story is not None:
        yield from _id_pages(read, query, _story_ids(read, query.story), size)
    elif query.since is not None or query.until is not None:
        yield from _timed_pages(read, query, size)
    else:
        yield from _table_pages(read, query, size)


def _timed_pages(read: Reader, query: StreamQuery, size: int) -> Iterator[ArticlePage]:
    """With a time filter: pages in (publication time, id) order, each read off the time index
    (``published_utc``, or ``outlet, published_utc``) from where the last ended.

    In id order a time range would be served by the same index and sorted by id on every
    page — all the range's remaining rows, each page: quadratic over an export.
    """
    a = articles.c
    # The lower bound is the cursor's time, not --since: the index range must start where the
    # last page ended (SQLite starts it at one bound and filters the rest, entry by entry).
    stmt = (
        _rows_statement(replace(query, since=None), story=False).order_by(a.published_utc, a.id).limit(size)
    )
    since = to_utc_text(query.since)
    page = stmt if since is None else stmt.where(a.published_utc >= since)
    while True:
        with read() as conn:
            rows = conn.execute(page).all()
        if not rows:
            return
        last_time, last_id = str(rows[-1][5]), int(rows[-1][0])
        yield ArticlePage(_streamed(rows), last_id)
        if len(rows) < size:
            return
        after = tuple_(a.published_utc, a.id) > tuple_(literal(last_time), literal(last_id))
        page = stmt.where(a.published_utc >= last_time, after)


def _table_pages(read: Reader, query: StreamQuery, size: int) -> Iterator[ArticlePage]:
    stmt = _rows_statement(query, story=False, outlet_scan=True).order_by(articles.c.id)
    after = 0
    while True:
        with read() as conn:
            rows = conn.execute(stmt.where(articles.c.id > after).limit(size)).all()
        if not rows:
            return
        after = int(rows[-1][0])
        yield ArticlePage(_streamed(rows), after)
        if len(rows) < size:
            return


def _id_pages(read: Reader, query: StreamQuery, ids: list[int], size: int) -> Iterator[ArticlePage]:
    stmt = _rows_statement(query, story=False).order_by(articles.c.id)
    for start in range(0, len(ids), size):
        chunk = ids[start : start + size]
        with read() as conn:
            rows = conn.execute(stmt.where(articles.c.id.in_(chunk))).all()
        yield ArticlePage(_streamed(rows), chunk[-1])


def _search_pages(read: Reader, query: StreamQuery, match: PhraseMatch, size: int) -> Iterator[ArticlePage]:
    stmt = _rows_statement(query, story=True).order_by(articles.c.id)
    after = 0
    while True:
        with read() as conn:
            ids = _pager(conn).ids_after(match, after, size)
            rows = conn.execute(stmt.where(articles.c.id.in_(ids))).all() if ids else []
        if not ids:
            return
        after = ids[-1]
        yield ArticlePage(_streamed(rows), after)
        if len(ids) < size:
            return


def count_matching(read: Reader, query: StreamQuery) -> int:
    """How many articles :func:`stream_pages` yields for ``query`` (for a progress bar's total)."""
    match = _match(query)
    if match is not None and query.story is None:
        with read() as conn:
            return _pager(conn).count(match)
    if match is not None:
        members = set(_story_ids(read, query.story)) if query.story is not None else set()
        total = 0
        after = 0
        while True:  # a story is small; the search's ids are read in pages, ids only
            with read() as conn:
                ids = _pager(conn).ids_after(match, after, 10_000)
            if not ids:
                return total
            total += len(members.intersection(ids))
            after = ids[-1]
    stmt = select(func.count()).select_from(
        articles.outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
    )
    stmt = _filtered(stmt, query, story=True)
    with read() as conn:
        return int(conn.execute(stmt).scalar_one())


__all__ = [
    "DEFAULT_PAGE_SIZE",
    "ArticlePage",
    "StreamQuery",
    "StreamedArticle",
    "UnsearchableQuery",
    "count_matching",
    "stream_pages",
]
