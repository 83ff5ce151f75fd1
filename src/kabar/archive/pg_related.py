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
from typing import Any, ClassVar

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kabar.archive.articles_core import to_utc_text
from kabar.archive.fts import BODY_WEIGHT, HEADLINE_WEIGHT
from kabar.archive.search_flow import MAX_LIMIT, Ranked, counted_past
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.term_records import FrequencyOptions, IndexedDoc, MatchOptions, ScoredId
from kabar.archive.topk import SLACK, Bounded, best_first

# FTS5's bm25() constants (fixed in SQLite's fts5_aux.c; not settable there either).
BM25_K1 = 1.2
BM25_B = 0.75
# Counter rows per term and for the totals: two writers collide only when their article
# ids agree modulo SLOTS. Each statement takes its rows in (term, slot) order, so a collision
# is a lock wait; only an update (count out, then in: two passes) can deadlock with another
# writer, and PostgresArchive.add runs the article again.
SLOTS = 8
# The most one term adds to an article's BM25, per unit of its idf: f·(k1+1)/(f + k1·…) < k1 + 1.
SATURATION = BM25_K1 + 1.0
# Top-k ranking (PgRelatedStats.best_with_all) pays for what it saves — probes of the terms a
# window does not carry — with a floor found on the server and a scoring statement or more.
# A window of groups whose rarest clause has fewer articles than this (they bound the window)
# is ranked whole in one statement instead. Measured on 3,000 synthetic articles (a group of
# two terms and a common word, windows of 20–381): whole cost the server 1.2–4.8 ms, top-k
# 2.0–80 ms with as many probes — an alternative's high idf keeps bounds loose, so nearly
# every article is scored anyway. Hence top-k only where a common clause fills the default
# window (SearchOptions.candidates); the 30k re-run (benchmarks.pg_search_scale) checks it.
# Merged words carry every posting: nothing to save, and bounds cost the server 4–19% more
# than ranking whole at 26–397-article windows — they are always ranked whole.
TOPK_FROM = 4_000
# A merged window joins one postings list a word. Past PostgreSQL's join_collapse_limit (8)
# the planner no longer weighs every order, and a query of that many words all holding is
# rare anyway: the rarest word's few postings, each probed for the others (_ALL_CLAUSES).
MERGE_MAX_WORDS = 8


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


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def postings_copy_text(doc: IndexedDoc) -> str:
    """The article's ``related_postings`` rows as COPY text (term, doc_id, head, body,
    doc_length), counted by :func:`doc_postings`: what a bulk load or a rebuild copies in."""
    got = doc_postings(doc)
    tail = f"\t{got.length}\n"
    return "".join(
        f"{term.translate(_COPY_ESCAPES)}\t{doc.id}\t{head}\t{body}{tail}"
        for term, head, body in zip(got.terms, got.head, got.body, strict=True)
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

# FTS5's formula in SQL, shared by related news (:data:`_MATCH`) and search's ranking
# (:data:`_RANK_WINDOW`): the query terms in order (``q``), the collection's totals, each
# term's idf, and per scored (article, term) row the term's BM25 part. Every value is
# float8, as FTS5's doubles, and the parts are summed in query-term order as FTS5 does.
_WEIGHTS = """
q AS (
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
)"""
_FREQ = """
freq AS (
    SELECT h.doc_id, h.ord, h.idf, CAST(h.doc_length AS float8) AS dl,
           CAST(h.head AS float8) * CAST(:head_weight AS float8)
           + CAST(h.body AS float8) * CAST(:body_weight AS float8) AS f
    FROM hits h{window}
)"""
_BM25_SUM = """
SELECT freq.doc_id, sum(
    freq.idf * ((freq.f * (CAST(:k1 AS float8) + 1.0))
    / (freq.f + CAST(:k1 AS float8) * ((1 - CAST(:b AS float8)) + CAST(:b AS float8) * freq.dl
       / (totals.tokens / totals.n))))
    ORDER BY freq.ord) AS score
FROM freq CROSS JOIN totals
WHERE totals.n > 0
GROUP BY freq.doc_id"""

# One statement: the query terms' statistics, each term's newest matches (the candidate
# window is the newest :cand ids matching any term, and those lie within each term's own
# newest :cand), and FTS5's formula over them.
_MATCH = (
    "WITH"
    + _WEIGHTS
    + """, hits AS (
    SELECT w.ord, w.idf, p.doc_id, p.head, p.body, p.doc_length
    FROM weights w CROSS JOIN LATERAL (
        SELECT p.doc_id, p.head, p.body, p.doc_length FROM related_postings p{join}
        WHERE p.term = w.term{filters} ORDER BY p.doc_id DESC LIMIT :cand
    ) p
), window_ids AS (
    SELECT DISTINCT doc_id FROM hits ORDER BY doc_id DESC LIMIT :cand
),"""
    + _FREQ.replace("{window}", " JOIN window_ids USING (doc_id)")
    + _BM25_SUM
    + """
ORDER BY score DESC, freq.doc_id DESC
LIMIT :limit
"""
)

# The same score for a window of articles search chose (:data:`_MERGED`, :data:`_ALL_CLAUSES`,
# :data:`_ANY_TERM` or given ids), best first, in one statement. A window is rows of (article,
# a posting of it the window read already — or nulls), one or more an article: the postings
# it carries are used as they are, and only each other query term costs a probe of the
# postings' key (index-only). An article holding none of the terms scores 0.
_KNOWN = """
docs AS (
    SELECT win.doc_id,
           coalesce(array_agg(win.term) FILTER (WHERE win.term IS NOT NULL), CAST(ARRAY[] AS text[])) AS known
    FROM win GROUP BY win.doc_id
)"""
_SCORED = (
    "WITH win AS MATERIALIZED ({window}),"
    + _WEIGHTS
    + ","
    + _KNOWN
    + """, hits AS (
    SELECT w.ord, w.idf, win.doc_id, win.head, win.body, win.doc_length
    FROM win JOIN weights w ON w.term = win.term
    UNION ALL
    SELECT w.ord, w.idf, docs.doc_id, p.head, p.body, p.doc_length
    FROM docs CROSS JOIN weights w CROSS JOIN LATERAL (
        -- LIMIT 1 (the key is unique anyway) keeps this a probe per article: flattened into
        -- a join, the planner read a common term's every posting (65k at 100k articles).
        SELECT p.head, p.body, p.doc_length FROM related_postings p
        WHERE p.term = w.term AND p.doc_id = docs.doc_id LIMIT 1
    ) p
    WHERE w.term <> ALL(docs.known)
),"""
    + _FREQ.replace("{window}", "")
    + ", scores AS ("
    + _BM25_SUM
    + """
)
SELECT docs.doc_id, coalesce(scores.score, CAST(0 AS float8)) AS score"""
)
_RANK_WINDOW = _SCORED + " FROM docs LEFT JOIN scores USING (doc_id) ORDER BY score DESC, docs.doc_id DESC"
# The same ranking's first :want only, with the window's size and oldest id: the whole
# window scored on the server, a page's rows shipped (4,000 rows cost the client ~6 ms).
_RANK_TOP = (
    _SCORED
    + ", count(*) OVER () AS size, min(docs.doc_id) OVER () AS oldest"
    + " FROM docs LEFT JOIN scores USING (doc_id) ORDER BY score DESC, docs.doc_id DESC"
    + " LIMIT greatest(CAST(:want AS int), 1)"
)
# A window with, per article, the BM25 part of the postings it carries (exact: :data:`_BM25_SUM`
# over them, so an article carrying every query term's posting — a merged window of words —
# already has its final score, to the bit) and the sum of the other query terms' idf (each
# adds at most idf · (k1 + 1), BM25's saturation): what :func:`kabar.archive.topk.best_first`
# bounds scores with. No probe: the window's own postings only. Parts are never negative, so
# no score is below its part and the :want-th best score is no lower than the :want-th best
# part: articles whose bound is below that part cannot make the first :want and stay on the
# server (shipping and sorting a common word's 4,000 rows cost the client more than the
# probes saved). Each kept article comes back as its window rows, with its part, the others'
# idf, the window's size and its oldest id (where a total goes on counting).
_WINDOW_BOUNDS = (
    "WITH win AS MATERIALIZED ({window}),"
    + _WEIGHTS
    + ","
    + _KNOWN
    + """, hits AS (
    SELECT w.ord, w.idf, win.doc_id, win.head, win.body, win.doc_length
    FROM win JOIN weights w ON w.term = win.term
),"""
    + _FREQ.replace("{window}", "")
    + ", parts AS ("
    + _BM25_SUM
    + """
), cand AS (
    SELECT docs.doc_id, coalesce(parts.score, CAST(0 AS float8)) AS part,
           (SELECT coalesce(sum(o.idf), 0) FROM weights o WHERE o.term <> ALL(docs.known)) AS others,
           count(*) OVER () AS size, min(docs.doc_id) OVER () AS oldest
    FROM docs LEFT JOIN parts USING (doc_id)
), floor AS (
    SELECT part FROM cand ORDER BY part DESC LIMIT 1 OFFSET CAST(:want AS int) - 1
), kept AS (
    SELECT * FROM cand
    WHERE (part + others * CAST(:saturation AS float8)) * (1 + CAST(:slack AS float8)) + CAST(:slack AS float8)
          >= coalesce((SELECT part FROM floor), CAST('-Infinity' AS float8))
)
SELECT kept.doc_id, win.term, win.head, win.body, win.doc_length, kept.part, kept.others, kept.size, kept.oldest
FROM kept JOIN win USING (doc_id)"""
)
# Given window rows (article and a posting it carries), to score a batch of them exactly.
_GIVEN = (
    "SELECT * FROM unnest(CAST(:w_id AS int[]), CAST(:w_term AS text[]), CAST(:w_head AS int[]), "
    "CAST(:w_body AS int[]), CAST(:w_length AS int[])) AS x(doc_id, term, head, body, doc_length)"
)
# A window row is (doc_id, and a posting it carries: term, head, body, doc_length — or nulls).
_NO_POSTING = (
    "CAST(NULL AS text) AS term, CAST(NULL AS int) AS head, CAST(NULL AS int) AS body, "
    "CAST(NULL AS int) AS doc_length"
)
_IDS = f"SELECT d.doc_id, {_NO_POSTING} FROM (SELECT DISTINCT unnest(CAST(:ids AS int[])) AS doc_id) d"

# The newest :limit articles holding every one of the words (each clause one word), with
# every word's posting: one join of the words' postings on the article. The planner runs it
# as a merge of the words' keys read newest first — each list walked once, down to the
# window's oldest article, one index scan a word — or, when one word is far rarer than the
# others, as probes of the others for its few articles (its own estimate decides). The
# window carries each word's posting, so ranking it probes nothing. Before, every candidate
# of the rarest word was probed for each other word by a scalar subquery (5–6.6 thousand
# probes for a common pair at 30k articles). With :below, only articles below that id: a
# total going on from a window's oldest article (:data:`_MERGED_COUNT`).
_MERGED = (
    "SELECT m.doc_id, k.term, k.head, k.body, k.doc_length FROM ("
    "SELECT c0.doc_id, {columns} FROM {joins} WHERE c0.term = :m0{below} "
    "ORDER BY c0.doc_id DESC LIMIT :limit"
    ") m CROSS JOIN LATERAL (VALUES {values}) AS k(term, head, body, doc_length)"
)
_MERGED_COUNT = "SELECT count(*) FROM (SELECT 1 FROM {joins} WHERE c0.term = :m0{below} ORDER BY c0.doc_id DESC LIMIT :limit) m"

# The newest articles matching every clause (a clause: any one of its terms), stopping at
# :limit — the window when some clause is a group of alternatives (``fitur`` or
# ``fitur-fitur``; words alone merge: :data:`_MERGED`). The clause with the fewest articles drives: per term of it, its postings newest
# first (a backward scan of the key), each probed for the other clauses (one index probe per
# term) and skipped when an earlier term of the clause gave it already, stopping at :limit;
# the branches merged. The cost follows the matches found, not the archive's size, and no
# tsvector is read.
_ALL_CLAUSES = (
    "SELECT w.doc_id, w.term, w.head, w.body, w.doc_length FROM ({branches}) w "
    "ORDER BY w.doc_id DESC LIMIT :limit"
)
_BRANCH = (
    "(SELECT p.doc_id, p.term, p.head, p.body, p.doc_length FROM related_postings p "
    "WHERE p.term = :d{j}{below}{seen}{probes} "
    "ORDER BY p.doc_id DESC LIMIT :limit)"
)
# Probes as scalar subqueries, evaluated per posting: as EXISTS the planner turned them into
# a join that read a common term's every posting (55k at 100k articles) to hash and sort them.
_SEEN = (
    " AND (SELECT 1 FROM related_postings e WHERE e.term = ANY(CAST(:seen{j} AS text[])) "
    "AND e.doc_id = p.doc_id LIMIT 1) IS NULL"
)
_PROBE = (
    " AND (SELECT 1 FROM related_postings e WHERE e.term = ANY(CAST(:c{i} AS text[])) "
    "AND e.doc_id = p.doc_id LIMIT 1) IS NOT NULL"
)
# The newest :limit articles holding any of the terms: each term's own newest :limit, merged.
_ANY_TERM = (
    f"SELECT d.doc_id, {_NO_POSTING} FROM (SELECT DISTINCT x.doc_id FROM unnest(CAST(:any_terms AS text[])) "
    "AS t(term) CROSS JOIN LATERAL (SELECT p.doc_id FROM related_postings p WHERE p.term = t.term "
    "ORDER BY p.doc_id DESC LIMIT :limit) x ORDER BY x.doc_id DESC LIMIT :limit) d"
)
_DF = "SELECT term, sum(df) FROM related_df WHERE term = ANY(CAST(:terms AS text[])) GROUP BY term"
_ANY_COUNT = (
    "SELECT count(DISTINCT doc_id) FROM related_postings WHERE term = ANY(CAST(:terms AS text[])){below}"
)

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


_CONSTANTS: dict[str, Any] = {
    "head_weight": HEADLINE_WEIGHT,
    "body_weight": BODY_WEIGHT,
    "k1": BM25_K1,
    "b": BM25_B,
}


@dataclass(slots=True, frozen=True)
class _Sql:
    """A statement (or a window to put into one) and its parameters; ``whole``: a window
    whose every article carries every clause's posting (merged words: nothing to probe)."""

    sql: str
    params: dict[str, Any]
    whole: bool = False


def _rarest_first(clauses: list[list[str]], counts: dict[str, int]) -> list[list[str]]:
    return sorted(clauses, key=lambda c: (sum(counts[t] for t in c), len(c), c))


def _all_clauses(clauses: list[list[str]], counts: dict[str, int], below: bool = False) -> _Sql:
    """:data:`_ALL_CLAUSES` for these clauses (their terms all held by some article), the
    clause with the fewest articles (its terms' counts summed) driving the scan; with
    ``below``, only articles below ``:below``."""
    driver, *probes = _rarest_first(clauses, counts)
    probing = "".join(_PROBE.format(i=i) for i in range(len(probes)))
    branches = [
        _BRANCH.format(
            j=j,
            below=" AND p.doc_id < :below" if below else "",
            seen=_SEEN.format(j=j) if j else "",
            probes=probing,
        )
        for j in range(len(driver))
    ]
    params: dict[str, Any] = {f"d{j}": t for j, t in enumerate(driver)}
    params |= {f"seen{j}": driver[:j] for j in range(1, len(driver))}
    params |= {f"c{i}": clause for i, clause in enumerate(probes)}
    return _Sql(_ALL_CLAUSES.format(branches=" UNION ALL ".join(branches)), params)


def _merged_parts(words: list[str], below: bool) -> dict[str, str]:
    joins = "related_postings c0" + "".join(
        f" JOIN related_postings c{i} ON c{i}.doc_id = c0.doc_id AND c{i}.term = :m{i}"
        for i in range(1, len(words))
    )
    # Each list's own bound (an inequality does not pass along the join's equality), so
    # every list's scan starts at the window's oldest article.
    bounds = "".join(f" AND c{i}.doc_id < :below" for i in range(len(words))) if below else ""
    return {"joins": joins, "below": bounds}


def _words(clauses: list[list[str]], counts: dict[str, int]) -> list[str] | None:
    """The clauses' words, rarest first, when every clause is one word (and they are few
    enough to merge: :data:`MERGE_MAX_WORDS`); else None."""
    if any(len(c) != 1 for c in clauses):
        return None
    words = list(dict.fromkeys(c[0] for c in _rarest_first(clauses, counts)))
    return words if len(words) <= MERGE_MAX_WORDS else None


def _window(clauses: list[list[str]], counts: dict[str, int], merge: bool, below: bool = False) -> _Sql:
    """The newest articles matching every clause: merged when the clauses are words
    (:data:`_MERGED`) and ``merge`` holds, else :data:`_ALL_CLAUSES`."""
    words = _words(clauses, counts) if merge else None
    if words is None:
        return _all_clauses(clauses, counts, below)
    n = range(len(words))
    sql = _MERGED.format(
        columns=", ".join(
            f"c{i}.term AS t{i}, c{i}.head AS h{i}, c{i}.body AS b{i}, c{i}.doc_length AS l{i}" for i in n
        ),
        values=", ".join(f"(m.t{i}, m.h{i}, m.b{i}, m.l{i})" for i in n),
        **_merged_parts(words, below),
    )
    return _Sql(sql, {f"m{i}": w for i, w in enumerate(words)}, whole=True)


def _window_count(clauses: list[list[str]], counts: dict[str, int], merge: bool, below: bool = False) -> _Sql:
    """How many articles :func:`_window` finds (up to ``:limit``), without their rows."""
    words = _words(clauses, counts) if merge else None
    if words is None:
        window = _all_clauses(clauses, counts, below)
        return _Sql(f"SELECT count(*) FROM ({window.sql}) m", window.params)
    return _Sql(
        _MERGED_COUNT.format(**_merged_parts(words, below)), {f"m{i}": w for i, w in enumerate(words)}
    )


def _held(clauses: Sequence[Sequence[str]], counts: dict[str, int]) -> list[list[str]] | None:
    """The clauses without terms no article holds; None when a clause is left empty (no match)."""
    out = []
    for clause in clauses:
        kept = [t for t in dict.fromkeys(clause) if counts.get(t, 0) > 0]
        if not kept:
            return None
        out.append(kept)
    return out or None


@dataclass(slots=True, frozen=True)
class _Posting:
    """A posting a window row carries (what scoring it again starts from)."""

    term: str | None
    head: int | None
    body: int | None
    length: int | None


@dataclass(slots=True, frozen=True)
class _CountPlan:
    """What a bounded count needs to read: nothing when ``known`` is the answer already."""

    known: int | None
    held: list[list[str]] = field(default_factory=list)  # the clauses with terms some article holds
    counts: dict[str, int] = field(default_factory=dict)  # document count per term


def _one_clause_count(held: list[list[str]], counts: dict[str, int], bound: int) -> int | None:
    """The count, up to ``bound``, of a single clause that needs no reading: one word (its
    document count, exact) or one term alone reaching the bound; else None."""
    if len(held) == 1 and (len(held[0]) == 1 or max(counts[t] for t in held[0]) >= bound):
        return min(max(counts[t] for t in held[0]), bound)
    return None


def _bounded(doc_id: int, part: float, others: float) -> Bounded:
    """A window article's bound: the part of the postings it carries plus each other term's
    saturation; with no other query term, the part is its score."""
    if others <= 0:
        return Bounded(doc_id, part, part)
    return Bounded(doc_id, part + others * SATURATION)


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

    # A window of words merges their postings (:data:`_MERGED`). False: the rarest word's
    # postings, each probed for the others (:data:`_ALL_CLAUSES`, a group's window) — the
    # window before merging, which benchmarks.pg_search_scale measures against.
    merge_words: ClassVar[bool] = True
    # Windows whose rarest clause has fewer articles than this are ranked whole (TOPK_FROM).
    topk_from: ClassVar[int] = TOPK_FROM

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

    def document_counts(self, terms: Sequence[str]) -> dict[str, int]:
        """Exact articles per term (related_df's slots summed): 0 for a term no article holds."""
        wanted = list(dict.fromkeys(terms))
        out = dict.fromkeys(wanted, 0)
        if wanted:
            with self.source.reading() as conn:
                for term, df in conn.execute(text(_DF), {"terms": wanted}):
                    out[str(term)] = int(df)
        return out

    def rank_with_all(
        self, clauses: Sequence[Sequence[str]], scored: Sequence[str], limit: int
    ) -> list[ScoredId]:
        """The newest ``limit`` articles matching every clause (any one of its terms), best
        first by the BM25 of ``scored`` (ties: newer first)."""
        counts = self.document_counts([t for c in clauses for t in c])
        held = _held(clauses, counts)
        if held is None or limit <= 0:
            return []
        window = _window(held, counts, self.merge_words)
        return self._rank(window.sql, {**window.params, "limit": limit}, scored)

    def best_with_all(
        self, clauses: Sequence[Sequence[str]], scored: Sequence[str], limit: int, want: int
    ) -> Ranked:
        """The first ``want`` of :meth:`rank_with_all` (the same ids, scores and order), the
        window's size and its oldest article, ranked on the server. A window of words carries
        every word's posting: its exact scores cost no probe, and it is ranked whole. A group
        of alternatives' window carries one posting an article: when its rarest clause is
        common (:attr:`topk_from`) it is ranked top-k, probing only the articles that could
        still make the first ``want`` (:func:`kabar.archive.topk.best_first`)."""
        terms = list(dict.fromkeys(t for t in scored if _usable(t)))
        counts = self.document_counts([*(t for c in clauses for t in c), *terms])
        held = _held(clauses, counts)
        if held is None or limit <= 0:
            return Ranked([], 0)
        window = _window(held, counts, self.merge_words)
        params = {**window.params, "limit": limit}
        # A term no article holds adds nothing (no probe needed), but its idf is the largest
        # of all: bounds leave it out (a group's unused alternative would defeat every bound).
        bounding = [t for t in terms if counts.get(t, 0) > 0]
        if window.whole or min(sum(counts[t] for t in c) for c in held) < self.topk_from:
            # Nothing to probe (merged words) or too few articles for bounds to pay: the
            # exact ranking on the server, its first ``want`` shipped.
            return self._rank_top(window.sql, params, bounding, want)
        with self.source.reading() as conn:
            rows = conn.execute(
                text(_WINDOW_BOUNDS.format(window=window.sql)),
                {
                    **params,
                    **_CONSTANTS,
                    "terms": bounding,
                    "want": max(1, want),
                    "saturation": SATURATION,
                    "slack": SLACK,
                },
            ).all()
        if not rows:
            return Ranked([], 0)
        postings: dict[int, list[_Posting]] = {}
        candidates: dict[int, Bounded] = {}
        for r in rows:  # one row per posting an article carries; its part and others alike
            postings.setdefault(int(r[0]), []).append(_Posting(r[1], r[2], r[3], r[4]))
            candidates.setdefault(int(r[0]), _bounded(int(r[0]), float(r[5]), float(r[6])))
        found = best_first(
            list(candidates.values()), want, lambda ids: self._score_given(postings, ids, terms)
        )
        return Ranked(found.hits, int(rows[0][7]), int(rows[0][8]))

    def _rank_top(self, window: str, params: dict[str, Any], terms: list[str], want: int) -> Ranked:
        sql = text(_RANK_TOP.format(window=window))
        with self.source.reading() as conn:
            rows = conn.execute(sql, {**params, **_CONSTANTS, "terms": terms, "want": want}).all()
        if not rows:
            return Ranked([], 0)
        hits = [ScoredId(int(r[0]), float(r[1])) for r in rows[: max(0, want)]]
        return Ranked(hits, int(rows[0][2]), int(rows[0][3]))

    def _score_given(
        self, postings: dict[int, list[_Posting]], ids: list[int], terms: list[str]
    ) -> dict[int, float]:
        rows = [(i, p) for i in ids for p in postings[i]]
        params = {
            "w_id": [i for i, _ in rows],
            "w_term": [p.term for _, p in rows],
            "w_head": [p.head for _, p in rows],
            "w_body": [p.body for _, p in rows],
            "w_length": [p.length for _, p in rows],
        }
        return {s.id: s.score for s in self._rank(_GIVEN, params, terms)}

    def rank_with_any(self, terms: Sequence[str], scored: Sequence[str], limit: int) -> list[ScoredId]:
        """The newest ``limit`` articles holding at least one of ``terms``, best first."""
        wanted = list(dict.fromkeys(terms))
        if not wanted or limit <= 0:
            return []
        return self._rank(_ANY_TERM, {"any_terms": wanted, "limit": limit}, scored)

    def rank_ids(self, ids: Sequence[int], scored: Sequence[str]) -> list[ScoredId]:
        """These articles (a window chosen elsewhere), best first by the BM25 of ``scored``."""
        if not ids:
            return []
        return self._rank(_IDS, {"ids": list(ids)}, scored)

    def _rank(self, window: str, params: dict[str, Any], scored: Sequence[str]) -> list[ScoredId]:
        terms = list(dict.fromkeys(t for t in scored if _usable(t)))
        sql = text(_RANK_WINDOW.format(window=window))
        with self.source.reading() as conn:
            # Row by row, not .all(): 4,000 rows held at once outlived the young GC generation
            # and set off full collections (~60 ms over the analyser's caches) in a third of
            # the searches.
            rows = conn.execute(sql, {**params, **_CONSTANTS, "terms": terms})
            return [ScoredId(int(r[0]), float(r[1])) for r in rows]

    def count_with_all_upto(self, clauses: Sequence[Sequence[str]], bound: int) -> int:
        """How many articles match every clause, counting no further than ``bound``."""
        plan = self._all_count_plan(clauses, bound)
        if plan.known is not None:
            return plan.known
        return self._count(_window_count(plan.held, plan.counts, self.merge_words), bound)

    def count_with_all_past(self, clauses: Sequence[Sequence[str]], window: Ranked, bound: int) -> int:
        """:meth:`count_with_all_upto` going on below the oldest article of ``window`` (the
        newest matches, from :meth:`best_with_all`): the window is not counted again."""
        plan = self._all_count_plan(clauses, bound)
        if plan.known is not None:
            return plan.known
        below = _window_count(plan.held, plan.counts, self.merge_words, below=True)
        return counted_past(window, bound, lambda oldest, rest: self._count(below, rest, oldest))

    def _all_count_plan(self, clauses: Sequence[Sequence[str]], bound: int) -> _CountPlan:
        counts = self.document_counts([t for c in clauses for t in c])
        held = _held(clauses, counts)
        if held is None or bound <= 0:
            return _CountPlan(known=0)
        return _CountPlan(_one_clause_count(held, counts, bound), held, counts)

    def _count(self, statement: _Sql, limit: int, below: int | None = None) -> int:
        params = {**statement.params, "limit": limit}
        if below is not None:
            params["below"] = below
        with self.source.reading() as conn:
            return int(conn.execute(text(statement.sql), params).scalar_one())

    def count_with_any_upto(self, terms: Sequence[str], bound: int) -> int:
        """How many articles hold at least one term, counting no further than ``bound``."""
        plan = self._any_count_plan(terms, bound)
        if plan.known is not None:
            return plan.known
        with self.source.reading() as conn:  # fewer than len(terms) x bound postings to read
            found = int(
                conn.execute(text(_ANY_COUNT.format(below="")), {"terms": list(plan.counts)}).scalar_one()
            )
        return min(found, bound)

    def count_with_any_past(self, terms: Sequence[str], window: Ranked, bound: int) -> int:
        """:meth:`count_with_any_upto` going on below the oldest article of ``window``."""
        plan = self._any_count_plan(terms, bound)
        if plan.known is not None:
            return plan.known
        counts = plan.counts
        sql = text(_ANY_COUNT.format(below=" AND doc_id < :below"))

        def below(oldest: int, rest: int) -> int:
            with self.source.reading() as conn:
                return int(conn.execute(sql, {"terms": list(counts), "below": oldest}).scalar_one())

        return counted_past(window, bound, below)

    def _any_count_plan(self, terms: Sequence[str], bound: int) -> _CountPlan:
        counts = self.document_counts(terms)
        if not counts or bound <= 0:
            return _CountPlan(known=0)
        if max(counts.values()) >= bound:  # one term alone reaches the bound
            return _CountPlan(known=bound)
        return _CountPlan(None, counts=counts)

    def score_ids(self, terms: Sequence[str], ids: Sequence[int]) -> dict[int, float]:
        """FTS5's BM25 of these articles for ``terms`` (an OR of them): what SQLite's search
        ranks by (``bm25(search_fts, 4.0, 1.0)``, sign turned), 0.0 for an article holding none."""
        return {s.id: s.score for s in self.rank_ids(ids, terms)}

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
            **_CONSTANTS,
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
    "MERGE_MAX_WORDS",
    "SLOTS",
    "TOPK_FROM",
    "DocPostings",
    "PgRelatedStats",
    "doc_postings",
    "estimated_frequency",
    "postings_copy_text",
]
