"""Reading the portal's and the API's filter parameters (dates, pages)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

# Dates typed by a reader are Jakarta days (WIB), the zone most Indonesian news is dated in.
WIB = timezone(timedelta(hours=7), "WIB")


def parse_day(text: str | None) -> date | None:
    """``2020-11-03`` → a date; empty or malformed → None (a form may send ``dari=``)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def day_start(day: date | None) -> datetime | None:
    return datetime(day.year, day.month, day.day, tzinfo=WIB) if day else None


def day_end(day: date | None) -> datetime | None:
    """The exclusive end of ``day`` (the archive's ``until`` is exclusive)."""
    start = day_start(day)
    return start + timedelta(days=1) if start else None


@dataclass(slots=True, frozen=True)
class Page:
    number: int
    size: int
    total: int

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages
