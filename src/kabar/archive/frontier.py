"""The crawl frontier: every article link discovered, keyed by canonical URL (migration 0005_sources)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import Column, Integer, MetaData, Table, Text, func, select, update

from kabar.archive.sql_source import ConnectionSource
from kabar.archive.upsert import insert_for
from kabar.sources.fetchlog import FrontierCounts, PendingLink

metadata = MetaData()
PAGE_OF_ARTICLE = "page_of_article"  # the outcome of a page read as part of another article

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


class SqlFrontier:
    """:class:`kabar.archive.stores.FrontierStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

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
        count = select(func.count()).select_from(crawl_frontier)
        with self._db.writing() as conn:
            before = conn.execute(count).scalar_one()
            conn.execute(
                insert_for(conn, crawl_frontier).on_conflict_do_nothing(index_elements=["url"]), rows
            )
            after = conn.execute(count).scalar_one()
        return int(after) - int(before)

    def state_of(self, url: str) -> str | None:
        with self._db.reading() as conn:
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
        with self._db.reading() as conn:
            return [
                PendingLink(url=r[0], source=r[1], hints=json.loads(r[2] or "{}"), attempts=int(r[3]))
                for r in conn.execute(stmt)
            ]

    def finish(
        self, url: str, *, outcome: str, article_id: int | None, retry: bool, max_attempts: int = 3
    ) -> None:
        """Mark one link done, or failed (``retry``: pending again until attempts run out)."""
        with self._db.writing() as conn:
            attempts = conn.execute(
                select(crawl_frontier.c.attempts).where(crawl_frontier.c.url == url)
            ).scalar_one_or_none()
            tries = int(attempts or 0) + 1
            if article_id is not None or not retry:
                state = "done" if article_id is not None else "failed"
            else:
                state = "pending" if tries < max_attempts else "failed"
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

    def mark_pages(self, urls: list[str], *, article_id: int, source: str | None) -> None:
        """A multi-page article's other pages, fetched and stored with it: ``done`` under its id
        (outcome ``page_of_article``), whether already discovered or not, so the crawl never takes
        them up as articles of their own. A page already done as its own article stays as it is."""
        urls = sorted(set(urls))
        if not urls:
            return
        now = _now()
        rows = [
            {"url": url, "source": source, "state": "done", "hints": "{}", "discovered_at": now, "attempts": 0,
             "last_attempt_at": now, "outcome": PAGE_OF_ARTICLE, "article_id": article_id}
            for url in urls
        ]  # fmt: skip
        with self._db.writing() as conn:
            conn.execute(
                insert_for(conn, crawl_frontier).on_conflict_do_nothing(index_elements=["url"]), rows
            )
            conn.execute(
                update(crawl_frontier)
                .where(crawl_frontier.c.url.in_(urls), crawl_frontier.c.state != "done")
                .values(state="done", last_attempt_at=now, outcome=PAGE_OF_ARTICLE, article_id=article_id)
            )

    def counts(self) -> FrontierCounts:
        stmt = select(crawl_frontier.c.state, func.count()).group_by(crawl_frontier.c.state)
        with self._db.reading() as conn:
            counts = {str(r[0]): int(r[1]) for r in conn.execute(stmt)}
        return FrontierCounts(
            pending=counts.get("pending", 0), done=counts.get("done", 0), failed=counts.get("failed", 0)
        )


__all__ = ["PAGE_OF_ARTICLE", "SqlFrontier", "crawl_frontier"]
