"""sitemap.xml, sitemap indexes, Google News sitemaps, plain-text sitemaps.

Written with lxml rather than taken from trafilatura's sitemap module because
that one fetches by itself (no conditional GET, politeness or address check)
and keeps only the URLs, dropping ``news:publication_date`` and ``news:title``
which kabar uses as hints.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass, field
from typing import Literal

from lxml import etree

from kabar.sources import hints as H
from kabar.sources.urls import canonical_url

MAX_SITEMAP_BYTES = 50_000_000  # the protocol's own limit, uncompressed

_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class SitemapError(ValueError):
    """Bytes that are not a sitemap, with the reason."""


@dataclass(slots=True)
class SitemapUrl:
    url: str  # canonical
    hints: dict[str, str] = field(default_factory=dict)
    lastmod: str | None = None


@dataclass(slots=True)
class Sitemap:
    kind: Literal["urlset", "index", "text"]
    urls: list[SitemapUrl] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)  # children of an index


def _gunzip(content: bytes) -> bytes:
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as fh:
            data = fh.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise SitemapError(f"bad gzip: {exc}") from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise SitemapError(f"sitemap over {MAX_SITEMAP_BYTES} bytes uncompressed")
    return data


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(el: etree._Element, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _news_hints(url_el: etree._Element) -> dict[str, str]:
    hints: dict[str, str] = {}
    news = url_el.find(f"{_NEWS}news")
    if news is None:
        return hints
    title = news.findtext(f"{_NEWS}title")
    if title and title.strip():
        hints[H.TITLE] = " ".join(title.split())
    date = news.findtext(f"{_NEWS}publication_date")
    parsed = H.parse_iso(date)
    if parsed is not None:
        hints[H.PUBLISHED] = parsed.isoformat()
    name = news.findtext(f"{_NEWS}publication/{_NEWS}name")
    if name and name.strip():
        hints[H.FEED_TITLE] = name.strip()
    return hints


def _text_sitemap(data: bytes) -> Sitemap:
    out = Sitemap(kind="text")
    for line in data.decode("utf-8", errors="replace").splitlines():
        url = canonical_url(line.strip()) if line.strip().startswith(("http://", "https://")) else None
        if url:
            out.urls.append(SitemapUrl(url=url))
    if not out.urls:
        raise SitemapError("neither an XML sitemap nor a list of URLs")
    return out


def parse_sitemap(content: bytes) -> Sitemap:
    """Parse (possibly gzipped) sitemap bytes; raise :class:`SitemapError` if not a sitemap."""
    data = _gunzip(content) if content[:2] == b"\x1f\x8b" else content
    if not data.strip():
        raise SitemapError("empty response")
    if len(data) > MAX_SITEMAP_BYTES:
        raise SitemapError(f"sitemap over {MAX_SITEMAP_BYTES} bytes")
    if not data.lstrip().startswith(b"<"):
        return _text_sitemap(data)
    # No entities, no network, no huge trees: a hostile sitemap cannot expand or reach out.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise SitemapError(f"not XML: {exc}") from exc
    if root is None:
        raise SitemapError("not XML")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        out = Sitemap(kind="index")
        for el in root:
            loc = _child_text(el, "loc") if _local(el.tag) == "sitemap" else None
            url = canonical_url(loc) if loc else None
            if url:
                out.sitemaps.append(url)
        return out
    if kind != "urlset":
        raise SitemapError(f"root element <{kind}> is not <urlset> or <sitemapindex>")
    out = Sitemap(kind="urlset")
    seen: set[str] = set()
    for el in root:
        if _local(el.tag) != "url":
            continue
        loc = _child_text(el, "loc")
        url = canonical_url(loc) if loc else None
        if url is None or url in seen:
            continue
        seen.add(url)
        out.urls.append(SitemapUrl(url=url, hints=_news_hints(el), lastmod=_child_text(el, "lastmod")))
    return out


__all__ = ["Sitemap", "SitemapError", "SitemapUrl", "parse_sitemap"]
