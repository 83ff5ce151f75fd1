"""The lines at a body's end (or start) that are not the story, in any language.

"(Reporting by …; Editing by …)", "Our Standards: …", "Read the original article", "Sign up for our
newsletter", a "Bookmark" prompt, a "Mehr zum Thema" / "Lire aussi" heading over other stories'
headlines. The phrases are data (``furniture.json``, ``edge_lines``); what makes a line one of them
is its shape: the whole line is the phrase, and it stands in the run of such lines closing (or
opening) the body. A sentence of the story that merely holds the words stays.

The lines set aside are returned with their kind: ``credits`` lines name the reporters and
editors, for whoever reads contributors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kabar.extract.tables import load_table
from kabar.model import Image

__all__ = ["EdgeLine", "Trimmed", "edge_kind", "is_stray_line", "trim_edges"]

_MAX_LINE_CHARS = 400  # the longest credit line seen is ~250 characters; longer lines are prose
_MAX_LISTED = 12  # headlines under a closing heading
_MAX_LISTED_CHARS = 160  # a headline, not a paragraph
_SENTENCE_ENDS = (".", "!", '"', "”", "'", "’", "»")
_HEADING = "heading"
_KNOWN = "furniture"
_BARE = "read_bare"  # a heading's label and a headline with no colon between them
_POINTER = "pointer"
# Bullets before a line and dots, colons and arrows after it are how pages print these lines.
_LEAD = " \t•·*>»-–—|"
_TRAIL = " \t.:…»>|"


@dataclass(frozen=True, slots=True)
class EdgeLine:
    # a kind of ``edge_lines.lines`` (``credits``, ``standards``, ``promo``, ``read_also``), "heading",
    # "listed" (a headline under a closing heading) or "furniture" (a line of the caller's ``known``)
    kind: str
    text: str


@dataclass(slots=True)
class Trimmed:
    paragraphs: list[str]
    dropped: list[EdgeLine] = field(default_factory=list)


def _pattern(entry: str | dict[str, str]) -> str:
    return entry if isinstance(entry, str) else entry["pattern"]


@functools.cache
def _lines_re() -> re.Pattern[str]:
    table = load_table("furniture")["edge_lines"]
    kinds: dict[str, list[str | dict[str, str]]] = table["lines"]
    parts = [f"(?P<{k}>{'|'.join(f'(?:{_pattern(p)})' for p in ps)})" for k, ps in kinds.items()]
    labels = "|".join(f"(?:{_pattern(p)})" for p in table["headings"])
    # A heading's label with one headline after it ("Lire aussi : …") is a single read-also line;
    # without the colon ("À lire aussi La natalité …") only a short line that is no sentence is.
    parts.append(rf"(?P<read_also>(?:{labels})\s*[:|]\s*\S.{{0,200}})")
    bare = int(table["bare_headline_chars"])
    parts.append(rf"(?P<{_BARE}>(?:{labels})\s+[^\s:|].{{0,{bare}}})")
    return re.compile("|".join(parts), re.IGNORECASE)


@functools.cache
def _anywhere() -> frozenset[str]:
    return frozenset(load_table("furniture")["edge_lines"]["anywhere"])


@functools.cache
def _heading_re() -> re.Pattern[str]:
    labels = "|".join(f"(?:{_pattern(p)})" for p in load_table("furniture")["edge_lines"]["headings"])
    return re.compile(rf"(?:{labels})", re.IGNORECASE)


@functools.cache
def _pointer_marks() -> tuple[str, ...]:
    return tuple(load_table("furniture")["edge_lines"]["pointer_marks"]["value"])


@dataclass(frozen=True, slots=True)
class _Notices:
    label: re.Pattern[str]
    max_lines: int


@functools.cache
def _notices() -> _Notices:
    table = load_table("furniture")["edge_lines"]["notices"]
    labels = "|".join(f"(?:{_pattern(p)})" for p in table["labels"])
    return _Notices(re.compile(rf"(?:{labels})\s*:", re.IGNORECASE), int(table["max_lines"]))


def edge_kind(line: str) -> str | None:
    """The kind of edge line the whole of ``line`` is ("heading" for a bare heading), or None."""
    if len(line) > _MAX_LINE_CHARS:
        return None
    if line.lstrip().startswith(_pointer_marks()):
        return _POINTER  # ">> Hier finden Sie …": an arrow pointing to another page
    text = line.strip(_LEAD).rstrip(_TRAIL)
    if not text:
        return None
    if _heading_re().fullmatch(text):
        return _HEADING
    m = _lines_re().fullmatch(text)
    if m is None:
        return None
    if m.lastgroup == _BARE:
        return None if line.rstrip().endswith(_SENTENCE_ENDS) else "read_also"
    return m.lastgroup


def is_stray_line(line: str) -> bool:
    """A line that is not the story wherever it stands: a read-also link, an ad label, a promotion
    box between two paragraphs (the ``anywhere`` kinds of ``edge_lines``)."""
    return edge_kind(line) in _anywhere()


def _is_listed(line: str) -> bool:
    """A headline under a closing heading: short, and not a sentence of the story (those close
    with a full stop or a quote; a headline may ask a question)."""
    return len(line) <= _MAX_LISTED_CHARS and not line.rstrip().endswith(_SENTENCE_ENDS)


def _kind(line: str, known: Callable[[str], bool] | None) -> str | None:
    kind = edge_kind(line)
    if kind is None and known is not None and known(line):
        return _KNOWN
    return kind


def _closing(paragraphs: list[str], known: Callable[[str], bool] | None) -> int:
    """Where the closing run of edge lines starts.

    From the end: edge lines directly before what is already cut; a bare heading takes the short
    lines under it (up to :data:`_MAX_LISTED`) with it; anything else ends the run."""
    cut = _notice_start(paragraphs)
    pending = cut  # paragraphs[pending:cut]: short lines waiting for a heading above them
    for i in range(cut - 1, 0, -1):  # the first paragraph is never the tail
        text = paragraphs[i]
        kind = _kind(text, known)
        if kind == _HEADING or (kind is not None and pending == cut):
            cut = pending = i
        elif _is_listed(text) and cut - i <= _MAX_LISTED:
            pending = i
        else:
            break
    return cut


def _notice_start(paragraphs: list[str]) -> int:
    """Where a closing notice starts: a label line ("Bitte beachten:", "Please note:") with at most
    ``max_lines`` lines under it, at the body's end; else the body's length."""
    notices = _notices()
    for i in range(len(paragraphs) - 1, max(0, len(paragraphs) - 2 - notices.max_lines), -1):
        if notices.label.fullmatch(paragraphs[i].strip()):
            return i
    return len(paragraphs)


def _opening(paragraphs: list[str], end: int) -> int:
    """How many lines before the story are prompts ("Save this article", "Bookmark")."""
    start = 0
    while start < end - 1:
        kind = edge_kind(paragraphs[start])
        if kind is None or kind == _HEADING:
            break
        start += 1
    return start


def trim_edges(
    paragraphs: list[str], images: list[Image], known: Callable[[str], bool] | None = None
) -> Trimmed:
    """``paragraphs`` without the edge lines closing and opening it; ``images`` keep their places.

    ``known``: lines the caller drops anyway (page furniture), which the closing run passes
    through: read before that cleaning, a closing heading is still there to take its headlines
    with it. With ``known`` the opening is left alone: the caller's cleaning reads label lines
    there with the line after them ("Penulis" / ": Ani")."""
    cut = _closing(paragraphs, known)
    start = 0 if known is not None else _opening(paragraphs, cut)
    dropped = [EdgeLine(_kind(t, known) or "listed", t) for t in [*paragraphs[:start], *paragraphs[cut:]]]
    for image in images:
        image.position = max(0, min(image.position, cut) - start)
    return Trimmed(paragraphs[start:cut], dropped)


@dataclass(frozen=True, slots=True)
class _ListShape:
    bullets: tuple[str, ...]
    min_run: int
    max_chars: int
    max_kicker_chars: int
    min_headline_words: int


@functools.cache
def _list_shape() -> _ListShape:
    t = load_table("furniture")["edge_lines"]["headline_lists"]
    return _ListShape(
        tuple(t["bullets"]),
        int(t["min_run"]),
        int(t["max_chars"]),
        int(t["max_kicker_chars"]),
        int(t["min_headline_words"]),
    )


def _is_kicker_headline(line: str, shape: _ListShape) -> bool:
    """``- Demenz: Ab wann Gedächtnislücken besorgniserregend sind``: a bulleted link to a story."""
    if len(line) > shape.max_chars or not line.startswith(shape.bullets) or line.rstrip().endswith("."):
        return False
    colon = line.find(": ", 2)
    return 2 < colon <= shape.max_kicker_chars and len(line[colon + 2 :].split()) >= shape.min_headline_words


def headline_list_lines(paragraphs: list[str]) -> set[int]:
    """Indexes of the lines in runs of bulleted ``Kicker: headline`` links (a related-stories box
    inside or after the story): the run's length tells them from a story's own list."""
    shape = _list_shape()
    out: set[int] = set()
    start = 0
    for i in range(len(paragraphs) + 1):
        if i < len(paragraphs) and _is_kicker_headline(paragraphs[i], shape):
            continue
        if i - start >= shape.min_run:
            out.update(range(start, i))
        start = i + 1
    return out
