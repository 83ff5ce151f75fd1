"""The engine's memory in the archive: fetch log, per-source state, crawl frontier.

Tables are created by migration 0005_sources. Each write is its own short
transaction through the archive's engine, so a run killed at any moment leaves
every finished step recorded and every unfinished article still ``pending``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from kabar.sources.crawler import FetchResult

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

crawl_frontier = Table(
    "crawl_frontier",
    metadata,
    Column("url", Text, primary_key=True),
    Column("source", Text),
    Column("state", Text, nullable=False),  # pending | done | failed
    Column("hints", Text, nullable=False),
    Column("discovered_at", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_attempt_at", Text),
    Column("outcome", Text),
    Column("article_id", Integer),
)


def _now() -> str:
    return datetime.now(UTC).isoformat()


@dataclass(slots=True)
class SourceRow:
    name: str
    kind: str
    url: str
    etag: str | None
    last_modified: str | None
    last_fetch_at: str | None
    last_ok_at: str | None
    last_status: int | None
    last_outcome: str | None
    last_error: str | None
    consecutive_errors: int
    polls: int
    links_found: int
    articles_added: int
    pages_failed: int
    next_due_at: str | None


@dataclass(slots=True)
class PendingLink:
    url: str
    source: str | None
    hints: dict[str, str]
    attempts: int


@dataclass(slots=True, frozen=True)
class FrontierCounts:
    pending: int = 0
    done: int = 0
    failed: int = 0


class FetchLog:
    """Reads and writes the three tables over the archive's SQLAlchemy engine."""

    def __init__(self, engine: Engine, *, max_attempts: int = 3) -> None:
        self.engine = engine
        self.max_attempts = max_attempts

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
        with self.engine.begin() as conn:
            conn.execute(source_fetches.insert().values(**row))

    def prune(self, keep: int = 200_000) -> int:
        """Drop all but the newest ``keep`` fetch records (a long run must not grow without end)."""
        with self.engine.begin() as conn:
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
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(stmt)]

    def fetch_counts(self) -> dict[str, int]:
        stmt = select(source_fetches.c.outcome, func.count()).group_by(source_fetches.c.outcome)
        with self.engine.connect() as conn:
            return {str(r[0]): int(r[1]) for r in conn.execute(stmt)}

    # -- sources -----------------------------------------------------------------
    def ensure_source(self, name: str, kind: str, url: str) -> None:
        stmt = sqlite_insert(source_state).values(
            name=name, kind=kind, url=url, consecutive_errors=0, polls=0, links_found=0,
            articles_added=0, pages_failed=0,
        )  # fmt: skip
        stmt = stmt.on_conflict_do_update(index_elements=["name"], set_={"kind": kind, "url": url})
        with self.engine.begin() as conn:
            conn.execute(stmt)

    def source(self, name: str) -> SourceRow | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(source_state).where(source_state.c.name == name)).first()
        return SourceRow(**row._mapping) if row is not None else None

    def sources(self) -> list[SourceRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(source_state).order_by(source_state.c.name))
            return [SourceRow(**r._mapping) for r in rows]

    def poll_done(
        self,
        name: str,
        result: FetchResult,
        *,
        links: int,
        error: str | None,
        next_due: datetime,
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
        with self.engine.begin() as conn:
            conn.execute(update(source_state).where(source_state.c.name == name).values(**values))

    def count_article(self, name: str | None, *, added: bool, failed: bool) -> None:
        if name is None or not (added or failed):
            return
        values = (
            {"articles_added": source_state.c.articles_added + 1}
            if added
            else {"pages_failed": source_state.c.pages_failed + 1}
        )
        with self.engine.begin() as conn:
            conn.execute(update(source_state).where(source_state.c.name == name).values(**values))

    # -- frontier ----------------------------------------------------------------
    def discover(self, links: list[tuple[str, dict[str, str]]], source: str | None) -> int:
        """Add links not seen before as ``pending``; return how many were new."""
        if not links:
            return 0
        now = _now()
        rows = [
            {"url": url, "source": source, "state": "pending", "hints": json.dumps(hints, ensure_ascii=False),
             "discovered_at": now, "attempts": 0}
            for url, hints in links
        ]  # fmt: skip
        stmt = sqlite_insert(crawl_frontier).on_conflict_do_nothing(index_elements=["url"])
        with self.engine.begin() as conn:
            before = conn.execute(select(func.count()).select_from(crawl_frontier)).scalar_one()
            conn.execute(stmt, rows)
            after = conn.execute(select(func.count()).select_from(crawl_frontier)).scalar_one()
        return int(after) - int(before)

    def state_of(self, url: str) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(crawl_frontier.c.state).where(crawl_frontier.c.url == url)).first()
        return str(row[0]) if row is not None else None

    def pending(self, limit: int = 100) -> list[PendingLink]:
        stmt = (
            select(
                crawl_frontier.c.url,
                crawl_frontier.c.source,
                crawl_frontier.c.hints,
                crawl_frontier.c.attempts,
            )
            .where(crawl_frontier.c.state == "pending")
            .order_by(crawl_frontier.c.discovered_at, crawl_frontier.c.url)
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [
                PendingLink(url=r[0], source=r[1], hints=json.loads(r[2] or "{}"), attempts=int(r[3]))
                for r in conn.execute(stmt)
            ]

    def finish(self, url: str, *, outcome: str, article_id: int | None, retry: bool) -> None:
        """Mark one link done, or failed (``retry``: pending again until attempts run out)."""
        with self.engine.begin() as conn:
            attempts = conn.execute(
                select(crawl_frontier.c.attempts).where(crawl_frontier.c.url == url)
            ).scalar_one_or_none()
            tries = int(attempts or 0) + 1
            if article_id is not None or not retry:
                state = "done" if article_id is not None else "failed"
            else:
                state = "pending" if tries < self.max_attempts else "failed"
            conn.execute(
                update(crawl_frontier)
                .where(crawl_frontier.c.url == url)
                .values(
                    state=state,
                    attempts=tries,
                    last_attempt_at=_now(),
                    outcome=outcome,
                    article_id=article_id,
                )
            )

    def frontier_counts(self) -> FrontierCounts:
        stmt = select(crawl_frontier.c.state, func.count()).group_by(crawl_frontier.c.state)
        with self.engine.connect() as conn:
            counts = {str(r[0]): int(r[1]) for r in conn.execute(stmt)}
        return FrontierCounts(
            pending=counts.get("pending", 0), done=counts.get("done", 0), failed=counts.get("failed", 0)
        )


def due_after(minutes: float, *, errors: int = 0) -> datetime:
    """Next poll time: the interval, stretched for a failing source (up to 8×)."""
    factor = min(8, 2 ** min(errors, 3)) if errors else 1
    return datetime.now(UTC) + timedelta(minutes=minutes * factor)


__all__ = ["FetchLog", "FrontierCounts", "PendingLink", "SourceRow", "due_after"]
