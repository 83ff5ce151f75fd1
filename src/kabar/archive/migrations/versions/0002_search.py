"""search: full-text index over analysed (stopped, Sastrawi-stemmed) text

Revision ID: 0002_search
Revises: 0001_core

``search_fts`` is a contentless FTS5 table: it holds only the inverted index of the
analysed headline and body (snippets are cut from the original text in ``articles``),
which keeps the archive small at a million articles. Beside it:

- ``search_docs``: one slim row per indexed article (UTC time, outlet), so filters and
  newest-first ordering never touch the wide ``articles`` rows;
- ``search_terms``: each indexed article's terms, zlib-packed — a contentless table
  forgets a row only when told the exact terms it held, so an update needs them;
- ``search_blocks``: the newest publication time per block of 1,024 ids, which lets a
  newest-first scan (in id order) stop as soon as no older block can hold a newer hit;
- ``search_vocab``: fts5vocab, per-term document counts.

On PostgreSQL (:mod:`kabar.archive.pg_search`) one table does all of that:
``search_docs`` holds each article's time, outlet, its analysed terms as text and the
same terms as a weighted ``tsvector`` (built in Python, never PostgreSQL's own
Indonesian stemmer) under a GIN index.
"""

from alembic import op

revision = "0002_search"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _upgrade_postgresql()
        return
    # tokenchars keeps hyphenated words (desa-desa, nagorno-karabakh, 1990-an) and
    # numbers (1.000, 3,5) as one token, exactly as kabar.lang.analysis produced them.
    op.execute(
        "CREATE VIRTUAL TABLE search_fts USING fts5("
        "headline, body, content='', "
        "tokenize=\"unicode61 remove_diacritics 0 tokenchars '-.,'\")"
    )
    op.execute("CREATE VIRTUAL TABLE search_vocab USING fts5vocab(search_fts, 'row')")
    op.execute("CREATE TABLE search_docs (id INTEGER PRIMARY KEY, published_utc TEXT, outlet TEXT)")
    op.execute("CREATE TABLE search_terms (id INTEGER PRIMARY KEY, terms BLOB NOT NULL)")
    op.execute("CREATE TABLE search_blocks (block INTEGER PRIMARY KEY, max_published TEXT NOT NULL)")


def _upgrade_postgresql() -> None:
    op.execute(
        'CREATE TABLE search_docs (id INTEGER PRIMARY KEY, published_utc TEXT COLLATE "C", outlet TEXT, '
        "terms TEXT NOT NULL, tsv TSVECTOR NOT NULL)"
    )
    op.execute("CREATE INDEX ix_search_docs_tsv ON search_docs USING GIN (tsv)")
    op.execute("CREATE INDEX ix_search_docs_published ON search_docs (published_utc, id)")


def downgrade() -> None:
    for table in ("search_vocab", "search_fts", "search_docs", "search_terms", "search_blocks"):
        op.execute(f"DROP TABLE IF EXISTS {table}")
