"""Images, their captions and their photo credits.

Indonesian portals print the credit inside the caption ("... 2020. ANTARA
FOTO/Hafidz Mubarak A", "(TEMPO/Imam Sukamto)", "Foto: Istimewa") or in a
separate credit element; neither trafilatura nor newspaper4k separates them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from kabar.extract.word_patterns import word_pattern
from kabar.sources.urls import join_url


@functools.cache
def _agency_slash() -> re.Pattern[str]:
    """An agency's credit with a name after a slash ("ANTARA FOTO/Name")."""
    return re.compile(rf"(?<![\w/])(?:{word_pattern('caption_agency').pattern})\s*/\s*\S")


@functools.cache
def _bare() -> re.Pattern[str]:
    """A segment that is a credit alone: an agency, or another bare credit ("Istimewa")."""
    agency, extra = word_pattern("caption_agency").pattern, word_pattern("bare_credit").pattern
    return re.compile(rf"^(?:{agency}|{extra})$")


# Words in a trailing parenthesis that describe the picture, not who took it.
_NOT_CREDIT = {
    "kiri",
    "kanan",
    "tengah",
    "depan",
    "belakang",
    "atas",
    "bawah",
    "ilustrasi",
    "dok",
    "foto",
    "file",
}
_MAX_CREDIT_WORDS = 12
_MAX_PAREN_CREDIT_WORDS = 4
_MAX_WRAPPED_CAPTION = 400
_MIN_CAPTION_WORDS = 5


@dataclass(slots=True)
class Caption:
    caption: str | None
    credit: str | None


def _looks_like_credit(segment: str) -> bool:
    words = segment.split()
    if not words or len(words) > _MAX_CREDIT_WORDS:
        return False
    if _bare().match(segment) or word_pattern("credit_label").match(segment):
        return True
    # "Name/Agency" shapes: a slash between capitalised words, no sentence inside.
    return "/" in segment and segment[0].isupper() and ". " not in segment


def _clean_credit(credit: str) -> str | None:
    credit = (
        word_pattern("credit_label")
        .sub("", credit.strip(), count=1)
        .strip()
        .strip("()[]")
        .strip()
        .rstrip(".")
        .strip()
    )
    return credit or None


def _last(matches: Iterator[re.Match[str]]) -> re.Match[str] | None:
    found = None
    for found in matches:  # noqa: B007 - only the last match is wanted
        pass
    return found


def split_credit(text: str) -> Caption:
    """Split a caption into caption text and trailing credit.

    ``kabar.extract.credits`` (shared with the flattened-page reader) answers first; the HTML
    shapes it does not take fall to :func:`_split_credit_html`: "©" credits, a parenthesis glued
    to the last word ("Jakarta(Biro Pers)"), a short closing "(Grammy)", "Doc. …" labels.
    """
    from kabar.extract.credits import split_credit as shared_split

    text = " ".join(text.split())
    if not text:
        return Caption(None, None)
    shared = shared_split(text)
    # The shared reader takes a short caption plus credit ("Gedung KPK. TEMPO/Imam Sukamto") for
    # one long credit; keep its answer only where it leaves a caption.
    if shared.credit and shared.caption.strip() and "©" not in text:
        caption = shared.caption.strip().rstrip("-–—|(").strip()
        return Caption(caption or None, shared.credit.strip() or None)
    return _split_credit_html(text)


def _split_credit_html(text: str) -> Caption:
    """Split a caption into caption text and trailing credit.

    The credit is the caption's last segment: a trailing parenthesis, the text
    after a "Foto:" label, the text from an agency slash ("ANTARA FOTO/…"), or
    the last sentence when it has a credit's shape ("Sputnik/Mikhail K/Kremlin").
    """
    text = " ".join(text.split())
    if not text:
        return Caption(None, None)
    cut: int | None = None
    if "©" in text:  # "Dian Sastro © KapanLagi.com®/M. Akrom": © marks the credit
        caption, _, credit = text.partition("©")
        caption = caption.strip().rstrip("/").strip()
        credit = credit.strip().strip("/").strip()
        return Caption(caption or None, credit or None)
    if text.endswith(")") and "(" in text:
        start = text.rindex("(")
        inner = text[start + 1 : -1].strip()
        # "…di Istana Negara, Jakarta(Biro Pers)": a parenthesis glued to the last word is a
        # credit field the portal concatenated to the caption, not a remark inside it.
        glued = start > 0 and text[start - 1].isalnum() and 0 < len(inner.split()) <= _MAX_CREDIT_WORDS
        # "… di Grammy Awards ke-58. (Grammy)": a short capitalised name closing a caption.
        closing = (
            0 < len(inner.split()) <= _MAX_PAREN_CREDIT_WORDS
            and inner[:1].isupper()
            and inner.split()[0].lower().strip(".,") not in _NOT_CREDIT
            and len(text[:start].split()) >= _MIN_CAPTION_WORDS
        )
        if glued or closing or _looks_like_credit(inner):
            cut = start
    if cut is None:
        label = _last(word_pattern("credit_label").finditer(text))
        if label is not None and len(text[label.end() :].split()) <= _MAX_CREDIT_WORDS:
            cut = label.start()
    if cut is None:
        doc = _last(word_pattern("doc_mark").finditer(text))
        if doc is not None and doc.start() > 0 and len(text[doc.start() :].split()) <= _MAX_CREDIT_WORDS:
            cut = doc.start()
    if cut is None:
        agency = _last(_agency_slash().finditer(text))
        if agency is not None and len(text[agency.start() :].split()) <= _MAX_CREDIT_WORDS:
            cut = agency.start()
    if cut is None:
        dot = text.rstrip(".").rfind(". ")
        tail = text[dot + 2 :] if dot >= 0 else text
        if (dot >= 0 or tail == text) and _looks_like_credit(tail.rstrip(".")):
            cut = dot + 2 if dot >= 0 else 0
    if cut is None:
        return Caption(text, None)
    caption = text[:cut].strip().rstrip("-–—|(").strip()
    return Caption(caption or None, _clean_credit(text[cut:]))


