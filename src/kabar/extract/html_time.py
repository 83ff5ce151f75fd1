"""Publication-time reading for the HTML reader.

Visible time lines go to ``kabar.lang.time.find_time`` first. What stays here by
hand: the ISO reader for meta tags (portals write "2016-02-23 T16:00:20Z" and
"+0700", which ``datetime.fromisoformat`` refuses), and a fallback pattern for
line shapes ``find_time`` does not take ("04 November, 2015 | 07:28 WIB").
htmldate is not used for the time: it returns a date without the time of day.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from kabar.extract.tables import load_table
from kabar.extract.word_patterns import word_pattern
from kabar.lang.time import iso_precision
from kabar.model import TimePrecision

ZONES = {"WIB": 7, "WITA": 8, "WIT": 9, "GMT": 0, "UTC": 0}

MONTHS = {
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nopember": 11, "nop": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip

_MONTH_ALT = "|".join(sorted(MONTHS, key=len, reverse=True))
_ZONE_ALT = "WIB|WITA|WIT|GMT|UTC"
# "Kamis, 05/11/2015 09:25 WIB", "Selasa, 23 Februari 2016 | 15:32 WIB",
# "23 Feb 2016, 10:15", "Rabu 4 November 2015, 21.05 WIB".
_VISIBLE = re.compile(
    r"(?:(?P<d1>\d{1,2})\s*[/-]\s*(?P<m1>\d{1,2})\s*[/-]\s*(?P<y1>\d{4})"
    rf"|(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_ALT})\.?,?\s+(?P<y2>\d{{4}}))"
    r"[\s,|\-–—:]*(?:pukul\s+|jam\s+)?(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.]\d{2})?"
    rf"(?:\s*(?P<z>{_ZONE_ALT})\b)?",
    re.IGNORECASE,
)


@dataclass(slots=True)
class FoundTime:
    value: datetime  # aware when a zone was stated or assumed
    text: str
    zoned: bool  # the source itself stated the zone
    zone_name: str | None = None  # the zone as printed ("WIB", "WITA", "WIT"), when it was printed
    precision: TimePrecision = "minute"  # Article.published_precision: how much of the time was stated


def zone(hours: float) -> timezone:
    return timezone(timedelta(hours=hours))


_ZONE_NAMES = {7.0: "WIB", 8.0: "WITA", 9.0: "WIT"}


def parse_visible_time(text: str, default_zone: timezone | None = None) -> FoundTime | None:
    """The first Indonesian date-and-time in ``text`` ("Kamis, 05/11/2015 09:25 WIB").

    ``kabar.lang.time.find_time`` reads it first; the local pattern below is the fallback for
    shapes it does not take ("04 November, 2015 | 07:28 WIB", "23/02/2016 15:32").
    """
    from kabar.lang.time import find_time

    offset = default_zone.utcoffset(None) if default_zone is not None else None
    zone_name = _ZONE_NAMES.get(offset.total_seconds() / 3600) if offset is not None else None
    found = find_time(text, zone_name) if len(text) < _MAX_SHARED_READER_CHARS else None
    local = _parse_local(text, default_zone)
    if found is not None and (local is None or found.value == local.value or not local.zoned):
        start = _weekday_start(text, max(0, text.find(found.text)))
        shown = " ".join(text[start : text.find(found.text) + len(found.text)].split()) or found.text
        return FoundTime(
            value=found.value,
            text=shown,
            zoned=not found.zone_assumed,
            zone_name=None if found.zone_assumed else found.zone,
            precision=found.precision,
        )
    return local


_MAX_SHARED_READER_CHARS = 20_000


def _parse_local(text: str, default_zone: timezone | None) -> FoundTime | None:
    for m in _VISIBLE.finditer(text):
        if m.group("d1"):
            day, month, year = int(m.group("d1")), int(m.group("m1")), int(m.group("y1"))
        else:
            day, month, year = int(m.group("d2")), MONTHS[m.group("m2").lower()], int(m.group("y2"))
        try:
            naive = datetime(year, month, day, int(m.group("h")), int(m.group("mi")))
        except ValueError:
            continue
        z = m.group("z")
        tz = zone(ZONES[z.upper()]) if z else default_zone
        start = _weekday_start(text, m.start())
        return FoundTime(
            value=naive.replace(tzinfo=tz) if tz else naive,
            text=" ".join(text[start : m.end()].split()),
            zoned=bool(z),
            zone_name=z.upper() if z else None,
            precision="minute",
        )
    return None


def _weekday_start(text: str, start: int) -> int:
    m = word_pattern("weekday").search(text[max(0, start - 12) : start])
    return max(0, start - 12) + m.start() if m else start


@functools.cache
def _declared() -> dict[str, Any]:
    return load_table("declared")


@functools.cache
def _zone_name_re() -> re.Pattern[str]:
    names = "|".join(re.escape(n) for n in _declared()["zone_names"])
    return re.compile(rf"(?<=\d)\s*+(?P<name>{names})$")


def zone_names() -> frozenset[str]:
    """The zone abbreviations pages print for an offset ("GMT", "EST", "IST"): ``data/declared.json``."""
    return frozenset(_declared()["zone_names"])


@functools.cache
def time_field_names(kind: str) -> frozenset[str]:
    """The class, name or id words of hidden form fields holding the ``published`` or ``modified``
    time (``data/declared.json``: ``time_fields``)."""
    return frozenset(n.lower() for n in _declared()["time_fields"][kind])


def named_zone(name: str) -> timezone | None:
    """The offset a zone abbreviation names ("EST" → -05:00), None for one not in the data."""
    entry = _declared()["zone_names"].get(name)
    return zone(float(entry["hours"])) if entry is not None else None


def _named_zone_offset(text: str) -> str:
    """ "2019-11-18 17:19:53 GMT" → "2019-11-18 17:19:53+00:00": a zone name written for the offset."""
    m = _zone_name_re().search(text)
    if m is None or (tz := named_zone(m.group("name"))) is None:
        return text
    offset = tz.utcoffset(None)
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"{text[: m.start()]}{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def is_placeholder(value: datetime) -> bool:
    """A machine time a CMS writes where it has none: Go's zero time, the Unix epoch, year 1."""
    if value.year < int(_declared()["earliest_year"]["value"]):
        return True
    return value.tzinfo is not None and value.astimezone(UTC).isoformat() in _declared()["placeholder_times"]


def parse_iso(value: str, default_zone: timezone | None = None) -> FoundTime | None:
    """An ISO-8601-ish machine time (JSON-LD, meta tags, ``<time datetime>``); None for a placeholder
    ("0001-01-01T00:00:00Z")."""
    raw = value.strip()
    if not raw:
        return None
    text = raw.replace("Z", "+00:00") if raw.endswith("Z") else _named_zone_offset(raw)
    text = re.sub(r"([+-]\d{2})(\d{2})$", r"\1:\2", text)  # +0700 → +07:00
    text = re.sub(r"^(\d{4}-\d{2}-\d{2})\s*T?\s*(\d)", r"\1T\2", text)  # "2016-02-23 T16:00:20Z"
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if is_placeholder(parsed):
        return None
    zoned = parsed.tzinfo is not None
    if not zoned and default_zone is not None:
        parsed = parsed.replace(tzinfo=default_zone)
    return FoundTime(value=parsed, text=raw, zoned=zoned, precision=iso_precision(raw))
