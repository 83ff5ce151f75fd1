"""Related news' BM25 statistics on PostgreSQL, recomputed from the stored terms in one pass.

Ingest keeps ``related_postings``, ``related_df`` and ``related_stats``
(:mod:`kabar.archive.pg_related`) current; an archive filled another way (a bulk load,
migration ``0007_related_bm25`` on an older archive) gets them here. One pass over
``search_docs`` in id order, a batch at a time: each article's stored terms
(:func:`kabar.archive.pg_search.unpack_terms`, never re-analysed) are counted in Python by
the very function ingest uses (:func:`~kabar.archive.pg_related.doc_postings`) and streamed
back with ``COPY``; document counts and totals are summed on the way. Splitting and
grouping the terms in SQL was tried first and was ~5 ms an article (90 s for 10,000).

The postings key is dropped for the load and built once at the end (one sort instead of
~100M B-tree insertions). Everything is one transaction: related news and writers wait
for it (TRUNCATE locks the tables), and a writer's article is counted exactly once, before
or after, since its search row and its statistics commit together.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kabar.archive.pg_related import SLOTS, doc_postings
from kabar.archive.pg_search import unpack_terms
from kabar.archive.term_records import IndexedDoc

_BATCH = 5_000  # articles read per round trip (~10 MB of terms)
_POSTINGS_KEY = "PRIMARY KEY (term, doc_id) INCLUDE (head, body, doc_length)"
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


@dataclass(slots=True, frozen=True)
class RelatedIndexCounts:
    """What a rebuild wrote."""

    documents: int
    postings: int
    terms: int


@dataclass(slots=True)
class _Totals:
    df: Counter[tuple[str, int]]
    docs: Counter[int]
    tokens: Counter[int]
    postings: int = 0


def _copy_text(term: str) -> str:
    # Analysed terms hold letters, digits and -., only; anything else is escaped for COPY.
    return term.translate(_COPY_ESCAPES) if any(c in term for c in "\\\t\n\r") else term


def _load_batch(conn: Connection, rows: list[tuple[int, str]], totals: _Totals) -> None:
    lines: list[str] = []
    for doc_id, packed in rows:
        got = doc_postings(IndexedDoc(doc_id, unpack_terms(packed)))
        slot = doc_id % SLOTS
        totals.docs[slot] += 1
        totals.tokens[slot] += got.length
        for term, head, body in zip(got.terms, got.head, got.body, strict=True):
            lines.append(f"{_copy_text(term)}\t{doc_id}\t{head}\t{body}\t{got.length}\n")
            totals.df[(term, slot)] += 1
    totals.postings += len(lines)
    raw = conn.connection.driver_connection
    assert raw is not None  # an open connection has its driver's
    sql = "COPY related_postings (term, doc_id, head, body, doc_length) FROM STDIN"
    with raw.cursor() as cur, cur.copy(sql) as copy:  # psycopg 3: the batch's rows as COPY text
        copy.write("".join(lines))


def rebuild(conn: Connection) -> RelatedIndexCounts:
    """Recompute the three tables from ``search_docs``, on ``conn``'s transaction."""
    conn.execute(text("SET LOCAL maintenance_work_mem = '512MB'"))
    conn.execute(text("TRUNCATE related_postings, related_df, related_stats"))
    conn.execute(text("ALTER TABLE related_postings DROP CONSTRAINT related_postings_pkey"))
    totals = _Totals(Counter(), Counter(), Counter())
    last = 0
    page = text("SELECT id, terms FROM search_docs WHERE id > :last ORDER BY id LIMIT :batch")
    while True:
        rows = [(int(r[0]), str(r[1])) for r in conn.execute(page, {"last": last, "batch": _BATCH})]
        if not rows:
            break
        _load_batch(conn, rows, totals)
        last = rows[-1][0]
    conn.execute(text(f"ALTER TABLE related_postings ADD CONSTRAINT related_postings_pkey {_POSTINGS_KEY}"))
    keys = sorted(totals.df)
    for i in range(0, len(keys), 100_000):
        chunk = keys[i : i + 100_000]
        conn.execute(
            text(
                "INSERT INTO related_df (term, slot, df) SELECT * FROM unnest(CAST(:term AS text[]), "
                "CAST(:slot AS smallint[]), CAST(:df AS int[]))"
            ),
            {
                "term": [k[0] for k in chunk],
                "slot": [k[1] for k in chunk],
                "df": [totals.df[k] for k in chunk],
            },
        )
    slots = sorted(totals.docs)
    if slots:
        conn.execute(
            text(
                "INSERT INTO related_stats (slot, docs, tokens) SELECT * FROM unnest(CAST(:slot AS smallint[]), "
                "CAST(:docs AS bigint[]), CAST(:tokens AS bigint[]))"
            ),
            {
                "slot": slots,
                "docs": [totals.docs[s] for s in slots],
                "tokens": [totals.tokens[s] for s in slots],
            },
        )
    return RelatedIndexCounts(
        documents=sum(totals.docs.values()),
        postings=totals.postings,
        terms=len({term for term, _ in totals.df}),
    )


__all__ = ["RelatedIndexCounts", "rebuild"]
