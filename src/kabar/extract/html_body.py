"""The article body: paragraphs, and images in place with caption and credit.

Two paths: a portal profile's body container walked directly, or, for any
other site, trafilatura's paragraphs with the images of the container that
holds them placed between the same paragraphs.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from kabar.extract.body_run import continue_run
from kabar.extract.html_blocks import Blocks, Figure, walk_container
from kabar.extract.html_captions import (
    Caption,
    caption_of,
    from_caption_element,
    is_caption_element,
    usable_image_url,
)
from kabar.extract.html_inline import restore_inline_text
from kabar.extract.html_parse import ParsedHtml
from kabar.extract.trafilatura_input import TrafilaturaInput, loads_as_parsed
from kabar.model import Image, normalise_space

_MIN_PROFILE_CHARS = 100  # a photo page's one paragraph is ~140 characters
_KEY_CHARS = 60
_LONG_PARAGRAPH = 60
_PREFIX_CHARS = 8
_MAX_HITS = 8


@dataclass(slots=True)
class Body:
    paragraphs: list[str] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    container: etree._Element | None = None
    method: str = "none"


def _key(text: str) -> str:
    return normalise_space(text)[:_KEY_CHARS].lower()


def _images(figures: list[tuple[int, Figure]]) -> list[Image]:
    return [Image(caption=f.caption, credit=f.credit, position=pos, url=f.url) for pos, f in figures]


def _outermost(nodes: list[etree._Element]) -> list[etree._Element]:
    chosen = set(nodes)
    return [n for n in nodes if not any(a in chosen for a in n.iterancestors())]


def profile_body(tree: etree._Element, xpaths: tuple[str, ...], base: str | None) -> Body | None:
    for xp in xpaths:
        nodes = [n for n in tree.xpath(xp) if isinstance(n, etree._Element)]
        if not nodes:
            continue
        blocks = Blocks()
        seen: set[str] = set()
        for node in _outermost(nodes):
            part = walk_container(node, base)
            if any(p in seen for p in part.paragraphs[:3]):
                continue  # the same text printed twice (mobile and desktop copies)
            seen.update(part.paragraphs)
            offset = len(blocks.paragraphs)
            blocks.paragraphs.extend(part.paragraphs)
            blocks.figures.extend((pos + offset, fig) for pos, fig in part.figures)
            blocks.links.extend(part.links)
        if sum(len(p) for p in blocks.paragraphs) >= _MIN_PROFILE_CHARS:
            return Body(blocks.paragraphs, _images(blocks.figures), blocks.links, nodes[0], "profile")
    return None


# trafilatura's precision mode sometimes keeps only a fragment of a long story
# (measured on the Zyte benchmark: wired.com pages keep a third). When its
# output is short, the recall mode is asked too, and taken when it finds more
# than twice as much. Both run with ``fast=True`` (no readability/jusText
# fallback comparison): together they cost less than one default run.
_SHORT_BODY_CHARS = 2000
_FAST_FAILED_CHARS = 500
_RECALL_GAIN = 2.0


def _trafilatura_text(
    page: TrafilaturaInput, url: str | None, *, fast: bool, precision: bool, recall: bool
) -> str:
    _bound_string_caches()
    return page.extract(url, fast=fast, precision=precision, recall=recall)


# trafilatura caches ``trim`` and ``line_processing`` (1,024 entries each) keyed by whole element
# texts of any length, and its link-density test trims the text of every nested <div>: on a page of
# unclosed divs (tag soup) each one holds the rest of the page, so the cache held depth × page
# (a 1 MB page: +205 MB, 160 MB of it still held after the page). Longer texts now bypass the
# cache: the same results, and the cache keeps the short repeated strings it is there for.
_CACHED_TEXT_CHARS = 2_000


def _size_bounded(cached: Callable[..., Any]) -> Callable[..., Any]:
    plain = cached.__wrapped__  # type: ignore[attr-defined]

    @functools.wraps(cached)
    def call(text: Any, *args: Any, **kwargs: Any) -> Any:
        long = isinstance(text, str) and len(text) > _CACHED_TEXT_CHARS
        return (plain if long else cached)(text, *args, **kwargs)

    call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
    call.cache_info = cached.cache_info  # type: ignore[attr-defined]
    return call


@functools.cache
def _bound_string_caches() -> None:
    """Install :func:`_size_bounded` wherever trafilatura bound the two cached functions by name."""
    import importlib

    from trafilatura import utils

    originals = {name: getattr(utils, name) for name in ("trim", "line_processing")}
    bounded = {name: _size_bounded(cached) for name, cached in originals.items()}
    for module_name in list(sys.modules):
        if module_name == "trafilatura" or module_name.startswith("trafilatura."):
            module = importlib.import_module(module_name)
            for name, wrapper in bounded.items():
                if getattr(module, name, None) is originals[name]:
                    setattr(module, name, wrapper)


def trafilatura_paragraphs(
    html_text: str,
    url: str | None,
    favor_precision: bool,
    fast: bool = True,
    tree: etree._Element | None = None,
) -> list[str]:
    """``tree``: ``html_text`` as parsed, untouched, where trafilatura's loader makes the same
    tree (:func:`paragraphs_of_parsed`); else it is parsed here."""
    page = TrafilaturaInput(html_text, tree)  # parsed once, for every call below
    text = _trafilatura_text(page, url, fast=fast, precision=favor_precision, recall=False)
    if fast and len(text) < _FAST_FAILED_CHARS:  # fast mode lost the story: let the fallbacks compare
        text = _trafilatura_text(page, url, fast=False, precision=favor_precision, recall=False)
    if len(text) < _SHORT_BODY_CHARS:
        fuller = _trafilatura_text(page, url, fast=True, precision=False, recall=True)
        if len(fuller) > _RECALL_GAIN * len(text):
            text = fuller
    return [p for line in text.split("\n") if (p := normalise_space(line))]


def paragraphs_of_parsed(
    parsed: ParsedHtml, url: str | None, favor_precision: bool, fast: bool = True
) -> list[str] | None:
    """trafilatura's paragraphs read from the reader's own tree, before anything is taken out of
    it (trafilatura copies the tree it is given, so the tree stays as it was): one parse of the
    page instead of two. None where trafilatura's loader would make another tree from the text."""
    if not loads_as_parsed(parsed):
        return None
    return trafilatura_paragraphs(parsed.text, url, favor_precision, fast, tree=parsed.tree)


