"""Subscription walls: is the page a teaser before a wall, and which block is the wall?

Three signs, each read from structure, never from a site's name: JSON-LD saying the article
(or a part of it, ``hasPart``) is not free (``isAccessibleForFree: false``), the Open Graph
``article:content_tier`` meta tag naming a locked tier, and a wall block printed after the teaser
(class or id words and a call to action, from ``data/paywall.json``). A page marked not free that
still holds the paid text (a metered tier, or the ``hasPart`` element present with the story in
it) is not a teaser: ``paywalled`` stays False and a note says so. The wall blocks are taken out
of the tree and their lines out of the body, so the teaser is the body and the wall is not.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from kabar.extract.html_meta import PageMeta
from kabar.extract.tables import load_table
from kabar.model import normalise_space

# A wall says "subscribe to read on" with a button or two; a block longer than this is content.
_MAX_WALL_CHARS = 1_500
_MIN_WALL_CHARS = 12
_MIN_PROSE_BEFORE = 100  # the teaser the wall follows
_MAX_WALLS = 8
_MAX_CHECKS = 64  # wall-like blocks looked into, at most
_MAX_WALL_NODES = 200
_MAX_HAS_PART = 50
_NOT_FREE = {"false", "no", "0"}
_MAX_SELECTOR_CHARS = 500
_SIMPLE_SELECTOR = re.compile(r"[.#][\w-]{1,100}")
_PAID_TEXT_CHARS = 1_000  # a paid part holding this much is the story, not a teaser
_MAX_PAID_PARTS = 20
_MARKED = "the page marks its text as not free (isAccessibleForFree: false)"
_ATTR_WORD = re.compile(r"[^a-z0-9]+")
_SIGN_UP_INPUTS = {"email", "text"}
_CHROME_TAGS = {"footer", "nav", "aside", "header"}


@dataclass(frozen=True, slots=True)
class _WallWords:
    fragments: tuple[str, ...]
    words: frozenset[str]
    cta: re.Pattern[str]
    locked_tiers: frozenset[str]
    open_tiers: frozenset[str]
    chrome_words: frozenset[str]


def _entries(values: list[Any]) -> list[str]:
    out = [v.get("word") if isinstance(v, dict) else v for v in values]
    return [v.lower() for v in out if isinstance(v, str) and v]


@functools.cache
def _wall_words() -> _WallWords:
    table = load_table("paywall")
    cta = sorted(_entries(table["cta_words"]), key=len, reverse=True)
    return _WallWords(
        fragments=tuple(_entries(table["class_fragments"])),
        words=frozenset(_entries(table["class_words"])),
        # One alternation of literal words: linear in the text.
        cta=re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in cta) + r")(?!\w)"),
        locked_tiers=frozenset(_entries(table["locked_content_tiers"])),
        open_tiers=frozenset(_entries(table["open_content_tiers"])),
        chrome_words=frozenset(_entries(table["chrome_words"])),
    )


@functools.cache
def _class_word_re() -> re.Pattern[str] | None:
    """One of ``class_words`` as a whole word (a run of letters and digits) of a lower-cased
    attribute: the same test as splitting on ``_ATTR_WORD``, without building the word list."""
    words = sorted((w for w in _wall_words().words if re.fullmatch(r"[a-z0-9]+", w)), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![a-z0-9])(?:" + "|".join(words) + r")(?![a-z0-9])")


def _has_class_word(attrs: str) -> bool:
    pattern = _class_word_re()
    return pattern is not None and pattern.search(attrs) is not None


@dataclass(slots=True)
class Walls:
    flagged: bool = False  # the page's metadata says the text is behind a wall
    blocks: list[etree._Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # each wall block's text, normalised, lower case
    notes: list[str] = field(default_factory=list)

    @property
    def paywalled(self) -> bool:
        return self.flagged or bool(self.blocks)


def _not_free(value: Any) -> bool:
    if isinstance(value, bool):
        return not value
    return isinstance(value, str) and value.strip().lower() in _NOT_FREE


@dataclass(slots=True)
class _NotFree:
    marked: bool = False  # the article or a part of it says isAccessibleForFree: false
    selectors: list[str] = field(default_factory=list)  # the paid parts' cssSelector values


def _not_free_parts(meta: PageMeta) -> _NotFree:
    found = _NotFree()
    ld = meta.article_ld()
    if ld is None:
        return found
    found.marked = _not_free(ld.get("isAccessibleForFree"))
    parts = ld.get("hasPart")
    for part in (parts if isinstance(parts, list) else [parts])[:_MAX_HAS_PART]:
        if isinstance(part, dict) and _not_free(part.get("isAccessibleForFree")):
            found.marked = True
            selector = part.get("cssSelector")
            if isinstance(selector, str) and len(selector) <= _MAX_SELECTOR_CHARS:
                found.selectors.extend(s.strip() for s in selector.split(","))
    return found


def _paid_text_in_page(tree: etree._Element, selectors: list[str]) -> bool:
    """A paid part the JSON-LD names by a plain ``.class`` or ``#id`` selector is in the page and
    holds story-length text: the page carries the subscribers' text, it is no teaser."""
    classes = {s[1:] for s in selectors if _SIMPLE_SELECTOR.fullmatch(s) and s[0] == "."}
    ids = {s[1:] for s in selectors if _SIMPLE_SELECTOR.fullmatch(s) and s[0] == "#"}
    if not classes and not ids:
        return False
    looked = 0
    for el in tree.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("id") in ids or not classes.isdisjoint((el.get("class") or "").split()):
            size = 0
            for piece in el.itertext():
                size += len(piece.strip())
                if size >= _PAID_TEXT_CHARS:
                    return True
            looked += 1
            if looked >= _MAX_PAID_PARTS:
                return False
    return False


