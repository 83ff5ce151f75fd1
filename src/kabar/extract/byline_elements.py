"""Byline elements in a page's structure: where a byline sits, and which boxes hold other stories'.

A byline element is marked by its class, id, ``itemprop``, ``rel``, ``data-testid`` or ``data-component``
("author", "byline", "autor", "writer", "journalist");
it counts from just before the headline onwards, outside the boxes whose bylines belong to other
stories or to pictures: comment forms, related and teaser boxes (``not_byline_boxes`` in
``data/bylines.json``), photo credits and author biographies (``not_byline_marks``), and teaser
cards (a small box with a linked h2–h4). Names are read by :func:`kabar.extract.person_names.read_people`
in its strict form: a line with anything but names, roles and agencies names nobody.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set

from lxml import etree

from kabar.extract.person_names import People, read_people, strip_lead
from kabar.extract.tables import load_table
from kabar.extract.word_patterns import word_pattern

__all__ = [
    "element_people",
    "furniture_kind",
    "in_furniture",
    "in_link_list",
    "in_teaser",
    "opener_people",
    "rel_people",
]

_MAX_BYLINE_CHARS = 160
_MAX_BYLINE_ELEMENTS = 60
# How far (in elements, document order) a byline element may sit before the headline.
_BEFORE_HEADLINE = 80
# Photo-credit and biography marks count on the element and this many ancestors above it.
_MARK_LEVELS = 2
# A teaser card: a box of at most this many characters, within this many levels of the byline.
_TEASER_LEVELS = 5
_MAX_TEASER_CHARS = 600
_MAX_TEASER_ELEMENTS = 60
# A byline line opening with "von"/"by"/"par" sits within a few elements of the headline.
_AFTER_HEADLINE = 40
_MAX_OPENER_CHARS = 80
# Never a byline element: page-wide containers ("<body class='single-author'>") and non-text elements.
_NOT_BYLINE_TAGS = frozenset(
    {"html", "body", "main", "article", "script", "style", "meta", "link", "img", "button", "svg"}
)
_INLINE = frozenset({"b", "strong", "i", "em", "u", "small", "font", "abbr", "mark"})


@functools.cache
def _not_byline_re(key: str) -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in load_table("bylines")["people"][key] if not w.startswith("_"))
    return re.compile(rf"(?:{words})", re.IGNORECASE)


def _text_with_breaks(el: etree._Element) -> str:
    """The element's text with a comma between child elements ("<li>A</li><li>B</li>" → "A, B")."""
    parts: list[str] = []

    def walk(node: etree._Element, depth: int) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if isinstance(child.tag, str) and depth < 12:
                inline = child.tag in _INLINE
                if not inline:
                    parts.append(", ")
                walk(child, depth + 1)
                if not inline:
                    parts.append(", ")
            if child.tail:
                parts.append(child.tail)

    walk(el, 0)
    text = " ".join("".join(parts).split())
    if len(text) > 4 * _MAX_BYLINE_CHARS:
        return text  # too long for a byline: the caller passes it over
    # ", ," runs left by empty elements collapse; "Von:, Ani" keeps its opener next to the name
    # Entered only where no space precedes, so linear along runs of spaces.
    text = re.sub(r"(?<!\s)\s*+,[\s,]*+", ", ", text)
    return re.sub(r":\s*+,\s*+", ": ", text).strip(", ")


def _marked(el: etree._Element) -> bool:
    get = el.get
    marks = (
        f"{get('class') or ''} {get('id') or ''} {get('itemprop') or ''} {get('rel') or ''}"
        f" {get('data-testid') or ''} {get('data-component') or ''}"
    )
    if len(marks) > _CACHED_MARKS_CHARS:
        return word_pattern("byline_mark").search(marks) is not None
    return _byline_marks(marks)


@functools.lru_cache(maxsize=4096)
def _byline_marks(marks: str) -> bool:
    return word_pattern("byline_mark").search(marks) is not None


_FURNITURE_TAGS = frozenset({"footer", "aside", "nav", "form", "figure", "figcaption", "picture"})
_PAGE_TAGS = frozenset({"body", "html", "article", "main"})  # page-wide: never furniture themselves


def furniture_kind(node: etree._Element) -> str | None:
    """What one element is, by its own tag, class and id: "box" (a comment form, related or teaser
    box, footer, aside …: everything inside is furniture), "mark" (a photo credit, a biography:
    the element and the two levels below it), or None."""
    if node.tag in _PAGE_TAGS:
        return None
    if node.tag in _FURNITURE_TAGS:
        return "box"
    get = node.get
    cls, ident = get("class"), get("id")
    if not cls and not ident:
        return _blank_kind()  # most elements: the answer for no class and id, read once
    return _marks_kind(f"{cls or ''} {ident or ''}")


@functools.cache
def _blank_kind() -> str | None:
    return _marks_kind(" ")  # what the two empty attributes joined read as


# Class and id strings repeat within a page and across an outlet's pages: each distinct one is read
# by the two patterns once. Longer strings (rare) are read each time, so the cache stays small.
_CACHED_MARKS_CHARS = 200


def _marks_kind(marks: str) -> str | None:
    return _cached_marks_kind(marks) if len(marks) <= _CACHED_MARKS_CHARS else _read_marks(marks)


@functools.lru_cache(maxsize=4096)
def _cached_marks_kind(marks: str) -> str | None:
    return _read_marks(marks)


