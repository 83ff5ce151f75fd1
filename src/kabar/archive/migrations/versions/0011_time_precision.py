"""time_precision: how much of each article's publication time the page states

Revision ID: 0011_time_precision
Revises: 0010_url_identity

``published_precision`` (``Article.published_precision``): "day" where the page prints a date with
no time of day (``published`` is then its date's midnight UTC, and lists show
the date without a clock), "minute" or "second" for a time of day. Rows written before stay NULL:
their precision is not known (their JSON has none either), and nothing guesses one for them — a
midnight may be a bare day or a story filed at 00:00.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_time_precision"
down_revision = "0010_url_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("articles", sa.Column("published_precision", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("published_precision")
