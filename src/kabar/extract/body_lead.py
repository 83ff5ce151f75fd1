"""Where an article starts: the lead (standfirst) printed between the headline and the body.

Many pages print a summary paragraph under the headline, inside the article's ``<header>`` or
beside the headline block ("article-subtitle", "lead-text", "excerpt", "perex", "ingress"), apart
from the container that holds the rest of the text; trafilatura and the block walker skip headers,
so the lead was lost. It is the first block after the headline and before the first body
paragraph that reads as a sentence (not a byline, a date, a caption or a link) and that the page
marks as its lead: a class or id word of ``data/body_lead.json``, or the text the page declares
as its description (``og:description``, ``description``), checked against what it shows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from kabar.extract.html_text import byline
from kabar.extract.tables import load_table
from kabar.extract.word_patterns import attr_words_pattern
from kabar.model import normalise_space

__all__ = ["find_lead"]

_KEY_CHARS = 60


@dataclass(frozen=True, slots=True)
class LeadRules:
    attr: re.Pattern[str]
    skip_tags: frozenset[str]
    min_chars: int
    max_chars: int
    max_elements: int
    max_link_share: float


@functools.cache
def _rules() -> LeadRules:
    table = load_table("body_lead")
    words = [str(e["word"]) for e in table["attr_words"]]
    return LeadRules(
        attr=attr_words_pattern(words),
        skip_tags=frozenset(str(t) for t in table["skip_tags"]),
        min_chars=int(table["min_chars"]),
        max_chars=int(table["max_chars"]),
        max_elements=int(table["max_elements"]),
        max_link_share=float(table["max_link_share"]),
    )


_SENTENCE_END = (".", "!", "?", "…", '"', "”", "“", "»", "«", "。", ")")


def _key(text: str) -> str:
    return normalise_space(text)[:_KEY_CHARS].lower()


_TEXT_LIMIT = 4_000  # longer than any lead: reading further tells nothing more


def _text(el: etree._Element, limit: int = _TEXT_LIMIT) -> str:
    """The element's text, read no further than ``limit`` characters: on tag soup each
    unclosed element holds the rest of the page, and ``max_elements`` of them are looked at."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > limit:
            break
    return normalise_space("".join(parts))


def _headline_element(tree: etree._Element, headline: str | None) -> etree._Element | None:
    h1s = [h for h in tree.iter("h1") if isinstance(h, etree._Element)]
    if not h1s:
        return None
    head = normalise_space(headline or "").lower()
    return next((h for h in h1s if head and _text(h).lower() == head), h1s[0])


def _after(el: etree._Element, skip: frozenset[str]) -> Iterator[etree._Element]:
    """Elements after ``el`` in document order (its own descendants excluded), never inside an
    element of a ``skip`` tag (a figure's caption, a navigation list)."""
    node: etree._Element | None = el
    while node is not None:
        for sib in node.itersiblings():
            stack = [sib]
            while stack:
                current = stack.pop()
                if not isinstance(current.tag, str):
                    continue
                yield current
                if current.tag.lower() not in skip:
                    stack.extend(reversed(current))
        node = node.getparent()


_CANDIDATE_TAGS = frozenset(["p", "div", "h2", "span"])


def _link_share(el: etree._Element, total: int) -> float:
    linked = sum(len(_text(a)) for a in el.iter("a"))
    return linked / total if total else 0.0


_OWN_PREFIX = 20  # enough of a block's own text to tell whether it opens like the description


def _attr_marked(el: etree._Element, rules: LeadRules) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(attrs.strip()) and bool(rules.attr.search(attrs))


def _marked(el: etree._Element, text: str, description: str, rules: LeadRules) -> bool:
    if _attr_marked(el, rules):
        return True
    if not description:
        return False
    # The declared description, as printed (a page may shorten either side with an ellipsis).
    shown, declared = text.lower().rstrip(".… "), description.lower().rstrip(".… ")
    return shown == declared or (len(shown) >= _KEY_CHARS and declared.startswith(shown[:_KEY_CHARS]))


def find_lead(
    tree: etree._Element, paragraphs: list[str], headline: str | None, description: str | None
) -> str | None:
    """The lead paragraph between the headline and ``paragraphs[0]``, where the body lacks it."""
    rules = _rules()
    head = _headline_element(tree, headline)
    if head is None or not paragraphs:
        return None
    kept = {_key(p) for p in paragraphs if len(p) >= rules.min_chars}
    declared = normalise_space(description or "")
    for count, el in enumerate(_after(head, rules.skip_tags)):
        if count >= rules.max_elements:
            break
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag not in _CANDIDATE_TAGS:
            continue
        own = normalise_space(el.text or "") or _text(el, 4 * _KEY_CHARS)
        if own and _key(own) in kept:
            break  # the body begins: no lead before it
        parent = el.getparent()
        # Only a block the page marks (its class, its parent's) or one opening like the declared
        # description is read whole: most blocks after a headline are neither.
        if not (
            _attr_marked(el, rules)
            or (parent is not None and _attr_marked(parent, rules))
            or (declared and own and declared.lower().startswith(own[:_OWN_PREFIX].lower()))
        ):
            continue
        text = _text(el)
        if not rules.min_chars <= len(text) <= rules.max_chars:
            continue
        if byline(text) is not None or _link_share(el, len(text)) > rules.max_link_share:
            continue
        # The innermost element holding the same text decides (a <div> around the lead's <p>).
        if any(_text(c) == text for c in el if isinstance(c.tag, str)):
            continue
        if _marked(el, text, declared, rules):
            return text
        # Marked one level up (a <p> inside div.lead): a sentence, not a heading inside the intro.
        if parent is not None and text.endswith(_SENTENCE_END) and _marked(parent, text, declared, rules):
            return text
    return None