def _read_marks(marks: str) -> str | None:
    if _not_byline_re("not_byline_boxes").search(marks):
        return "box"
    if _not_byline_re("not_byline_marks").search(marks):
        return "mark"
    return None


def in_furniture(el: etree._Element, marks: bool = True) -> bool:
    """Inside a comment form, a related or teaser box, a footer, an author biography …;
    ``marks=False``: inside a box only (a photo or biography mark does not count)."""
    node: etree._Element | None = el
    level = 0
    while node is not None and node.tag not in _PAGE_TAGS:
        kind = furniture_kind(node)
        if kind == "box" or (marks and kind == "mark" and level <= _MARK_LEVELS):
            return True
        node = node.getparent()
        level += 1
    return False


def _card_headline(node: etree._Element) -> bool | None:
    """Whether a small box holds a linked headline (h2–h4 with a link, or inside the box's own link);
    None when the box is not small.

    Walks at most ``_MAX_TEASER_ELEMENTS`` elements, so the climb costs the same on any page."""
    chars = 0
    linked = False
    for i, el in enumerate(node.iter()):
        if i > _MAX_TEASER_ELEMENTS:
            return None
        chars += len(el.text or "") + len(el.tail or "") if el is not node else len(el.text or "")
        if chars > _MAX_TEASER_CHARS:
            return None
        if el.tag in ("h2", "h3", "h4") and not linked:
            linked = any(a.get("href") for a in el.iter("a")) or _link_round(el, node)
    return linked


def _link_round(el: etree._Element, box: etree._Element) -> bool:
    """Whether a link inside ``box`` (or the box itself) holds ``el``: a card that is one link round
    its picture and headline ("<a href><img><h3>…</h3></a><p>by …</p>")."""
    for node in el.iterancestors():
        if node.tag == "a" and node.get("href"):
            return True
        if node is box:
            return False
    return False


def in_teaser(el: etree._Element) -> bool:
    """In a card for another story: a small box that also holds a linked headline (h2–h4 > a)."""
    node: etree._Element | None = el
    for _ in range(_TEASER_LEVELS):
        node = node.getparent() if node is not None else None
        if node is None or node.tag in ("body", "html", "main"):
            return False
        # A small <article> is a card in a list of stories; the story's own is too large to be one.
        found = _card_headline(node)
        if node.tag == "article":
            return bool(found)
        if found is None:
            return False  # the box has grown past a card: the ones above are larger still
        if found:
            return True
    return False


def in_link_list(el: etree._Element) -> bool:
    """The whole text of a link in a list of links: a menu entry naming a show or a section
    ("<li><a>By Any Means Necessary</a></li>"), not a byline, whose opener stands outside the
    writer's link ("By <a>Ann Lee</a>")."""
    link = el if el.tag == "a" else el.getparent()
    if link is None or link.tag != "a":
        return False
    item = link.getparent()
    return item is not None and item.tag == "li" and not _marked(item)


def element_people(tree: etree._Element, site_names: Set[str]) -> People:
    """A byline element near the headline, or at the end of the article (outside furniture)."""
    found = People()
    candidates: list[tuple[int, etree._Element]] = []  # (place in document order, element)
    headline: int | None = None  # the first h1's place, if the walk reached it
    for i, el in enumerate(tree.iter()):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if tag == "h1" and headline is None:
            headline = i
        if tag not in _NOT_BYLINE_TAGS and _marked(el):
            candidates.append((i, el))
            if len(candidates) >= _MAX_BYLINE_ELEMENTS * 4:
                break
    start = (headline or 0) - _BEFORE_HEADLINE
    tried = 0
    for place, el in candidates:
        if place < start or in_furniture(el) or in_teaser(el):
            continue
        tried += 1
        if tried > _MAX_BYLINE_ELEMENTS:
            break
        text = _text_with_breaks(el)
        if not text or len(text) > _MAX_BYLINE_CHARS:
            continue  # a box holding the byline and more: one of its children is the byline
        people = read_people(text, site_names, strict=True)
        found.agencies.extend(a for a in people.agencies if a not in found.agencies)
        if people.writers:
            found.writers = people.writers
            return found
    return found


def _after_headline(tree: etree._Element) -> list[etree._Element]:
    """The first elements after the headline, in document order (its siblings, then its parent's)."""
    out: list[etree._Element] = []
    for h1 in tree.iter("h1"):
        parent = h1.getparent()
        for sibling in [*h1.itersiblings(), *(parent.itersiblings() if parent is not None else ())]:
            for node in sibling.iter():
                if isinstance(node.tag, str):
                    out.append(node)
                if len(out) >= _AFTER_HEADLINE:
                    return out
        break
    return out


def opener_people(tree: etree._Element, site_names: Set[str]) -> People:
    """A short line just after the headline that opens with a byline word ("von Dr. Max Kolter")."""
    for node in _after_headline(tree):
        text = " ".join("".join(node.itertext()).split())
        if not text or len(text) > _MAX_OPENER_CHARS or strip_lead(text) is None:
            continue
        if in_furniture(node) or in_teaser(node):
            continue
        people = read_people(text, site_names, strict=True)
        if people.writers:
            return people
    return People()


def rel_people(tree: etree._Element, site_names: Set[str]) -> People:
    found = People()
    for el in tree.xpath('//a[contains(concat(" ", normalize-space(@rel), " "), " author ")]')[:8]:
        if isinstance(el, etree._Element) and not in_furniture(el):
            found.add(read_people(" ".join("".join(el.itertext()).split()), site_names))
    return found
