"""A reader's search over any backend's index: the same query, the same rules, the same hits.

Parsing (:mod:`kabar.archive.search_parse`), the fallback from all words to any word,
the messages, paging, totals and snippets (:mod:`kabar.archive.snippets`) are decided
here once; a backend answers only three questions over its own index
(:class:`PhraseIndex`): the best of the newest matches, the newest matches, how many
match. A page needs only the best ``offset + limit`` of the newest matches
(:meth:`PhraseIndex.best`), so a backend may stop scoring early (:mod:`kabar.archive.topk`).
SQL over ``articles`` is SQLAlchemy Core, so it runs on every dialect.

A ranked window is every match from its oldest id up, so a total beyond a full window goes
on counting below that id (:meth:`PhraseIndex.count_past`) instead of counting the
window's matches a second time.

Totals are exact up to :attr:`SearchOptions.exact_total_up_to` matches and a lower bound
beyond it (``SearchResult.total_exact`` false: "more than 10,000"). An exact count of a
word in most articles reads every one of them — seconds at a million articles on
PostgreSQL — while counting up to the bound stops after it, on both backends alike.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from sqlalchemy import select
from sqlalchemy.engine import Connection

from kabar.archive.articles_core import to_utc_text
from kabar.archive.base import SearchHit, SearchQuery, SearchResult
from kabar.archive.schema import articles
from kabar.archive.search_parse import ParsedQuery, parse_query
from kabar.archive.snippets import make_snippet
from kabar.archive.term_records import ScoredId
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.serialize import stored_precision

MAX_LIMIT = 200


@dataclass(slots=True, frozen=True)
class PhraseMatch:
    """Analysed phrases joined by AND/OR, and the filters (times as UTC text)."""

    phrases: tuple[tuple[str, ...], ...]
    operator: Literal["AND", "OR"] = "AND"
    outlet: str | None = None
    since: str | None = None
    until: str | None = None


@dataclass(slots=True, frozen=True)
class Ranked:
    """The best of a window of newest matches, how many matches the window held and the
    oldest (smallest) id among them (None for an empty window): the window is every match
    from that id up, so a count may go on below it."""

    hits: list[ScoredId]  # best first (ties: newer id first)
    window: int
    oldest: int | None = None


def ranked_prefix(rows: list[ScoredId], want: int) -> Ranked:
    """:meth:`PhraseIndex.best` from a whole ranked window (:meth:`PhraseIndex.rank`)."""
    return Ranked(rows[: max(0, want)], len(rows), min((r.id for r in rows), default=None))


def counted_past(window: Ranked, bound: int, below: Callable[[int, int], int]) -> int:
    """:meth:`PhraseIndex.count_past` from ``below(oldest, n)`` — the matches with an id
    below ``oldest``, counting no further than ``n`` — called only when the window alone
    does not reach ``bound`` (an empty window: nothing matches at all)."""
    rest = bound - window.window
    if rest <= 0 or window.oldest is None:
        return max(0, min(window.window, bound))
    return window.window + min(rest, below(window.oldest, rest))


class PhraseIndex(Protocol):
    def rank(self, match: PhraseMatch, candidates: int) -> list[ScoredId]:
        """Best first, over the newest ``candidates`` matches by id (ties: newer id first)."""
        ...

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        """The first ``want`` of :meth:`rank`, and the size of the window it ranked."""
        ...

    def newest(self, match: PhraseMatch, want: int) -> list[ScoredId]:
        """The ``want`` newest matches by publication time (undated last; ties: newer id first)."""
        ...

    def count(self, match: PhraseMatch) -> int:
        """Every match, counted (an export's total; a reader's search counts up to a bound)."""
        ...

    def count_upto(self, match: PhraseMatch, bound: int) -> int:
        """How many match, counting no further than ``bound`` (so at most ``bound``)."""
        ...

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        """:meth:`count_upto` given ``window`` (from :meth:`best` for the same match): its
        ``window.window`` matches are every match from ``window.oldest`` up, so only the
        matches below that id are left to count."""
        ...


@dataclass(slots=True, frozen=True)
class SearchOptions:
    # How many of the newest matches relevance ranks (see kabar.archive.fts.RankOptions).
    candidates: int = 4_000
    # Totals are counted up to this many matches and exact up to it; more is "more than".
    exact_total_up_to: int = 10_000


@dataclass(slots=True, frozen=True)
class Page:
    hits: list[ScoredId]
    total: int
    total_exact: bool = True


@dataclass(slots=True, frozen=True)
class _Total:
    count: int
    exact: bool


def _bounded_total(index: PhraseIndex, match: PhraseMatch, bound: int) -> _Total:
    # One past the bound tells "exactly bound" from "more than bound".
    found = index.count_upto(match, bound + 1)
    return _Total(min(found, bound), found <= bound)


def _continued_total(index: PhraseIndex, match: PhraseMatch, window: Ranked, bound: int) -> _Total:
    """:func:`_bounded_total` going on from a full window's oldest id (the same figures)."""
    found = index.count_past(match, window, bound + 1)
    return _Total(min(found, bound), found <= bound)


