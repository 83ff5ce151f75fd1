"""Related news' BM25 on PostgreSQL, the very score SQLite's FTS5 ``bm25()`` gives.

Related news (:mod:`kabar.link.related`) ranks its candidates by BM25 over the article's
most distinctive terms. On SQLite that is FTS5's ``bm25(search_fts, 4.0, 1.0)``; here the
same formula runs over statistics kept beside the search index (migration
``0007_related_bm25``), so both backends rank the same candidates in the same order with
the same scores:

- ``related_postings``: per (term, article) the term's occurrences in the headline and in
  the body, and the article's length in terms — FTS5's phrase instances and column sizes.
  Keyed (term, article id), so a term's newest matches are one backward index scan (the
  candidate window and the document-count estimate both read "the newest N matches");
- ``related_df``: articles per term (FTS5's ``nHit``), split over :data:`SLOTS` rows by
  article id so that concurrent writers rarely update the same row;
- ``related_stats``: articles and terms in all (FTS5's row count and total size), split
  the same way.

The formula is FTS5's (``fts5_aux.c``): per query term ``idf = ln((N - n + 0.5) / (n + 0.5))``
(1e-6 when not positive), ``f`` = 4 x headline occurrences + body occurrences,
``score = Σ idf · f·(k1+1) / (f + k1·(1 - b + b·|D|/avgdl))`` with k1 = 1.2, b = 0.75,
summed in query-term order in double precision as FTS5 does, so the two agree to the last
bit, not merely in order. The terms are the analysed ones both indexes store, one FTS5
token each (its tokenizer keeps ``-.,`` inside tokens, exactly the characters an analysed
term may hold besides letters and digits). The one known gap: a letter Unicode added after
6.1 (FTS5's tables) splits a term on SQLite and not here.

Ingest keeps all three current inside the article's transaction (:meth:`PgRelatedStats.add`,
:meth:`~PgRelatedStats.remove`); :mod:`kabar.archive.pg_related_rebuild` recomputes them in
one pass over the stored terms, for an archive filled without the indexer (bulk load).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kabar.archive.articles_core import to_utc_text
from kabar.archive.fts import BODY_WEIGHT, HEADLINE_WEIGHT
from kabar.archive.search_flow import MAX_LIMIT
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.term_records import FrequencyOptions, IndexedDoc, MatchOptions, ScoredId

# FTS5's bm25() constants (fixed in SQLite's fts5_aux.c; not settable there either).
BM25_K1 = 1.2
BM25_B = 0.75
# Counter rows per term and for the totals: two writers collide only when their article
# ids agree modulo SLOTS. Each statement takes its rows in (term, slot) order, so a collision
# is a lock wait; only an update (count out, then in: two passes) can deadlock with another
# writer, and PostgresArchive.add runs the article again.
SLOTS = 8


@dataclass(slots=True, frozen=True)
class DocPostings:
    """One article as related_postings holds it: per distinct term (sorted) its headline and
    body occurrences, and the article's length in terms (FTS5's column sizes summed)."""

    id: int
    length: int
    terms: list[str]
    head: list[int]
    body: list[int]


def doc_postings(doc: IndexedDoc) -> DocPostings:
    head = Counter(t for t in doc.terms.headline if t)
    body = Counter(t for t in doc.terms.body if t)
    terms = sorted(head.keys() | body.keys())
    return DocPostings(
        id=doc.id,
        length=sum(head.values()) + sum(body.values()),
        terms=terms,
        head=[head[t] for t in terms],
        body=[body[t] for t in terms],
    )


@dataclass(slots=True)
class _Changes:
    """One batch of articles going in (sign 1) or out (sign -1), as rows for the three tables."""

    sign: int
    postings: dict[str, list[Any]] = field(
        default_factory=lambda: {"term": [], "doc_id": [], "head": [], "body": [], "length": []}
    )
    df: Counter[tuple[str, int]] = field(default_factory=Counter)
    docs: Counter[int] = field(default_factory=Counter)
    tokens: Counter[int] = field(default_factory=Counter)

    def take(self, doc: IndexedDoc) -> None:
        got = doc_postings(doc)
        slot = doc.id % SLOTS
        rows = self.postings
        rows["term"] += got.terms
        rows["doc_id"] += [doc.id] * len(got.terms)
        rows["head"] += got.head
        rows["body"] += got.body
        rows["length"] += [got.length] * len(got.terms)
        for term in got.terms:
            self.df[(term, slot)] += self.sign
        # Every article counts in N, even one without terms (FTS5 holds a row for it too).
        self.docs[slot] += self.sign
        self.tokens[slot] += self.sign * got.length


_INSERT_POSTINGS = (
    "INSERT INTO related_postings (term, doc_id, head, body, doc_length) "
    "SELECT * FROM unnest(CAST(:term AS text[]), CAST(:doc_id AS int[]), CAST(:head AS int[]), "
    "CAST(:body AS int[]), CAST(:length AS int[]))"
)
_DELETE_POSTINGS = (
    "DELETE FROM related_postings p USING unnest(CAST(:term AS text[]), CAST(:doc_id AS int[])) "
    "AS x(term, doc_id) WHERE p.term = x.term AND p.doc_id = x.doc_id"
)
# Rows in (term, slot) order, so that two writers lock shared rows in the same order.
_ADD_DF = (
    "INSERT INTO related_df (term, slot, df) SELECT * FROM unnest(CAST(:term AS text[]), "
    "CAST(:slot AS smallint[]), CAST(:delta AS int[])) AS x(term, slot, delta) ORDER BY x.term, x.slot "
    "ON CONFLICT (term, slot) DO UPDATE SET df = related_df.df + excluded.df"
)
_DROP_EMPTY_DF = (
    "DELETE FROM related_df f USING unnest(CAST(:term AS text[]), CAST(:slot AS smallint[])) AS x(term, slot) "
    "WHERE f.term = x.term AND f.slot = x.slot AND f.df <= 0"
)
_ADD_STATS = (
    "INSERT INTO related_stats (slot, docs, tokens) SELECT * FROM unnest(CAST(:slot AS smallint[]), "
    "CAST(:docs AS bigint[]), CAST(:tokens AS bigint[])) AS x(slot, docs, tokens) ORDER BY x.slot "
    "ON CONFLICT (slot) DO UPDATE SET docs = related_stats.docs + excluded.docs, "
    "tokens = related_stats.tokens + excluded.tokens"
)


def _write(conn: Connection, changes: _Changes) -> None:
    rows = changes.postings
    if rows["term"]:
        if changes.sign > 0:
            conn.execute(text(_INSERT_POSTINGS), rows)
        else:
            conn.execute(text(_DELETE_POSTINGS), {"term": rows["term"], "doc_id": rows["doc_id"]})
    keys = sorted(k for k, v in changes.df.items() if v)
    if keys:
        df = {"term": [k[0] for k in keys], "slot": [k[1] for k in keys]}
        conn.execute(text(_ADD_DF), {**df, "delta": [changes.df[k] for k in keys]})
        if changes.sign < 0:
            conn.execute(text(_DROP_EMPTY_DF), df)
    slots = sorted(changes.docs)
    if slots:
        conn.execute(
            text(_ADD_STATS),
            {
                "slot": slots,
                "docs": [changes.docs[s] for s in slots],
                "tokens": [changes.tokens[s] for s in slots],
            },
        )


# -- reading ------------------------------------------------------------------------------

# One statement: the query terms' statistics, each term's newest matches (the candidate
# window is the newest :cand ids matching any term, and those lie within each term's own
# newest :cand), and FTS5's formula over them. Every value is float8, as FTS5's doubles.
_MATCH = """
WITH q AS (
    SELECT term, ord FROM unnest(CAST(:terms AS text[])) WITH ORDINALITY AS q(term, ord)
), totals AS (
    SELECT CAST(coalesce(sum(docs), 0) AS float8) AS n, CAST(coalesce(sum(tokens), 0) AS float8) AS tokens
    FROM related_stats
), weights AS (
    -- ln(x) <= 0 exactly when x <= 1: FTS5's "1e-6 when not positive", without ln(0) raising.
    SELECT q.ord, q.term, CASE WHEN r.ratio > 1 THEN ln(r.ratio) ELSE CAST(1e-6 AS float8) END AS idf
    FROM q CROSS JOIN totals
    CROSS JOIN LATERAL (
        SELECT CAST(coalesce(sum(f.df), 0) AS float8) AS n_hit FROM related_df f WHERE f.term = q.term
    ) h
    CROSS JOIN LATERAL (SELECT (totals.n - h.n_hit + 0.5) / (h.n_hit + 0.5) AS ratio) r
), hits AS (
    SELECT w.ord, w.idf, p.doc_id, p.head, p.body, p.doc_length
    FROM weights w CROSS JOIN LATERAL (
        SELECT p.doc_id, p.head, p.body, p.doc_length FROM related_postings p{join}
        WHERE p.term = w.term{filters} ORDER BY p.doc_id DESC LIMIT :cand
    ) p
), window_ids AS (
    SELECT DISTINCT doc_id FROM hits ORDER BY doc_id DESC LIMIT :cand
), freq AS (
    SELECT h.doc_id, h.ord, h.idf, CAST(h.doc_length AS float8) AS dl,
           CAST(h.head AS float8) * CAST(:head_weight AS float8)
           + CAST(h.body AS float8) * CAST(:body_weight AS float8) AS f
    FROM hits h JOIN window_ids USING (doc_id)
)
SELECT freq.doc_id, sum(
    freq.idf * ((freq.f * (CAST(:k1 AS float8) + 1.0))
    / (freq.f + CAST(:k1 AS float8) * ((1 - CAST(:b AS float8)) + CAST(:b AS float8) * freq.dl
       / (totals.tokens / totals.n))))
    ORDER BY freq.ord) AS score
