"""A body's subheadings: the lines that are the page's own section headings, set apart as structure.

Readers (trafilatura, kabar's walker) print a subheading as one more line of the body. The page says
what it is: the line's whole text is the text of a heading element (``<h2>``–``<h6>``). Such a line
becomes a :class:`Subheading` standing before the paragraph it heads, so ``Article.paragraphs`` is
the body text and ``Article.blocks`` gives the text in page order, headings included.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from lxml import etree

from kabar.extract.html_blocks import head_text
from kabar.extract.tables import load_table
from kabar.model import Image, Subheading, normalise_space

__all__ = ["BodySplit", "page_headings", "split_subheadings"]


@dataclass(frozen=True, slots=True)
class _Rules:
    tags: tuple[str, ...]
    lead_ends: tuple[str, ...]
    max_chars: int


@functools.cache
def _rules() -> _Rules:
    table = load_table("subheadings")
    return _Rules(
        tags=tuple(str(t) for t in table["tags"]["value"]),
        lead_ends=tuple(str(t) for t in table["lead_ends"]["value"]),
        max_chars=int(table["max_chars"]["value"]),
    )


def page_headings(tree: etree._Element) -> frozenset[str]:
    """The whitespace-normalised texts of the page's heading elements (bounded reads: a heading
    longer than the rule's length is left out without joining its whole text)."""
    rules = _rules()
    out: set[str] = set()
    for el in tree.iter(*rules.tags):
        text = head_text(el, rules.max_chars + 1)
        if len(text) <= rules.max_chars and (norm := normalise_space(text)):
            out.add(norm)
    return frozenset(out)


@dataclass(slots=True)
class BodySplit:
    paragraphs: list[str] = field(default_factory=list)
    subheadings: list[Subheading] = field(default_factory=list)


def split_subheadings(paragraphs: list[str], images: list[Image], headings: frozenset[str]) -> BodySplit:
    """``paragraphs`` without the lines that are one of ``headings``; those become subheadings at
    the paragraph they stand before, and each image keeps standing before the same paragraph. A
    heading line before every paragraph that ends as a sentence is the standfirst: body text."""
    lead_ends = _rules().lead_ends
    split = BodySplit()
    before: list[int] = []  # body paragraphs kept before line i
    for text in paragraphs:
        before.append(len(split.paragraphs))
        lead = not split.paragraphs and text.rstrip().endswith(lead_ends)
        if not lead and normalise_space(text) in headings:
            split.subheadings.append(Subheading(text=text, position=len(split.paragraphs)))
        else:
            split.paragraphs.append(text)
    if not split.subheadings:
        return split
    before.append(len(split.paragraphs))
    for image in images:
        image.position = before[max(0, min(image.position, len(paragraphs)))]
    return split
