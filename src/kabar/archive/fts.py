"""Full-text search over the archive: SQLite FTS5 on analysed Indonesian text.

All of search's SQL lives here, so that a PostgreSQL implementation can stand beside
this module: :func:`search` (a reader's query), :func:`match_terms` (already-analysed
terms, for "more like this"), the index statistics "more like this" weighs terms by —
:func:`collection_size`, :func:`doc_frequencies`, :func:`indexed_terms` — and
:class:`FtsIndexer`. Nothing outside this module reads the search tables.

The index holds :func:`kabar.lang.analysis.analyze` output (stopwords out, Sastrawi
stems), and queries go through the same analyser, so ``perdamaian`` finds ``damai``.
Tables (migration ``0002_search``): ``search_fts`` (contentless FTS5: headline, body),
``search_docs`` (slim id/time/outlet rows for filters and newest-first),
``search_terms`` (each indexed article's packed terms, needed to delete it exactly),
``search_blocks`` (newest time per block of ids, to stop newest-first scans early) and
``search_vocab`` (fts5vocab: per-term document counts).

Snippets come from the original text (:mod:`kabar.archive.snippets`), query syntax is
parsed in :mod:`kabar.archive.search_parse`.
"""

from __future__ import annotations

import heapq
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from kabar.archive.articles_core import to_utc_text as utc_text
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.search_flow import (
    MAX_LIMIT,
    PhraseMatch,
    Ranked,
    SearchOptions,
    counted_past,
    ranked_prefix,
    run_search,
)
from kabar.archive.search_parse import fts_expression
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.stores import IndexStores
from kabar.archive.term_records import (
    DocTerms,
    FrequencyOptions,
    IndexedDoc,
    MatchOptions,
    ScoredId,
    analysed_terms,
    article_terms,
)
from kabar.lang.analysed import AnalysedArticle, analyse_article
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.model import Article

# bm25() column weights (headline, body): a word in the headline says much more about
# what the article is about than the same word in paragraph nine.
HEADLINE_WEIGHT = 4.0
BODY_WEIGHT = 1.0
BLOCK = 1024  # ids per search_blocks row
_SEP = "\x1f"  # between packed headline and body terms; never inside a term


@dataclass(slots=True, frozen=True)
class RankOptions:
    """How much BM25 work one query may do.

    FTS5 has no top-k pruning (no WAND/MaxScore): ``ORDER BY bm25()`` scores every match,
    which is about a second for a common word at a million articles. So BM25 ranks the
    newest ``candidates`` matches (FTS5 walks its doclists in id order and stops): for a
    news archive, "the best of the recent matches". When a query has no more matches
    than that, the ranking is exact BM25; scores are always true BM25 (global statistics),
    and the total count is always exact.
    """

    candidates: int = 4_000


def pack_terms(terms: DocTerms) -> bytes:
    text = " ".join(terms.headline) + _SEP + " ".join(terms.body)
    return zlib.compress(text.encode("utf-8"), 3)


def unpack_terms(blob: bytes) -> DocTerms:
    head, _, body = zlib.decompress(blob).decode("utf-8").partition(_SEP)
    return DocTerms(headline=head.split(), body=body.split())


def _raw(conn: Connection) -> sqlite3.Connection:
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


# -- writing -----------------------------------------------------------------------


@dataclass(slots=True)
class FtsIndexer:
    """Keeps the search index current, one article at a time, inside the ingest transaction.

    It analyses in Python and writes through the backend's :class:`~kabar.archive.stores.SearchIndex`
    (:class:`FtsIndex` on SQLite), so one indexer serves every backend.
    """

    analyzer: Analyzer | None = None
    name: str = "fts"

    @property
    def text_analyzer(self) -> Analyzer:
        return self.analyzer or default_analyzer()

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        analysed = analyse_article(
            article.headline, article.paragraphs, self.text_analyzer, article.subheadings
        )
        self.index_analysed(stores, article_id, article, analysed)

    def index_analysed(
        self, stores: IndexStores, article_id: int, article: Article, analysed: AnalysedArticle
    ) -> None:
        """:meth:`index` with the article's text analysed already (by :attr:`text_analyzer`)."""
        stores.search_index.add([self.doc(article_id, article, analysed)])

    def doc(self, article_id: int, article: Article, analysed: AnalysedArticle) -> IndexedDoc:
        return IndexedDoc(article_id, analysed_terms(analysed), utc_text(article.published), article.outlet)

    def remove(self, stores: IndexStores, article_id: int) -> None:
        stores.search_index.remove(article_id)