FROM freq CROSS JOIN totals
WHERE totals.n > 0
GROUP BY freq.doc_id
ORDER BY score DESC, freq.doc_id DESC
LIMIT :limit
"""

# fts.doc_frequencies' figures — how many of each term's newest :cap matches there are, and
# the oldest of them — without reading those matches: their number is min(df, :cap), df
# being related_df's exact count (8 rows a term), and only a term with at least :cap
# matches needs its :cap-th newest id, one short step down the key's index. Reading every
# term's newest :cap postings instead cost ~100 index or heap reads a term (~170 ms a call
# at 500k articles, and as much at 10k, where the planner read all of them, then sorted).
_FREQUENCIES = (
    "SELECT t.term, least(d.df, :cap) AS found, o.oldest, (SELECT max(id) FROM search_docs) AS top "
    "FROM unnest(CAST(:terms AS text[])) AS t(term) "
    "CROSS JOIN LATERAL (SELECT coalesce(sum(f.df), 0) AS df FROM related_df f WHERE f.term = t.term) d "
    "LEFT JOIN LATERAL (SELECT p.doc_id AS oldest FROM related_postings p "
    "WHERE d.df >= :cap AND p.term = t.term ORDER BY p.doc_id DESC OFFSET :cap - 1 LIMIT 1) o ON true"
)


def estimated_frequency(found: int, oldest: int | None, top: int, cap: int) -> int:
    """A term's document count from its newest ``cap`` matches: exact when fewer were found."""
    if found < cap or not oldest:
        return found
    span = max(1, top - int(oldest) + 1)
    return max(found, round(found * top / span))


