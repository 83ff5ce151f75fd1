"""The engine's memory, as records: per-source state, pending links, frontier counts.

The archive keeps them (tables and SQL: :mod:`kabar.archive.fetch_log`,
:mod:`kabar.archive.frontier`); the engine reads and writes them through
``archive.fetch_log`` and ``archive.frontier``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


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


def due_after(minutes: float, *, errors: int = 0) -> datetime:
    """Next poll time: the interval, stretched for a failing source (up to 8×)."""
    factor = min(8, 2 ** min(errors, 3)) if errors else 1
    return datetime.now(UTC) + timedelta(minutes=minutes * factor)


__all__ = ["FrontierCounts", "PendingLink", "SourceRow", "due_after"]
