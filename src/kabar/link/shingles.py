"""Word shingles of an article's text, the sets near-duplicate detection compares."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Surface words, lower-cased, no stemming: reprints copy the words themselves, and
# stemming would cost ingest time while only making unrelated texts look closer.
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(slots=True, frozen=True)
class ShingleOptions:
    size: int = 3  # words per shingle
    max_shingles: int = 20_000  # bounds time and memory on a hostile, huge body


def paragraph_shingles(paragraphs: list[str], options: ShingleOptions | None = None) -> set[str]:
    """The set of ``size``-word shingles, taken within each paragraph.

    Shingles never straddle a paragraph break, so a reprint whose paragraphs were
    shuffled keeps (almost) the same set. A paragraph shorter than ``size`` words
    becomes one shingle of its own.
    """
    opts = options or ShingleOptions()
    out: set[str] = set()
    # A paragraph is read only as far as max_shingles words could reach (~32 chars a word
    # is generous), so a hostile megabyte paragraph costs no more than a long article.
    max_chars = opts.max_shingles * 32
    for paragraph in paragraphs:
        words = _WORD.findall(paragraph[:max_chars].lower())
        if not words:
            continue
        if len(words) < opts.size:
            out.add(" ".join(words))
        count = len(words) - opts.size + 1
        if opts.size > 0 and len(out) + count < opts.max_shingles:
            # The cap cannot be reached inside this paragraph: every shingle at once.
            out.update(map(" ".join, zip(*(words[k : k + count] for k in range(opts.size)), strict=True)))
            continue
        for i in range(count):
            out.add(" ".join(words[i : i + opts.size]))
            if len(out) >= opts.max_shingles:
                return out
    return out
