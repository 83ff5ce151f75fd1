"""understanding: entities and stories (owned by the understanding work)

Revision ID: 0004_understanding
Revises: 0003_dedup

Tables (the modules that own them: ``kabar.archive.entity_store`` and ``kabar.archive.story_store``):

- ``entities``: one row per entity across the archive (one id), its display name, type and counts.
- ``entity_names``: every surface name seen for an entity; ``norm`` resolves a name to its id.
- ``entity_roles``: roles the text gave an entity, with first/last publication time seen.
- ``article_entities``: which article names which entity (with the role it gave there).
- ``stories``: one row per story, with its running centroid (JSON) for incremental clustering.
- ``story_articles``: each article belongs to at most one story.
- ``story_keys``: an inverted index (term/entity key → story) to find candidate stories fast.
- ``story_df``: online document frequencies for the clustering's TF-IDF.
"""

import sqlalchemy as sa
from alembic import op

from kabar.archive.migrations.coltypes import time_text

revision = "0004_understanding"
down_revision = "0003_dedup"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("mention_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_seen", time_text()),
        sa.Column("last_seen", time_text()),
    )
    op.create_index("ix_entities_type_count", "entities", ["type", "article_count"])
    op.create_table(
        "entity_names",
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("norm", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("type", "norm", "entity_id"),
    )
    op.create_index("ix_entity_names_entity", "entity_names", ["entity_id"])
    op.create_table(
        "entity_roles",
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.Text, nullable=False),
        sa.Column("count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_seen", time_text()),
        sa.Column("last_seen", time_text()),
        sa.PrimaryKeyConstraint("entity_id", "role"),
    )
    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("entity_id", sa.Integer, sa.ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
        sa.Column("mentions", sa.Integer, nullable=False, server_default="0"),
        sa.Column("role", sa.Text),
        sa.Column("published_utc", time_text()),
        sa.PrimaryKeyConstraint("article_id", "entity_id"),
    )
    op.create_index("ix_article_entities_entity", "article_entities", ["entity_id", "published_utc"])
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("label", sa.Text),
        sa.Column("article_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("first_published", time_text()),
        sa.Column("last_published", time_text()),
        sa.Column("centroid", sa.Text, nullable=False, server_default="{}"),
        sa.Column("updated_at", time_text()),
    )
    op.create_index("ix_stories_last_published", "stories", ["last_published"])
    op.create_index("ix_stories_count", "stories", ["article_count", "last_published"])
    op.create_table(
        "story_articles",
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        sa.Column("published_utc", time_text()),
        sa.Column("score", sa.Float),
        sa.Column("features", sa.Text, nullable=False, server_default="{}"),
        sa.PrimaryKeyConstraint("article_id"),
    )
    op.create_index("ix_story_articles_story", "story_articles", ["story_id", "published_utc"])
    op.create_table(
        "story_keys",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
        sa.Column("last_published", time_text()),
        sa.PrimaryKeyConstraint("key", "story_id"),
    )
    op.create_index("ix_story_keys_story", "story_keys", ["story_id"])
    op.create_table(
        "story_df",
        sa.Column("term", sa.Text, primary_key=True),
        sa.Column("df", sa.Integer, nullable=False, server_default="0"),
    )


def downgrade() -> None:
    for table in (
        "story_df",
        "story_keys",
        "story_articles",
        "stories",
        "article_entities",
        "entity_roles",
        "entity_names",
        "entities",
    ):
        op.drop_table(table)