def read_flag(tree: etree._Element, meta: PageMeta) -> Walls:
    """The metadata's word on the wall: a locked ``article:content_tier``, or JSON-LD's
    ``isAccessibleForFree: false`` on the article or a part of it, unless the tier is metered or
    free (the page was served whole) or the paid part is in the page with its text."""
    words = _wall_words()
    tiers = {t.lower() for t in meta.all("article:content_tier")}
    if tiers & words.locked_tiers:
        return Walls(flagged=True)
    not_free = _not_free_parts(meta)
    if not not_free.marked:
        return Walls()
    if tiers & words.open_tiers:
        return Walls(
            notes=[
                f"{_MARKED}, but its tier is {sorted(tiers & words.open_tiers)[0]}: the page holds its text"
            ]
        )
    if _paid_text_in_page(tree, not_free.selectors):
        return Walls(notes=[f"{_MARKED}, but the paid part is in the page with its text"])
    return Walls(flagged=True)


def _is_wall_attr(el: etree._Element) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    if not attrs.strip():
        return False
    words = _wall_words()
    if any(f in attrs for f in words.fragments):
        return True
    return _has_class_word(attrs)


@functools.cache
def _attribute_values(name: str) -> etree.XPath:
    return etree.XPath(f"//@{name}", smart_strings=False)


def _any_wall_attr(tree: etree._Element) -> bool:
    # Two lists, not the union "//@class | //@id": libxml2 sorts a union into document order, which
    # cost twice the two walks. The order is not read: values are joined with spaces, fragments and
    # whole words are matched inside one value.
    values = [
        v for name in ("class", "id") if isinstance(vs := _attribute_values(name)(tree), list) for v in vs
    ]
    attrs = " ".join(v for v in values if isinstance(v, str)).lower()
    words = _wall_words()
    return any(f in attrs for f in words.fragments) or _has_class_word(attrs)


def _short_text(el: etree._Element) -> str | None:
    """The block's text, or None when it is longer than a wall's or spread over more elements:
    bounded work whatever the block holds."""
    parts: list[str] = []
    size = 0
    for n, node in enumerate(el.iter()):
        if n > _MAX_WALL_NODES:
            return None
        pieces = (node.text,) if node is el else (node.text if isinstance(node.tag, str) else None, node.tail)
        for piece in pieces:
            if piece:
                parts.append(piece)
                size += len(piece)
        if size > 2 * _MAX_WALL_CHARS:
            return None
    text = normalise_space(" ".join(parts))
    return text if _MIN_WALL_CHARS <= len(text) <= _MAX_WALL_CHARS else None


def _in_page_chrome(el: etree._Element) -> bool:
    """The block or a block around it is the page's footer, sidebar or navigation: a subscription
    offer there is an advertisement for the publication, not a wall over this story."""
    words = _wall_words().chrome_words
    for node in (el, *el.iterancestors()):
        if node.tag in _CHROME_TAGS:
            return True
        attrs = f"{node.get('class') or ''} {node.get('id') or ''}".lower()
        if attrs.strip() and not words.isdisjoint(_ATTR_WORD.split(attrs)):
            return True
    return False


def _is_wall_block(el: etree._Element, text: str) -> bool:
    if next(el.iter("a", "button"), None) is None:
        return False  # a wall offers a way through
    if any((i.get("type") or "text").lower() in _SIGN_UP_INPUTS for i in el.iter("input")):
        return False  # an e-mail box: a newsletter sign-up, not a wall
    return _wall_words().cta.search(text.lower()) is not None and not _in_page_chrome(el)


@dataclass(slots=True)
class _Candidate:
    block: etree._Element
    text: str
    prose_before: int


def find_walls(tree: etree._Element, meta: PageMeta) -> Walls:
    """The page's paywall signs. A wall block follows story text and ends it (less prose after it
    than before), so a "premium" label in a related list or a container classed "premium" around
    the whole story is not taken for a wall. One walk in document order, each element once; a
    block taken for a wall is not walked into."""
    walls = read_flag(tree, meta)
    if not _any_wall_attr(tree):
        return walls  # most pages: one pass over the attributes in C, no walk
    found: list[_Candidate] = []
    prose = checks = 0
    stack = [tree]
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str):
            continue
        if el.tag == "p":  # its own text and its children's tails: each text counted once
            prose += len((el.text or "").strip()) + sum(len((c.tail or "").strip()) for c in el)
        if (
            prose >= _MIN_PROSE_BEFORE
            and checks < _MAX_CHECKS
            and len(found) < _MAX_WALLS
            and _is_wall_attr(el)
        ):
            checks += 1
            text = _short_text(el)
            if text is not None and _is_wall_block(el, text):
                found.append(_Candidate(el, text, prose))
                continue
        stack.extend(reversed(el))
    for wall in found:
        after = prose - wall.prose_before  # the walk did not count the wall's own paragraphs
        if after <= wall.prose_before:
            walls.blocks.append(wall.block)
            walls.texts.append(wall.text.lower())
    return walls


def remove_walls(walls: Walls) -> None:
    """Take the wall blocks out of the tree: nothing of theirs reaches the walker's paragraphs.
    (``remove`` takes an element's tail with it; text after a wall is the wall's own line.)"""
    for el in walls.blocks:
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def without_wall_lines(paragraphs: list[str], walls: Walls) -> list[str]:
    """``paragraphs`` less the lines a wall block printed (trafilatura reads the HTML afresh,
    so the blocks' removal from the tree does not reach its lines)."""
    if not walls.texts:
        return paragraphs
    return [p for p in paragraphs if not any(normalise_space(p).lower() in t for t in walls.texts)]
