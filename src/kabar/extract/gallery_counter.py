"""A photo gallery declared in flattened text by its photo counter ("Foto 1 dari 5", "2/5").

Flat text has no caption elements, and a gallery's captions need not carry a credit; but a page
that numbers its photos declares itself a gallery: a run of counter lines 1, 2, … N of one total
N, each followed by its caption. The counter's words are data (``data/page_kinds.json``,
``gallery.counter_words``/``counter_joins``). Only a whole run counts (every number from 1 to N, in
order, N at least 2): a lone "1/5" is a score or a date, not a gallery.
"""

from __future__ import annotations

from dataclasses import dataclass

from kabar.extract.page_kind_rules import page_kind_rules
from kabar.model import Image

_MAX_DIGITS = 3
_MAX_COUNTER_WORDS = 4  # "Foto 12 dari 30"


@dataclass(frozen=True, slots=True)
class Counter:
    number: int
    total: int


@dataclass(slots=True)
class CountedGallery:
    photos: list[Image]  # each caption, uncredited, in order
    counter_lines: set[int]  # the indexes of the counter lines (never body text)


def _int(text: str) -> int | None:
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _MAX_DIGITS else None


def read_counter(line: str) -> Counter | None:
    """``Foto 2 dari 5``, ``2 / 5``, ``Photo 2 of 5`` → (2, 5); anything else → None."""
    rules = page_kind_rules().gallery
    words = line.strip().lower().split()
    if not words or len(words) > _MAX_COUNTER_WORDS:
        return None
    if words[0] in rules.counter_words:
        words = words[1:]
    if "/" in rules.counter_joins and len(words) == 1 and words[0].count("/") == 1:
        words = [words[0].split("/")[0], "/", words[0].split("/")[1]]
    if len(words) != 3 or words[1] not in rules.counter_joins:
        return None
    number, total = _int(words[0]), _int(words[2])
    if number is None or total is None or not 1 <= number <= total:
        return None
    return Counter(number, total)


def counted_gallery(units: list[str]) -> CountedGallery | None:
    """The photos of the first whole counter run in ``units``, each the line after its counter."""
    min_words = page_kind_rules().gallery.min_caption_words
    run: list[int] = []  # indexes of the counters 1..k read so far
    total = 0
    for index, unit in enumerate(units):
        counter = read_counter(unit) if len(unit) < 40 else None
        if counter is None:
            continue
        if counter.number == 1:
            run, total = [index], counter.total
        elif run and counter.total == total and counter.number == len(run) + 1:
            run.append(index)
        else:
            run = []
        if run and len(run) == total >= 2:
            captions = [units[i + 1] if i + 1 < len(units) else "" for i in run]
            if all(len(c.split()) >= min_words and read_counter(c) is None for c in captions):
                return CountedGallery([Image(c.strip(), None) for c in captions], set(run))
            run = []
    return None
