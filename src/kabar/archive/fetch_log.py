"""The fetch log and per-source state (tables of migration 0005_sources).

Each write is its own short transaction, so a run killed at any moment leaves every
finished step recorded.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, update

from kabar.archive.sql_source import ConnectionSource
from kabar.archive.upsert import insert_for
from kabar.sources.crawler import FetchResult
from kabar.sources.fetchlog import SourceRow

metadata = MetaData()

source_fetches = Table(
    "source_fetches",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("final_url", Text),
    Column("source", Text),
    Column("status", Integer),
    Column("outcome", Text, nullable=False),
    Column("bytes", Integer, nullable=False),
    Column("elapsed_ms", Integer, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("error", Text),
    Column("fetched_at", Text, nullable=False),
)

source_state = Table(
    "source_state",
    metadata,
    Column("name", Text, primary_key=True),
    Column("kind", Text, nullable=False),
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_fetch_at", Text),
    Column("last_ok_at", Text),
    Column("last_status", Integer),
    Column("last_outcome", Text),
    Column("last_error", Text),
    Column("consecutive_errors", Integer, nullable=False),
    Column("polls", Integer, nullable=False),
    Column("links_found", Integer, nullable=False),
    Column("articles_added", Integer, nullable=False),
    Column("pages_failed", Integer, nullable=False),
    Column("next_due_at", Text),
)


class SqlFetchLog:
    """:class:`kabar.archive.stores.FetchLogStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    # -- fetch log ---------------------------------------------------------------
    def record(self, result: FetchResult) -> None:
        row = {
            "url": result.url[:4096],
            "final_url": result.final_url[:4096],
            "source": result.source,
            "status": result.status,
            "outcome": result.outcome,
            "bytes": result.size,
            "elapsed_ms": int(result.elapsed * 1000),
            "attempts": result.attempts,
            "error": (result.error or None) and result.error[:500],
            "fetched_at": result.started_at.isoformat(),
        }
        with self._db.writing() as conn:
            conn.execute(source_fetches.insert().values(**row))

    def prune(self, keep: int = 200_000) -> int:
        """Drop all but the newest ``keep`` fetch records (a long run must not grow without end)."""
        with self._db.writing() as conn:
            cutoff = conn.execute(
                select(source_fetches.c.id).order_by(source_fetches.c.id.desc()).offset(keep).limit(1)
            ).scalar_one_or_none()
            if cutoff is None:
                return 0
            return int(
                conn.execute(source_fetches.delete().where(source_fetches.c.id <= cutoff)).rowcount or 0
            )

    def recent_fetches(self, limit: int = 50) -> list[dict[str, Any]]:
        stmt = select(source_fetches).order_by(source_fetches.c.id.desc()).limit(limit)
        with self._db.reading() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def fetch_counts(self) -> dict[str, int]:
        stmt = select(source_fetches.c.outcome, func.count()).group_by(source_fetches.c.outcome)
        with self._db.reading() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(stmt)}

    # -- sources -----------------------------------------------------------------
    def ensure_source(self, name: str, kind: str, url: str) -> None:
        with self._db.writing() as conn:
            stmt = insert_for(conn, source_state).values(
                name=name, kind=kind, url=url, consecutive_errors=0, polls=0, links_found=0,
                articles_added=0, pages_failed=0,
            )  # fmt: skip
            conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_={"kind": kind, "url": url}))

    def source(self, name: str) -> SourceRow | None:
        with self._db.reading() as conn:
            row = conn.execute(select(source_state).where(source_state.c.name == name)).first()
        return SourceRow(**row._mapping) if row is not None else None

    def sources(self) -> list[SourceRow]:
        with self._db.reading() as conn:
            rows = conn.execute(select(source_state).order_by(source_state.c.name))
            return [SourceRow(**r._mapping) for r in rows]

    def poll_done(
        self, name: str, result: FetchResult, *, links: int, error: str | None, next_due: datetime
    ) -> None:
        """After one poll of a source: validators, health, counts, next due time."""
        ok = error is None and result.outcome in ("ok", "not_modified")
        values: dict[str, Any] = {
            "last_fetch_at": result.started_at.isoformat(),
            "last_status": result.status,
            "last_outcome": result.outcome if error is None or not result.ok else "unreadable",
            "last_error": error,
            "polls": source_state.c.polls + 1,
            "links_found": source_state.c.links_found + links,
            "next_due_at": next_due.isoformat(),
        }
        if ok:
            values["last_ok_at"] = result.started_at.isoformat()
            values["consecutive_errors"] = 0
            if result.outcome == "ok":
                values["etag"] = result.headers.get("etag")
                values["last_modified"] = result.headers.get("last-modified")
        else:
            values["consecutive_errors"] = source_state.c.consecutive_errors + 1
        with self._db.writing() as conn:
            conn.execute(update(source_state).where(source_state.c.name == name).values(**values))

    def count_article(self, name: str | None, *, added: bool, failed: bool) -> None:
        if name is None or not (added or failed):
            return
        values = (
            {"articles_added": source_state.c.articles_added + 1}
            if added
            else {"pages_failed": source_state.c.pages_failed + 1}
        )
        with self._db.writing() as conn:
            conn.execute(update(source_state).where(source_state.c.name == name).values(**values))


__all__ = ["SqlFetchLog", "source_fetches", "source_state"]
