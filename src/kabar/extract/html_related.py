"""The related-news lists portals print under an article (headline, URL, age).

No library reads these: trafilatura and newspaper4k drop them as boilerplate.
A list is found under a heading such as "Berita Terkait" / "Baca Juga", or
through a portal profile's ``related`` selector.
"""

from __future__ import annotations

from datetime import datetime

from lxml import etree

from kabar.extract.word_patterns import word_pattern
from kabar.lang.time import find_age
from kabar.model import RelatedItem
from kabar.sources.urls import join_url

_MAX_ITEMS = 30
_MIN_HEADLINE_WORDS = 3


def safe_url(href: str | None, base: str | None) -> str | None:
    href = (href or "").strip()
    if (
        not href
        or href.startswith("#")
        or href.lower().startswith(("javascript:", "data:", "vbscript:", "mailto:"))
    ):
        return None
    url = join_url(base, href)
    return url if url is not None and url.lower().startswith(("http://", "https://", "/")) else None


def _text(el: etree._Element) -> str:
    return " ".join("".join(el.itertext()).split())


def items_in(
    container: etree._Element, base: str | None, exclude: set[str], captured_at: datetime | None = None
) -> list[RelatedItem]:
    out: list[RelatedItem] = []
    seen: set[str] = set()
    for a in container.iter("a"):
        headline = _text(a)
        url = safe_url(a.get("href"), base)
        if url is None or url in seen or url in exclude or len(headline.split()) < _MIN_HEADLINE_WORDS:
            continue
        seen.add(url)
        item = RelatedItem(headline=headline, url=url)
        holder = a.getparent()
        for _ in range(2):
            if holder is None:
                break
            age = find_age(_text(holder), captured_at)
            if age:
                item.age_text, item.age_seconds, item.published = age.text, age.seconds, age.published
                break
            holder = holder.getparent()
        out.append(item)
        if len(out) >= _MAX_ITEMS:
            break
    return out


def _list_after_heading(heading: etree._Element) -> etree._Element | None:
    for sib in heading.itersiblings():
        if isinstance(sib.tag, str) and sib.find(".//a") is not None:
            return sib
    parent = heading.getparent()
    return parent if parent is not None and len(list(parent.iter("a"))) >= 2 else None


def find_related(
    tree: etree._Element,
    profile_xpaths: tuple[str, ...],
    base: str | None,
    exclude: set[str],
    captured_at: datetime | None = None,
) -> list[RelatedItem]:
    containers: list[etree._Element] = []
    for xp in profile_xpaths:
        containers.extend(n for n in tree.xpath(xp) if isinstance(n, etree._Element))
    if not containers:
        for el in tree.iter("h2", "h3", "h4", "h5", "div", "span", "strong", "p"):
            own = " ".join((el.text or "").split())
            if own and len(own) < 40 and word_pattern("related_heading").match(own) and len(el) <= 2:
                found = _list_after_heading(el)
                if found is not None:
                    containers.append(found)
    items: list[RelatedItem] = []
    for container in containers:
        for item in items_in(container, base, exclude | {i.url for i in items if i.url}, captured_at):
            items.append(item)
    return items[:_MAX_ITEMS]
