"""Full-text search on PostgreSQL: kabar's analysed terms in a weighted ``tsvector`` under GIN.

The counterpart of :mod:`kabar.archive.fts` (SQLite FTS5) behind the same records
(:mod:`kabar.archive.term_records`) and the same reader's search
(:mod:`kabar.archive.search_flow`): the same query finds the same articles on both.
One table, ``search_docs`` (migration ``0002_search``, PostgreSQL branch), holds per
article its UTC time and outlet (filters, newest-first), its analysed terms as text
(what related news reads back, never re-analysed) and the same terms as a ``tsvector``
(:mod:`kabar.archive.pg_tsvector`: headline weight A, body weight B, positions kept for
phrases). Related news' statistics — per (term, article) postings, document counts — are
:mod:`kabar.archive.pg_related`, kept in the same transaction as each row here.

A reader's search ranks as SQLite's does: FTS5's BM25 (headline four times the body) over
the newest matches (see :class:`RankOptions` in fts), computed from those postings. Plain
words without filters — most searches — never touch the tsvector: the window of newest
matches (the words' postings merged) and the bounded total (going on below the window)
come from the postings' key alone, so their cost follows the window (4,000 articles), not
the archive's size; so do groups of alternatives that come to clauses of words
(:func:`_group_clauses`). Phrases and filters choose the window with the GIN index, and
are ranked the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.pg_related import PgRelatedStats, estimated_frequency
from kabar.archive.pg_tsvector import tsquery_text, tsvector_text
from kabar.archive.query_expansion import Alternative, decode, group_terms
from kabar.archive.search_flow import (
    PhraseMatch,
    Ranked,
    SearchOptions,
    counted_past,
    ranked_prefix,
    run_search,
)
from kabar.archive.sql_source import BoundSource, ConnectionSource
from kabar.archive.term_records import DocTerms, IndexedDoc, MatchOptions, ScoredId
from kabar.lang.analysis import Analyzer

_SEP = "\x1f"  # between headline and body terms in search_docs.terms; never inside a term


def pack_terms(terms: DocTerms) -> str:
    return " ".join(terms.headline) + _SEP + " ".join(terms.body)


def unpack_terms(packed: str) -> DocTerms:
    head, _, body = packed.partition(_SEP)
    return DocTerms(headline=head.split(), body=body.split())


@dataclass(slots=True)
class _Where:
    sql: str
    params: dict[str, Any]


def _where(match: PhraseMatch) -> _Where:
    sql = "tsv @@ CAST(:q AS tsquery)"
    params: dict[str, Any] = {"q": tsquery_text(match.phrases, match.operator)}
    for clause, name, value in (
        (" AND outlet = :outlet", "outlet", match.outlet),
        (" AND published_utc >= :since", "since", match.since),
        (" AND published_utc < :until", "until", match.until),
    ):
        if value is not None:
            sql += clause
            params[name] = value
    return _Where(sql, params)


# A group's clauses grow as the product of its alternatives' sizes; past this the GIN
# index answers (no reader's query comes near it: the longest abbreviation has 6 words).
MAX_GROUP_CLAUSES = 32


def _word_clauses(match: PhraseMatch) -> list[list[str]] | None:
    """The match as clauses of single words (an article matches when it holds a word of
    every clause) when it has no filter and needs no positions; else None. Related news'
    postings then answer it exactly: the same terms as the tsvector's lexemes, one row per
    (term, article) under a key that reads newest first. With OR between the phrases, each
    phrase must come to one clause (the clauses' words are then simply pooled)."""
    if match.outlet is not None or match.since is not None or match.until is not None:
        return None
    clauses: list[list[str]] = []
    for phrase in match.phrases:
        got = _group_clauses(decode(phrase))
        if got is None or (match.operator == "OR" and len(got) != 1):
            return None
        clauses.extend(got)
    return clauses or None


def _group_clauses(alternatives: Sequence[Alternative]) -> list[list[str]] | None:
    """A group (alternatives OR-ed, each the AND of its phrases) as word clauses, exactly.

    The group matches the union of its alternatives (``b & !a`` in the tsquery matches as
    ``b`` does). An alternative holding a word that is itself an alternative matches only
    articles that word matches already, so it adds nothing (``rekan`` absorbs the phrase
    ``rekan rekan`` of a reduplication). What is left must be ANDs of single words, which
    distribute into clauses: ``(tentara & nasional) | tni`` is ``(tentara | tni) &
    (nasional | tni)``. A phrase of several words left over needs positions: None.
    """
    singles = {alt[0][0] for alt in alternatives if _one_word(alt)}
    kept: list[list[str]] = []
    for alt in alternatives:
        words = list(dict.fromkeys(w for phrase in alt for w in phrase))
        if not words:
            continue
        if not _one_word(alt) and singles.intersection(words):
            continue
        if any(len(phrase) != 1 for phrase in alt):
            return None
        kept.append(words)
    clauses: list[list[str]] = [[]]
    for words in kept:
        clauses = [[*clause, w] for clause in clauses for w in words]
        if len(clauses) > MAX_GROUP_CLAUSES:
            return None
    return [list(dict.fromkeys(c)) for c in clauses if c] or None


def _one_word(alternative: Alternative) -> bool:
    return len(alternative) == 1 and len(alternative[0]) == 1


def _scored_terms(match: PhraseMatch) -> list[str]:
    """Every term the match names, in query order: what BM25 sums over (a phrase or an
    alternative is scored as its words; FTS5 would count whole-phrase instances)."""
    return list(dict.fromkeys(t for phrase in match.phrases for t in group_terms(phrase)))


@contextmanager
def _bitmap_only(conn: Connection) -> Iterator[None]:
    """The GIN index's bitmap for this statement, never a scan that tests rows one by one.

    For a common word the planner prefers walking the id key backwards (or the table) and
    testing each row, which reads every row's tsvector out of TOAST: 358 ms for 4,000 of
    7.7k matches at 100k articles, where the bitmap takes 106 ms (more at a million). The
    planner does not price TOAST reads, so row-by-row scans are ruled out here and the
    transaction's settings put back after.
    """
    was = conn.execute(
        text(
            "SELECT current_setting('enable_seqscan'), current_setting('enable_indexscan'), "
            "set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', 'off', true)"
        )
    ).one()
    yield  # a failed statement aborts the transaction, and its settings go with it
    conn.execute(
        text("SELECT set_config('enable_seqscan', :s, true), set_config('enable_indexscan', :i, true)"),
        {"s": was[0], "i": was[1]},
    )


class PgSearch:
    """The search index on PostgreSQL: writes (:class:`~kabar.archive.stores.SearchIndex`),
    statistics for related news (:class:`~kabar.archive.stores.TermStats`) and the three
    questions a reader's search asks (:class:`~kabar.archive.search_flow.PhraseIndex`)."""

    def __init__(self, source: ConnectionSource) -> None:
        self.source = source
        self.related = PgRelatedStats(source)

    # -- writing -------------------------------------------------------------------
    def add(self, docs: Sequence[IndexedDoc]) -> None:
        if not docs:
            return
        rows = [
            {
                "id": d.id,
                "published_utc": d.published_utc,
                "outlet": d.outlet,
                "terms": pack_terms(d.terms),
                "tsv": tsvector_text(d.terms),
            }
            for d in docs
        ]
        with self.source.writing() as conn:
            # An article indexed again without a remove first: its old terms are counted out.
            held = conn.execute(
                text("SELECT id, terms FROM search_docs WHERE id = ANY(:ids) FOR UPDATE"),
                {"ids": [d.id for d in docs]},
            )
            self.related.remove([IndexedDoc(int(r[0]), unpack_terms(r[1])) for r in held])
            conn.execute(
                text(
                    "INSERT INTO search_docs (id, published_utc, outlet, terms, tsv) "
                    "VALUES (:id, :published_utc, :outlet, :terms, CAST(:tsv AS tsvector)) "
                    "ON CONFLICT (id) DO UPDATE SET published_utc = excluded.published_utc, "
                    "outlet = excluded.outlet, terms = excluded.terms, tsv = excluded.tsv"
                ),
                rows,
            )
            self.related.add(docs)

    def remove(self, article_id: int) -> None:
        with self.source.writing() as conn:
            gone = conn.execute(
                text("DELETE FROM search_docs WHERE id = :id RETURNING terms"), {"id": article_id}
            ).first()
            if gone is not None:
                self.related.remove([IndexedDoc(article_id, unpack_terms(gone[0]))])

    # -- a reader's search ---------------------------------------------------------------
    def rank(self, match: PhraseMatch, candidates: int) -> list[ScoredId]:
        """Best first by BM25 over the newest ``candidates`` matches (the window).

        The window: for words without filters, related news' postings, newest first —
        index-only scans that stop at the window (:func:`_word_clauses`); otherwise the
        GIN index. Scores: FTS5's BM25 (:meth:`PgRelatedStats.score_ids`), SQLite's search
        rank; ``ts_rank`` needed every candidate's tsvector read back from TOAST (~75 ms
        for a common word's 4,000 at 100k articles, the same at any size).
        """
        clauses = _word_clauses(match)
        scored = _scored_terms(match)
        if clauses is None:
            return self.related.rank_ids(self._gin_window(match, candidates), scored)
        if match.operator == "AND":
            return self.related.rank_with_all(clauses, scored, candidates)
        return self.related.rank_with_any([t for c in clauses for t in c], scored, candidates)

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        """The first ``want`` of :meth:`rank`, the window's size and its oldest id. All-words
        queries (most searches) go to :meth:`PgRelatedStats.best_with_all` (words merged from
        their postings and ranked on the server without a probe; groups of alternatives
        top-k); other windows carry no posting to bound a score with, and are ranked whole."""
        clauses = _word_clauses(match)
        if clauses is not None and match.operator == "AND":
            return self.related.best_with_all(clauses, _scored_terms(match), candidates, want)
        return ranked_prefix(self.rank(match, candidates), want)

    def _gin_window(self, match: PhraseMatch, candidates: int) -> list[int]:
        where = _where(match)
        sql = f"SELECT id FROM search_docs WHERE {where.sql} ORDER BY id DESC LIMIT :cand"
        with self.source.reading() as conn, _bitmap_only(conn):
            rows = conn.execute(text(sql), {**where.params, "cand": candidates}).all()
            return [int(r[0]) for r in rows]

    def newest(self, match: PhraseMatch, want: int) -> list[ScoredId]:
        where = _where(match)
        sql = (
            f"SELECT id FROM search_docs WHERE {where.sql} "
            "ORDER BY published_utc DESC NULLS LAST, id DESC LIMIT :want"
        )
        with self.source.reading() as conn:
            ids = [int(r[0]) for r in conn.execute(text(sql), {**where.params, "want": want})]
        scores = self.related.score_ids(_scored_terms(match), ids)
        return [ScoredId(i, scores[i]) for i in ids]

    def count(self, match: PhraseMatch) -> int:
        where = _where(match)
        with self.source.reading() as conn:
            return int(
                conn.execute(
                    text(f"SELECT count(*) FROM search_docs WHERE {where.sql}"), where.params
                ).scalar_one()
            )

    def count_upto(self, match: PhraseMatch, bound: int) -> int:
        clauses = _word_clauses(match)
        if clauses is not None:  # the postings: one word's count is exact and free
            if match.operator == "AND":
                return self.related.count_with_all_upto(clauses, max(0, bound))
            return self.related.count_with_any_upto([t for c in clauses for t in c], max(0, bound))
        where = _where(match)
        # The LIMIT stops after ``bound`` matches: an exact count of a word in most articles
        # reads them all (seconds at a million articles). For such a word the planner picks
        # a sequential scan, which it thinks stops early, but that scan reads each row's
        # tsvector out of TOAST to test it (260 ms for 10,001 of 17k matches at 100k
        # articles); the GIN index's bitmap needs no tsvector at all (47 ms).
        sql = f"SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE {where.sql} LIMIT :bound) m"
        with self.source.reading() as conn, _bitmap_only(conn):
            return int(conn.execute(text(sql), {**where.params, "bound": max(0, bound)}).scalar_one())

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        """:meth:`count_upto` going on below ``window``'s oldest article: the window's
        matches are neither read nor probed again (a one-word clause's count is free)."""
        clauses = _word_clauses(match)
        if clauses is not None:
            if match.operator == "AND":
                return self.related.count_with_all_past(clauses, window, max(0, bound))
            return self.related.count_with_any_past([t for c in clauses for t in c], window, max(0, bound))
        where = _where(match)
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE {where.sql} AND id < :below "
            "LIMIT :bound) m"
        )

        def below(oldest: int, rest: int) -> int:
            with self.source.reading() as conn, _bitmap_only(conn):
                params = {**where.params, "below": oldest, "bound": rest}
                return int(conn.execute(text(sql), params).scalar_one())

        return counted_past(window, max(0, bound), below)

    def ids_after(self, match: PhraseMatch, after: int, limit: int) -> list[int]:
        """Matching ids above ``after``, in id order (keyset paging: an export's next page)."""
        where = _where(match)
        sql = f"SELECT id FROM search_docs WHERE {where.sql} AND id > :after ORDER BY id LIMIT :limit"
        with self.source.reading() as conn:
            rows = conn.execute(text(sql), {**where.params, "after": after, "limit": limit})
            return [int(r[0]) for r in rows]

    # -- statistics for related news -------------------------------------------------------
    def collection_size(self) -> int:
        """Roughly how many articles are indexed: the largest id (as fts has it)."""
        with self.source.reading() as conn:
            return int(conn.execute(text("SELECT max(id) FROM search_docs")).scalar_one() or 0)

    def doc_frequencies(self, terms: Iterable[str], cap: int | None = None) -> dict[str, int]:
        """Documents holding each term: exact below ``cap``, else estimated from the id span
        its newest ``cap`` matches cover (the rule and its reasons: fts.doc_frequencies)."""
        return self.related.doc_frequencies(terms, cap)

    def indexed_terms(self, ids: Sequence[int]) -> dict[int, DocTerms]:
        if not ids:
            return {}
        with self.source.reading() as conn:
            rows = conn.execute(
                text("SELECT id, terms FROM search_docs WHERE id = ANY(:ids)"), {"ids": list(ids)}
            )
            return {int(r[0]): unpack_terms(r[1]) for r in rows}

    def match_terms(self, terms: Sequence[str], options: MatchOptions) -> list[ScoredId]:
        """BM25 OR-match of analysed terms over the newest matches, best first: FTS5's
        score and order (:mod:`kabar.archive.pg_related`), in one statement."""
        return self.related.match_terms(terms, options)


def search(conn: Connection, query: SearchQuery, analyzer: Analyzer | None = None) -> SearchResult:
    """A reader's search on PostgreSQL (the rules: :func:`kabar.archive.search_flow.run_search`)."""
    try:
        return run_search(conn, PgSearch(BoundSource(conn)), query, analyzer, SearchOptions())
    except DBAPIError as exc:
        if exc.connection_invalidated:
            raise  # the server went away: the caller's error, not an empty search
        shown = str(exc.orig).splitlines()[0] if exc.orig is not None else type(exc).__name__
        return SearchResult(
            query=str(query.text)[:200], message=f"search is unavailable on this archive: {shown}"
        )


__all__ = ["PgSearch", "estimated_frequency", "pack_terms", "search", "unpack_terms"]
