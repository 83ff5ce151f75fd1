"""Walk an article container in document order: paragraphs and figures.

Why by hand: trafilatura gives good paragraphs but loses where images stand
and never pairs an image with its ``<figcaption>``/caption div and credit;
this walker keeps both, in place, for a container already chosen (a portal
profile's body selector, or the element holding trafilatura's paragraphs).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from lxml import etree

from kabar.extract.furniture import is_furniture as is_furniture_line
from kabar.extract.html_captions import (
    Caption,
    caption_of,
    from_caption_element,
    is_caption_element,
    split_credit,
    usable_image_url,
)
from kabar.extract.word_patterns import word_pattern
from kabar.sources.urls import join_url

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "blockquote",
        "table",
        "tr",
        "td",
        "th",
        "dl",
        "dt",
        "dd",
        "center",
        "main",
        "pre",
    ]
)
_SKIP_TAGS = frozenset(
    ["nav", "aside", "footer", "form", "button", "select", "input", "textarea", "label", "header", "menu"]
)


@dataclass(slots=True)
class Figure:
    url: str | None
    caption: str | None
    credit: str | None


@dataclass(slots=True)
class Blocks:
    paragraphs: list[str] = field(default_factory=list)
    figures: list[tuple[int, Figure]] = field(default_factory=list)  # (position, figure)
    links: list[tuple[str, str]] = field(default_factory=list)  # (href, text) inside paragraphs
    # Paragraphs holding an inline element kept as text despite a furniture-like class: the ones
    # trafilatura (which judges by class) may have cut or dropped (see ``html_inline``).
    rescued: set[int] = field(default_factory=set)
    prose: set[int] = field(default_factory=set)  # paragraphs of a <p>, <li>, <blockquote> or <dd>


def is_furniture(el: etree._Element) -> bool:
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    if len(attrs) > _CACHED_ATTR_CHARS:
        return bool(attrs.strip()) and bool(word_pattern("furniture_attr").search(attrs))
    return _furniture_attrs(attrs)


# Class and id strings repeat within a page and across an outlet's pages: each distinct short one is
# read by the pattern once (a longer one, rare, each time, so the cache stays small).
_CACHED_ATTR_CHARS = 200


@functools.lru_cache(maxsize=4096)
def _furniture_attrs(attrs: str) -> bool:
    return bool(attrs.strip()) and bool(word_pattern("furniture_attr").search(attrs))


# Inline elements: their words belong to the sentence around them. Kompas wraps in-sentence links in
# ``<a class="inner-link-tag">``; judged by class alone they were furniture and the words vanished.
_INLINE_TAGS = frozenset(
    [
        "a",
        "span",
        "strong",
        "b",
        "em",
        "i",
        "u",
        "mark",
        "abbr",
        "cite",
        "q",
        "small",
        "sub",
        "sup",
        "font",
        "time",
    ]
)
# Blocks holding running text, where an inline element's words are the sentence's (``html_inline``).
_PROSE_TAGS = frozenset(["p", "li", "blockquote", "dd"])
_SIBLINGS_AHEAD = 4  # how far past an inline element to look for the rest of its sentence
_OWN_TEXT_CHARS = 400  # furniture lines are shorter (kabar.extract.furniture tests up to this)
_OWN_TEXT_NODES = 64


def head_text(el: etree._Element, limit: int) -> str:
    """The first ``limit`` characters of an element's text, looking at no more than
    ``_OWN_TEXT_NODES`` descendants: a hostile page's element may hold the rest of the page."""
    parts = [el.text or ""]
    size = len(parts[0])
    for n, node in enumerate(el.iterdescendants()):
        if n >= _OWN_TEXT_NODES or size >= limit:
            break
        for piece in (node.text if isinstance(node.tag, str) else None, node.tail):
            if piece:
                parts.append(piece)
                size += len(piece)
    return "".join(parts)[:limit]


def _text_after(el: etree._Element) -> bool:
    """Does text follow ``el`` inside the same block (its tail, a near sibling, an inline parent's tail)?"""
    node: etree._Element | None = el
    for _ in range(MAX_DEPTH):
        if node is None or not isinstance(node.tag, str) or node.tag.lower() not in _INLINE_TAGS:
            return False
        if (node.tail or "").strip():
            return True
        for n, sib in enumerate(node.itersiblings()):
            if n >= _SIBLINGS_AHEAD:
                break
            if (isinstance(sib.tag, str) and sib.tag.lower() in _BLOCK_TAGS) or sib.tag == "br":
                return False
            if (sib.text or "").strip() or (sib.tail or "").strip():
                return True
        node = node.getparent()
    return False


_IMAGE_EXT = (".jpg", ".jpeg", ".png", ".gif", ".webp")
# AMP pages print their pictures as <amp-img src=…> (the <noscript><img> fallback is stripped).
_IMAGE_TAGS = ("img", "amp-img")


def _first_image(el: etree._Element) -> etree._Element | None:
    return next((i for i in el.iter(*_IMAGE_TAGS) if i is not el), None)


# The walk recurses two frames per level. libxml2 already stops nesting at 256 levels, but that
# many levels below a caller deep in its own stack (a server, a test runner) can still reach
# Python's recursion limit; no article nests its text this deep, so deeper elements are skipped.
MAX_DEPTH = 160


