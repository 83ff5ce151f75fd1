"""The article's identity: its canonical URL, the same for an AMP page and the page it copies.

The archive stores one article per canonical URL (``kabar.archive.articles_core``), so the two
pages of an AMP pair must name the same one. An AMP page (``<html amp>``, ``<html ⚡>``) names
its original in ``<link rel=canonical>`` (the AMP rules require it); the original names its AMP
copy in ``<link rel=amphtml>`` and often no canonical link at all: its own URL is then the
canonical one. A relative canonical link is read against the page's URL.
"""

from __future__ import annotations

from lxml import etree

from kabar.extract.html_meta import PageMeta
from kabar.sources.urls import join_url

_ABSOLUTE = ("http://", "https://")


def _names_amp_copy(tree: etree._Element) -> bool:
    return any("amphtml" in (el.get("rel") or "").lower().split() for el in tree.iter("link"))


def find_canonical(tree: etree._Element, meta: PageMeta, page_url: str | None) -> str | None:
    if meta.canonical:
        if meta.canonical.lower().startswith(_ABSOLUTE) or not page_url:
            return meta.canonical
        return join_url(page_url, meta.canonical) or meta.canonical
    if og_url := meta.first("og:url"):
        return og_url
    if page_url and page_url.lower().startswith(_ABSOLUTE) and _names_amp_copy(tree):
        return page_url  # the original of an AMP pair: the URL its AMP copy names as canonical
    return None


__all__ = ["find_canonical"]
