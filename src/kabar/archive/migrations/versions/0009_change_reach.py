"""change_reach: each change-log row names the articles whose pages the change touches

Revision ID: 0009_change_reach
Revises: 0008_change_log

``affected`` (space-separated article ids) is worked out once, when the change is written
(:mod:`kabar.archive.change_log`): the article's story members and the articles its related
ranking reaches. The portal's cache then drops only those pages without reading the archive
again in every worker. NULL (every row written before this revision, or by a writer that did
not work the set out) means "unknown": a reader treats such a row as touching every page.
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_change_reach"
down_revision = "0008_change_log"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("change_log", sa.Column("affected", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change_log") as batch:  # SQLite drops a column by copying the table
        batch.drop_column("affected")
