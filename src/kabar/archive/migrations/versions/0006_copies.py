"""copies: every other URL and outlet an archived text appeared under (owned by the archive)

Revision ID: 0006_copies
Revises: 0005_sources
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import time_text

revision = "0006_copies"
down_revision = "0005_sources"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # One row per copy URL; the URL itself may be any length, so the unique key is its sha256
    # (a btree entry on PostgreSQL holds at most about 2.7 kB).
    op.create_table(
        "article_copies",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("url_key", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("outlet", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("published_utc", time_text()),
        sa.Column("first_seen", time_text(), nullable=False),
    )
    op.create_index("ux_article_copies_url_key", "article_copies", ["url_key"], unique=True)
    op.create_index("ix_article_copies_article", "article_copies", ["article_id"])


def downgrade() -> None:
    op.drop_table("article_copies")
