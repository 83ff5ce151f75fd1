"""One read transaction shared by every read of one piece of work (a portal page).

A page reads the article, its related news, story, copies and entities through several
stores; each opening its own connection and transaction cost a BEGIN, a file check and a
ROLLBACK per section (five per article page). Inside :func:`shared_read` every read on the
same engine runs on one connection instead, and sees one snapshot of the archive. The scope
lives in a context variable, so each request thread or task has its own and writes (which
take their own connection) are never drawn into it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine


@dataclass(slots=True, frozen=True)
class _Scope:
    engine: Engine
    conn: Connection


_SCOPE: ContextVar[_Scope | None] = ContextVar("kabar_read_scope", default=None)


@contextmanager
def shared_read(engine: Engine) -> Iterator[None]:
    """Reads on ``engine`` inside the block share one connection (nested: the outer one's)."""
    scope = _SCOPE.get()
    if scope is not None and scope.engine is engine:
        yield
        return
    # ``kabar_read``: a deferred BEGIN on SQLite (kabar.archive.sqlite_engine); ignored elsewhere.
    with engine.connect().execution_options(kabar_read=True) as conn:
        token = _SCOPE.set(_Scope(engine, conn))
        try:
            yield
        finally:
            _SCOPE.reset(token)


@contextmanager
def own_reads() -> Iterator[None]:
    """Reads inside the block take their own transactions again, outside any shared read.

    For work whose answer is kept beyond the page (the related-news ranking): computed on the
    page's snapshot, begun before an invalidation that it would then outlive, it would be
    kept stale.
    """
    token = _SCOPE.set(None)
    try:
        yield
    finally:
        _SCOPE.reset(token)


@contextmanager
def _on_shared(conn: Connection) -> Iterator[Connection]:
    try:
        yield conn
    except BaseException:
        # A failed statement aborts the transaction on PostgreSQL: end it, so that the
        # page's next read (a section after one that failed) begins afresh, as it would alone.
        conn.rollback()
        raise


def reading(engine: Engine) -> AbstractContextManager[Connection]:
    """A connection to read with: the shared one inside :func:`shared_read`, else a new one."""
    scope = _SCOPE.get()
    if scope is not None and scope.engine is engine:
        return _on_shared(scope.conn)
    return engine.connect().execution_options(kabar_read=True)


__all__ = ["own_reads", "reading", "shared_read"]
