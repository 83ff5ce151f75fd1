"""``Article.published_zone``: the zone as the page shows it, for both readers; and how a day is kept.

Indonesian pages print the zone by name ("14.05 WIB"): WIB is +07:00, WITA +08:00, WIT +09:00, and
the name is kept as printed. A time whose zone the page does not name (a machine time with an
offset, or a zone assumed from the portal) is shown as its offset ("+07:00").

A page that prints a date with no time of day (``Article.published_precision == "day"``) gives a
day, not an instant: it is kept as that day's midnight UTC (:func:`stored_time`), so its date is
the page's own day in every view that reads the time in UTC (the archive's ``published_utc``, an
export's UTC timestamp) and in its own offset; the page's zone stays in ``published_zone``. Kept at
midnight +07:00 it would be the day before in UTC, and at midnight UTC a reader west of UTC would
see the day before: views show a day-only time as its date, never converted.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.model import TimePrecision

__all__ = ["shown_zone", "stored_time"]


def stored_time(value: datetime, precision: TimePrecision | None) -> datetime:
    """``value`` as an Article keeps it: a day-only time as its date's midnight UTC (see above)."""
    if precision != "day":
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


_NAMED = frozenset({"WIB", "WITA", "WIT"})


def shown_zone(printed: str | None, value: datetime | None) -> str | None:
    """The printed zone name when it is one of Indonesia's, else the value's UTC offset."""
    if printed and printed.upper() in _NAMED:
        return printed.upper()
    offset = value.utcoffset() if value is not None else None
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
