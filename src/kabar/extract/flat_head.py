"""The head of a flattened page: its dateline paragraph, time line and headline, and where the
body starts.

Real flattened pages carry the whole site around the article — menus, trending tags, sidebars with
their own time lines — so the reader anchors on the strongest sign of the article itself: the
dateline paragraph (``JAKARTA, KOMPAS.com - …``). The time line is the nearest one above it
(a clock time preferred over the site's date-only header), or, for portals that print the time
after the story, the first one below it; the headline is the nearest headline-like line above the
time line. Pages without a dateline fall back to the first time line of the page's head.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kabar.extract.byline import parse_byline
from kabar.extract.credits import split_credit
from kabar.extract.dateline import Dateline, match_dateline, outlet_for_name
from kabar.extract.flat_lines import FlatOptions, TimeLine, headline_strength, is_prose, time_line
from kabar.extract.furniture import classify_line
from kabar.extract.related_list import match_header
from kabar.lang.time import ParsedTime

__all__ = ["Head", "find_head"]


@dataclass(slots=True)
class Head:
    headline: int | None = None
    published: ParsedTime | None = None
    published_at: int | None = None
    modified: ParsedTime | None = None
    start: int = 0  # first line of the head (headline or time line, whichever comes first)
    end: int = 0  # first line after the headline and time line: the prelude starts here
    body: int = 0  # first line of the body
    dateline: Dateline | None = None
    section: str | None = None


@dataclass(slots=True, frozen=True)
class _Anchor:
    index: int  # the line the dateline opens, or stands alone on
    body: int  # the body's first line: ``index``, or the next line for a dateline on its own line
    dateline: Dateline


def _anchor_at(units: list[str], index: int, options: FlatOptions) -> _Anchor | None:
    """The dateline paragraph at ``index``: an outlet dateline, or a place-only one
    (``Jakarta -``) opening prose; ``Kompas.com - 03/11/2020, 16:50 WIB`` is a time line."""
    unit = units[index]
    if time_line(unit, options) is not None:
        return None
    dateline = match_dateline(unit, allow_place_only=True)
    if dateline is not None:
        # The body's first paragraph follows the dash, not a slogan ("Okezone.com - Experience
        # The Zone") or a name.
        return _Anchor(index, index, dateline) if is_prose(dateline.rest, options) else None
    # Some templates set the dateline on its own line ("Jakarta -", then the paragraph).
    if (
        len(unit) <= 60
        and unit[-1] in "-–—"
        and index + 1 < len(units)
        and is_prose(units[index + 1], options)
    ):
        joined = match_dateline(f"{unit} {units[index + 1]}", allow_place_only=True)
        if joined is not None and joined.rest == units[index + 1]:
            return _Anchor(index, index + 1, joined)
    return None


def _first_tail_header(units: list[str], end: int) -> int:
    for index in range(min(end, len(units))):
        header = match_header(units[index])
        if header is not None and header.scope == "tail":
            return index
    return len(units)


def _first_anchor(
    units: list[str], start: int, end: int, options: FlatOptions, need_time_above: bool = False
) -> _Anchor | None:
    for index in range(start, min(end, len(units))):
        anchor = _anchor_at(units, index, options)
        if anchor is None:
            continue
        if need_time_above:
            above = _text_lines(units, index - 1, -1, options.time_window)
            if not any(time_line(units[i], options) for i in above):
                continue
        return anchor
    return None


def _text_lines(units: list[str], start: int, step: int, count: int) -> list[int]:
    """Up to ``count`` lines from ``start`` going by ``step``, not counting furniture (a share bar
    of twenty buttons between the time line and the story is still "next to" it)."""
    out: list[int] = []
    index = start
    limit = 4 * count  # bounded even on a page of nothing but furniture
    while 0 <= index < len(units) and len(out) < count and limit > 0:
        if classify_line(units[index]) is None:
            out.append(index)
        index += step
        limit -= 1
    return out


def _pick_time(
    units: list[str], lines: range | list[int], nearest_first: bool, options: FlatOptions
) -> int | None:
    """The publication time line among ``lines``: a clock time before a date-only one (a site
    header prints today's date without a clock), nearest (or first) first."""
    found = [(i, t) for i in lines if (t := time_line(units[i], options)) is not None and not t.modified]
    if not found:
        return None
    ordered = sorted(found, key=lambda f: -f[0]) if nearest_first else found
    clocked = [i for i, t in ordered if t.clock]
    return clocked[0] if clocked else ordered[0][0]


def _article_time(units: list[str], options: FlatOptions) -> int | None:
    """With no dateline to anchor on: the first clock time line that has the article's shape
    around it — a strong headline within three lines and a long paragraph within fifteen below.
    Sidebar lists also pair headlines with times, but have no long paragraph under them."""
    for index in range(min(len(units), options.anchor_window)):
        found = time_line(units[index], options)
        if found is None or not found.clock or found.modified:
            continue
        near = range(max(0, index - 3), min(len(units), index + 4))
        if not any(headline_strength(units[i], options) == 2 for i in near if i != index):
            continue
        below = _text_lines(units, index + 1, 1, 15)
        if any(
            len(units[i][:600].split()) >= options.min_lead_words and is_prose(units[i], options)
            for i in below
        ):
            return index
    return None


def _choose_time(
    units: list[str], head: Head, anchor: _Anchor | None, tail: int, options: FlatOptions
) -> None:
    if anchor is not None:
        above = _text_lines(units, anchor.index - 1, -1, options.time_window)
        index = _pick_time(units, above, nearest_first=False, options=options)
        scanned = range(above[-1] if above else anchor.index, anchor.index)
        if index is None:  # printed after the story (Okezone, some Antara pages)
            below = range(
                anchor.body + 1,
                min(len(units), anchor.body + options.tail_time_window, max(tail, anchor.body + 1)),
            )
            index = _pick_time(units, below, nearest_first=False, options=options)
            scanned = range(above[-1] if above else anchor.index, below.stop)
    else:
        scanned = range(min(len(units), tail, options.head_window))
        index = _article_time(units, options)
        if index is None:
            index = _pick_time(units, scanned, nearest_first=False, options=options)
    if index is not None:
        found = time_line(units[index], options)
        assert found is not None
        head.published, head.published_at = found.time, index
    head.modified = next(
        (t.time for i in scanned if (t := _modified_at(units, i, options)) is not None), None
    )


def _modified_at(units: list[str], index: int, options: FlatOptions) -> TimeLine | None:
    found = time_line(units[index], options)
    return found if found is not None and found.modified else None


def _choose_headline(
    units: list[str], head: Head, anchor: _Anchor | None, tail: int, options: FlatOptions
) -> None:
    time_first = head.published_at is not None and (anchor is None or head.published_at < anchor.index)
    if time_first:
        assert head.published_at is not None
        ref: int | None = head.published_at
        upper = anchor.index if anchor is not None else min(len(units), tail)
    elif anchor is not None:
        ref, upper = anchor.index, anchor.index
    else:
        ref = None
    if ref is None:
        window = range(min(len(units), tail, options.head_window))
        head.headline = _best(units, [window], options)
        return
    # Nearest first, above before below at equal distance: up to six lines above, three below.
    near = [
        i
        for d in range(1, 7)
        for i in (ref - d, ref + d)
        if 0 <= i < len(units) and (i < ref or (d <= 3 and i < upper))
    ]
    head.headline = _best(units, [near], options)


def _best(units: list[str], orders: list[list[int] | range], options: FlatOptions) -> int | None:
    """The first strong headline in the given orders, else the first weak one."""
    for strength in (2, 1):
        for lines in orders:
            for index in lines:
                if headline_strength(units[index], options) == strength:
                    return index
    return None


def _first_prose(units: list[str], start: int, options: FlatOptions) -> int:
    for index in range(start, len(units)):
        unit = units[index]
        if match_header(unit) is not None:
            return index
        if is_prose(unit, options) and split_credit(unit).credit is None and time_line(unit, options) is None:
            return index
    return len(units)


def find_head(units: list[str], options: FlatOptions) -> Head:
    """Locate the dateline paragraph, the time line, the headline and the body's first line."""
    head = Head()
    tail = _first_tail_header(units, options.anchor_window)
    anchor = _first_anchor(units, 0, tail, options)
    if anchor is None:
        # No dateline before the first related list: the article may sit below sidebar lists, or
        # a related box may stand between its head and its body. Look below the article-shaped
        # time line if there is one, else accept a later dateline with a time line just above.
        start = _article_time(units, options)
        if start is not None:
            anchor = _first_anchor(units, start, start + options.time_window * 3, options)
        else:
            anchor = _first_anchor(units, tail, options.anchor_window, options, need_time_above=True)
    _choose_time(units, head, anchor, tail, options)
    _choose_headline(units, head, anchor, tail, options)
    marks = [i for i in (head.headline, head.published_at) if i is not None]
    if anchor is not None:
        marks = [i for i in marks if i < anchor.index]
    head.start = min(marks) if marks else 0
    head.end = max(marks) + 1 if marks else 0
    if anchor is not None:
        head.body, head.dateline = anchor.body, anchor.dateline
    else:
        head.body = _first_prose(units, head.end, options)
        if head.body < len(units):
            head.dateline = match_dateline(units[head.body], allow_place_only=True)
    head.section = _section(units, head, options)
    return head


def _section(units: list[str], head: Head, options: FlatOptions) -> str | None:
    """The section named just above the headline: a breadcrumb's last crumb or a one-to-three-word
    label (``Internasional``), unless that label is the outlet's own name."""
    if head.headline is None or head.headline == 0:
        return None
    unit = units[head.headline - 1]
    crumbs = [c.strip() for c in _crumb_re().split(unit) if c.strip()]
    if len(crumbs) > 1:
        return crumbs[-1] if len(crumbs[-1]) <= 40 else None
    if not 1 <= len(unit.split()) <= 3 or len(unit) > 40 or not unit[0].isupper():
        return None
    if outlet_for_name(unit) is not None or classify_line(unit) is not None or match_header(unit) is not None:
        return None
    if time_line(unit, options) is not None or parse_byline(unit):
        return None
    return unit


@functools.cache
def _crumb_re() -> re.Pattern[str]:
    # From a whitespace run's start, possessive: linear on long runs of spaces.
    return re.compile(r"(?<!\s)\s++[>»›/|]\s+")
