"""sources: fetch log, source state and the crawl frontier (owned by the sources work)

Revision ID: 0005_sources
Revises: 0004_understanding
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import time_text

revision = "0005_sources"
down_revision = "0004_understanding"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every request the engine made: what, when, how it ended. Lets a run be inspected.
    op.create_table(
        "source_fetches",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("final_url", sa.Text),
        sa.Column("source", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("outcome", sa.Text, nullable=False),
        sa.Column("bytes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("elapsed_ms", sa.Integer, nullable=False, server_default="0"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("error", sa.Text),
        sa.Column("fetched_at", time_text(), nullable=False),
    )
    op.create_index("ix_source_fetches_fetched_at", "source_fetches", ["fetched_at"])
    op.create_index("ix_source_fetches_source", "source_fetches", ["source", "fetched_at"])
    # One row per configured source: conditional-GET validators, health and counts.
    op.create_table(
        "source_state",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_fetch_at", time_text()),
        sa.Column("last_ok_at", time_text()),
        sa.Column("last_status", sa.Integer),
        sa.Column("last_outcome", sa.Text),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_errors", sa.Integer, nullable=False, server_default="0"),
        sa.Column("polls", sa.Integer, nullable=False, server_default="0"),
        sa.Column("links_found", sa.Integer, nullable=False, server_default="0"),
        sa.Column("articles_added", sa.Integer, nullable=False, server_default="0"),
        sa.Column("pages_failed", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_due_at", time_text()),
    )
    # Every article link discovered, keyed by canonical URL: fetched once, resumable.
    op.create_table(
        "crawl_frontier",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("source", sa.Text),
        sa.Column("state", sa.Text, nullable=False, server_default="pending"),
        sa.Column("hints", sa.Text, nullable=False, server_default="{}"),
        sa.Column("discovered_at", time_text(), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("last_attempt_at", time_text()),
        sa.Column("outcome", sa.Text),
        sa.Column("article_id", sa.Integer),
    )
    op.create_index("ix_crawl_frontier_state", "crawl_frontier", ["state", "discovered_at"])


def downgrade() -> None:
    op.drop_table("crawl_frontier")
    op.drop_table("source_state")
    op.drop_table("source_fetches")
