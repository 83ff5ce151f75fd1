"""url_identity: every article row keyed by the identity of its canonical and fetched URLs

Revision ID: 0010_url_identity
Revises: 0009_change_reach

``canonical_key`` and ``page_key`` (:mod:`kabar.archive.article_identity`): the same article
under another spelling of its URL — scheme, host case, trailing slash, AMP and tracking
markers — or under an earlier article's fetched URL is matched through them. Plain indexes,
not unique ones: archives written before may hold one article twice under two spellings, and
both rows stay (the older one answers a match). Existing rows are keyed here, in batches, and
the copies' ``url_key`` becomes the same identity's hash (two spellings of one copy URL: the
earlier recorded stays).

On PostgreSQL the unique constraint on ``canonical_url`` goes: its btree entry holds the whole
URL, and a hostile 100 kB canonical link failed the article ("index row size exceeds");
matching is by the keys now, and writers take their turn (:mod:`kabar.archive.write_turn`), so
two of them never store one URL twice. SQLite keeps it (no entry limit; dropping it means
copying the table).
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive import copy_store
from kabar.archive.article_identity import backfill

revision = "0010_url_identity"
down_revision = "0009_change_reach"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("canonical_key", sa.String(32), nullable=True))
    op.add_column("articles", sa.Column("page_key", sa.String(32), nullable=True))
    backfill(op.get_bind())
    copy_store.rekey(op.get_bind())  # copies too: one row per copy URL in any spelling
    op.create_index("ix_articles_canonical_key", "articles", ["canonical_key"])
    op.create_index("ix_articles_page_key", "articles", ["page_key"])
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("articles_canonical_url_key", "articles", type_="unique")


def downgrade() -> None:
    # The copies keep their new keys (still one row per URL; an older kabar keys new copies by the
    # URL as spelled). PostgreSQL's unique constraint comes back only if no two rows share a
    # canonical URL and none is too long for a btree entry.
    if op.get_bind().dialect.name == "postgresql":
        op.create_unique_constraint("articles_canonical_url_key", "articles", ["canonical_url"])
    op.drop_index("ix_articles_page_key", "articles")
    op.drop_index("ix_articles_canonical_key", "articles")
    with op.batch_alter_table("articles") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("page_key")
        batch.drop_column("canonical_key")
