"""Dates built from untrusted values: ``None`` where the calendar runs out, never an exception.

Pages, records and command lines carry years 1 and 9999 (``datePublished: 0001-01-01``, a
``published_utc`` placeholder, ``--captured-at 9999-12-31T23:59:59Z``). Python's ``date`` stops at
those ends: a day's step past them raises ``OverflowError``, an impossible day ``ValueError``, and
moving a time at the edge into another zone can raise either. Every piece of date arithmetic on a
parsed value goes through :func:`calendar_value`, so a value off the calendar becomes "unknown"
where it is read instead of a crash wherever it is next used.

:class:`TimeWindow` and :func:`implausible` say which publication times are believable at all
(by default none before 1900 and none more than a day after the page was captured).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from kabar.model import Article

__all__ = [
    "TimeWindow",
    "calendar_value",
    "check_times",
    "from_iso",
    "implausible",
    "make_date",
    "make_datetime",
    "month_start",
    "shift",
    "to_zone",
]

_T = TypeVar("_T")
_D = TypeVar("_D", date, datetime)


def calendar_value(build: Callable[[], _T]) -> _T | None:
    """``build()``, or None when it leaves the calendar (year 0 or 10000, 31 February, an edge
    time moved across zones): the one place such errors are turned into "no value"."""
    try:
        return build()
    except (OverflowError, ValueError, OSError):  # OSError: platform time functions at the edges
        return None


def make_date(year: int, month: int, day: int) -> date | None:
    return calendar_value(lambda: date(year, month, day))


def make_datetime(
    year: int,
    month: int,
    day: int,
    hour: int = 0,
    minute: int = 0,
    second: int = 0,
    tz: tzinfo | None = None,
) -> datetime | None:
    return calendar_value(lambda: datetime(year, month, day, hour, minute, second, tzinfo=tz))


def shift(value: _D, delta: timedelta) -> _D | None:
    """``value + delta``, or None past year 1 or 9999."""
    return calendar_value(lambda: value + delta)


def month_start(year: int, month: int, months: int) -> date | None:
    """The first day of the month ``months`` after (or before) ``year-month``."""
    index = year * 12 + month - 1 + months
    return make_date(index // 12, index % 12 + 1, 1)


def to_zone(value: datetime, tz: tzinfo) -> datetime | None:
    """``value`` seen in zone ``tz`` (an aware time), or None when that leaves the calendar."""
    return calendar_value(lambda: value.astimezone(tz))


def from_iso(text: str) -> datetime | None:
    """``datetime.fromisoformat`` (with a trailing ``Z``), or None."""
    cleaned = text.strip()
    if cleaned.endswith(("Z", "z")):
        cleaned = cleaned[:-1] + "+00:00"
    return calendar_value(lambda: datetime.fromisoformat(cleaned))


@dataclass(slots=True, frozen=True)
class TimeWindow:
    """Publication times believed: from ``earliest`` to ``after_capture`` past the capture time
    (the current time when the capture time is unknown)."""

    earliest: datetime = datetime(1900, 1, 1, tzinfo=UTC)
    after_capture: timedelta = timedelta(days=1)
    now: datetime | None = None  # the clock when no capture time is known; None: the real clock


def implausible(
    value: datetime, captured_at: datetime | None, window: TimeWindow | None = None
) -> str | None:
    """Why ``value`` cannot be a publication time (one line), or None when it can."""
    w = window or TimeWindow()
    utc = to_zone(value, UTC) if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if utc is None:
        return f"{value.isoformat()} cannot be placed in UTC"
    if utc < w.earliest:
        return f"{value.isoformat()} is before {w.earliest.date().isoformat()}"
    reference = captured_at or w.now or datetime.now(UTC)
    if reference.tzinfo is None:
        reference = reference.replace(tzinfo=UTC)
    limit = shift(reference, w.after_capture)
    if limit is not None and utc > limit:
        said = "captured" if captured_at is not None else "read"
        return (
            f"{value.isoformat()} is more than {_span(w.after_capture)} after "
            f"the page was {said} ({reference.isoformat()})"
        )
    return None


def _span(delta: timedelta) -> str:
    hours = int(delta.total_seconds() // 3600)
    return f"{hours // 24} day(s)" if hours % 24 == 0 else f"{hours} hour(s)"


def check_times(article: Article, window: TimeWindow | None = None) -> Article:
    """Drop ``published``/``modified`` outside ``window`` (in place); each drop leaves a note.

    Every reader (HTML, flattened text, JSONL records) passes its article through here: read as the
    publication time, an unset CMS field (``0001-01-01``) or a placeholder (``9999-12-31``) would
    anchor every relative expression of the article in the wrong millennium and sort the article
    first or last in the archive for ever.
    """
    if article.published is not None:
        why = implausible(article.published, article.captured_at, window)
        if why is not None:
            article.notes.append(f"publication time set aside: {why}")
            article.published = None
            article.published_text = None
            article.published_precision = None
            if "published" not in article.missing:
                article.missing.append("published")
    if article.modified is not None:
        why = implausible(article.modified, article.captured_at, window)
        if why is not None:
            article.notes.append(f"modification time set aside: {why}")
            article.modified = None
            article.modified_precision = None
    return article