_MAX_TAIL_CAPTION = 300


def _tail_caption(img: etree._Element) -> bool:
    tail = " ".join((img.tail or "").split())
    return bool(tail) and "©" in tail and len(tail) <= _MAX_TAIL_CAPTION


def _inside_link(el: etree._Element) -> bool:
    for anc in el.iterancestors():
        if anc.tag == "a":
            return not (anc.get("href") or "").lower().split("?")[0].endswith(_IMAGE_EXT)
        if anc.tag in ("p", "figure", "article", "body"):
            return False
    return False


class _Walker:
    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.out = Blocks()
        self.inline: list[str] = []
        self.has_text = False  # non-blank text in ``inline`` since the last flush
        self.rescuing = False  # ``inline`` holds an element kept by :meth:`in_sentence`
        self.block = ""  # tag of the innermost block being walked
        self.seen_images: set[str] = set()

    def add_text(self, text: str) -> None:
        self.inline.append(text)
        self.has_text = self.has_text or (bool(text) and not text.isspace())

    def in_sentence(self, el: etree._Element, tag: str) -> bool:
        """An inline element inside a paragraph, or with text on both sides in its block, is text,
        whatever its class says; unless its own words are a furniture line ("Baca juga: …")."""
        if tag not in _INLINE_TAGS:
            return False
        if self.block != "p" and not (self.has_text and _text_after(el)):
            return False
        kept = not is_furniture_line(" ".join(head_text(el, _OWN_TEXT_CHARS).split()))
        self.rescuing = self.rescuing or kept
        return kept

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        self.has_text = False
        rescued, self.rescuing = self.rescuing, False
        if not text:
            return
        # A short line right after an uncaptioned image, labelled "Foto: …", is that image's caption.
        last = self.out.figures[-1] if self.out.figures else None
        if (
            last is not None
            and last[0] == len(self.out.paragraphs)
            and last[1].caption is None
            and len(text) <= _MAX_TAIL_CAPTION
            and word_pattern("photo_label").search(text)
        ):
            cap = split_credit(text)
            last[1].caption, last[1].credit = cap.caption, cap.credit
            return
        if rescued:
            self.out.rescued.add(len(self.out.paragraphs))
        if self.block in _PROSE_TAGS:
            self.out.prose.add(len(self.out.paragraphs))
        self.out.paragraphs.append(text)

    def figure(self, el: etree._Element, img: etree._Element | None, whole: bool = False) -> None:
        url = usable_image_url(img, self.base_url) if img is not None else None
        if url and url in self.seen_images:
            return
        if url:
            self.seen_images.add(url)
        if whole:
            cap: Caption | None = from_caption_element(el)
        else:
            cap = caption_of(el if el.tag == "figure" or img is None else img)
        if url is None and cap is None:
            return
        self.flush()
        caption, credit = (cap.caption, cap.credit) if cap else (None, None)
        self.out.figures.append((len(self.out.paragraphs), Figure(url, caption, credit)))

    def tail_figure(self, img: etree._Element) -> None:
        """``<img>Caption ©Credit`` — the caption is the text right after the image."""
        url = usable_image_url(img, self.base_url)
        if url:
            self.seen_images.add(url)
        self.flush()
        cap = split_credit(img.tail or "")
        self.out.figures.append((len(self.out.paragraphs), Figure(url, cap.caption, cap.credit)))

    def walk(self, el: etree._Element, depth: int = 0) -> None:
        if depth > MAX_DEPTH:
            return
        for child in el:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag.lower() == "img" and _tail_caption(child) and not _inside_link(child):
                self.tail_figure(child)
                continue
            if tag:
                self.visit(child, tag.lower(), depth + 1)
            if child.tail:
                self.add_text(child.tail)

    def visit(self, el: etree._Element, tag: str, depth: int = 0) -> None:
        if tag in _SKIP_TAGS or (is_furniture(el) and not self.in_sentence(el, tag)):
            return
        if is_caption_element(el):
            img = _first_image(el)
            if img is not None and not _inside_link(img):  # a caption box holding its own image
                self.figure(el, img, whole=True)
            return
        if tag == "br":
            self.flush()
            return
        if tag == "figure":
            self.figure(el, _first_image(el))
            return
        if tag in _IMAGE_TAGS:
            if not _inside_link(el):  # a linked thumbnail belongs to another story
                self.figure(el, el)
            return
        if tag == "a":
            href = el.get("href") or ""
            text = " ".join("".join(el.itertext()).split())
            if href and text and not href.lower().startswith(("javascript:", "data:", "#")):
                joined = join_url(self.base_url, href)
                if joined is not None:
                    self.out.links.append((joined, text))
        block = tag in _BLOCK_TAGS
        outer = self.block
        if block:
            self.flush()
            self.block = tag
        if el.text:
            self.add_text(el.text)
        self.walk(el, depth)
        if block:
            self.flush()
            self.block = outer


def walk_container(container: etree._Element, base_url: str | None = None) -> Blocks:
    walker = _Walker(base_url)
    walker.block = container.tag if isinstance(container.tag, str) else ""
    if container.text:
        walker.add_text(container.text)
    walker.walk(container)
    walker.flush()
    return walker.out


__all__ = ["Blocks", "Figure", "head_text", "is_furniture", "split_credit", "walk_container"]
