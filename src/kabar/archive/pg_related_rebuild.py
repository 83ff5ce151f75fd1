"""Related news' BM25 statistics on PostgreSQL, recomputed from the stored terms in one pass.

Ingest keeps ``related_postings``, ``related_df`` and ``related_stats``
(:mod:`kabar.archive.pg_related`) current; an archive filled another way (a bulk load,
migration ``0007_related_bm25`` on an older archive) gets them here. One pass over
``search_docs`` in id order, a batch at a time: each article's stored terms
(:func:`kabar.archive.pg_search.unpack_terms`, never re-analysed) become its postings by the
very rule ingest counts with (:func:`~kabar.archive.pg_related.postings_copy_text`), streamed
back with ``COPY``; the document counts and totals are then summed from the postings in SQL
(:func:`count_from_postings`). Splitting and grouping the terms in SQL was tried first and
was ~5 ms an article (90 s for 10,000).

The bulk loader (:mod:`kabar.archive.bulk_load`) uses the same pieces — the postings' COPY
text, the key dropped and built once, the counters summed from the postings — so a
bulk-loaded archive holds what a rebuild would compute.

The postings key is dropped for the load and built once at the end (one sort instead of
~100M B-tree insertions). Everything is one transaction: related news and writers wait
for it (TRUNCATE locks the tables), and a writer's article is counted exactly once, before
or after, since its search row and its statistics commit together.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from kabar.archive.pg_related import SLOTS, postings_copy_text
from kabar.archive.pg_search import unpack_terms
from kabar.archive.term_records import IndexedDoc

_BATCH = 5_000  # articles read per round trip (~10 MB of terms)
_DROP_KEY = "ALTER TABLE related_postings DROP CONSTRAINT IF EXISTS related_postings_pkey"
# As migration 0007_related_bm25 creates it.
_ADD_KEY = (
    "ALTER TABLE related_postings ADD CONSTRAINT related_postings_pkey "
    "PRIMARY KEY (term, doc_id) INCLUDE (head, body, doc_length)"
)
# related_df and related_stats from the postings: per (term, slot) its articles, per slot the
# articles (every indexed one, with terms or without, as FTS5 counts them) and their terms.
_COUNTERS = f"""
WITH g AS (
    SELECT term, doc_id % {SLOTS} AS slot, count(*) AS df, sum(head + body) AS tokens
    FROM related_postings GROUP BY 1, 2
), df AS (
    INSERT INTO related_df (term, slot, df) SELECT term, slot, df FROM g
)
INSERT INTO related_stats (slot, docs, tokens)
SELECT d.slot, d.docs, coalesce(t.tokens, 0)
FROM (SELECT id % {SLOTS} AS slot, count(*) AS docs FROM search_docs GROUP BY 1) d
LEFT JOIN (SELECT slot, sum(tokens) AS tokens FROM g GROUP BY 1) t USING (slot)
"""


@dataclass(slots=True, frozen=True)
class RelatedIndexCounts:
    """What a rebuild wrote."""

    documents: int
    postings: int
    terms: int


def drop_postings_key(conn: Connection) -> None:
    """Drop the postings' key before loading many postings (:func:`add_postings_key` after)."""
    conn.execute(text(_DROP_KEY))


def add_postings_key(conn: Connection) -> None:
    conn.execute(text("SET LOCAL maintenance_work_mem = '1GB'"))
    conn.execute(text(_ADD_KEY))


def copy_postings(conn: Connection, docs: Iterable[IndexedDoc]) -> int:
    """COPY these articles' postings in (their key dropped); returns how many rows."""
    body = "".join(postings_copy_text(d) for d in docs)
    raw = conn.connection.driver_connection
    assert raw is not None  # an open connection has its driver's
    sql = "COPY related_postings (term, doc_id, head, body, doc_length) FROM STDIN"
    with raw.cursor() as cur, cur.copy(sql) as copy:  # psycopg 3: the rows as COPY text
        copy.write(body)
    return body.count("\n")


def count_from_postings(conn: Connection) -> None:
    """Replace ``related_df`` and ``related_stats`` with the sums of the stored postings."""
    conn.execute(text("TRUNCATE related_df, related_stats"))
    conn.execute(text(_COUNTERS))


def rebuild(conn: Connection) -> RelatedIndexCounts:
    """Recompute the three tables from ``search_docs``, on ``conn``'s transaction."""
    conn.execute(text("TRUNCATE related_postings, related_df, related_stats"))
    drop_postings_key(conn)
    postings = 0
    last = 0
    page = text("SELECT id, terms FROM search_docs WHERE id > :last ORDER BY id LIMIT :batch")
    while True:
        rows = [(int(r[0]), str(r[1])) for r in conn.execute(page, {"last": last, "batch": _BATCH})]
        if not rows:
            break
        postings += copy_postings(conn, (IndexedDoc(i, unpack_terms(packed)) for i, packed in rows))
        last = rows[-1][0]
    add_postings_key(conn)
    count_from_postings(conn)
    documents, terms = conn.execute(
        text(
            "SELECT (SELECT coalesce(sum(docs), 0) FROM related_stats), "
            "(SELECT count(DISTINCT term) FROM related_df)"
        )
    ).one()
    return RelatedIndexCounts(documents=int(documents), postings=postings, terms=int(terms))


__all__ = [
    "RelatedIndexCounts",
    "add_postings_key",
    "copy_postings",
    "count_from_postings",
    "drop_postings_key",
    "rebuild",
]
