"""Put back the in-sentence words trafilatura cut out of a paragraph.

trafilatura discards ``<span>``/``<div>``/``<p>`` elements whose class looks like furniture
("tags", "related-…", "share-…", "…-icon") wherever they stand, so ``Kepala <span class="tags">
Badan Pangan</span> Arief mengatakan …`` comes out as ``Kepala Arief mengatakan …``. kabar's own
walk of the same container keeps inline elements inside a sentence (``html_blocks``); where a
trafilatura paragraph is that walked paragraph with words missing, the walked one is taken; and a
walked paragraph holding such an element, which trafilatura dropped whole from between two
paragraphs it kept, is put back between them.
"""

from __future__ import annotations

import re

from kabar.extract.html_blocks import Blocks

_WORD = re.compile(r"\w+")
_EDGE_WORDS = 2  # a paragraph is found by its first or its last words: a cut rarely takes both
_MIN_WORDS = 3  # shorter lines are labels; nothing to restore
_MAX_CANDIDATES = 4  # walked paragraphs sharing an edge with one trafilatura line
_MAX_GAP = 3  # walked paragraphs between two kept ones: more is a box trafilatura left out


def _words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _is_subsequence(part: list[str], whole: list[str]) -> bool:
    it = iter(whole)
    return all(any(w == x for x in it) for w in part)


def restore_inline_text(paragraphs: list[str], blocks: Blocks) -> list[str]:
    """``paragraphs`` with each one replaced by the walked paragraph it is a cut copy of.

    A cut copy: its words are those of a walked prose paragraph (or one holding an inline element
    kept as text) in order, a few missing (at most as many as it keeps), and it opens or closes
    with the same words. Paragraphs found whole among
    the walked ones stay as they are.
    """
    walked = blocks.paragraphs
    whole = set(walked)
    index: dict[tuple[str, ...], list[tuple[str, list[str]]]] = {}
    for i, text in enumerate(walked):
        if i not in blocks.prose and i not in blocks.rescued:
            continue  # a date beside an author span is not a sentence cut short
        words = _words(text)
        if len(words) < _MIN_WORDS:
            continue
        for key in {tuple(words[:_EDGE_WORDS]), tuple(words[-_EDGE_WORDS:])}:
            bucket = index.setdefault(key, [])
            if len(bucket) < _MAX_CANDIDATES:
                bucket.append((text, words))
    out: list[str] = []
    for text in paragraphs:
        words = _words(text) if text not in whole else []
        restored = text
        if len(words) >= _MIN_WORDS:
            head = index.get(tuple(words[:_EDGE_WORDS]), [])
            tail = index.get(tuple(words[-_EDGE_WORDS:]), [])
            for candidate, cwords in [*head, *tail]:
                extra = len(cwords) - len(words)
                if 0 < extra <= len(words) and _is_subsequence(words, cwords):
                    restored = candidate
                    break
        out.append(restored)
    return _put_back_dropped(out, blocks) if blocks.rescued else out


def _put_back_dropped(paragraphs: list[str], blocks: Blocks) -> list[str]:
    """Insert each rescued walked paragraph that falls between two neighbours kept in ``paragraphs``."""
    at: dict[str, int] = {}
    for i, text in enumerate(blocks.paragraphs):
        at.setdefault(text, i)
    kept = set(paragraphs)
    out: list[str] = []
    previous: int | None = None
    for text in paragraphs:
        here = at.get(text)
        if previous is not None and here is not None and 1 < here - previous <= _MAX_GAP + 1:
            gap = range(previous + 1, here)
            out.extend(
                blocks.paragraphs[k] for k in gap if k in blocks.rescued and blocks.paragraphs[k] not in kept
            )
        out.append(text)
        previous = here  # an unplaced paragraph breaks the chain: nothing is put back across it
    return out


__all__ = ["restore_inline_text"]
