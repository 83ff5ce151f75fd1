"""Tables of the near-duplicate index (migration 0003_dedup creates them)."""

from __future__ import annotations

from sqlalchemy import Column, Float, ForeignKey, Index, Integer, LargeBinary, MetaData, Table

metadata = MetaData()

# One MinHash signature per article that has text, with its shingle count
# (the count turns estimated Jaccard into containment for truncated reprints).
dedup_signatures = Table(
    "dedup_signatures",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("shingles", Integer, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# LSH buckets: one row per (band key, article). Keyed lookups only, so no rowid;
# removal recomputes the keys from the stored signature, so no article_id index.
dedup_bands = Table(
    "dedup_bands",
    metadata,
    Column("key", Integer, primary_key=True),
    Column("article_id", Integer, primary_key=True),
    sqlite_with_rowid=False,
)

# Duplicate groups: only articles that have at least one verified near-duplicate.
# group_id is the smallest article id of the group.
dedup_groups = Table(
    "dedup_groups",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("group_id", Integer, nullable=False),
    Column("similarity", Float, nullable=False),  # best verified similarity to another member
    Index("ix_dedup_groups_group", "group_id"),
)