def _page(index: PhraseIndex, query: SearchQuery, match: PhraseMatch, opts: SearchOptions) -> Page:
    limit = max(0, min(query.limit, MAX_LIMIT))
    offset = max(0, query.offset)
    bound = max(1, opts.exact_total_up_to)
    if query.order == "newest":
        total = _bounded_total(index, match, bound)
        rows = index.newest(match, offset + limit) if total.count and limit else []
        return Page(rows[offset : offset + limit], total.count, total.exact)
    wanted = max(opts.candidates, offset + limit)
    ranked = index.best(match, wanted, offset + limit)
    seen = ranked.window
    # Fewer candidates than asked for means every match was ranked: that is the count.
    total = _Total(seen, True) if seen < wanted else _continued_total(index, match, ranked, bound)
    if total.count < seen:  # a bound below the candidates: say no less than was ranked
        total = _Total(seen, seen < wanted)
    return Page(ranked.hits[offset : offset + limit], total.count, total.exact)


def _hits(conn: Connection, rows: list[ScoredId], parsed: ParsedQuery, analyzer: Analyzer) -> list[SearchHit]:
    if not rows:
        return []
    stmt = select(
        articles.c.id,
        articles.c.headline,
        articles.c.published,
        articles.c.outlet,
        articles.c.url,
        articles.c.data,
    ).where(articles.c.id.in_([r.id for r in rows]))
    found = {int(r[0]): r for r in conn.execute(stmt)}
    hits = []
    for scored in rows:
        row = found.get(scored.id)
        if row is None:
            continue
        data = json.loads(row[5])
        hits.append(
            SearchHit(
                id=scored.id,
                headline=row[1],
                published=datetime.fromisoformat(row[2]) if row[2] else None,
                outlet=row[3],
                url=row[4],
                score=round(scored.score, 4),
                snippet=make_snippet(row[1], list(data.get("paragraphs") or []), parsed.terms, analyzer),
                published_precision=stored_precision(data.get("published_precision")),
            )
        )
    return hits


def _why_nothing(conn: Connection, query: SearchQuery) -> str:
    if query.outlet:
        found = conn.execute(select(articles.c.id).where(articles.c.outlet == query.outlet).limit(1)).first()
        if found is None:
            return f"no articles from outlet {query.outlet[:80]!r} in this archive"
    return "no articles match"


def empty_message(parsed: ParsedQuery) -> str:
    if parsed.had_words:
        return (
            "the query has only very common words (stopwords such as 'yang', 'dan'); add a more specific word"
        )
    return 'empty query: type one or more words, or a "quoted phrase"'


def run_search(
    conn: Connection,
    index: PhraseIndex,
    query: SearchQuery,
    analyzer: Analyzer | None = None,
    options: SearchOptions | None = None,
) -> SearchResult:
    """Ranked search with phrases, filters, snippets and a total count.

    Words are all required; when no article has all of them, articles with any of them are
    returned, and the message says so. Odd input never raises: it yields a message.
    """
    an = analyzer or default_analyzer()
    opts = options or SearchOptions()
    text = query.text if isinstance(query.text, str) else ""
    shown = text.encode("utf-8", "replace").decode("utf-8")[:200]
    parsed = parse_query(text, analyzer=an)
    if not parsed.phrases:
        return SearchResult(query=shown, message="; ".join([*parsed.notes, empty_message(parsed)]))
    since, until = to_utc_text(query.since), to_utc_text(query.until)
    if since is not None and until is not None and since >= until:
        return SearchResult(query=shown, message="'since' is not before 'until': the time range is empty")
    notes = list(parsed.notes)
    match = PhraseMatch(tuple(parsed.phrases), "AND", query.outlet, since, until)
    page = _page(index, query, match, opts)
    if page.total == 0 and len(parsed.phrases) > 1:
        page = _page(index, query, PhraseMatch(match.phrases, "OR", query.outlet, since, until), opts)
        if page.total:
            notes.append("no article has all the words; showing articles with any of them")
    if page.total == 0:
        notes.append(_why_nothing(conn, query))
    return SearchResult(
        query=shown,
        hits=_hits(conn, page.hits, parsed, an),
        total=page.total,
        total_exact=page.total_exact,
        message="; ".join(notes) or None,
    )


__all__ = [
    "MAX_LIMIT",
    "Page",
    "PhraseIndex",
    "PhraseMatch",
    "Ranked",
    "SearchOptions",
    "counted_past",
    "empty_message",
    "ranked_prefix",
    "run_search",
]