def is_caption_element(el: etree._Element) -> bool:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag == "figcaption":
        return True
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    if len(attrs) > _CACHED_ATTR_CHARS:
        return bool(attrs.strip()) and bool(word_pattern("caption_attr").search(attrs))
    return _caption_attrs(attrs)


# Class and id strings repeat within a page and across an outlet's pages: each distinct short one is
# read by the pattern once (a longer one, rare, each time, so the cache stays small).
_CACHED_ATTR_CHARS = 200


@functools.lru_cache(maxsize=4096)
def _caption_attrs(attrs: str) -> bool:
    return bool(attrs.strip()) and bool(word_pattern("caption_attr").search(attrs))


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def from_caption_element(el: etree._Element) -> Caption:
    if "©" in _text(el):  # "Brandon Salim/©KapanLagi.com®/M. Akrom": © marks the credit
        return split_credit(_text(el))
    credit_el = None
    for child in el.iter():
        if (
            child is not el
            and isinstance(child.tag, str)
            and word_pattern("credit_attr").search(f"{child.get('class') or ''}")
        ):
            credit_el = child
            break
    if credit_el is not None:
        credit = _text(credit_el)
        whole = _text(el)
        caption = " ".join(whole.replace(credit, "", 1).split()) if credit else whole
        credit = re.sub(r"^(?:Foto|FOTO|Photo)\s*:\s*", "", credit).strip("()[] ")
        return Caption(caption or None, credit or None)
    return split_credit(_text(el))


def caption_of(el: etree._Element) -> Caption | None:
    """The caption of a ``<figure>`` or an ``<img>`` (looking at nearby caption elements)."""
    if el.tag == "figure":
        cap = el.find(".//figcaption")
        if cap is None:
            cap = next((c for c in el.iter() if c is not el and is_caption_element(c)), None)
        if cap is not None and _text(cap):
            return from_caption_element(cap)
        return from_caption_element(el) if _text(el) else None
    # A bare <img>: its caption is a caption-like sibling of it or of an ancestor (up to 3 levels),
    # or a caption element inside such a sibling ("<div class=wp-cap><div class=caption>").
    found: Caption | None = None
    node: etree._Element | None = el
    for _ in range(3):
        if node is None or found is not None:
            break
        for sib in node.itersiblings():
            if not isinstance(sib.tag, str):
                continue
            holder = sib if is_caption_element(sib) else None
            if holder is None and len(_text(sib)) <= _MAX_WRAPPED_CAPTION:
                holder = next((c for c in sib.iter() if is_caption_element(c)), None)
            if holder is not None and _text(holder):
                found = from_caption_element(holder)
                break
            if sib.tag in ("p", "h2", "h3") and len(_text(sib)) > 40:
                break
        node = node.getparent()
        if node is not None and node.tag in ("p", "article", "body"):
            break
    if found is not None and found.credit is None:
        found.credit = _credit_beside(el)
    return found


def _credit_beside(img: etree._Element) -> str | None:
    """A short "Agency/Name" text standing next to the image itself (an overlay credit)."""
    parent = img.getparent()
    if parent is None:
        return None
    for sib in parent:
        if sib is img or not isinstance(sib.tag, str):
            continue
        text = _text(sib)
        if text and "/" in text and len(text.split()) <= _MAX_PAREN_CREDIT_WORDS + 2:
            return text
    return None


def usable_image_url(img: etree._Element, base_url: str | None) -> str | None:
    """An image's URL; never a ``javascript:``/``data:`` URL, never a tracking pixel."""
    for attr in ("data-src", "data-original", "data-lazy-src", "data-image", "src"):
        value = (img.get(attr) or "").strip()
        if not value or value.lower().startswith(("javascript:", "data:", "vbscript:", "about:")):
            continue
        if (img.get("width") or "").strip() in ("1", "0") or (img.get("height") or "").strip() in ("1", "0"):
            return None
        if word_pattern("decor").search(value.rsplit("/", 1)[-1].split("?")[0]):
            return None  # logos, share buttons, spacers: page chrome, not the story's pictures
        url = join_url(base_url, value)
        if url is None:
            return None
        return url if url.lower().startswith(("http://", "https://", "/")) or not base_url else None
    return None
