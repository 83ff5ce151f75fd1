"""related_bm25: related news' BM25 statistics on PostgreSQL (SQLite's FTS5 keeps its own)

Revision ID: 0007_related_bm25
Revises: 0006_copies

Related news ranks its candidates by BM25; on SQLite that is FTS5's ``bm25()`` over the
search index, which holds every statistic it needs. On PostgreSQL the same formula
(:mod:`kabar.archive.pg_related`) reads three tables kept by ingest:

- ``related_postings``: per (term, article) the occurrences in headline and body and the
  article's length in terms; the key's order serves "a term's newest matches";
- ``related_df``: articles per term, one row per (term, slot = article id mod 8);
- ``related_stats``: articles and terms in all, one row per slot.

An archive made before this revision gets them computed from its stored terms
(``search_docs.terms``) here, as ``PostgresArchive.rebuild_related_index()`` does.
"""

from alembic import op

from kabar.archive.pg_related_rebuild import rebuild

revision = "0007_related_bm25"
down_revision = "0006_copies"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: FTS5's own statistics (search_fts) are what bm25() reads
    op.execute(
        'CREATE TABLE related_postings (term TEXT COLLATE "C" NOT NULL, doc_id INTEGER NOT NULL, '
        "head INTEGER NOT NULL, body INTEGER NOT NULL, doc_length INTEGER NOT NULL, "
        "CONSTRAINT related_postings_pkey PRIMARY KEY (term, doc_id) INCLUDE (head, body, doc_length))"
    )
    op.execute(
        'CREATE TABLE related_df (term TEXT COLLATE "C" NOT NULL, slot SMALLINT NOT NULL, '
        "df INTEGER NOT NULL, PRIMARY KEY (term, slot))"
    )
    op.execute(
        "CREATE TABLE related_stats (slot SMALLINT PRIMARY KEY, docs BIGINT NOT NULL, tokens BIGINT NOT NULL)"
    )
    rebuild(op.get_bind())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in ("related_postings", "related_df", "related_stats"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
