"""A printed date with its time of day in the shapes non-Indonesian pages print, and the zone they name.

:func:`kabar.lang.time.find_time` reads Indonesian lines, whose zone is WIB, WITA or WIT; a line in
another language ("November 19, 2019, 07:47 PM EST", "Published 10:02 AM EST Nov 19, 2019",
"on Monday, November 18th, 2019 at 11:08 a.m.") names its zone by an abbreviation, or none. Here the
date and clock are read by ``find_time`` as a wall clock, with what it does not take around it:

* a zone abbreviation after the clock, its offset from ``data/declared.json`` (``zone_names``:
  EST, IST, CET, JST, AEST …), or a numeric offset ("GMT+0530", RFC 2822's "10:00:00 -0500");
* a clock printed before the date ("10:02 AM EST Nov 19, 2019", also in JSON-LD's datePublished),
  or a short word after it ("20.11.2019 um 14:05 Uhr");
* an ordinal day ("November 18th").

A clock with no zone is read in ``default`` (the zone the page states elsewhere, else UTC) and is
not ``zoned``. A date with no clock is no clock line: the day alone is read elsewhere.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime, timedelta, timezone

from kabar.extract.html_time import FoundTime, is_placeholder, named_zone, zone_names
from kabar.extract.html_time import zone as zone_of

__all__ = ["read_clock_line"]

_MAX_LINE_CHARS = 200
# The day's ordinal suffix find_time does not read ("November 18th, 2019").
_ORDINAL = re.compile(r"(?<=\d)(?:st|nd|rd|th)\b", re.IGNORECASE)
# A clock in find_time's match ("07:47"), not a dotted date ("20.11.2019").
_CLOCK_IN = re.compile(r"(?<![\d.])\d{1,2}:\d{2}|(?<![\d.])\d{1,2}\.\d{2}(?![\d.])")
_CLOCK = r"(?<![\d:.])(?P<h>\d{1,2})[:.](?P<mi>\d{2})(?:[:.]\d{2})?+(?:\s*+(?P<ampm>[AaPp]\.?[Mm]\b\.?))?+"


def _zones() -> str:
    return "|".join(re.escape(n) for n in sorted(zone_names(), key=len, reverse=True))


@functools.cache
def _zone_after_re() -> re.Pattern[str]:
    # The abbreviation in capitals, as pages print it: "est" is a word in French and Latin.
    # "GMT+0530": the offset written after the name is the one meant (JavaScript's Date string);
    # "10:00:00 -0500": an offset alone (RFC 2822, in some pages' meta tags).
    # Entered only where no space precedes (the end of a match), so linear along runs of spaces.
    return re.compile(
        rf"(?<!\s)\s*+\(?(?:(?P<zone>{_zones()})|(?=[+-]\d))"
        r"(?:(?P<offset>[+-]\d{2}):?(?P<offmin>\d{2}))?+(?![\w:])"
    )


@functools.cache
def _clock_after_re() -> re.Pattern[str]:
    # "20.11.2019 um 14:05 Uhr": a clock a short word after the date find_time read alone.
    return re.compile(rf"[^\d]{{0,6}}?{_CLOCK}(?:\s*+(?P<zone>{_zones()})\b)?+")


@functools.cache
def _clock_before_re() -> re.Pattern[str]:
    # "10:02 AM EST " just before the date, nothing but separators between them.
    return re.compile(rf"{_CLOCK}(?:\s*+(?P<zone>{_zones()})\b)?+[\s,|·–—-]{{0,4}}$")


def _hour(hour: int, ampm: str | None) -> int | None:
    if ampm is None:
        return hour if hour < 24 else None
    if not 1 <= hour <= 12:
        return None
    return hour % 12 + (12 if ampm[0] in "Pp" else 0)


def read_clock_line(text: str, default: timezone) -> FoundTime | None:
    """The first date with a time of day in ``text``, in the zone it names, else in ``default``."""
    from kabar.lang.time import find_time  # babel loads on first use, as html_time reads visible lines

    if len(text) > _MAX_LINE_CHARS:
        return None
    line = _ORDINAL.sub("", " ".join(text.split()))
    # WIB stands for "no zone printed" here: only the wall clock is read (zone_assumed says so).
    found = find_time(line, "WIB")
    if found is None or not found.zone_assumed:
        return None  # none, or an Indonesian zone: kabar.extract.html_time reads those
    start = line.find(found.text)
    end = start + len(found.text)
    wall = found.value.replace(tzinfo=None)
    zone: re.Match[str] | None = None
    shown_start = start
    clock_in_found = _CLOCK_IN.search(found.text) is not None
    if clock_in_found:
        if (zone := _zone_after_re().match(line, end)) is not None and zone.group("zone", "offset") != (
            None,
            None,
        ):
            end = zone.end()
        else:
            zone = None
    else:
        clock = _clock_after_re().match(line, end) or _clock_before_re().search(line[:start])
        if clock is None:
            return None  # a day without its time of day
        hour = _hour(int(clock.group("h")), clock.group("ampm"))
        minute = int(clock.group("mi"))
        if hour is None or minute > 59:
            return None
        wall = wall + timedelta(hours=hour, minutes=minute)
        zone = clock if clock.group("zone") else None
        if clock.start() < start:
            shown_start = clock.start()
        else:
            end = clock.end()
    tz = _zone(zone) if zone is not None else None
    value = datetime.combine(wall.date(), wall.time(), tzinfo=tz or default)
    if is_placeholder(value):
        return None  # "Thu, 01 Jan 1970 07:00:00 +0700": the Unix epoch, printed where a CMS has no time
    name = zone.group("zone") if zone is not None and not _has_offset(zone) else None
    # A clock read by find_time says whether it had seconds; one read here has none.
    precision = found.precision if clock_in_found else "minute"
    return FoundTime(
        value=value,
        text=line[shown_start:end].strip(),
        zoned=tz is not None,
        zone_name=name,
        precision=precision,
    )


def _has_offset(m: re.Match[str]) -> bool:
    return "offset" in m.re.groupindex and m.group("offset") is not None


def _zone(m: re.Match[str]) -> timezone | None:
    """The zone a match names: the offset written after the name where there is one, else the name's."""
    if _has_offset(m):
        sign = -1 if m.group("offset")[0] == "-" else 1
        return zone_of(sign * (int(m.group("offset")[1:]) + int(m.group("offmin")) / 60))
    return named_zone(m.group("zone")) if m.group("zone") else None
