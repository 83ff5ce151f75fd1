"""Headline, tags, outlet and cited sources of an HTML page (times: :mod:`kabar.extract.html_when`)."""

from __future__ import annotations

import re

from lxml import etree

from kabar.extract.headline_parts import Heading, in_navigation, read_heading
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


def _strip_site_suffix(title: str, site_names: set[str]) -> str:
    """A declared headline with the site's name after a separator ("… - 毎日新聞"): without it. Only
    a known site name goes, so a headline's own dash ("Iran - Israel …") stays."""
    parts = _TITLE_SEP.split(title)
    while len(parts) > 1 and parts[-1].strip().lower() in site_names:
        parts.pop()
    return title if len(parts) == len(_TITLE_SEP.split(title)) else title[: _last_sep_end(title, parts)]


def _last_sep_end(title: str, kept: list[str]) -> int:
    """Where the kept parts end in ``title`` (the separators between them stay as written)."""
    end = 0
    for part in kept:
        end = title.index(part, end) + len(part)
    return end


def _headings(tree: etree._Element) -> list[etree._Element]:
    """The page's headline elements: its ``<h1>``s outside breadcrumbs, or where every ``<h1>`` is a
    breadcrumb's item (or there is none), the elements the page marks ``itemprop="headline"`` (the
    heading that holds one, so its kicker comes along)."""
    h1s = [h for h in tree.iter("h1") if not in_navigation(h)]
    if h1s:
        return h1s
    out: list[etree._Element] = []
    for el in tree.xpath("//*[@itemprop='headline'][not(self::meta)]")[:_MAX_DECLARED]:
        parent = el.getparent()
        out.append(parent if parent is not None and parent.tag in _HEADING_TAGS else el)
    return out


_MAX_DECLARED = 5  # a declared headline is near the top; later ones are teasers'
_MIN_HEADLINE = 10  # shorter: a section name or a fragment, not a headline to match by containment
_HEADING_TAGS = frozenset({"h1", "h2", "h3"})


def _agreeing(heading: Heading, declared: str) -> str | None:
    """The headline where the heading and a title the page declares (og:title, JSON-LD) agree.

    Where the declared title carries the heading's kicker with its title ("Kicker: Title"), the page
    says the kicker is part of the headline, joined as it declares; otherwise the title proper."""
    low = declared.lower()
    proper = heading.proper.lower()
    if heading.kicker and heading.kicker.lower() in low and proper in low:
        return declared
    if len(proper) > _MIN_HEADLINE and (proper in low or low in proper):
        return heading.proper
    full = heading.full.lower()
    if full in low or low in full:
        return heading.full
    return None


def find_headline(
    tree: etree._Element, meta: PageMeta, profile: Profile | None, site_names: set[str]
) -> str | None:
    if profile and (text := xpath_first_text(tree, profile.headline)):
        return text
    og = meta.first("og:title", "twitter:title")
    og_clean = " ".join(strip_site(og, site_names).split()) if og else None
    # An <h1> that is only a link is the site logo or a section name, not the headline.
    headings = [read_heading(h) for h in _headings(tree) if len(_text(h)) > 10 and not _only_link(h)]
    if og_clean:
        for heading in headings:
            if (agreed := _agreeing(heading, og_clean)) is not None:
                return agreed
    ld = meta.article_ld()
    if ld is not None and (text := ld_text(ld.get("headline"))):
        return _strip_site_suffix(" ".join(text.split()), site_names)
    if og_clean:
        return og_clean
    if headings:
        return headings[0].proper
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
