"""Text columns whose values may hold U+0000, which PostgreSQL's ``text`` refuses.

The story clustering marks its own rows in the term tables with a leading NUL
(``kabar.understand.story_cluster.DOCS_KEY``, ``ENTITY_PREFIX``) because no analysed term
can hold one. SQLite stores it as it is (so existing archives stay readable); on
PostgreSQL the NUL is stored as U+001F (unit separator), which analysed terms and entity
names cannot hold either (extraction strips control characters), and read back as NUL.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

_NUL, _STAND_IN = "\x00", "\x1f"


def to_column(value: str, dialect: Dialect) -> str:
    """The text as a NulSafeText column holds it (for statements sent to the driver directly)."""
    return value.replace(_NUL, _STAND_IN) if dialect.name == "postgresql" else value


def from_column(value: str, dialect: Dialect) -> str:
    return value.replace(_STAND_IN, _NUL) if dialect.name == "postgresql" else value


class NulSafeText(TypeDecorator[str]):
    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else to_column(value, dialect)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else from_column(value, dialect)


__all__ = ["NulSafeText", "from_column", "to_column"]