def _opening(el: etree._Element, chars: int) -> str:
    """``"".join(el.itertext()).lstrip()[:chars]``, reading only the pieces it needs."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        if not parts:
            piece = piece.lstrip()
            if not piece:
                continue
        parts.append(piece)
        size += len(piece)
        if size >= chars:
            break
    return "".join(parts)[:chars]


def _container_of(tree: etree._Element, paragraphs: list[str]) -> etree._Element | None:
    """The lowest element holding the first and the last of ``paragraphs``."""
    long = [p for p in paragraphs if len(p) >= _LONG_PARAGRAPH]  # headline, copyright lines are short
    if not long:
        return None
    wanted = {_key(long[0]), _key(long[-1])}
    # A cheap prefix test first: normalising every element's text is the costly part.
    starts = {k[:_PREFIX_CHARS] for k in wanted}
    hits: list[etree._Element] = []
    for el in tree.iter("p", "div", "li", "blockquote", "h2", "h3", "span", "td"):
        own = (el.text or "").lstrip()
        if own:
            if own[:_PREFIX_CHARS].lower() in starts and _key(own) in wanted:
                hits.append(el)
        elif (
            el.tag in ("p", "li", "blockquote")
            and len(el)
            # The opening characters first, read from the first pieces: the whole text is joined
            # only where they match.
            and _opening(el, _PREFIX_CHARS).lower() in starts
            and _key("".join(el.itertext())) in wanted
        ):
            hits.append(el)
        if len(hits) > _MAX_HITS:
            break
    if not hits:
        return None
    ancestors = [set(h.iterancestors()) | {h} for h in hits]
    common = set.intersection(*ancestors)
    node: etree._Element | None = hits[0]
    while node is not None and node not in common:
        node = node.getparent()
    return node


def place_figures(walked: Blocks, paragraphs: list[str]) -> list[Image]:
    """Images of a walked container, positioned before the trafilatura paragraph they precede."""
    index = {_key(p): i for i, p in enumerate(paragraphs)}
    seen = 0  # how many of ``paragraphs`` stand before the walker's current point
    images: list[Image] = []
    figures = iter(walked.figures)
    pending = next(figures, None)
    for i, text in enumerate([*walked.paragraphs, ""]):
        while pending is not None and pending[0] <= i:
            fig = pending[1]
            images.append(Image(caption=fig.caption, credit=fig.credit, position=seen, url=fig.url))
            pending = next(figures, None)
        hit = index.get(_key(text))
        if hit is not None:
            seen = max(seen, hit + 1)
    return images


_MAX_LIST_HEADING_CHARS = 40  # "Popular Photos", "Berita Terpopuler": a list's heading, not a sentence


def _is_link_list(tree: etree._Element, paragraphs: list[str]) -> bool:
    """Every line is the whole text of a link, or a short heading over such links.

    On a photo gallery or video page with no story text, trafilatura falls back to the
    sidebar's "popular" lists: headlines of other articles, each one a link. A story has
    sentences that are not themselves links, so a body made only of link lines is navigation.
    """
    if not paragraphs:
        return False
    sentences = [t for t in paragraphs if len(t) > _MAX_LIST_HEADING_CHARS or t.endswith(_SENTENCE_ENDS)]
    # With sentences, only they decide (each must be a link's text); without, any line that is.
    if sentences:
        longest = max(sentences, key=len)  # few links are that long: most bodies end here
        if longest.lower() not in _link_texts(tree, len(longest)):
            return False
        links = _link_texts(tree, min(len(t) for t in sentences))
        return all(t.lower() in links for t in sentences)
    links = _link_texts(tree, min(len(t) for t in paragraphs))
    return any(t.lower() in links for t in paragraphs)


_SENTENCE_ENDS = (".", "!", "?", '"', "”")


@functools.cache
def _links_at_least() -> etree.XPath:
    # Collapsing spaces only shortens a text, and lower() at most doubles a character: a link this
    # filter leaves out is shorter than any line it could print.
    return etree.XPath("descendant-or-self::a[@href != ''][string-length() * 2 >= $chars]")


def _link_texts(tree: etree._Element, chars: int) -> set[str]:
    """The lower-case texts of the page's links that may be ``chars`` long or more (the length
    filter runs in C: most links are far shorter than a story's sentence)."""
    found = _links_at_least()(tree, chars=chars)
    elements = found if isinstance(found, list) else []
    return {normalise_space("".join(a.itertext())).lower() for a in elements if isinstance(a, etree._Element)}


