"""core: the articles table

Revision ID: 0001_core
Revises:
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import time_text

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("canonical_url", sa.Text, nullable=True, unique=True),
        sa.Column("content_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("headline", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("published_utc", time_text()),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("description", sa.Text),
        sa.Column("captured_at", time_text()),
        sa.Column("ingested_at", time_text(), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_articles_published_utc", "articles", ["published_utc"])
    op.create_index("ix_articles_outlet_published", "articles", ["outlet", "published_utc"])


def downgrade() -> None:
    op.drop_table("articles")
