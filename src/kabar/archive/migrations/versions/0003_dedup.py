"""dedup: near-duplicate signatures, LSH bands and groups (owned by the related/dedup work)

Revision ID: 0003_dedup
Revises: 0002_search
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import int64

revision = "0003_dedup"
down_revision = "0002_search"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dedup_signatures",
        sa.Column(
            "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("shingles", sa.Integer, nullable=False),
        sa.Column("signature", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "dedup_bands",
        sa.Column("key", int64(), primary_key=True),  # a 64-bit hash of the band
        sa.Column("article_id", sa.Integer, primary_key=True),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "dedup_groups",
        sa.Column(
            "article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("group_id", sa.Integer, nullable=False),
        sa.Column("similarity", sa.Float, nullable=False),
    )
    op.create_index("ix_dedup_groups_group", "dedup_groups", ["group_id"])


def downgrade() -> None:
    op.drop_index("ix_dedup_groups_group", table_name="dedup_groups")
    op.drop_table("dedup_groups")
    op.drop_table("dedup_bands")
    op.drop_table("dedup_signatures")