# trafilatura reads text element by element: its link-density test trims the whole text of each
# nested element, script bodies included, so its cost follows the sum over text of length × depth,
# not the page's size. On tag soup (unclosed elements, each holding the rest of the page) 1 MB came
# to 58–65 M (fuzz seed 9, mutant 16,687: about 2 s per trafilatura pass, three passes; seed 10,
# mutant 52,063: a 1.3 MB script 60 elements deep, 12.5 s); the real pages in ../shared stay under
# 5 M with their scripts counted. Above the bound, kabar's own walker reads the body: it visits each
# element once.
NESTED_TEXT_LIMIT = 20_000_000


def nested_text(tree: etree._Element) -> int:
    """The sum over every text of its length × its depth: what per-element text reading costs."""
    total = depth = 0
    # One walk in C, depth counted on its events; a tail counts at its parent's depth. A comment or
    # processing instruction is a leaf: one event, inside its parent.
    for event, el in etree.iterwalk(tree, events=("start", "end", "comment", "pi")):
        if event == "start":
            depth += 1
            if text := el.text:
                total += len(text) * depth
        elif event == "end":
            depth -= 1
            if tail := el.tail:
                total += len(tail) * depth
        else:
            total += len(el.text or "") * (depth + 1) + len(el.tail or "") * depth
    return total


@functools.cache
def _deeper_than() -> etree.XPath:
    return etree.XPath(
        "boolean(//*[count(ancestor::*) >= $levels] | //comment() | //processing-instruction())"
    )


# Up to this depth the test is a path of ``/*`` steps, one level at a time: an element has
# ``levels`` ancestors exactly when one at depth ``levels + 1`` holds it (3x faster than counting
# every element's ancestors). Deeper bounds (a page of very little text) count ancestors.
_MAX_PATH_LEVELS = 4096


@functools.lru_cache(maxsize=256)
def _deeper_than_path(levels: int) -> etree.XPath:
    return etree.XPath(
        "boolean(" + "/*" * (levels + 1) + ") or boolean(//comment() | //processing-instruction())"
    )


def too_nested(tree: etree._Element, limit: int = NESTED_TEXT_LIMIT) -> bool:
    """``nested_text(tree) > limit``, mostly without the walk: every text counts at most the depth
    of the deepest element, so when the page's text times that depth stays within ``limit`` the
    answer is no (two passes in C, where the walk costs a Python step per element). Comments and
    processing instructions count one level deeper than their parent: with any, the walk decides."""
    chars = len(etree.tostring(tree, method="text", encoding="utf-8"))  # bytes: never fewer than chars
    levels = limit // chars if chars else limit
    deeper = _deeper_than_path(levels) if levels <= _MAX_PATH_LEVELS else _deeper_than()
    if not deeper(tree, levels=levels):
        return False  # no element at depth levels + 1: text x depth <= chars x levels <= limit
    return nested_text(tree) > limit


