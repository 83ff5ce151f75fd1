"""Lines of a flattened page: splitting, and the tests each line gets (time line, prose, headline).

Shared by :mod:`kabar.extract.flat_head` (finding the head) and :mod:`kabar.extract.flat` (the body).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kabar.extract.byline import parse_byline
from kabar.extract.credits import split_credit
from kabar.extract.dateline import match_dateline
from kabar.extract.furniture import classify_line
from kabar.extract.related_list import match_header
from kabar.extract.tables import load_table
from kabar.lang.time import ParsedTime, find_time

__all__ = [
    "FlatOptions",
    "TimeLine",
    "headline_strength",
    "is_prose",
    "modified_label_re",
    "split_units",
    "time_line",
]


@dataclass(slots=True, frozen=True)
class FlatOptions:
    head_window: int = 40  # lines searched for the time line when no dateline anchors the page
    max_time_line_chars: int = 120
    time_window: int = 20  # lines above the dateline paragraph searched for its time line
    tail_time_window: int = 80  # lines below it searched when the time is printed after the body
    anchor_window: int = 3000  # lines searched for the dateline paragraph
    min_headline_words: int = 3
    max_headline_words: int = 30
    min_body_words: int = 6  # a first body paragraph without a dateline needs this many words
    min_lead_words: int = 20  # a paragraph this long under a time line marks the article's head
    min_unpunctuated_words: int = 25  # a body line this long is prose even without a full stop
    max_body_gap: int = 6  # this many short unfinished lines in a row: the story has ended
    # A body line of restate_min..restate_max words whose words all appear, in order, in one of
    # the restate_window paragraphs above it is a photo caption or pull quote (flat_restate).
    restate_min_words: int = 5
    restate_max_words: int = 30
    restate_window: int = 3
    restate_max_chars: int = 240  # longer lines are never tested (keeps the body walk fast)
    # Lines read at most: a long live blog has a few thousand; the cap bounds the time a hostile
    # page of millions of tiny lines can take (per-line work is bounded, so time is too).
    max_units: int = 20_000


# ------------------------------------------------------------------------------ lines


@functools.cache
def _controls_re() -> re.Pattern[str]:
    # C0/C1 controls (other than tab and newline), DEL and BOM carry no text; UTF-16 read as
    # Latin-1 becomes readable once its NULs go.
    return re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff]")


@functools.cache
def _symbol_re() -> re.Pattern[str]:
    return re.compile(r"[$^_`{}~\\]")  # ASCII symbols news text hardly uses


@functools.cache
def _space_re() -> re.Pattern[str]:
    # Whitespace that is not already one plain space: normal prose has few such runs, so even on a
    # huge line the substitution neither loops nor builds millions of pieces.
    return re.compile(r"\s{2,}|[^\S ]")


def _clean_line(line: str) -> str:
    """Drop control characters and collapse whitespace (tabs, NBSP, runs of spaces) to one space.
    Only lines that ``str.isprintable`` rejects or that hold double spaces come here."""
    if _controls_re().search(line) is not None:
        line = _controls_re().sub("", line)
    return _space_re().sub(" ", line)


def _binaryish(line: str) -> bool:
    """Bytes decoded as text: replacement characters, or a large share of non-ASCII characters and
    odd symbols. Indonesian and English news text is over 95% ASCII (quotes and the odd é aside)."""
    if line.isascii():  # printable ASCII (controls are already gone) is text, however odd
        return False
    sample = line[:2000]
    non_ascii = len(sample) - len(sample.encode("ascii", "ignore"))
    junk = non_ascii + len(_symbol_re().findall(sample)) + 8 * sample.count("\ufffd")
    return junk * 4 > len(sample)


_SENTENCE_END = '.!?:;"”’)…'


def _iter_lines(text: str) -> Iterator[str]:
    """Lines one at a time: a huge page is never held twice as a list of lines."""
    start = 0
    while True:
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start:end]
        start = end + 1


def split_units(content: str, max_units: int = 20_000) -> list[str]:
    """The page's text units: one per line, whitespace collapsed, binary-looking lines dropped.

    A line that continues a hard-wrapped sentence (the previous line is long and unfinished and this
    one starts in lower case, with no blank line between) is joined to it.
    """
    text = content.replace("\r\n", "\n").replace("\r", "\n")
    # A page-sized text is split at once (fast); a huge one is walked without a list of its lines.
    lines: Iterable[str] = text.split("\n") if len(text) < 2_000_000 else _iter_lines(text)
    units: list[str] = []
    after_blank = True
    for raw in lines:
        if len(units) >= max_units:
            break
        line = raw if raw.isprintable() and "  " not in raw else _clean_line(raw)
        line = line.strip(" ")
        if not line or (not line.isascii() and _binaryish(line)):
            after_blank = True
            continue
        if not after_blank and units:
            prev = units[-1]
            if len(prev) >= 50 and prev[-1] not in _SENTENCE_END and line[0].islower():
                units[-1] = f"{prev} {line}"
                continue
        units.append(line)
        after_blank = False
    return units


# ------------------------------------------------------------------------------ time lines


@dataclass(slots=True, frozen=True)
class TimeLine:
    time: ParsedTime
    modified: bool  # labelled "Diperbarui", "Update" …
    clock: bool  # has an hour and minute (a site header's "Kamis, 5 November 2015" has none)


@functools.cache
def modified_label_re() -> re.Pattern[str]:
    """Update labels ("Diperbarui", "Update") as whole words; ``data/timeline.json``."""
    labels = sorted(load_table("timeline")["modified_labels"], key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(x) for x in labels) + r")(?!\w)", re.IGNORECASE)


def time_line(unit: str, options: FlatOptions) -> TimeLine | None:
    """The unit read as a time line (a time plus at most a few label words), else None."""
    if len(unit) > options.max_time_line_chars:
        return None
    return _time_line_cached(unit, options)


@functools.lru_cache(maxsize=4096)
def _time_line_cached(unit: str, options: FlatOptions) -> TimeLine | None:
    # Cached: head search, prelude and body walk ask about the same short lines; lines are short.
    parsed = find_time(unit)
    if parsed is None:
        return None
    rest = unit.replace(parsed.text, " ", 1)
    words = [w for w in rest.split() if any(c.isalnum() for c in w)]
    if len(words) > int(load_table("timeline")["max_extra_words"]):
        return None
    modified = bool(modified_label_re().search(rest))
    # Prose that mentions a date ends like a sentence: "… pada Selasa, 3 November 2020."
    if unit.endswith(".") and not modified and sum(w[0].islower() for w in words) > 0:
        return None
    return TimeLine(parsed, modified, _clock_re().search(parsed.text) is not None)


@functools.cache
def _clock_re() -> re.Pattern[str]:
    return re.compile(r"(?<![\d.])\d{1,2}[:.]\d{2}(?![.\d/-]\d)")


def is_prose(unit: str, options: FlatOptions) -> bool:
    """A line of article text: enough words, and not furniture."""
    # Only the head of a (possibly huge) line is split: enough to count a few words.
    return len(unit[:400].split()) >= options.min_body_words and classify_line(unit) is None


def headline_strength(unit: str, options: FlatOptions) -> int:
    """0: not a headline; 1: could be one; 2: reads like one (five words or more, no final full stop).

    Site chrome (``Ask the Expert``, ``Family & Career``) and subtitles that end like a sentence
    are weak; furniture, bylines, datelines, credits and time lines are never headlines.
    """
    if len(unit) > 300:
        return 0
    words = unit.split()
    if not options.min_headline_words <= len(words) <= options.max_headline_words:
        return 0
    if unit.endswith(".") and len(words) > 20:
        return 0
    if classify_line(unit) is not None or match_header(unit) is not None or parse_byline(unit):
        return 0
    if match_dateline(unit) is not None or split_credit(unit).credit is not None:
        return 0
    if time_line(unit, options) is not None:
        return 0
    return 2 if len(words) >= 5 and not unit.endswith(".") else 1
