"""Tag a CoNLL file: one token per line (first column), blank lines between sentences.

Each line comes back as it was with one more column, the predicted IOB tag; the line's own column
separator (a tab, else a space) and line ending (CRLF is kept) are reused, so the output lines up
with the input for scoring. ``-DOCSTART-`` lines and lines of only whitespace pass through.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kabar.understand.ner.scoring import Score
from kabar.understand.ner.tagger import NerTagger


class NotTextError(ValueError):
    """The input is binary or not UTF-8."""


@dataclass(slots=True, frozen=True)
class TagFileResult:
    sentences: int
    tokens: int


def decode_input(data: bytes, name: str) -> str:
    if b"\x00" in data[:65536]:
        raise NotTextError(f"{name} looks binary (it contains NUL bytes), not a CoNLL text file")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotTextError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None


def iter_lines(text: str) -> Iterator[str]:
    """Lines with their endings, split on LF only (str.splitlines would also split on \\x0b, \\x1c, U+2028…)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        if end < 0:
            yield text[start:]
            return
        yield text[start : end + 1]
        start = end + 1


def _split_eol(line: str) -> tuple[str, str]:
    body = line.rstrip("\r\n")
    return body, line[len(body) :]


def tag_lines(lines: Iterable[str], tagger: NerTagger, stats: list[int] | None = None) -> Iterator[str]:
    """Yield the output lines (with their line endings); ``stats`` gets [sentences, tokens] added."""
    pending: list[tuple[str, str]] = []

    def flush() -> Iterator[str]:
        tokens = [body.split()[0] for body, _ in pending]
        tags = tagger.tag(tokens)
        if stats is not None:
            stats[0] += 1
            stats[1] += len(tokens)
        for (body, eol), tag in zip(pending, tags, strict=True):
            sep = "\t" if "\t" in body else " "
            yield f"{body}{sep}{tag}{eol or chr(10)}"
        pending.clear()

    for line in lines:
        body, eol = _split_eol(line)
        if not body.strip() or body.startswith("-DOCSTART-"):
            if pending:
                yield from flush()
            yield line if eol else line + "\n"
            continue
        pending.append((body.rstrip(), eol))
    if pending:
        yield from flush()


def score_tagged(lines: Iterable[str]) -> Score:
    """Score ``kabar tag`` output whose input carried gold tags in its last column (now second to last)."""
    from kabar.understand.ner.conll import normalise_tag

    score = Score()
    gold: list[str] = []
    predicted: list[str] = []
    for line in [*lines, ""]:
        cols = line.split()
        if len(cols) < 3:
            if gold:
                score.add(gold, predicted)
                gold, predicted = [], []
            continue
        gold.append(normalise_tag(cols[-2]))
        predicted.append(cols[-1])
    return score
