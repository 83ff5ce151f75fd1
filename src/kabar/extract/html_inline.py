"""Put back the in-sentence words trafilatura cut out of a paragraph.

trafilatura discards ``<span>``/``<div>``/``<p>`` elements whose class looks like furniture
("tags", "related-…", "share-…", "…-icon") wherever they stand, so ``Kepala <span class="tags">
Badan Pangan</span> Arief mengatakan …`` comes out as ``Kepala Arief mengatakan …``. kabar's own
walk of the same container keeps inline elements inside a sentence (``html_blocks``); where a
trafilatura paragraph is that walked paragraph with words missing, the walked one is taken; and a
walked paragraph holding such an element, which trafilatura dropped whole from between two
paragraphs it kept, is put back between them. trafilatura also breaks a paragraph into lines at
some inline elements (``<ruby>``: "…への" / "弾劾" / "訴追案を…"); where one of the lines is restored
to the whole paragraph, the other pieces beside it are that paragraph's text again and go.
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
    restored_at: set[int] = set()  # positions in ``out`` of paragraphs taken whole from the walk
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
        if restored is not text:
            restored_at.add(len(out) - 1)
    if restored_at:
        out = _without_pieces(out, restored_at, whole)
    return _put_back_dropped(out, blocks) if blocks.rescued else out


def _without_pieces(paragraphs: list[str], restored_at: set[int], whole: set[str]) -> list[str]:
    """``paragraphs`` without the lines beside a restored paragraph that are pieces of its text: a
    run of lines before it (after it) that are each inside it, none a whole walked paragraph, the
    farthest opening (closing) it."""
    drop: set[int] = set()
    for at in restored_at:
        text = paragraphs[at]
        for step in (-1, 1):
            run: list[int] = []
            i = at + step
            while 0 <= i < len(paragraphs) and i not in restored_at:
                piece = paragraphs[i]
                if piece in whole or piece not in text:
                    break
                run.append(i)
                i += step
            if run and (text.startswith if step < 0 else text.endswith)(paragraphs[run[-1]]):
                drop.update(run)
    return [p for i, p in enumerate(paragraphs) if i not in drop]


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
