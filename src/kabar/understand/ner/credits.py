"""Where photo credits sit in a text, so that the people in them are not taken for the story's.

A credit names the agency and the photographer, joined by slashes (``Sputnik/Mikhail
Klimentyev/Kremlin``, ``ANTARA FOTO/Hafidz Mubarak A``, ``REUTERS/Kevin Lamarque``). The reader
puts it in ``Image.credit``, but a caption or a paragraph may still carry it (a flattened page, or a
reader that could not split it off), so both the known credit strings and that slash shape are masked.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from itertools import accumulate

# Linear wherever it runs: a name is at most 12 words and a credit at most 9 names (real ones have
# 1-4 words and 2-3 names), names never give words back (atomic groups: what follows a name must be
# a slash or the text's end, never a word or a space), and a credit starts at a word's start. The
# unbounded form scanned from every capitalised word of a long run to the run's end: quadratic
# (40,000 characters took 43.9 s).
_WORD = r"(?>[A-Z][\w'’-]*+(?:\.[\w'’-]++)*+)"
_NAME = rf"(?>{_WORD}(?:[ \t]++(?:{_WORD}|via|of)){{0,11}}+)"
# Only at the end of a text, where captions carry credits: "Jawa Barat/Jawa Tengah" mid-sentence is not one.
_CREDIT = re.compile(rf"(?<![\w'’.-]){_NAME}(?:\s*+/\s*+{_NAME}){{1,8}}+(?=[\s.)\]]*+$)")
# A bare "Foto: Nama" / "Foto oleh Nama" credit line.
_FOTO = re.compile(r"\b(?:Foto|Photo|Sumber foto)\s*+(?::|oleh|by)\s*+" + _NAME)


def credit_ranges(text: str, credits: Iterable[str] = ()) -> list[tuple[int, int]]:
    """Character ranges of ``text`` that are photo credits."""
    ranges: list[tuple[int, int]] = []
    for credit in credits:
        credit = credit.strip()
        if len(credit) < 3:
            continue
        start = text.find(credit)
        while start >= 0:
            ranges.append((start, start + len(credit)))
            start = text.find(credit, start + 1)
    ranges.extend((m.start(), m.end()) for m in _CREDIT.finditer(text))
    ranges.extend((m.start(), m.end()) for m in _FOTO.finditer(text))
    return ranges


def overlaps(start: int, end: int, ranges: Iterable[tuple[int, int]]) -> bool:
    return any(start < r_end and r_start < end for r_start, r_end in ranges)


class RangeIndex:
    """Fixed ranges, asked many times whether a span overlaps one of them: O(log n) a question.

    Scanning the list per span (:func:`overlaps`) made a page of thousands of names and credits
    quadratic. Ranges sorted by start with a running maximum of their ends answer the same question:
    a range starting before ``end`` overlaps iff the furthest end among them passes ``start``.
    """

    __slots__ = ("_reach", "_starts")

    def __init__(self, ranges: Iterable[tuple[int, int]]) -> None:
        ordered = sorted(ranges)
        self._starts = [r_start for r_start, _ in ordered]
        self._reach = list(accumulate((r_end for _, r_end in ordered), max))

    def overlaps(self, start: int, end: int) -> bool:
        before = bisect_left(self._starts, end)  # ranges with r_start < end
        return before > 0 and self._reach[before - 1] > start