class FtsIndex:
    """:class:`kabar.archive.stores.SearchIndex` on FTS5."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        if not docs:
            return
        with self._db.writing() as conn:
            raw = _raw(conn)
            raw.executemany(
                "INSERT INTO search_fts(rowid, headline, body) VALUES (?, ?, ?)",
                [(d.id, " ".join(d.terms.headline), " ".join(d.terms.body)) for d in docs],
            )
            raw.executemany(
                "INSERT INTO search_docs(id, published_utc, outlet) VALUES (?, ?, ?)",
                [(d.id, d.published_utc, d.outlet) for d in docs],
            )
            raw.executemany(
                "INSERT INTO search_terms(id, terms) VALUES (?, ?)",
                [(d.id, pack_terms(d.terms)) for d in docs],
            )
            newest: dict[int, str] = {}
            for d in docs:
                if d.published_utc and d.published_utc > newest.get(d.id // BLOCK, ""):
                    newest[d.id // BLOCK] = d.published_utc
            raw.executemany(
                "INSERT INTO search_blocks(block, max_published) VALUES (?, ?) ON CONFLICT(block) "
                "DO UPDATE SET max_published = max(max_published, excluded.max_published)",
                list(newest.items()),
            )

    def remove(self, article_id: int) -> None:
        with self._db.writing() as conn:
            raw = _raw(conn)
            row = raw.execute("SELECT terms FROM search_terms WHERE id = ?", (article_id,)).fetchone()
            if row is None:
                return  # never indexed (e.g. stored before search existed): nothing to take out
            terms = unpack_terms(row[0])
            raw.execute(
                "INSERT INTO search_fts(search_fts, rowid, headline, body) VALUES ('delete', ?, ?, ?)",
                (article_id, " ".join(terms.headline), " ".join(terms.body)),
            )
            raw.execute("DELETE FROM search_terms WHERE id = ?", (article_id,))
            raw.execute("DELETE FROM search_docs WHERE id = ?", (article_id,))
            # search_blocks keeps its maximum: a bound that is too high only makes a scan go on longer.


class FtsTermStats:
    """:class:`kabar.archive.stores.TermStats` on FTS5 (the functions below, on the source's connection)."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    def collection_size(self) -> int:
        with self._db.reading() as conn:
            return collection_size(conn)

    def doc_frequencies(self, terms: Iterable[str], cap: int | None = None) -> dict[str, int]:
        options = FrequencyOptions() if cap is None else FrequencyOptions(cap=cap)
        with self._db.reading() as conn:
            return doc_frequencies(conn, terms, options)

    def indexed_terms(self, ids: Sequence[int]) -> dict[int, DocTerms]:
        with self._db.reading() as conn:
            return indexed_terms(conn, ids)

    def match_terms(self, terms: Sequence[str], options: MatchOptions) -> list[ScoredId]:
        with self._db.reading() as conn:
            return match_terms(conn, terms, options)


class FtsSearch(FtsIndex, FtsTermStats):
    """SQLite's search as the archive's stores see it: the index and its statistics, one source."""


# -- reading -----------------------------------------------------------------------


@dataclass(slots=True)
class _Filter:
    """WHERE clause over search_fts (and the slim search_docs row when a filter needs it)."""

    expr: str
    outlet: str | None = None
    since: str | None = None
    until: str | None = None

    @property
    def join(self) -> str:
        needs = self.outlet is not None or self.since is not None or self.until is not None
        return " JOIN search_docs d ON d.id = search_fts.rowid" if needs else ""

    def where(self, expr: str | None = None) -> tuple[str, list[Any]]:
        sql, params = "search_fts MATCH ?", [expr or self.expr]
        for clause, value in (
            (" AND d.outlet = ?", self.outlet),
            (" AND d.published_utc >= ?", self.since),
            (" AND d.published_utc < ?", self.until),
        ):
            if value is not None:
                sql += clause
                params.append(value)
        return sql, params


_SCORE = f"-bm25(search_fts, {HEADLINE_WEIGHT}, {BODY_WEIGHT})"


def _newest_matches(raw: sqlite3.Connection, flt: _Filter, limit: int, expr: str | None = None) -> list[Any]:
    where, params = flt.where(expr)
    sql = (
        f"SELECT search_fts.rowid, {_SCORE} FROM search_fts{flt.join} WHERE {where} "
        "ORDER BY search_fts.rowid DESC LIMIT ?"
    )
    return raw.execute(sql, [*params, limit]).fetchall()


def _rank(raw: sqlite3.Connection, flt: _Filter, opts: RankOptions) -> list[tuple[int, float]]:
    """Best-first (id, BM25) over the newest ``opts.candidates`` matches."""
    # A second pass for older articles with the words in their headline was tried and
    # dropped: scoring a chosen set of ids costs FTS5 one full IDF pass per statement.
    scored = [(int(i), float(s)) for i, s in _newest_matches(raw, flt, opts.candidates)]
    return sorted(scored, key=lambda kv: (-kv[1], -kv[0]))


def match_terms(conn: Connection, terms: Sequence[str], options: MatchOptions) -> list[ScoredId]:
    """BM25 OR-match of already-analysed terms, best first (candidates for related news).

    Terms are what :func:`kabar.lang.analysis.analyze` returns (pass an article's most
    distinctive ones: an OR of common words matches most of the archive). As in
    :class:`RankOptions`, BM25 ranks the newest ``options.max_candidates`` matches;
    scores are true BM25.
    """
    unique = list(dict.fromkeys(t for t in terms if t and '"' not in t))
    limit = max(0, min(options.limit, 10 * MAX_LIMIT))
    if not unique or limit == 0:
        return []
    flt = _Filter(
        fts_expression([(t,) for t in unique], "OR"), None, utc_text(options.since), utc_text(options.until)
    )
    opts = RankOptions(max(limit + len(options.exclude_ids), options.max_candidates))
    out = []
    for rowid, score in _rank(_raw(conn), flt, opts):
        if rowid in options.exclude_ids:
            continue
        out.append(ScoredId(id=rowid, score=score))
        if len(out) >= limit:
            break
    return out


# -- index statistics (for "more like this") -----------------------------------------

_TERMS_BATCH = 500  # SQLite's default limit on host parameters is 999


def collection_size(conn: Connection) -> int:
    """Roughly how many articles are indexed: the largest id (count(*) scans 1M rows)."""
    row = _raw(conn).execute("SELECT max(id) FROM search_docs").fetchone()
    return int(row[0] or 0)


def doc_frequencies(
    conn: Connection, terms: Iterable[str], options: FrequencyOptions | None = None
) -> dict[str, int]:
    """Documents containing each analysed term: exact below ``options.cap``, estimated above.

    fts5vocab's document count walks the term's whole doclist — ~2 ms a common term at
    100k articles, ten times that at a million, far too slow for ~100 terms a request.
    Instead each term's newest ``cap`` matches are read (FTS5 stops there): fewer than
    ``cap`` is the exact count; otherwise the id span those matches cover gives the
    term's density, and density × id range estimates the count (ids grow with time, so
    this is the term's recent frequency — what matters for news). An empty term, or one
    that cannot be a single FTS5 string (a ``"`` inside), counts 0.
    """
    cap = (options or FrequencyOptions()).cap
    cur = _raw(conn).cursor()
    top = collection_size(conn)
    out: dict[str, int] = {}
    sql = (
        "SELECT count(*), min(rowid) FROM (SELECT rowid FROM search_fts WHERE search_fts MATCH ? "
        "ORDER BY rowid DESC LIMIT ?)"
    )
    for term in dict.fromkeys(terms):
        if not term or '"' in term:
            out[term] = 0
            continue
        found, oldest = cur.execute(sql, (f'"{term}"', cap)).fetchone()
        if found < cap or not oldest:
            out[term] = int(found)
        else:
            span = max(1, top - int(oldest) + 1)
            out[term] = max(int(found), round(found * top / span))
    return out


def indexed_terms(conn: Connection, ids: Sequence[int]) -> dict[int, DocTerms]:
    """The analysed terms the index holds for each id; ids it does not hold are left out.

    Related news reads these instead of re-analysing stored text (Sastrawi is the cost).
    """
    out: dict[int, DocTerms] = {}
    raw = _raw(conn)
    for i in range(0, len(ids), _TERMS_BATCH):
        chunk = list(ids[i : i + _TERMS_BATCH])
        marks = ",".join("?" * len(chunk))
        for doc_id, blob in raw.execute(f"SELECT id, terms FROM search_terms WHERE id IN ({marks})", chunk):
            out[int(doc_id)] = unpack_terms(blob)
    return out


def _newest(raw: sqlite3.Connection, flt: _Filter, want: int) -> list[tuple[int, float]]:
    """The ``want`` newest matches by publication time, scanning ids downwards.

    Ingest is roughly chronological, so the newest hits sit at high ids; the scan stops
    once the newest time of every remaining (lower) block is older than the oldest kept
    hit. Exact whatever the order of ingest — only its speed depends on it.
    """
    where, params = flt.where()
    join = " JOIN search_docs d ON d.id = search_fts.rowid"
    sql = (
        f"SELECT search_fts.rowid, d.published_utc, {_SCORE} FROM search_fts{join} WHERE {where} "
        "ORDER BY search_fts.rowid DESC"
    )
    kept: list[tuple[str, int, float]] = []  # (published or "", id, score), min-heap by time
    block = None
    for rowid, published, score in raw.execute(sql, params):
        if rowid // BLOCK != block:
            block = rowid // BLOCK
            if len(kept) >= want:
                got = raw.execute(
                    "SELECT max(max_published) FROM search_blocks WHERE block <= ?", (block,)
                ).fetchone()
                if (got[0] or "") < kept[0][0]:
                    break
        item = (published or "", int(rowid), float(score))
        if len(kept) < want:
            heapq.heappush(kept, item)
        elif item[:2] > kept[0][:2]:
            heapq.heapreplace(kept, item)
    ordered = sorted(kept, key=lambda t: (t[0], t[1]), reverse=True)
    return [(i, s) for _, i, s in ordered]


def _count(raw: sqlite3.Connection, flt: _Filter) -> int:
    where, params = flt.where()
    return int(raw.execute(f"SELECT count(*) FROM search_fts{flt.join} WHERE {where}", params).fetchone()[0])


@dataclass(slots=True)
class _Fts5Phrases:
    """The three questions a reader's search asks (:class:`~kabar.archive.search_flow.PhraseIndex`), on FTS5."""

    raw: sqlite3.Connection

    def rank(self, match: PhraseMatch, candidates: int) -> list[ScoredId]:
        return [ScoredId(i, s) for i, s in _rank(self.raw, _filter(match), RankOptions(candidates))]

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        # FTS5 scores every match it returns (no top-k pruning): the whole window, cut. Its
        # all-words window is already a merge: FTS5 steps through each word's doclist in id
        # order, skipping to the next id all hold — no per-candidate probe to save here.
        return ranked_prefix(self.rank(match, candidates), want)

    def newest(self, match: PhraseMatch, want: int) -> list[ScoredId]:
        return [ScoredId(i, s) for i, s in _newest(self.raw, _filter(match), want)]

    def count(self, match: PhraseMatch) -> int:
        return _count(self.raw, _filter(match))

    def count_upto(self, match: PhraseMatch, bound: int) -> int:
        flt = _filter(match)
        where, params = flt.where()
        # The LIMIT stops the scan after ``bound`` matches: a common word costs no more.
        sql = f"SELECT count(*) FROM (SELECT 1 FROM search_fts{flt.join} WHERE {where} LIMIT ?)"
        return int(self.raw.execute(sql, [*params, max(0, bound)]).fetchone()[0])

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        flt = _filter(match)
        where, params = flt.where()
        # FTS5 takes the rowid bound into its doclist walk: the window's matches are not read again.
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM search_fts{flt.join} WHERE {where} "
            "AND search_fts.rowid < ? LIMIT ?)"
        )

        def below(oldest: int, rest: int) -> int:
            return int(self.raw.execute(sql, [*params, oldest, rest]).fetchone()[0])

        return counted_past(window, bound, below)

    def ids_after(self, match: PhraseMatch, after: int, limit: int) -> list[int]:
        """Matching ids above ``after``, in id order (keyset paging: an export's next page)."""
        flt = _filter(match)
        where, params = flt.where()
        sql = (
            f"SELECT search_fts.rowid FROM search_fts{flt.join} WHERE {where} "
            "AND search_fts.rowid > ? ORDER BY search_fts.rowid LIMIT ?"
        )
        return [int(r[0]) for r in self.raw.execute(sql, [*params, after, limit])]