def _usable(term: str) -> bool:
    # fts skips what cannot be one quoted FTS5 string; the same terms count 0 here.
    return bool(term) and '"' not in term


class PgRelatedStats:
    """Related news' statistics and BM25 on PostgreSQL (the tables above), on ``source``."""

    def __init__(self, source: ConnectionSource) -> None:
        self.source = source

    def add(self, docs: Sequence[IndexedDoc]) -> None:
        """Count these articles in (call :meth:`remove` first for any counted already)."""
        self._change(docs, 1)

    def remove(self, docs: Sequence[IndexedDoc]) -> None:
        """Count these articles out: ``docs`` must hold the terms they were counted with."""
        self._change(docs, -1)

    def _change(self, docs: Sequence[IndexedDoc], sign: int) -> None:
        if not docs:
            return
        changes = _Changes(sign)
        for doc in docs:
            changes.take(doc)
        with self.source.writing() as conn:
            _write(conn, changes)

    def doc_frequencies(self, terms: Iterable[str], cap: int | None = None) -> dict[str, int]:
        """Articles holding each term: exact below ``cap``, else estimated from the id span
        of its newest ``cap`` matches — :func:`kabar.archive.fts.doc_frequencies`' rule."""
        limit = FrequencyOptions().cap if cap is None else cap
        wanted = list(dict.fromkeys(terms))
        out = dict.fromkeys(wanted, 0)
        asked = [t for t in wanted if _usable(t)]
        if not asked or limit <= 0:  # no match read, none counted (as fts)
            return out
        with self.source.reading() as conn:
            for term, found, oldest, top in conn.execute(text(_FREQUENCIES), {"terms": asked, "cap": limit}):
                out[term] = estimated_frequency(int(found), oldest, int(top or 0), limit)
        return out

    def match_terms(self, terms: Sequence[str], options: MatchOptions) -> list[ScoredId]:
        """BM25 OR-match of analysed terms over the newest matches, best first (as fts.match_terms)."""
        unique = list(dict.fromkeys(t for t in terms if _usable(t)))
        limit = max(0, min(options.limit, 10 * MAX_LIMIT))  # fts.match_terms' bound
        if not unique or limit == 0:
            return []
        params: dict[str, Any] = {
            "terms": unique,
            "cand": max(limit + len(options.exclude_ids), options.max_candidates),
            "limit": limit + len(options.exclude_ids),
            "head_weight": HEADLINE_WEIGHT,
            "body_weight": BODY_WEIGHT,
            "k1": BM25_K1,
            "b": BM25_B,
        }
        filters = ""
        for clause, name, value in (
            (" AND d.published_utc >= :since", "since", to_utc_text(options.since)),
            (" AND d.published_utc < :until", "until", to_utc_text(options.until)),
        ):
            if value is not None:
                filters += clause
                params[name] = value
        join = " JOIN search_docs d ON d.id = p.doc_id" if filters else ""
        sql = text(_MATCH.format(join=join, filters=filters))
        with self.source.reading() as conn:
            rows = conn.execute(sql, params).all()
        scored = [ScoredId(int(r[0]), float(r[1])) for r in rows]
        return [s for s in scored if s.id not in options.exclude_ids][:limit]


__all__ = [
    "BM25_B",
    "BM25_K1",
    "SLOTS",
    "DocPostings",
    "PgRelatedStats",
    "doc_postings",
    "estimated_frequency",
]
