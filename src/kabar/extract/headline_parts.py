"""The visible headline's own text: which headings are headlines, and which of their parts are.

A headline element may hold a kicker above the title proper ("Minderheit in Syrien" over "Drusen
fordern …") and a separator kept for screen readers only; its text is the title proper. An ``<h1>``
inside a breadcrumb trail is the trail's last item, not the headline. The marks are data
(``data/headline.json``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from lxml import etree

from kabar.extract.tables import load_table

__all__ = ["Heading", "in_navigation", "is_heading_line", "read_heading"]


@dataclass(frozen=True, slots=True)
class _Marks:
    kicker: tuple[str, ...]
    hidden: tuple[str, ...]
    navigation: tuple[str, ...]
    navigation_tags: frozenset[str]
    navigation_depth: int
    kicker_max_chars: int
    kicker_min_headline_words: int


@functools.lru_cache(maxsize=1)
def _marks() -> _Marks:
    table = load_table("headline")

    def marks(key: str) -> tuple[str, ...]:
        return tuple(str(entry["mark"]).lower() for entry in table[key])

    return _Marks(
        kicker=marks("kicker_marks"),
        hidden=marks("hidden_marks"),
        navigation=marks("navigation_marks"),
        navigation_tags=frozenset(marks("navigation_tags")),
        navigation_depth=int(table["navigation_depth"]),
        kicker_max_chars=int(table["kicker_max_chars"]),
        kicker_min_headline_words=int(table["kicker_min_headline_words"]),
    )


def _has_mark(el: etree._Element, marks: tuple[str, ...]) -> bool:
    classes = (el.get("class") or "").lower()
    return any(mark in classes for mark in marks)


def _hidden(el: etree._Element) -> bool:
    return el.get("aria-hidden") == "true" or _has_mark(el, _marks().hidden)


def _is_kicker(el: etree._Element) -> bool:
    return _has_mark(el, _marks().kicker)


@dataclass(frozen=True, slots=True)
class Heading:
    full: str  # every word of it, as a screen reader reads it
    proper: str  # the title proper: without a leading kicker and screen-reader-only parts
    kicker: str  # the leading kicker's text, or ""


def read_heading(heading: etree._Element) -> Heading:
    """The heading's text, its title proper and its kicker.

    A kicker is a marked element *before* the title's first word: a marked element after it
    (a site calling its title proper "topline") is part of the title."""
    parts: list[str] = []
    kicker: list[str] = []
    depth = 0  # inside a left-out element: its depth
    in_kicker = False
    started = False  # the title's first word has been read
    for event, el in etree.iterwalk(heading, events=("start", "end")):
        tagged = isinstance(el.tag, str)
        if event == "start":
            if depth:
                depth += 1
                if in_kicker and tagged:
                    kicker.append(el.text or "")
            elif el is not heading and tagged and (_hidden(el) or (not started and _is_kicker(el))):
                depth, in_kicker = 1, not _hidden(el)
                if in_kicker:
                    kicker.append(el.text or "")
            elif tagged:
                parts.append(el.text or "")
                started = started or bool(parts[-1].strip())
            continue
        if depth:
            depth -= 1
            if not depth:
                parts.append(el.tail or "")  # the left-out element's tail is its parent's text
                in_kicker = False
            elif in_kicker:
                kicker.append(el.tail or "")
        elif el is not heading:
            parts.append(el.tail or "")
        started = started or bool(parts and parts[-1].strip())
    full = " ".join("".join(heading.itertext()).split())
    kicker_text = " ".join(" ".join(kicker).split()).strip(" :-|–—")
    proper = " ".join(" ".join(parts).split()) or kicker_text or full  # a kicker alone is the headline
    return Heading(full=full, proper=proper, kicker=kicker_text)


def in_navigation(heading: etree._Element) -> bool:
    """Whether the heading is a breadcrumb's item (itself or a near ancestor marked so)."""
    m = _marks()
    el: etree._Element | None = heading
    for _ in range(m.navigation_depth + 1):
        if el is None:
            return False
        if el is not heading and el.tag in m.navigation_tags:
            return True
        if el.get("aria-current") == "page":
            return True
        for name, value in el.attrib.items():
            text = f"{name} {value}".lower()
            if any(mark in text for mark in m.navigation):
                return True
        el = el.getparent()
    return False


_WORD = re.compile(r"\w+")


def is_heading_line(line: str, headline: str) -> bool:
    """Whether a body line is the headline again: its words, or a short kicker's and then its words
    ("Premier League Rückschlag im Titelkampf …" over the headline "Rückschlag im Titelkampf …").
    Compared on the words' letters run together: a heading's spans often come out unspaced
    ("Minderheit in SyrienDrusen fordern …")."""
    head = _WORD.findall(headline.lower())
    joined_head = "".join(head)
    joined = "".join(_WORD.findall(line.lower()))
    if not joined_head or joined == joined_head:
        return bool(joined_head)
    # A short headline ends many a line ("… Banjir"): only a headline of some words is told this way.
    m = _marks()
    return (
        len(head) >= m.kicker_min_headline_words
        and len(joined) - len(joined_head) <= m.kicker_max_chars
        and joined.endswith(joined_head)
    )
