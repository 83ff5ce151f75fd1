"""change_log: what each commit changed, for the portal's targeted cache invalidation

Revision ID: 0008_change_log
Revises: 0007_related_bm25

One row per article added, updated or copied, written in the article's own transaction
(:mod:`kabar.archive.change_log`). ``seq`` is the position readers ask from; on PostgreSQL
it is a 64-bit identity (a busy archive logs every article it ever stored, pruned behind).
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import int64, time_text

revision = "0008_change_log"
down_revision = "0007_related_bm25"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No foreign key to articles: the log says what happened, and outlives nothing it names
    # longer than the pruning keeps it.
    op.create_table(
        "change_log",
        sa.Column("seq", int64(), primary_key=True, autoincrement=True),
        sa.Column("article_id", int64(), nullable=False),
        sa.Column("change", sa.Text, nullable=False),
        sa.Column("story_id", int64()),
        sa.Column("outlet", sa.Text),
        sa.Column("entity_ids", sa.Text, nullable=False),
        sa.Column("urls", sa.Text, nullable=False),
        sa.Column("logged_at", time_text(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("change_log")
