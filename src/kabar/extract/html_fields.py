"""Headline, tags, outlet and cited sources of an HTML page (times: :mod:`kabar.extract.html_when`)."""

from __future__ import annotations

import re

from lxml import etree

from kabar.extract.html_meta import PageMeta, ld_names, ld_text
from kabar.extract.profiles import Profile, host_of

_TITLE_SEP = re.compile(r"(?<!\s)\s++(?:[-|–—:»]|::)\s+")  # from a run's start: linear on spaces


def _text(node: object) -> str:
    if isinstance(node, str):
        return " ".join(node.split())
    if isinstance(node, etree._Element):
        return " ".join("".join(node.itertext()).split())
    return ""


def xpath_first_text(tree: etree._Element, xpaths: tuple[str, ...]) -> str | None:
    for xp in xpaths:
        for node in tree.xpath(xp):
            text = _text(node)
            if text:
                return text
    return None


def strip_site(title: str, site_names: set[str]) -> str:
    parts = _TITLE_SEP.split(title)
    if len(parts) == 1:
        return title.strip()
    kept = [p for p in parts if p.strip().lower() not in site_names and not _looks_like_site(p)]
    if not kept:
        return parts[0].strip()
    return max(kept, key=len).strip() if len(kept) > 1 and len(kept[0]) < 20 else " - ".join(kept).strip()


def _looks_like_site(part: str) -> bool:
    p = part.strip().lower()
    return bool(re.fullmatch(r"(?<![\w-])[\w-]++(?:\.[a-z]{2,3}){1,2}(?:\s+\w+)?", p)) or p.endswith(
        (".com", ".co.id")
    )


def _only_link(el: etree._Element) -> bool:
    links = list(el.iter("a"))
    return bool(links) and sum(len(_text(a)) for a in links) >= len(_text(el)) - 2


def find_headline(
    tree: etree._Element, meta: PageMeta, profile: Profile | None, site_names: set[str]
) -> str | None:
    if profile and (text := xpath_first_text(tree, profile.headline)):
        return text
    og = meta.first("og:title", "twitter:title")
    og_clean = strip_site(og, site_names) if og else None
    # An <h1> that is only a link is the site logo or a section name, not the headline.
    h1s = [t for h in tree.iter("h1") if (t := _text(h)) and len(t) > 10 and not _only_link(h)]
    if og_clean:
        for h in h1s:
            if h.lower() in og_clean.lower() or og_clean.lower() in h.lower():
                return h
    ld = meta.article_ld()
    if ld is not None and (text := ld_text(ld.get("headline"))):
        return " ".join(text.split())
    if og_clean:
        return og_clean
    if h1s:
        return h1s[0]
    return strip_site(meta.title, site_names) if meta.title else None


def find_tags(tree: etree._Element, meta: PageMeta, profile: Profile | None) -> list[str]:
    tags: list[str] = []
    if profile:
        for xp in profile.tags:
            tags.extend(t for node in tree.xpath(xp) if (t := _text(node)))
            if tags:
                break
    if not tags:
        tags = meta.all("article:tag")
    if not tags and (ld := meta.article_ld()) is not None:
        kw = ld.get("keywords")
        tags = [t for raw in ld_names(kw) for t in raw.split(",")] if kw else []
    if not tags:
        for key in ("news_keywords", "keywords"):
            if raw := meta.first(key):
                tags = raw.split(",")
                break
    out: list[str] = []
    for t in tags:
        t = " ".join(t.split()).strip(" #,")
        if t and len(t) < 60 and t.lower() not in (o.lower() for o in out):
            out.append(t)
    return out[:30]


def find_outlet(meta: PageMeta, profile: Profile | None, url: str | None) -> str | None:
    if profile:
        return profile.outlet
    if site := meta.first("og:site_name", "application-name"):
        return site
    ld = meta.article_ld()
    if ld is not None and (pub := ld_text(ld.get("publisher"))):
        return pub
    host = host_of(url)
    return host.removeprefix("www.") or None


def cited_sources(links: list[tuple[str, str]], page_host: str) -> list[str]:
    """Links in the body to other sites (not social share links): what the story cites."""
    social = (
        "facebook.",
        "twitter.",
        "x.com",
        "instagram.",
        "whatsapp.",
        "t.me",
        "line.me",
        "pinterest.",
        "linkedin.",
    )
    site = ".".join(page_host.split(".")[-2:]) if page_host else ""
    out: list[str] = []
    for href, _label in links:
        host = host_of(href)
        if not host or (site and host.endswith(site)) or any(s in host for s in social):
            continue
        if href not in out:
            out.append(href)
    return out
