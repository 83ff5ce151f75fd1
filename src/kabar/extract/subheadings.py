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
    bold_tags: tuple[str, ...]
    bold_ends: tuple[str, ...]
    wrapper_tags: frozenset[str]
    max_bold_chars: int


@functools.cache
def _rules() -> _Rules:
    table = load_table("subheadings")
    return _Rules(
        tags=tuple(str(t) for t in table["tags"]["value"]),
        lead_ends=tuple(str(t) for t in table["lead_ends"]["value"]),
        max_chars=int(table["max_chars"]["value"]),
        bold_tags=tuple(str(t) for t in table["bold_tags"]["value"]),
        bold_ends=tuple(str(t) for t in table["bold_ends"]["value"]),
        wrapper_tags=frozenset(str(t) for t in table["wrapper_tags"]["value"]),
        max_bold_chars=int(table["max_bold_chars"]["value"]),
    )


def page_headings(tree: etree._Element) -> frozenset[str]:
    """The whitespace-normalised texts of the page's heading elements and bold paragraphs (bounded
    reads: a heading longer than the rule's length is left out without joining its whole text)."""
    rules = _rules()
    out: set[str] = set()
    for el in tree.iter(*rules.tags):
        text = head_text(el, rules.max_chars + 1)
        if len(text) <= rules.max_chars and (norm := normalise_space(text)):
            out.add(norm)
    for el in tree.iter(*rules.bold_tags):
        if (bold := _bold_paragraph(el, rules)) is not None:
            out.add(bold)
    return frozenset(out)


def _bold_paragraph(bold: etree._Element, rules: _Rules) -> str | None:
    """The text of the <p> that ``bold`` is the whole of (through inline wrappers), if short and
    neither a sentence nor a question; else None."""
    if (bold.tail or "").strip():
        return None  # text after the bold: a bold word inside a sentence
    block = bold.getparent()
    while block is not None and block.tag in rules.wrapper_tags and not (block.tail or "").strip():
        block = block.getparent()
    if block is None or block.tag != "p":
        return None
    text = normalise_space(head_text(bold, rules.max_bold_chars + 1))
    if not text or len(text) > rules.max_bold_chars or text.endswith(rules.bold_ends):
        return None
    return text if normalise_space(head_text(block, rules.max_bold_chars + 1)) == text else None


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
