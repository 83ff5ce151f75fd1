"""A short line that restates a paragraph just above it: a photo's caption or a pull quote.

Photo pages print the photo's caption under the story's lead ("PT PLN resmi mengoperasikan Gardu
Induk (GI) 150 kV Milenium." under "PT PLN hari ini resmi mengoperasikan Gardu Induk (GI) 150 kV
Milenium 2x60 MVA …"), and portals repeat a sentence as a pull quote. The HTML reader drops both by
their markup; a flattened page has none left, so the flat reader recognises them by their words:
every word of the short line appears, in order, in one recent paragraph. No library does this
check on plain lines, hence by hand; it is a bounded subsequence test.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence

__all__ = ["restates"]

_PUNCT = ".,:;!?\"'()[]“”‘’…"


@functools.cache
def _word_re() -> re.Pattern[str]:
    return re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _word_re().findall(text.lower())


def _subsequence(short: list[str], long: list[str]) -> bool:
    it = iter(long)
    return all(word in it for word in short)  # `in` on an iterator consumes it: order is kept


def restates(line: str, recent: Sequence[str], min_words: int, max_words: int) -> bool:
    """Are all of ``line``'s words (``min_words``..``max_words`` of them) found, in order, in one of
    the ``recent`` paragraphs, which is longer than the line?"""
    if len(line) > 40 * max_words:
        return False
    if not min_words - 1 <= line.count(" ") <= max_words:
        return False
    # Cheap pre-check before tokenising: the line's first and last words must occur in the
    # paragraph as printed, in that order. Almost every body line fails here, so the reader stays
    # fast (at the cost of missing a restatement that changes the case of its first word).
    first = line[: line.find(" ")].strip(_PUNCT)
    last = line[line.rfind(" ") + 1 :].strip(_PUNCT)
    candidates = [p for p in recent if len(p) > len(line) and -1 < p.find(first) < p.rfind(last)]
    if not candidates:
        return False
    words = _words(line)
    if not min_words <= len(words) <= max_words:
        return False
    return any(_subsequence(words, _words(p[:20_000])) for p in candidates)
