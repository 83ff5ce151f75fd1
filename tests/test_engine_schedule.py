"""Which sources are due, and when the engine wakes next."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from kabar.engine.config import parse_config
from kabar.engine.scheduler import interval_of, plan
from kabar.sources.fetchlog import SourceRow

NOW = datetime(2020, 11, 3, 9, 0, tzinfo=UTC)
CFG = parse_config(
    "[engine]\ninterval_minutes = 15\n"
    '[[source]]\nname = "A"\nurl = "https://a.id/rss"\n'
    '[[source]]\nname = "B"\nurl = "https://b.id/rss"\ninterval_minutes = 5\n'
    '[[source]]\nname = "C"\nurl = "https://c.id/rss"\n'
)


def _row(name: str, next_due: datetime | None) -> SourceRow:
    return SourceRow(name, "feed", "u", None, None, None, None, None, None, None, 0, 0, 0, 0, 0,
                     next_due.isoformat() if next_due else None)  # fmt: skip


def test_never_polled_and_overdue_sources_are_due() -> None:
    rows = [_row("A", NOW - timedelta(seconds=1)), _row("B", NOW + timedelta(minutes=3)), _row("C", None)]
    schedule = plan(CFG, rows, now=NOW)
    assert [s.name for s in schedule.due] == ["A", "C"]
    assert schedule.next_wake == NOW + timedelta(minutes=3)


def test_nothing_due_wakes_at_the_earliest() -> None:
    rows = [_row(n, NOW + timedelta(minutes=m)) for n, m in (("A", 9), ("B", 2), ("C", 4))]
    schedule = plan(CFG, rows, now=NOW)
    assert schedule.due == [] and schedule.next_wake == NOW + timedelta(minutes=2)


def test_a_garbled_due_time_means_due() -> None:
    row = _row("A", None)
    row.next_due_at = "not a time"
    assert "A" in [s.name for s in plan(CFG, [row], now=NOW).due]


def test_per_source_interval() -> None:
    assert [interval_of(s, CFG) for s in CFG.sources] == [15.0, 5.0, 15.0]
