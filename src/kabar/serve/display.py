"""How times, ages and article addresses read on the portal (Indonesian)."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta, timezone

from kabar.lang import time as lang_time
from kabar.serialize import schema_time, stored_precision

_WIB = timezone(timedelta(hours=7))


def format_time(value: datetime | None, precision: str | None = None) -> str:
    """``Selasa, 3 November 2020 16:50 WIB`` in the article's own zone.

    A UTC offset is not an Indonesian article's own zone but how a corpus or feed stored
    the instant; those times are shown in WIB, the zone Indonesian portals print. A time known
    to the day only (``precision == "day"``, :data:`kabar.model.TimePrecision`) is its date
    without a clock, ``Selasa, 3 November 2020``, in its own offset: moved to WIB, a day kept at
    its midnight UTC would show a clock the page never printed.
    """
    if value is None:
        return ""
    if precision == "day":
        return lang_time.format_day(value)
    offset = value.utcoffset()
    if offset is None or offset == timedelta(0):
        value = (value if offset is not None else value.replace(tzinfo=UTC)).astimezone(_WIB)
    return lang_time.format_time(value)


def machine_time(value: datetime, precision: str | None = None) -> str:
    """``<time datetime>``'s value: the date alone for a day-only time (HTML's valid date string),
    the form JSON-LD gives it too (:func:`kabar.serialize.schema_time`)."""
    return schema_time(value, stored_precision(precision))


def format_age(seconds: float | None) -> str:
    """``9 jam lalu``: how portals say it (babel would say "9 jam yang lalu")."""
    return lang_time.format_age(max(0, int(seconds))) if seconds is not None else ""


def age_seconds(published: datetime | None, now: datetime) -> int | None:
    if published is None:
        return None
    if published.tzinfo is None:
        published = published.replace(tzinfo=UTC)
    return max(0, int((now - published).total_seconds()))


_NON_WORD = re.compile(r"[^a-z0-9]+")


def slugify(headline: str | None, limit: int = 80) -> str:
    """A readable ASCII slug for the address; the id alone identifies the article."""
    if not headline:
        return ""
    ascii_text = unicodedata.normalize("NFKD", headline).encode("ascii", "ignore").decode("ascii")
    slug = _NON_WORD.sub("-", ascii_text.lower()).strip("-")
    return slug[:limit].rstrip("-")


def article_href(article_id: int, headline: str | None = None) -> str:
    slug = slugify(headline)
    return f"/artikel/{article_id}/{slug}" if slug else f"/artikel/{article_id}"


_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DECADE = re.compile(r"^(\d{3})X$")


def format_period(value: str) -> str:
    """A timeline date (ISO day, month, week, decade or range a/b) as an Indonesian reader writes it."""
    from datetime import date

    from babel.dates import format_date

    if "/" in value:
        start, _, end = value.partition("/")
        return f"{format_period(start)} – {format_period(end)}"
    if m := _MONTH.match(value):
        return format_date(date(int(m.group(1)), int(m.group(2)), 1), "MMMM y", locale="id")
    if m := _DECADE.match(value):
        return f"{m.group(1)}0-an"
    try:
        day = date.fromisoformat(value)  # also reads an ISO week (2020-W44) as its Monday
    except ValueError:
        return value
    text = format_date(day, "d MMMM y", locale="id")
    return f"pekan {text}" if _WEEK.match(value) else text


def format_span(first: datetime | None, last: datetime | None) -> str:
    """The days a story ran, in WIB: ``26 Oktober 2020 – 3 November 2020`` (one day: that day)."""
    days = [_wib_day(t) for t in (first, last) if t is not None]
    if not days:
        return ""
    return format_period(days[0] if days[0] == days[-1] else f"{days[0]}/{days[-1]}")


def _wib_day(value: datetime) -> str:
    aware = value if value.utcoffset() is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(_WIB).date().isoformat()
