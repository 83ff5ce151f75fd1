"""Reading the NER corpora (CoNLL-like: one token per line, blank line between sentences).

The three shipped training sets name their types differently (PER/PERSON, LOC/PLACE/LOCATION,
ORG/ORGANISATION/ORGANIZATION); :func:`normalise_tag` maps them all to PER/LOC/ORG.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

_TYPE_MAP = {
    "PER": "PER",
    "PERSON": "PER",
    "LOC": "LOC",
    "LOCATION": "LOC",
    "PLACE": "LOC",
    "GPE": "LOC",
    "ORG": "ORG",
    "ORGANISATION": "ORG",
    "ORGANIZATION": "ORG",
}


@dataclass(slots=True)
class Sentence:
    tokens: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def normalise_tag(tag: str) -> str:
    """``B-PERSON`` → ``B-PER``; anything unknown (MISC, a stray value) → ``O``."""
    tag = tag.strip()
    if len(tag) < 3 or tag[1] != "-" or tag[0] not in "BI":
        return "O"
    kind = _TYPE_MAP.get(tag[2:].upper())
    return f"{tag[0]}-{kind}" if kind else "O"


def read_conll(path: Path) -> list[Sentence]:
    """Token in the first column, gold tag in the last; CRLF tolerated."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(parse_conll(handle))


def parse_conll(lines: Iterable[str]) -> Iterator[Sentence]:
    current = Sentence()
    for raw in lines:
        line = raw.rstrip("\r\n")
        cols = line.split("\t") if "\t" in line else line.split()
        if not line.strip() or not cols:
            if current.tokens:
                yield current
                current = Sentence()
            continue
        current.tokens.append(cols[0])
        current.tags.append(normalise_tag(cols[-1]) if len(cols) > 1 else "O")
    if current.tokens:
        yield current
