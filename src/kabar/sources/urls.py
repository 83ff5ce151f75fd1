"""Canonical URLs, so that one article is fetched and stored once."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import urldefrag, urljoin

import courlan


@lru_cache(maxsize=65536)
def canonical_url(url: str) -> str | None:
    """courlan's normal form (lower-case host, tracking parameters removed, query
    sorted) without the fragment, or None for a URL that is not a web page address.

    Not courlan's ``strict`` mode: it keeps only a short list of query names, so two
    articles at ``berita.php?news=1`` and ``?news=2`` would collapse into one URL and
    the second would never be fetched.
    """
    if not url or len(url) > 4096:
        return None
    cleaned = courlan.clean_url(url.strip())
    if not cleaned or not cleaned.lower().startswith(("http://", "https://")):
        return None
    try:
        return urldefrag(str(courlan.normalize_url(cleaned, strict=False))).url
    except (ValueError, TypeError):
        return None


def join_url(base: str | None, href: str) -> str | None:
    """``urljoin``, or None for an address urllib cannot read: a page's stray ``[`` in an href is
    an "Invalid IPv6 URL" ValueError, which must cost the link, not the page."""
    try:
        return urljoin(base or "", href)
    except ValueError:
        return None


def host_of(url: str) -> str:
    return courlan.get_hostinfo(url)[0] or ""


__all__ = ["canonical_url", "host_of", "join_url"]
