"""Indonesian times as news portals print them: parse, find and format.

Absolute times (``Selasa, 3 November 2020 16:50 WIB``, ``03/11/2020, 16:50 WITA``,
``2020-11-03T16:50:00+07:00``) and relative ages (``9 jam lalu``, ``sepekan lalu``, ``kemarin``).

What comes from libraries and what is written here, and why:

* Day and month names come from babel's CLDR data for ``id`` and ``en``. Added by hand: ``Ahad``
  and ``Jum'at`` (Sunday/Friday as Tempo and Republika print them) and the older or looser month
  spellings ``Pebruari``, ``Nopember``, ``Agt``, ``Ags``, ``Sept``, ``Nop`` that CLDR lacks.
* The portal shapes are read by one compiled regular expression over those names. dateparser
  parses them too, but costs ~1 ms a call; the extractor runs thousands of pages a second, so
  dateparser is only the fallback for text the regex pre-filter says looks like a time but whose
  shape the regex does not know (e.g. ``Tuesday, November 3, 2020 4:50 PM``).
* Zones: dateparser does not know ``WIB``/``WITA``/``WIT``; they are mapped here (+07/+08/+09).
* Ages: dateparser misses ``pekan`` (``2 pekan lalu``, ``sepekan lalu``) and turns ``kemarin`` into
  midnight rather than "one day ago", so the portal forms are a table here; dateparser remains the
  fallback for other ``… lalu`` text (``2 jam 30 menit lalu``).
* Formatting uses babel (``format_datetime``, ``format_timedelta``); babel's Indonesian relative
  form says ``9 jam yang lalu`` where portals print ``9 jam lalu``, and it says ``30 detik yang
  lalu`` where portals print ``baru saja``: both are adjusted here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Any

from kabar.lang.dates import make_datetime, shift
from kabar.model import TimePrecision

__all__ = [
    "ZONES",
    "Age",
    "ParsedTime",
    "find_age",
    "find_time",
    "format_age",
    "format_time",
    "parse_age",
    "parse_time",
    "zone_name",
    "zone_offset",
]

# Indonesia's three zones: a fixed table, not import-time computed state.
ZONES: dict[str, int] = {"WIB": 7, "WITA": 8, "WIT": 9}

_MAX_PARSE_CHARS = 160  # a time line is short; longer text is searched with find_time
_MAX_AGE_CHARS = 64


@dataclass(slots=True)
class ParsedTime:
    value: datetime  # timezone-aware
    text: str  # the exact matched text
    zone: str | None  # "WIB" / "WITA" / "WIT", or None for other offsets
    zone_assumed: bool = False  # True when no zone was printed and default_zone was applied
    precision: TimePrecision = "minute"  # "day": a date with no time of day printed (at its midnight)


@dataclass(slots=True)
class Age:
    text: str  # the exact matched text, e.g. "9 jam lalu"
    seconds: int
    published: datetime | None = None  # captured_at - seconds, when a capture time is known


# ---------------------------------------------------------------- tables (built once, cached)


@functools.cache
def _tz(zone: str) -> timezone:
    return timezone(timedelta(hours=ZONES[zone]), zone)


def zone_offset(zone: str) -> tzinfo | None:
    """The fixed offset of ``WIB``/``WITA``/``WIT`` (any case), else None."""
    key = zone.strip().upper()
    return _tz(key) if key in ZONES else None


def zone_name(dt: datetime) -> str | None:
    """``WIB``/``WITA``/``WIT`` for a datetime at +7/+8/+9, else None."""
    offset = dt.utcoffset()
    if offset is None:
        return None
    for name, hours in ZONES.items():
        if offset == timedelta(hours=hours):
            return name
    return None


@functools.cache
def _weekday_names() -> dict[str, int]:
    from babel import Locale

    names: dict[str, int] = {}
    for loc in ("id", "en"):
        days = Locale(loc).days
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in days[context][width].items():
                    names[name.lower()] = num
    # CLDR lacks these spellings that Indonesian portals print.
    names.update({"ahad": 6, "jum'at": 4, "jum’at": 4})
    return names


@functools.cache
def _month_names() -> dict[str, int]:
    from babel import Locale

    names: dict[str, int] = {}
    for loc in ("id", "en"):
        months = Locale(loc).months
        for context in ("format", "stand-alone"):
            for width in ("wide", "abbreviated"):
                for num, name in months[context][width].items():
                    names[name.lower().rstrip(".")] = num
    # Older and looser spellings CLDR lacks (still common in archives and captions).
    names.update({"pebruari": 2, "peb": 2, "agt": 8, "ags": 8, "sept": 9, "nopember": 11, "nop": 11})
    return names


def _alternation(names: dict[str, int]) -> str:
    # Longest first so "November" wins over "Nov".
    return "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))


@functools.cache
def _absolute_re() -> re.Pattern[str]:
    wd = _alternation(_weekday_names())
    mon = _alternation(_month_names())
    pattern = rf"""
    (?<![\w/.:-])
    (?:
        (?P<iso>\d{{4}}-\d{{2}}-\d{{2}}
            (?:[T\ ]\d{{2}}:\d{{2}}(?::\d{{2}}(?:\.\d{{1,6}})?)?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?)
      |
        (?:(?P<wd>{wd})\.?\s*,?\s*)?
        (?:
            (?P<d1>\d{{1,2}})\s+(?P<mon1>{mon})\.?,?\s+(?P<y1>\d{{4}})
          | (?P<d2>\d{{1,2}})(?P<sep>[/.-])(?P<m2>\d{{1,2}})(?P=sep)(?P<y2>\d{{4}})
          | (?P<mon3>{mon})\.?\s+(?P<d3>\d{{1,2}}),?\s+(?P<y3>\d{{4}})
        )
        (?:
            (?:\s*[,|/–—-]\s*|\s+)(?:(?:pukul|pkl\.?|jam|at)\s+)?
            (?P<h>\d{{1,2}})[:.](?P<mi>\d{{2}})(?:[:.](?P<s>\d{{2}}))?(?![\d:.]\d)
            (?:\s*(?P<ampm>[AaPp]\.?[Mm]\b\.?))?
            (?:\s*(?P<zone>WITA|WIB|WIT)\b)?
        )?
    )
    (?![\w/])
    """
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


@functools.cache
def _prefilter_re() -> re.Pattern[str]:
    """Cheap test before the big pattern: every shape read here carries a four-digit year."""
    return re.compile(r"[12]\d\d\d")


@functools.cache
def _names_re() -> re.Pattern[str]:
    """A day or month name as a whole word: gates the dateparser fallback."""
    names = _alternation({**_weekday_names(), **_month_names()})
    return re.compile(rf"(?<!\w)(?:{names})(?!\w)", re.IGNORECASE)


@functools.cache
def _zone_token_re() -> re.Pattern[str]:
    return re.compile(r"\b(WITA|WIB|WIT)\b", re.IGNORECASE)


@functools.cache
def _age_units() -> dict[str, int]:
    """Seconds per unit word (Indonesian and English); months and years are calendar averages
    rounded the way portals round (30 and 365 days)."""
    day = 86400
    return {
        "detik": 1,
        "menit": 60,
        "jam": 3600,
        "hari": day,
        "pekan": 7 * day,
        "minggu": 7 * day,
        "bulan": 30 * day,
        "tahun": 365 * day,
        "second": 1,
        "minute": 60,
        "hour": 3600,
        "day": day,
        "week": 7 * day,
        "month": 30 * day,
        "year": 365 * day,
    }


@functools.cache
def _age_words() -> dict[str, int]:
    """Whole-phrase ages with no number."""
    return {
        "baru saja": 0,
        "barusan": 0,
        "just now": 0,
        "kemarin": 86400,
        "yesterday": 86400,
    }


@functools.cache
def _age_re() -> re.Pattern[str]:
    units = "|".join(sorted(_age_units(), key=len, reverse=True))
    words = "|".join(re.escape(w) for w in sorted(_age_words(), key=len, reverse=True))
    pattern = rf"""
    (?<!\w)
    (?:
        (?:(?P<n>\d{{1,4}})\s*|(?P<se>se)|(?P<en1>an?|one)\s+)
        (?P<unit>{units})s?\s+(?:(?:yang\s+)?lalu|ago)
      | (?P<word>{words})
    )
    (?!\w)
    """
    return re.compile(pattern, re.IGNORECASE | re.VERBOSE)


@functools.cache
def _loose_age_re() -> re.Pattern[str]:
    """Compound ages the table does not read (``2 jam 30 menit lalu``): a number or ``se-`` word
    first, ``lalu``/``ago`` last, a few words between."""
    return re.compile(r"(?:\d{1,4}|se\w+|an?)(?:\s+\S+){1,6}?\s+(?:yang\s+)?(?:lalu|ago)", re.IGNORECASE)


def _has_age_marker(text: str) -> bool:
    """Words every age contains, tested with ``in`` (C-speed) before any regex: most lines have none."""
    low = text.lower()
    return (
        "lalu" in low
        or "ago" in low
        or "kemarin" in low
        or "baru" in low
        or "yesterday" in low
        or "just now" in low
    )


# ---------------------------------------------------------------- absolute times


def _build(m: re.Match[str], default_zone: str | None) -> ParsedTime | None:
    text = m.group(0)
    if m.group("iso"):
        return _from_iso(text, default_zone)
    months = _month_names()
    if m.group("d1"):
        day, month, year = int(m.group("d1")), months[m.group("mon1").lower().rstrip(".")], int(m.group("y1"))
    elif m.group("d2"):
        day, month, year = int(m.group("d2")), int(m.group("m2")), int(m.group("y2"))
    else:
        day, month, year = int(m.group("d3")), months[m.group("mon3").lower().rstrip(".")], int(m.group("y3"))
    hour = int(m.group("h")) if m.group("h") else 0
    ampm = m.group("ampm")
    if ampm is not None:  # English pages (Tempo English, Antara English) print 12-hour clocks
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm[0] in "Pp" else 0)
    minute = int(m.group("mi")) if m.group("mi") else 0
    second = int(m.group("s")) if m.group("s") else 0
    zone = m.group("zone").upper() if m.group("zone") else None
    assumed = False
    if zone is None:
        if default_zone is None or default_zone.upper() not in ZONES:
            return None
        zone, assumed = default_zone.upper(), True
    value = make_datetime(year, month, day, hour, minute, second, _tz(zone))
    if value is None:  # 31/02/2020, 25:61, year 0 and the like
        return None
    precision: TimePrecision = "second" if m.group("s") else "minute" if m.group("h") else "day"
    return ParsedTime(value=value, text=text, zone=zone, zone_assumed=assumed, precision=precision)


def _from_iso(text: str, default_zone: str | None) -> ParsedTime | None:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    precision = iso_precision(text)
    if value.tzinfo is None:
        if default_zone is None or default_zone.upper() not in ZONES:
            return None
        zone = default_zone.upper()
        aware = value.replace(tzinfo=_tz(zone))
        return ParsedTime(value=aware, text=text, zone=zone, zone_assumed=True, precision=precision)
    return ParsedTime(value=value, text=text, zone=zone_name(value), precision=precision)


_ISO_CLOCK = re.compile(r"\d[T\s]\s*+T?\s*+\d{1,2}:\d{2}(?P<s>:\d{2})?")


def iso_precision(text: str) -> TimePrecision:
    """How much of a time an ISO 8601 text states: "2024-01-02" a day, "…T10:00" the minute,
    "…T10:00:05" the second."""
    m = _ISO_CLOCK.search(text)
    return "day" if m is None else "second" if m.group("s") else "minute"


def find_time(text: str, default_zone: str | None = "WIB") -> ParsedTime | None:
    """The first absolute time inside a longer line (``Kompas.com - 03/11/2020, 16:50 WIB``)."""
    if not text or not _prefilter_re().search(text):
        return None
    for m in _absolute_re().finditer(text):
        parsed = _build(m, default_zone)
        if parsed is not None:
            return parsed
    return None


def parse_time(text: str, default_zone: str | None = "WIB") -> ParsedTime | None:
    """The whole of ``text`` (trimmed) read as one absolute time, else None.

    A time with no printed zone gets ``default_zone`` (``zone_assumed`` says so); with
    ``default_zone=None`` such a time is not returned, because a naive time cannot be placed.
    """
    if not text:
        return None
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_PARSE_CHARS or not _prefilter_re().search(stripped):
        return None
    m = _absolute_re().fullmatch(stripped)
    if m is not None:
        return _build(m, default_zone)
    if len(stripped.split()) > 10 or "://" in stripped or not _names_re().search(stripped):
        return None  # dateparser costs ~1 ms: only time-like short text with a day or month name
    return _dateparser_time(stripped, default_zone)


def _dateparser_time(text: str, default_zone: str | None) -> ParsedTime | None:
    """Shapes the regex does not know (12-hour clocks, English word order): ask dateparser."""
    zone_m = _zone_token_re().search(text)
    zone = zone_m.group(1).upper() if zone_m else None
    bare = _zone_token_re().sub(" ", text) if zone_m else text
    value = _dateparser().parse(bare, languages=["id", "en"], settings=_dateparser_settings())
    if value is None:
        return None
    # dateparser puts a date printed without a clock at midnight: only a clock in the text says more.
    precision: TimePrecision = "minute" if _ANY_CLOCK.search(text) else "day"
    if value.tzinfo is not None:
        return ParsedTime(value=value, text=text, zone=zone_name(value), precision=precision)
    assumed = False
    if zone is None:
        if default_zone is None or default_zone.upper() not in ZONES:
            return None
        zone, assumed = default_zone.upper(), True
    aware = value.replace(tzinfo=_tz(zone))
    return ParsedTime(value=aware, text=text, zone=zone, zone_assumed=assumed, precision=precision)


_ANY_CLOCK = re.compile(r"\d[:.]\d{2}(?!\d)|\d\s*[ap]\.?m\b", re.IGNORECASE)


@functools.cache
def _dateparser() -> Any:
    # Imported lazily: dateparser's import costs ~0.3 s and most pages never need it.
    import dateparser

    return dateparser


@functools.cache
def _dateparser_settings() -> dict[str, Any]:
    return {"DATE_ORDER": "DMY", "STRICT_PARSING": True, "PREFER_DATES_FROM": "past"}


# ---------------------------------------------------------------- relative ages


def _age_from_match(m: re.Match[str], captured_at: datetime | None) -> Age:
    word = m.group("word")
    if word is not None:
        seconds = _age_words()[word.lower()]
    else:
        count = int(m.group("n")) if m.group("n") else 1
        seconds = count * _age_units()[m.group("unit").lower()]
    return Age(text=m.group(0), seconds=seconds, published=_published(captured_at, seconds))


def _published(captured_at: datetime | None, seconds: int) -> datetime | None:
    """The capture time ``seconds`` back; None when unknown or before year 1 (captured at 0001)."""
    return shift(captured_at, timedelta(seconds=-seconds)) if captured_at is not None else None


def parse_age(text: str, captured_at: datetime | None = None) -> Age | None:
    """The whole of ``text`` (trimmed) read as a relative age (``9 jam lalu``), else None."""
    if not text:
        return None
    stripped = text.strip()
    if not stripped or len(stripped) > _MAX_AGE_CHARS:
        return None
    if not _has_age_marker(stripped):
        return None
    m = _age_re().fullmatch(stripped)
    if m is not None:
        return _age_from_match(m, captured_at)
    if _loose_age_re().fullmatch(stripped) is None:
        return None  # "lalu" is also "then": only number-led "… lalu" text is worth dateparser's ~1 ms
    return _dateparser_age(stripped, captured_at)


def find_age(text: str, captured_at: datetime | None = None) -> Age | None:
    """The first relative age inside a longer line (``Nasional • 2 jam lalu``)."""
    if not text or not _has_age_marker(text):
        return None
    m = _age_re().search(text)
    return _age_from_match(m, captured_at) if m is not None else None


def _dateparser_age(text: str, captured_at: datetime | None) -> Age | None:
    """Compound or unusual relative forms (``2 jam 30 menit lalu``): ask dateparser."""
    base = datetime(2000, 1, 1)
    value = _dateparser().parse(text, languages=["id", "en"], settings={"RELATIVE_BASE": base})
    if value is None or value.tzinfo is not None or value > base:
        return None
    seconds = int((base - value).total_seconds())
    return Age(text=text, seconds=seconds, published=_published(captured_at, seconds))


# ---------------------------------------------------------------- formatting


def format_day(dt: datetime) -> str:
    """``Selasa, 3 November 2020``: the date in the datetime's own offset, with no clock (a time
    known to the day only)."""
    from babel.dates import format_date

    return format_date(dt.date(), "EEEE, d MMMM y", locale="id")


def format_time(dt: datetime) -> str:
    """``Selasa, 3 November 2020 16:50 WIB`` in the datetime's own zone.

    Offsets other than +7/+8/+9 are printed as ``+05:30``; a naive datetime is taken as WIB
    (the zone most portals print).
    """
    from babel.dates import format_datetime

    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=_tz("WIB"))
    text = format_datetime(dt, "EEEE, d MMMM y HH:mm", tzinfo=dt.tzinfo, locale="id")
    zone = zone_name(dt)
    if zone is None:
        offset = dt.utcoffset() or timedelta(0)
        sign = "-" if offset < timedelta(0) else "+"
        minutes = abs(int(offset.total_seconds())) // 60
        zone = f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"
    return f"{text} {zone}"


def format_age(seconds: int) -> str:
    """``9 jam lalu``, ``2 hari lalu``, ``baru saja`` — the way portals print an age."""
    from babel.dates import format_timedelta

    if seconds < 60:
        return "baru saja"  # babel: "30 detik yang lalu"; portals print "baru saja"
    # threshold=1: switch to the larger unit only once it is whole ("17 jam", not babel's "1 hari").
    text = format_timedelta(timedelta(seconds=-seconds), threshold=1, add_direction=True, locale="id")
    return text.replace(" yang lalu", " lalu")  # babel: "9 jam yang lalu"; portals: "9 jam lalu"
