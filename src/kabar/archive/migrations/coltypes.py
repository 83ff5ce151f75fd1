"""Column types the migrations share across dialects."""

from __future__ import annotations

import sqlalchemy as sa


def time_text() -> sa.types.TypeEngine[str]:
    """ISO 8601 time as text (one code path on both backends: UTC text sorts in time order).

    On PostgreSQL the column is collated "C": a linguistic collation (en_US) skips
    punctuation at first level, so ``…10:00:00.5+00:00`` and ``…10:00:00+00:00`` would not
    compare byte by byte, and ranges and newest-first would drift.
    """
    return sa.Text().with_variant(sa.Text(collation="C"), "postgresql")


def int64() -> sa.types.TypeEngine[int]:
    """A signed 64-bit integer (hash keys): SQLite's INTEGER is 64-bit already, PostgreSQL's is 32."""
    return sa.Integer().with_variant(sa.BigInteger(), "postgresql")