def walked_body(tree: etree._Element, base: str | None) -> Body:
    """The page's body read by kabar's walker alone, for pages trafilatura cannot read in time."""
    root = tree.find(".//body")
    container = root if root is not None else tree
    walked = walk_container(container, base)
    return Body(walked.paragraphs, _images(walked.figures), walked.links, container, "walker")


def generic_body(
    tree: etree._Element,
    html_text: str,
    base: str | None,
    favor_precision: bool,
    fast: bool = True,
    *,
    page_too_nested: bool | None = None,
    without_rows: Callable[[list[str]], list[str]] | None = None,
    declared: str | None = None,
    paragraphs: list[str] | None = None,
) -> Body:
    """``page_too_nested``: :func:`too_nested` of the page as parsed, before scripts and styles
    were stripped from ``tree``: trafilatura parses ``html_text`` afresh and reads them. Given, the
    tree is not walked again: what was done to it since only took elements out (a stripped
    element's tail stays at its depth), which never raises the sum.
    ``without_rows``: drops trafilatura's lines of tables set aside from ``tree``.
    ``declared``: the article's JSON-LD ``articleBody``, evidence for where the body ends
    (:mod:`kabar.extract.body_run`).
    ``paragraphs``: trafilatura's, read already (:func:`paragraphs_of_parsed`) with these settings."""
    if page_too_nested if page_too_nested is not None else too_nested(tree):
        return walked_body(tree, base)
    if paragraphs is None:
        paragraphs = trafilatura_paragraphs(html_text, base, favor_precision, fast)
    if without_rows is not None:  # data tables' rows: kept beside the body (``html_tables``)
        paragraphs = without_rows(paragraphs)
    if _is_link_list(tree, paragraphs):
        return Body([], [], [], None, "link-list")
    container = _container_of(tree, paragraphs)
    if container is not None:  # the article runs on past a short or weak block: read to its end
        paragraphs = [*paragraphs, *continue_run(container, paragraphs, base, declared).paragraphs]
    # The lead photo usually stands above the text block, inside the same <article>.
    article = next((a for a in container.iterancestors("article")), None) if container is not None else None
    container = article if article is not None else container
    if container is None:
        return Body(paragraphs, [], [], None, "trafilatura")
    walked = walk_container(container, base)
    paragraphs = restore_inline_text(paragraphs, walked)
    return Body(paragraphs, place_figures(walked, paragraphs), walked.links, container, "trafilatura")


def _picture_of(node: etree._Element, base: str | None) -> etree._Element | None:
    """The block's own picture, else the one just before it: a photo page's caption line
    stands under its photo as a sibling ("<img class=bigpic><div class=gal_rating>…")."""
    inside = [i for i in node.iter("img") if usable_image_url(i, base)]  # not the gallery's arrows
    if inside:
        return inside[0]
    if node.find(".//img") is not None:
        return node.find(".//img")
    for sib in node.itersiblings(preceding=True):
        if not isinstance(sib.tag, str):
            continue
        pictures = [sib] if sib.tag == "img" else list(sib.iter("img"))
        usable = [i for i in pictures if usable_image_url(i, base)]
        if usable:
            return usable[-1]
        if "".join(sib.itertext()).strip():
            break  # text between them: that picture belongs to something else
    return None


def lead_figures(tree: etree._Element, xpaths: tuple[str, ...], base: str | None) -> list[Image]:
    """The photo a portal prints above its text block (a profile's ``captions`` selector)."""
    for xp in xpaths:
        images: list[Image] = []
        for node in tree.xpath(xp):
            if not isinstance(node, etree._Element):
                continue
            img = node if node.tag == "img" else _picture_of(node, base)
            url = usable_image_url(img, base) if img is not None else None
            url = url or usable_image_url(node, base)  # <figure data-image="…"> around a lazy <img>
            inner = next((c for c in node.iter() if c is not node and is_caption_element(c)), None)
            if inner is not None:
                cap: Caption | None = from_caption_element(inner)
            elif "".join(node.itertext()).strip():  # the block's own text is its caption
                cap = from_caption_element(node)
            else:
                cap = caption_of(img) if img is not None else None
            if url or cap:
                images.append(
                    Image(caption=cap.caption if cap else None, credit=cap.credit if cap else None, url=url)
                )
        if len(images) > 1:  # a photo story's gallery: its pictures carry captions, thumbnails don't
            images = [i for i in images if i.caption]
        if images:
            return images
    return []
