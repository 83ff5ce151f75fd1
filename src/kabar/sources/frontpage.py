"""Article links on a portal's front page, without section, tag or index pages.

courlan resolves, cleans and filters the links and knows English/German
navigation paths (``/tag/``, ``/category/``, ``?p=2``); it does not know the
Indonesian ones (``/kategori/``, ``/topik/``, ``/indeks/``, ``/rubrik/``,
``/kanal/``) nor what an Indonesian article path looks like, which is what this
module adds. An article path carries at least one of: a long numeric id, a date
followed by more path, or a slug of several words.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import courlan
import lxml.html

from kabar.sources.urls import canonical_url

# Index-like first/any path segments on Indonesian portals (and common English ones).
_NAV_SEGMENTS = frozenset(
    {
        "tag", "tags", "topik", "topic", "topics", "kategori", "category", "categories", "indeks",
        "index", "rubrik", "kanal", "label", "penulis", "author", "profil", "search", "cari",
        "pencarian", "page", "halaman", "arsip", "archive", "archives", "terpopuler", "terkomentari",
        "login", "register", "daftar", "masuk", "about", "tentang", "kontak", "contact", "redaksi",
        "pedoman", "karir", "iklan", "feed", "rss", "sitemap", "pages",
    }
)  # fmt: skip
_SITE_SUBDOMAINS_NAV = frozenset({"indeks", "index", "forum", "ads", "store", "rss", "feed", "m", "login"})
_LONG_ID = re.compile(r"(?<![0-9])[0-9]{5,}(?![0-9])")
_DATE_PATH = re.compile(r"/(19|20)[0-9]{2}/[01]?[0-9]/[0-3]?[0-9]/[^/]+")
_WORD_SPLIT = re.compile(r"[-_.+]+")
_ASSET = re.compile(r"\.(jpe?g|png|gif|webp|svg|css|js|pdf|mp4|mp3|xml|rss|zip)$", re.I)


@dataclass(slots=True, frozen=True)
class FrontPageOptions:
    same_site: bool = True  # only links on the front page's own registered domain
    min_slug_words: int = 4


@dataclass(slots=True)
class FrontPageLinks:
    articles: list[str] = field(default_factory=list)  # canonical URLs, in page order, once each
    skipped: int = 0  # links judged not to be articles (sections, tags, other sites, assets)


def _slug_words(segment: str) -> int:
    return sum(1 for w in _WORD_SPLIT.split(segment) if w and not w.isdigit())


def looks_like_article(url: str, options: FrontPageOptions | None = None) -> bool:
    """Judge one absolute URL by its shape alone."""
    opts = options or FrontPageOptions()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or _ASSET.search(parts.path):
        return False
    if courlan.is_navigation_page(url) or courlan.is_not_crawlable(url):
        return False
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return False
    if parts.hostname and parts.hostname.split(".")[0] in _SITE_SUBDOMAINS_NAV:
        return False
    if any(s.lower() in _NAV_SEGMENTS for s in segments[:2]):
        return False
    if _DATE_PATH.search(parts.path) or _LONG_ID.search(parts.path):
        return True
    return any(_slug_words(s) >= opts.min_slug_words for s in segments)


def find_article_links(html: str, base_url: str, options: FrontPageOptions | None = None) -> FrontPageLinks:
    """Article links of a front page, canonical and de-duplicated."""
    opts = options or FrontPageOptions()
    out = FrontPageLinks()
    if not html.strip():
        return out
    try:
        doc = lxml.html.document_fromstring(html)
    except (ValueError, lxml.etree.ParserError):
        return out
    base = doc.find(".//base[@href]")
    base_href = base_url
    if base is not None:
        with contextlib.suppress(ValueError):
            base_href = urljoin(base_url, base.get("href", ""))
    seen: set[str] = set()
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        try:
            absolute = urljoin(base_href, href)
        except ValueError:  # e.g. an unclosed IPv6 bracket
            out.skipped += 1
            continue
        canonical = canonical_url(absolute)
        if canonical is None or canonical in seen:
            continue
        seen.add(canonical)
        external = opts.same_site and courlan.is_external(canonical, base_url, ignore_suffix=False)
        if external or not looks_like_article(canonical, opts):
            out.skipped += 1
            continue
        out.articles.append(canonical)
    return out


__all__ = ["FrontPageLinks", "FrontPageOptions", "find_article_links", "looks_like_article"]
