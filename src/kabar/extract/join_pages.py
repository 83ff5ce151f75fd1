"""One article from the pages of a multi-page article, each read on its own.

Pages after the first repeat the page's furniture: the headline, the byline, the lead photo, the
"related" list, the same closing lines. The first page keeps everything; later pages add only their
own paragraphs (a line already read, the headline, a byline or a furniture line is dropped), their
new images in place, and related items, tags and sources not seen yet. A pure function: the pages
are fetched elsewhere (``kabar.engine.article_pages``, following
``kabar.extract.pagination.follow_up``).
"""

from __future__ import annotations

import copy

from kabar.extract import ExtractError
from kabar.extract.html_text import byline, is_furniture_text
from kabar.extract.pagination import PAGE_READ_NOTE, PAGES_ALL_NOTE, PAGES_FIRST_NOTE, PAGES_NEXT_NOTE
from kabar.model import Article, Image, Subheading, normalise_space

JOINED_NOTE = "multi-page: pages joined: "
_PAGE_NOTES = (PAGES_ALL_NOTE, PAGES_NEXT_NOTE, PAGE_READ_NOTE, PAGES_FIRST_NOTE)


def _key(text: str) -> str:
    return normalise_space(text).lower()


def _append_page(joined: Article, page: Article, seen: set[str]) -> None:
    offset = len(joined.paragraphs)
    kept_before: list[int] = []
    kept: list[str] = []
    for text in page.paragraphs:
        kept_before.append(len(kept))
        key = _key(text)
        if not key or key in seen or is_furniture_text(text) or byline(text) is not None:
            continue
        seen.add(key)
        kept.append(text)
    kept_before.append(len(kept))
    joined.paragraphs.extend(kept)
    have = {i.url for i in joined.images if i.url}
    for image in page.images:
        if image.url and image.url in have:
            continue  # the lead photo printed on every page
        at = kept_before[max(0, min(image.position, len(page.paragraphs)))]
        joined.images.append(Image(image.caption, image.credit, offset + at, image.url))
        if image.url:
            have.add(image.url)
    for head in page.subheadings:  # a later page's section headings, before the same paragraphs
        at = kept_before[max(0, min(head.position, len(page.paragraphs)))]
        joined.subheadings.append(Subheading(head.text, offset + at))
    known = {(r.url or "", _key(r.headline)) for r in joined.related}
    for item in page.related:
        if (item.url or "", _key(item.headline)) not in known:
            joined.related.append(copy.copy(item))
            known.add((item.url or "", _key(item.headline)))
    joined.tags.extend(t for t in page.tags if t not in joined.tags)
    joined.sources.extend(s for s in page.sources if s not in joined.sources)


def join_pages(articles: list[Article]) -> Article:
    """The pages, in order, as one article (the first page's fields, every page's text once)."""
    if not articles:
        raise ExtractError("no pages to join")
    joined = copy.deepcopy(articles[0])
    seen = {_key(p) for p in joined.paragraphs}
    seen |= {_key(t) for t in (joined.headline, joined.description) if t}
    for page in articles[1:]:
        _append_page(joined, page, seen)
    counts = [a.page_count for a in articles if a.page_count]
    joined.page_count = max([*counts, len(articles)])
    joined.pages_read = len(articles)
    joined.notes = [n for n in joined.notes if not n.startswith(_PAGE_NOTES)]
    if joined.incomplete:  # still pages to fetch: the last page read knows where the next one is
        joined.notes.extend(n for n in articles[-1].notes if n.startswith(PAGES_NEXT_NOTE))
    joined.notes.append(f"{JOINED_NOTE}{len(articles)}")
    joined.missing = [m for m in joined.missing if m != "paragraphs" or not joined.paragraphs]
    return joined
