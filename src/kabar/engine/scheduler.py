"""Which sources are due for a poll, and when the engine should next wake up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from kabar.engine.config import EngineConfig, SourceConfig
from kabar.sources.fetchlog import SourceRow


@dataclass(slots=True, frozen=True)
class Schedule:
    due: list[SourceConfig]
    next_wake: datetime | None  # the earliest time a not-yet-due source becomes due


def _parse(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def interval_of(source: SourceConfig, config: EngineConfig) -> float:
    return source.interval_minutes if source.interval_minutes is not None else config.interval_minutes


def plan(config: EngineConfig, rows: list[SourceRow], now: datetime | None = None) -> Schedule:
    """Sources never polled, or whose ``next_due_at`` has passed, are due now."""
    at = now or datetime.now(UTC)
    state = {r.name: r for r in rows}
    due: list[SourceConfig] = []
    upcoming: list[datetime] = []
    for source in config.sources:
        row = state.get(source.name)
        when = _parse(row.next_due_at) if row is not None else None
        if when is None or when <= at:
            due.append(source)
        else:
            upcoming.append(when)
    return Schedule(due=due, next_wake=min(upcoming) if upcoming else None)


__all__ = ["Schedule", "interval_of", "plan"]
