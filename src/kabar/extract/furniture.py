"""Page furniture: the lines of a news page that are not the article.

``Advertising``, ``Scroll to continue with content``, ``Baca juga: …``, ``Baca Selengkapnya``,
share rows, tag rows, ``Sumber`` headers and copyright footers. trafilatura drops some of these
from HTML by markup, but a flattened page has no markup left, and its Indonesian word lists miss
most of them; the patterns are data in ``data/furniture.json`` and are matched against whole lines.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal, cast

from kabar.extract.tables import load_table

__all__ = ["Furniture", "FurnitureKind", "classify_line", "is_furniture", "split_list"]

FurnitureKind = Literal[
    "ad", "more", "read_also", "share", "tags", "sources", "footer", "promo", "navigation"
]

# Longest furniture line worth testing: copyright and "Baca juga: <headline>" lines are the longest.
_MAX_LINE_CHARS = 400


@dataclass(slots=True, frozen=True)
class Furniture:
    kind: FurnitureKind
    value: str | None = None  # the text after the label: a read-also headline, a tag row, a source


def _pattern(entry: str | dict[str, str]) -> str:
    """An entry is a bare pattern, or ``{"pattern": …, "seen": where it was seen}``."""
    return entry if isinstance(entry, str) else entry["pattern"]


@functools.cache
def _kinds_re() -> re.Pattern[str]:
    kinds: dict[str, list[str | dict[str, str]]] = load_table("furniture")["kinds"]
    parts = [
        f"(?P<{kind}>{'|'.join(f'(?:{_pattern(p)})' for p in patterns)})" for kind, patterns in kinds.items()
    ]
    return re.compile("|".join(parts), re.IGNORECASE)


@functools.cache
def _share_re() -> re.Pattern[str]:
    words = sorted(load_table("furniture")["share_words"], key=len, reverse=True)
    alternation = "|".join(re.escape(w) for w in words)
    return re.compile(rf"(?:(?:{alternation})(?![\w])[\s|•·:,/\-]*)+", re.IGNORECASE)


@functools.cache
def _label_re() -> re.Pattern[str]:
    return re.compile(r"^[^:\-–]{1,40}?\s*[:|\-–]\s*")


@functools.cache
def _long_line_rule() -> tuple[int, frozenset[str]]:
    table = load_table("furniture")
    return int(table["short_line_chars"]), frozenset(table["long_line_openers"])


def _may_be_furniture(text: str) -> bool:
    """Cheap pre-check: long lines are furniture only when they open with a known word."""
    short_chars, openers = _long_line_rule()
    if len(text) <= short_chars:
        return True
    first = text[:24].split(None, 1)
    return bool(first) and first[0].lower().rstrip(":") in openers


# Bullets before and arrows or dots after a line are how portals print furniture, not its words.
_LEAD = " \t•·*>»-–—|"
_TRAIL = " \t.:…»>|"


def classify_line(line: str) -> Furniture | None:
    """What kind of furniture the whole of ``line`` is, or None for article text."""
    if len(line) > _MAX_LINE_CHARS + 40:
        return None
    return _classify(line)


@functools.lru_cache(maxsize=8192)
def _classify(line: str) -> Furniture | None:
    # Cached: both readers ask about the same line several times (head, body, related list), and
    # furniture lines recur across the pages of one portal. Lines are bounded, so is the cache.
    text = line.strip(_LEAD).rstrip(_TRAIL)
    if not text:
        return Furniture("navigation") if line.strip() else None  # a rule: "----", "* * *"
    if len(text) > _MAX_LINE_CHARS or not _may_be_furniture(text):
        return None
    m = _kinds_re().fullmatch(text)
    if m is None:
        if len(text) <= 120 and _share_re().fullmatch(text):
            return Furniture("share")
        return None
    kind = cast(FurnitureKind, m.lastgroup)
    value: str | None = None
    if kind == "tags" and text.startswith("#"):
        value = text  # a hashtag row: the tags are the row
    elif kind in ("read_also", "tags", "sources"):
        label = _label_re().match(text)
        if label is not None and label.end() < len(text):
            value = text[label.end() :].strip() or None
    return Furniture(kind, value)


def is_furniture(line: str) -> bool:
    """Is the whole line page furniture (anything :func:`classify_line` recognises)?"""
    return classify_line(line) is not None


@functools.cache
def _list_split_re(conjunctions: bool) -> re.Pattern[str]:
    words = r"|\s+dan\s+|\s+and\s+|&" if conjunctions else ""
    return re.compile(rf"\s*(?:[,;|•·]|#{words})\s*")


def split_list(text: str, conjunctions: bool = True) -> list[str]:
    """``a, b dan c`` / ``#a #b`` → ``["a", "b", "c"]`` (source rows, author lists).

    Tag rows pass ``conjunctions=False``: a tag may itself contain "dan"
    (``Kementerian Kelautan dan Perikanan``).
    """
    out: list[str] = []
    for part in _list_split_re(conjunctions).split(text):
        item = part.strip(" .#")
        if item and item not in out:
            out.append(item)
    return out
