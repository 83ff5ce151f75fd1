"""Core tables of the archive (SQLAlchemy Core; Alembic owns their evolution).

Each later stage keeps its own tables in its own module and its own migration.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    # Unique on SQLite only since 0010_url_identity; articles are matched by canonical_key/page_key.
    Column("canonical_url", Text, nullable=True),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("headline", Text),
    Column("published", Text),  # ISO 8601 with the article's own offset
    Column("published_utc", Text),  # ISO 8601 in UTC, for ordering and ranges
    # "day" | "minute" | "second": how much of the time the page states; NULL unknown (0011_time_precision)
    Column("published_precision", String(8)),
    Column("outlet", Text),
    Column("url", Text),
    Column("language", Text),
    Column("description", Text),
    Column("captured_at", Text),
    Column("ingested_at", Text, nullable=False),
    Column("data", Text, nullable=False),  # the whole article as kabar JSON
    # Identity keys of the canonical and the fetched URL (archive/article_identity.py, 0010_url_identity)
    Column("canonical_key", String(32)),
    Column("page_key", String(32)),
    Index("ix_articles_published_utc", "published_utc"),
    Index("ix_articles_outlet_published", "outlet", "published_utc"),
    Index("ix_articles_canonical_key", "canonical_key"),
    Index("ix_articles_page_key", "page_key"),
)
