"""Resolve one matched time expression to a value, against the article's publication time.

Values: an ISO date (``2020-11-03``), a list of dates, an ISO week (``2020-W44``), a month
(``2020-10``), a year (``2020``), a decade (``199X``), or an ISO 8601 interval of two dates
(``2020-09-27/2020-10-10``). A date whose year the text does not give takes the most recent
such date not far after publication (up to ``future_days``): a November article's
"22 Oktober" is last month, its "25 Desember" next month. An expression whose value would fall
off the calendar (a day before 1 January of year 1, a year after 9999, from a publication time at
either end) is kept with the value None and a note, never dropped and never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from kabar.lang.dates import make_date, month_start, shift
from kabar.understand.timex_patterns import (
    AGE_WORDS,
    DAY_WORDS,
    MODIFIERS,
    NEXT,
    NUMBER_WORDS,
    PAST,
    UNITS,
    vocabulary,
)


@dataclass(slots=True, frozen=True)
class Anchor:
    """What a relative or year-less expression is resolved against."""

    today: date | None  # the publication date in the article's own zone
    hour: int | None = None
    context_year: int | None = None  # the latest explicit year in the article, used without ``today``
    future_days: int = 60


@dataclass(slots=True, frozen=True)
class Timex:
    """TimeML's reading of an expression (a TIMEX3's type, value and mod)."""

    type: str  # DATE, TIME, DURATION, SET
    value: str
    mod: str | None = None
    # A clock time or part of day with no day of its own ("pukul 10.00", "pagi"): the value's day
    # is the day named just before it in the paragraph, else the publication day; suffix is the rest.
    suffix: str | None = None
    # An event-anchored day ("keesokan harinya"): days from the day named just before it.
    shift: int | None = None


@dataclass(slots=True, frozen=True)
class Resolved:
    value: str | list[str] | None  # None: the expression is a time, but its value leaves the calendar
    note: str | None = None
    timex: Timex | None = None  # set by the TimeML patterns; the others are typed by timex_timeml


OFF_CALENDAR = "the value falls outside the calendar (before year 1 or after 9999)"


def _off_calendar() -> Resolved:
    return Resolved(None, OFF_CALENDAR)


def _day(d: date | None) -> Resolved:
    return _off_calendar() if d is None else Resolved(d.isoformat())


def _week(d: date | None) -> Resolved:
    return _off_calendar() if d is None else Resolved(_iso_week(d))


def _year(year: int) -> Resolved:
    return Resolved(f"{year:04d}") if 1 <= year <= 9999 else _off_calendar()


def _month_value(start: date | None) -> Resolved:
    return _off_calendar() if start is None else Resolved(f"{start.year:04d}-{start.month:02d}")


_DAY_TOKEN = re.compile(r"\d{1,2}")
_MONTH_DAY_YEAR = re.compile(r"(?P<d>\d{1,2})(?:\s+(?P<mon>[^\W\d_]+)\.?(?:\s+(?P<y>\d{4}|'\d{2}))?)?")


def _month(name: str) -> int | None:
    return vocabulary().months.get(name.lower().rstrip("."))


def full_year(text: str, anchor: Anchor) -> int:
    """Four digits as written; two digits ('98, 20) to the century that keeps them not far ahead."""
    digits = text.lstrip("'")
    if len(digits) == 4:
        return int(digits)
    base = (anchor.today.year if anchor.today else anchor.context_year) or date.today().year
    yy = int(digits)
    year = base - base % 100 + yy
    return year - 100 if year > base + 1 else year


def infer_year(month: int, day: int, anchor: Anchor) -> int | None:
    if anchor.today is None:
        return anchor.context_year
    # At the calendar's end the limit is the end itself: nothing lies beyond it.
    limit = shift(anchor.today, timedelta(days=anchor.future_days)) or date.max
    for year in (anchor.today.year + 1, anchor.today.year, anchor.today.year - 1):
        # 29 Februari in a common year, or no such day at all: place the month
        candidate = make_date(year, month, day) or make_date(year, month, 1)
        if candidate is not None and candidate <= limit:
            return year
    return anchor.today.year - 1  # year 0 when the anchor is in year 1: _make_date says so


@dataclass(slots=True, frozen=True)
class DayRef:
    day: int
    month: int | None
    year: int | None


def _make_date(ref: DayRef, anchor: Anchor) -> tuple[str | None, str | None]:
    """ISO text and a note; (None, note) for a date that does not exist (31 Februari)."""
    if ref.month is None:
        return None, None
    year = ref.year if ref.year is not None else infer_year(ref.month, ref.day, anchor)
    if year is None:
        return (
            f"XXXX-{ref.month:02d}-{ref.day:02d}",
            "the year is not given and the publication time is unknown",
        )
    if not 1 <= year <= 9999:
        return None, OFF_CALENDAR
    made = make_date(year, ref.month, ref.day)
    if made is None:
        return None, f"{ref.day}/{ref.month}/{year} is not a date"
    return made.isoformat(), None


def _refs(text: str, anchor: Anchor) -> list[DayRef]:
    """Day items of a list or range, month and year filled right to left (1 dan 2 November 2020)."""
    items = []
    for m in _MONTH_DAY_YEAR.finditer(text):
        mon = _month(m["mon"]) if m["mon"] else None
        if mon is None:  # "1 dan …": the word after the day is a connector, not a month
            items.append(DayRef(int(m["d"]), None, None))
            continue
        items.append(DayRef(int(m["d"]), mon, full_year(m["y"], anchor) if m["y"] else None))
    if not items:
        return []
    last = items[-1]
    year: int | None = last.year
    if year is None and last.month is not None:
        year = infer_year(last.month, last.day, anchor)
    month: int | None = None
    filled: list[DayRef] = []
    for ref in reversed(items):
        if ref.month is not None:
            if ref.year is not None:
                year = ref.year
            elif year is not None and month is not None and ref.month > month:
                year -= 1  # "30 Desember hingga 2 Januari 2021": the left end is the year before
            month = ref.month
        filled.append(DayRef(ref.day, month, ref.year if ref.year is not None else year))
    filled.reverse()
    return filled


def _iso_week(d: date) -> str:
    y, w, _ = d.isocalendar()
    return f"{y}-W{w:02d}"


def _weekday_note(value: str, weekday_text: str) -> str | None:
    v = vocabulary()
    said = v.weekdays.get(weekday_text.lower())
    if said is None or value.startswith("X"):
        return None
    real = date.fromisoformat(value)  # made by _make_date: always a real date
    if real.isoweekday() == said:
        return None
    return (
        f"{real.day} {real.strftime('%B')} {real.year} was a {v.weekday_names[real.isoweekday()]}, "
        f"not a {v.weekday_names[said]} ({weekday_text}): the weekday and the date disagree; the date is kept"
    )


def resolve_list(text: str, anchor: Anchor) -> Resolved | None:
    values, notes = [], []
    for ref in _refs(text, anchor):
        iso, note = _make_date(ref, anchor)
        if iso:
            values.append(iso)
        if note:
            notes.append(note)
    if not values:
        return _off_calendar() if OFF_CALENDAR in notes else None
    return Resolved(values if len(values) > 1 else values[0], "; ".join(notes) or None)


def resolve_range(text: str, anchor: Anchor) -> Resolved | None:
    refs = _refs(text, anchor)
    if len(refs) != 2:
        return None
    (a, na), (b, nb) = _make_date(refs[0], anchor), _make_date(refs[1], anchor)
    if a is None or b is None:
        return _off_calendar() if OFF_CALENDAR in (na, nb) else None
    if not a.startswith("X") and not b.startswith("X") and a > b:
        return Resolved(f"{a}/{b}", "the range ends before it starts")
    return Resolved(f"{a}/{b}", na or nb)


def resolve_date(text: str, anchor: Anchor, weekday: str | None = None) -> Resolved | None:
    refs = _refs(text, anchor)
    if len(refs) != 1:
        return None
    iso, note = _make_date(refs[0], anchor)
    if iso is None:
        if refs[0].month is None:
            return None
        if note == OFF_CALENDAR:
            return _off_calendar()
        # 31 Februari: keep what is certain (the month) and say why
        year = refs[0].year if refs[0].year is not None else infer_year(refs[0].month, 1, anchor)
        if year is None:
            return Resolved(f"XXXX-{refs[0].month:02d}", note)
        if not 1 <= year <= 9999:
            return _off_calendar()
        return Resolved(f"{year:04d}-{refs[0].month:02d}", note)
    if weekday:
        note = _weekday_note(iso, weekday) or note
    return Resolved(iso, note)


def resolve_numeric(
    day: int, month: int, year_text: str | None, anchor: Anchor, weekday: str | None
) -> Resolved | None:
    year = full_year(year_text, anchor) if year_text else None
    iso, note = _make_date(DayRef(day, month, year), anchor)
    if iso is None:
        return _off_calendar() if note == OFF_CALENDAR else None
    if weekday:
        note = _weekday_note(iso, weekday) or note
    return Resolved(iso, note)


def resolve_month(mon: str, year_text: str | None, modifier: str | None, anchor: Anchor) -> Resolved | None:
    month = _month(mon)
    if month is None:
        return None
    year = int(year_text) if year_text else infer_year(month, 15, anchor)
    if year is not None and not 1 <= year <= 9999:
        return _off_calendar()
    value = f"{year:04d}-{month:02d}" if year is not None else f"XXXX-{month:02d}"
    note = None
    if modifier:
        part = MODIFIERS.get(modifier.lower(), "")
        note = f"{modifier.lower()}: the {part} of the month"
    return Resolved(value, note)


def resolve_year(year_text: str, modifier: str | None) -> Resolved:
    note = f"{modifier.lower()}: the {MODIFIERS.get(modifier.lower(), '')} of the year" if modifier else None
    return Resolved(year_text, note)


def resolve_decade(
    year_text: str | None, two_digits: str | None, anchor: Anchor, before: str
) -> Resolved | None:
    if before.split()[-1:] and before.split()[-1].lower() in AGE_WORDS:
        return None  # "usia 20-an": an age, not a decade
    if year_text:
        return Resolved(f"{year_text[:3]}X")
    if two_digits is None:
        return None
    base = (anchor.today.year if anchor.today else anchor.context_year) or date.today().year
    century = base - base % 100
    start = century + int(two_digits)
    if start > base:
        start -= 100
    if start < 0:
        return _off_calendar()
    return Resolved(f"{start:04d}"[:3] + "X")


def _direction(word: str) -> int:
    w = " ".join(word.lower().split())
    if w in PAST:
        return -1
    if w in NEXT:
        return 1
    return 0


def resolve_period(unit: str, direction: str, modifier: str | None, anchor: Anchor) -> Resolved | None:
    if anchor.today is None:
        return None
    step = _direction(direction)
    kind = UNITS.get(unit.lower(), "")
    note = None
    if kind == "week":
        week = _week(shift(anchor.today, timedelta(weeks=step)))
        if week.value is not None and modifier and modifier.lower() == "akhir":
            note = "akhir pekan: the weekend of that week"
        return Resolved(week.value, note or week.note)
    if kind == "month":
        month = _month_value(month_start(anchor.today.year, anchor.today.month, step))
        if month.value is not None and modifier:
            return Resolved(month.value, f"{modifier.lower()} of the month")
        return month
    if kind == "year":
        year = _year(anchor.today.year + step)
        if year.value is not None and modifier:
            return Resolved(year.value, f"{modifier.lower()} of the year")
        return year
    return None


def resolve_count(number: str | None, unit: str, direction: str, anchor: Anchor) -> Resolved | None:
    if anchor.today is None:
        return None
    n = 1 if number is None else (int(number) if number.isdigit() else NUMBER_WORDS.get(number.lower(), 0))
    if n <= 0 or n > 200:
        return None
    d = direction.lower()
    sign = 1 if d in ("lagi", "kemudian", "mendatang") else -1
    kind = UNITS.get(unit.lower(), "")
    if kind == "day":
        return _day(shift(anchor.today, timedelta(days=sign * n)))
    if kind == "week":
        return _week(shift(anchor.today, timedelta(weeks=sign * n)))
    if kind == "month":
        return _month_value(month_start(anchor.today.year, anchor.today.month, sign * n))
    if kind == "year":
        return _year(anchor.today.year + sign * n)
    return None


def resolve_day_word(word: str, anchor: Anchor) -> Resolved | None:
    if anchor.today is None:
        return None
    offset = DAY_WORDS.get(" ".join(word.lower().split()))
    if offset is None:
        # last night: the evening before a morning article, the same evening for a late one
        offset = -1 if anchor.hour is None or anchor.hour < 20 else 0
    return _day(shift(anchor.today, timedelta(days=offset)))


def resolve_weekday(weekday: str, direction: str | None, anchor: Anchor) -> Resolved | None:
    """A weekday with no date: news means the latest one on or before publication."""
    if anchor.today is None:
        return None
    target = vocabulary().weekdays.get(weekday.lower())
    if target is None:
        return None
    back = (anchor.today.isoweekday() - target) % 7
    d = (direction or "").lower()
    if d in ("depan", "mendatang"):
        forward = (target - anchor.today.isoweekday()) % 7 or 7
        return _day(shift(anchor.today, timedelta(days=forward)))
    if d in ("lalu", "kemarin") and back == 0:
        back = 7
    return _day(shift(anchor.today, timedelta(days=-back)))
