"""The captioned photos of a whole page, for telling a photo gallery from an article.

Read from caption elements (``<figcaption>``, a caption-like class) and the picture beside each:
its figure, its parent's or grandparent's first usable ``<img>``. A caption is one run of text about
a photo: a "caption" block holding a list is a box of several things (an editor/photographer
credit box), one holding a heading or made of links to other pages is another article's card (a
sidebar's "most read" list), and neither they nor anything inside them is a photo's caption. Every
look is bounded (so many elements, so many children, so much text), so a hostile page costs a
linear pass.
"""

from __future__ import annotations

from itertools import islice

from lxml import etree

from kabar.extract.html_captions import from_caption_element, is_caption_element, usable_image_url
from kabar.extract.page_kind_rules import GalleryRules, page_kind_rules, short_text
from kabar.model import Image

_MAX_CAPTION_CHARS = 400
_LEVELS = 2  # a caption's picture is in its parent or grandparent
_MAX_CHILDREN = 16
_ANCESTOR_CHECK = 4
_REFUSED_CHECK = 8  # a refused box's inside, however deep its list nests its names
_LOOK = 64  # elements looked at inside a caption element
_IMAGE_ENDS = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif")


def _leads_away(href: str | None) -> bool:
    """A link to another page: not the photo itself (a zoom link, an image file), not a script."""
    h = (href or "").strip().lower()
    return bool(h) and not h.startswith(("#", "javascript:")) and not h.split("?")[0].endswith(_IMAGE_ENDS)


def _not_a_caption(el: etree._Element, rules: GalleryRules) -> bool:
    """A caption element that is a box (it is or holds a list) or another article's card (it
    holds a heading, or its text is mostly links to other pages)."""
    if el.tag in rules.box_tags:
        return True
    link_chars = 0
    for node in islice(el.iter(), _LOOK):
        if not isinstance(node.tag, str):
            continue
        if node is not el and (node.tag in rules.box_tags or node.tag in rules.teaser_tags):
            return True
        if node.tag == "a" and _leads_away(node.get("href")):
            link_chars += len(short_text(node, _MAX_CAPTION_CHARS + 1, pieces=32))
    text_chars = len(short_text(el, _MAX_CAPTION_CHARS + 1, pieces=32))
    return text_chars > 0 and link_chars >= rules.teaser_link_share * text_chars


def _picture(caption: etree._Element, base: str | None) -> str | None:
    node = caption.getparent()
    for _ in range(_LEVELS):
        if node is None:
            return None
        for child in islice(node, _MAX_CHILDREN):
            if not isinstance(child.tag, str) or child is caption:
                continue
            imgs = [child] if child.tag == "img" else list(islice(child.iter("img"), _MAX_CHILDREN))
            for img in imgs:
                if url := usable_image_url(img, base):
                    return url
        node = node.getparent()
    return None


def captioned_photos(tree: etree._Element, base: str | None) -> list[Image]:
    """Photos with a caption of at least a few words, in page order, each once."""
    rules = page_kind_rules().gallery
    photos: list[Image] = []
    taken: set[etree._Element] = set()
    refused: set[etree._Element] = set()
    seen: set[str] = set()
    for el in tree.iter():
        if len(photos) >= rules.max_images:
            break
        if not isinstance(el.tag, str) or not is_caption_element(el):
            continue
        if any(a in taken for a in islice(el.iterancestors(), _ANCESTOR_CHECK)):
            continue  # the credit line inside a caption already read
        if refused and any(a in refused for a in islice(el.iterancestors(), _REFUSED_CHECK)):
            continue  # inside a credit box or another article's card
        if _not_a_caption(el, rules):
            refused.add(el)
            continue
        text = short_text(el, _MAX_CAPTION_CHARS + 1, pieces=32)
        if len(text.split()) < rules.min_caption_words or len(text) > _MAX_CAPTION_CHARS:
            continue
        taken.add(el)
        cap = from_caption_element(el)
        if not cap.caption or cap.caption.lower() in seen:
            continue
        seen.add(cap.caption.lower())
        photos.append(Image(caption=cap.caption, credit=cap.credit, url=_picture(el, base)))
    return photos
