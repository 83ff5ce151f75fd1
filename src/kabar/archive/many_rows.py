"""Many rows in one statement, the same SQL on SQLite and PostgreSQL (``VALUES (…), (…)``).

SQLAlchemy's executemany costs a Python round of parameter processing per row (and on
PostgreSQL, psycopg sends one statement per row); its multi-row insert renders the statement
anew for every row count. A store whose every ingested article writes a dozen rows to a table
(:mod:`kabar.archive.entity_store`) hands them to the driver here instead: one statement per
:data:`MAX_PARAMETERS` parameters, the placeholders the driver's (``?`` or ``%s``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.engine import Connection

# Bound parameters per statement: SQLite's limit on old builds is 999.
MAX_PARAMETERS = 999


def placeholder(conn: Connection) -> str:
    """The driver's parameter mark."""
    return "?" if conn.dialect.paramstyle == "qmark" else "%s"


def values_rows(
    conn: Connection, head: str, tail: str, rows: Sequence[Sequence[Any]], casts: Sequence[str]
) -> list[Any]:
    """Run ``head VALUES (…), (…) tail`` over ``rows``, a statement per slice that stays within
    :data:`MAX_PARAMETERS`, and return what the statements return (``RETURNING``), in order.

    ``casts`` gives each column's SQL type: a parameter is written ``CAST(? AS type)`` where the
    type is not empty (PostgreSQL types a bare parameter of a ``VALUES`` list in a subquery as
    text).
    """
    if not rows:
        return []
    width = len(casts)
    mark = placeholder(conn)
    one = "(" + ", ".join(f"CAST({mark} AS {c})" if c else mark for c in casts) + ")"
    per = max(1, MAX_PARAMETERS // width)
    out: list[Any] = []
    for i in range(0, len(rows), per):
        part = rows[i : i + per]
        sql = f"{head} VALUES {', '.join([one] * len(part))} {tail}"
        flat = tuple(value for row in part for value in row)
        result = conn.exec_driver_sql(sql, flat)
        if result.returns_rows:
            out.extend(result.fetchall())
    return out


__all__ = ["MAX_PARAMETERS", "placeholder", "values_rows"]