def fts5_phrases(conn: Connection) -> _Fts5Phrases:
    """The questions about matches, on FTS5, over ``conn`` (an export pages through them)."""
    return _Fts5Phrases(_raw(conn))


def _filter(match: PhraseMatch) -> _Filter:
    return _Filter(
        fts_expression(list(match.phrases), match.operator), match.outlet, match.since, match.until
    )


def search(
    conn: Connection, query: SearchQuery, analyzer: Analyzer | None = None, rank: RankOptions | None = None
) -> SearchResult:
    """BM25 search (headline weighted) with phrases, filters, snippets and a total count.

    Words are all required; when no article has all of them, articles with any of them are
    returned, and the message says so. Odd input never raises: it yields a message.
    """
    rank = rank or RankOptions()
    try:
        return run_search(conn, _Fts5Phrases(_raw(conn)), query, analyzer, SearchOptions(rank.candidates))
    except sqlite3.OperationalError as exc:  # e.g. an archive whose search tables are missing
        shown = query.text[:200] if isinstance(query.text, str) else ""
        return SearchResult(query=shown, message=f"search is unavailable on this archive: {exc}")


__all__ = [
    "DocTerms",
    "FrequencyOptions",
    "FtsIndex",
    "FtsIndexer",
    "FtsSearch",
    "FtsTermStats",
    "IndexedDoc",
    "MatchOptions",
    "RankOptions",
    "ScoredId",
    "article_terms",
    "collection_size",
    "doc_frequencies",
    "fts5_phrases",
    "indexed_terms",
    "match_terms",
    "search",
    "utc_text",
]
