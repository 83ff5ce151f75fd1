"""``INSERT … ON CONFLICT`` for the dialect at hand (SQLAlchemy has it per dialect, not in Core)."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

Insert = sqlite.Insert | postgresql.Insert


def insert_for(conn: Connection, table: Table) -> Insert:
    """An insert that offers ``on_conflict_do_nothing``/``on_conflict_do_update`` on this connection."""
    return dialect_insert(conn.dialect.name, table)


@lru_cache(maxsize=64)
def dialect_insert(dialect: str, table: Table) -> Insert:
    # Cached: the constructs are immutable, and building one per ingested article costs more
    # than the statement.
    if dialect == "sqlite":
        return sqlite.insert(table)
    if dialect == "postgresql":
        return postgresql.insert(table)
    raise ValueError(f"no upsert for the {dialect!r} dialect")


__all__ = ["Insert", "dialect_insert", "insert_for"]
