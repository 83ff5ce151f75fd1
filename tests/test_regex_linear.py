"""Every regular expression that runs on page text stays linear on hostile strings.

The patterns are collected by introspection (``benchmarks/regex_families.py``: module-level and
cached-builder patterns, class attributes, literal inline ``re.*`` calls in extract/, understand/,
lang/, link/ and sources/), so a pattern added later is covered too. Each is run from every
position (``finditer``, the worst way any caller runs it) on hostile strings of 10,000 and 100,000
characters; the longer may take at most 20 times the shorter (each pattern is screened at 2,000 →
20,000 first and timed at 10,000 → 100,000 when the screen sees more than linear growth). Timing is a ratio within one run and
the minimum of repeats, so a loaded machine does not make the test flaky. The public functions
that run the patterns (``credit_ranges``, extraction of a flattened page) are held to the same
ratio.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable

import pytest
from benchmarks.regex_families import HOSTILE, Found, collect, cpu_time, hostile

from kabar.model import RawPage

SMALL, LARGE = 10_000, 100_000
MAX_RATIO = 20.0
# Below this, CPU clocks measure noise: a 100k scan under 4 ms is linear whatever the small one says.
FLOOR = 2e-4
# A 20k scan this slow is already super-linear: its screen ratio is the verdict.
SLOW_SMALL = 0.3
# Every pattern × shape at 10k and 100k costs ~2 minutes: each is screened at 2k → 20k first and
# timed at 10k → 100k only when the screen sees more than linear growth.
SCREEN = 2_000
SCREEN_FLOOR = 2e-5
# The shapes that found every super-linear pattern so far; benchmarks.robustness runs all of HOSTILE.
SHAPES = (
    "capitalised words",
    "capitals, no space",
    "spaces",
    "blank lines",
    "digits",
    "punctuation",
    "month dates",
    "WIB",
    "dots",
    "hyphens",
    "mixture",
)


@functools.cache
def _by_family() -> dict[str, list[Found]]:
    out: dict[str, list[Found]] = {}
    for f in collect():
        out.setdefault(f.family, []).append(f)
    return out


def _ratio(run: Callable[[str], object], shape: str, small: int, large: int, floor: float = FLOOR) -> float:
    """Large over small CPU time (min of repeats), the small one floored."""

    def timed(size: int, repeats: int) -> float:
        text = hostile(shape, size)
        best = float("inf")
        for _ in range(repeats):
            start = time.process_time()
            run(text)
            best = min(best, time.process_time() - start)
        return best

    # A linear pattern measures ~10x; a quadratic one ~100x every time. Scans of a few hundred
    # microseconds on a loaded machine can read 20x once (one preemption in the small scan), so
    # a ratio over the limit is measured again, both sides, and the best of three attempts counts.
    best = float("inf")
    for attempt in range(3):
        a = timed(small, 3)
        b = timed(large, 1 + attempt)
        best = min(best, b / max(a, floor))
        if best <= MAX_RATIO:
            break
    return best


def _pattern_ratio(pattern: re.Pattern[str], shape: str) -> float:
    """10k → 100k for a pattern the cheap screen (2k → 20k) finds growing faster than linear;
    a linear pattern's screen ratio is ~10, a quadratic's ~100."""

    def run(text: str) -> object:
        return cpu_time(pattern, text)

    screen = _ratio(run, shape, SCREEN, SCREEN * 10, floor=SCREEN_FLOOR)
    if screen <= MAX_RATIO / 2 or cpu_time(pattern, hostile(shape, SCREEN * 10)) > SLOW_SMALL:
        return screen  # linear, or so slow already that 100k would only take minutes to say so
    return _ratio(run, shape, SMALL, LARGE)


def test_the_shapes_are_hostile_shapes() -> None:
    assert set(SHAPES) <= set(HOSTILE)


def test_the_collector_finds_the_known_families() -> None:
    families = _by_family()
    assert len(families) >= 30 and sum(map(len, families.values())) >= 120
    names = {f.name for found in families.values() for f in found}
    assert "_CREDIT" in names and "patterns()" in names and "_absolute_re()" in names


@pytest.mark.parametrize("family", sorted(_by_family()))
def test_every_pattern_of_the_family_is_linear(family: str) -> None:
    slow = [
        f"{f.name} on {shape!r}: {ratio:.0f}x for 10x the text"
        for f in _by_family()[family]
        for shape in SHAPES
        if (ratio := _pattern_ratio(f.pattern, shape)) > MAX_RATIO
    ]
    assert not slow, f"{family}: super-linear patterns: {slow}"


@pytest.mark.parametrize("shape", ["capitalised words", "capitals", "WIB", "credit slashes", "dots"])
def test_credit_masking_is_linear(shape: str) -> None:
    from kabar.understand.ner.credits import credit_ranges

    assert _ratio(credit_ranges, shape, SMALL, LARGE) <= MAX_RATIO


@pytest.mark.parametrize("shape", ["capitalised words", "mixture", "month dates", "spaces"])
def test_reading_a_flattened_page_is_linear(shape: str) -> None:
    from kabar.extract import extract

    def read(text: str) -> object:
        page = "Judul Berita Hari Ini di Jakarta\n\nSelasa, 3 November 2020 16:50 WIB\n\n" + text
        return extract(RawPage(content=page, kind="text"))

    assert _ratio(read, shape, SMALL, LARGE) <= MAX_RATIO
