"""What kind of page the HTML reader has: an article, a gallery, a video, a live report, or an
index page that is not an article at all. Read from structure and declared types (og:type,
JSON-LD ``@type``), never from a site's name; the thresholds live in ``data/page_kinds.json``.

Two steps around the body reading in :func:`kabar.extract.html.extract_html`:
:func:`read_page` (before the body's lines are cleaned: the pagination block and a live report's
posts are taken out of the body) and :func:`settle_kind` (on the finished article: the kind,
the pages, the live posts; a gallery without prose gets its captions as paragraphs, a video page
its description; an index page raises :class:`NotAnArticle`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from kabar.extract import ExtractError
from kabar.extract.body_filter import drop_paragraphs
from kabar.extract.gallery import (
    caption_key,
    caption_keys,
    make_gallery,
    prose_chars,
    prose_limit,
    reads_as_gallery,
)
from kabar.extract.html_body import Body
from kabar.extract.html_meta import PageMeta, ld_text
from kabar.extract.live import LiveReport, find_live
from kabar.extract.page_kind_rules import ld_types, page_kind_rules
from kabar.extract.pagination import Pagination, apply_pagination, find_pagination
from kabar.extract.photos import captioned_photos
from kabar.extract.teasers import Teasers, find_teasers
from kabar.model import Article, Image, normalise_space

LIVE_DROPPED_NOTE = "live report: posts past the bound not read: "


class NotAnArticle(ExtractError):
    """The page is not one article (a front page, a section or tag index): nothing to store."""


@dataclass(slots=True)
class PageReading:
    tree: etree._Element
    meta: PageMeta
    url: str | None
    pages: Pagination
    live: LiveReport | None


def read_page(
    tree: etree._Element, meta: PageMeta, body: Body, url: str | None, published: datetime | None
) -> PageReading:
    """Pagination and live posts, read before the body's lines are cleaned; both leave the body."""
    pages = find_pagination(tree, url)
    drop_paragraphs(body, pages.is_pagination_text)
    live = find_live(tree, meta, published)
    if live is not None:
        drop_paragraphs(body, live.is_post_text)
    return PageReading(tree, meta, url, pages, live)


def _og_type(meta: PageMeta) -> str:
    return (meta.first("og:type") or "").strip().lower()


def _ld_type_names(meta: PageMeta) -> set[str]:
    return {t for obj in meta.jsonld for t in ld_types(obj)}


def settle_kind(article: Article, reading: PageReading, source: str | None = None) -> None:
    """Set the article's kind (and what goes with it); raise :class:`NotAnArticle` for an index."""
    if reading.live is not None:
        apply_pagination(article, reading.pages)
        _settle_live(article, reading.live)
        return
    teasers = _index_page(article, reading)
    if teasers is not None:
        raise NotAnArticle(
            f"{source or article.url or 'page'}: not an article: an index page ({teasers.count} links "
            f"to articles, {teasers.prose_chars} characters of text outside {teasers.teaser_lines} teaser lines)"
        )
    apply_pagination(article, reading.pages)
    if _settle_gallery(article, reading):
        return
    _settle_video(article, reading)


def _settle_live(article: Article, live: LiveReport) -> None:
    article.kind = "live"
    article.live_entries = live.entries
    if article.published is None and live.published is not None:
        article.published = live.published  # the time reader found none: the report's own start
    if not article.paragraphs and live.intro:
        article.paragraphs = list(live.intro)
    if live.dropped:
        article.notes.append(f"{LIVE_DROPPED_NOTE}{live.dropped}")


def _index_page(article: Article, reading: PageReading) -> Teasers | None:
    """The page's teaser links when it is an index page: no sign of one article anywhere."""
    rules = page_kind_rules().index
    meta = reading.meta
    if _og_type(meta) in rules.article_types or meta.first("article:published_time"):
        return None
    types = _ld_type_names(meta)
    if types & rules.article_types or _article_address(reading.url):
        return None
    teasers = find_teasers(reading.tree, reading.url, article.blocks)  # subheadings are lines too
    if teasers.count < rules.min_teasers:
        return None
    if teasers.prose_chars <= rules.max_prose_chars:
        return teasers
    lines = teasers.teaser_lines
    if lines >= rules.min_teaser_lines and lines >= rules.teaser_line_ratio * teasers.long_lines:
        return teasers
    return None


def _article_address(url: str | None) -> bool:
    """An address naming one article: a slug of several words ("/banjir-rendam-jakarta") or a long
    number ("/berita/527615/"); a front page, section or tag index has neither."""
    rules = page_kind_rules().index
    try:
        path = urlsplit(url or "").path
    except ValueError:  # an address urllib cannot read names nothing
        return False
    for segment in path.split("/"):
        words = [w for w in segment.replace("_", "-").split("-") if w]
        if len(words) >= rules.article_slug_words:
            return True
        if any(w.isdigit() and len(w) >= rules.article_id_digits for w in words):
            return True
    return False


def _settle_gallery(article: Article, reading: PageReading) -> bool:
    types = page_kind_rules().gallery.types
    declared = _og_type(reading.meta) in types or bool(_ld_type_names(reading.meta) & types)
    have = [i for i in article.images if i.caption]
    prose = prose_chars(article.blocks, caption_keys(have))
    if prose > prose_limit(declared):
        return False
    photos = captioned_photos(reading.tree, reading.url)
    if len(photos) > len(have):
        have = photos
        prose = prose_chars(article.blocks, caption_keys(have))
    if not reads_as_gallery(have, prose, declared):
        return False
    if article.paragraphs and not any(i.caption for i in article.images):
        # The body's reader found no captioned photo: each photo before the line that prints its
        # caption, else after the text.
        lines = {caption_key(p): n for n, p in enumerate(article.paragraphs)}
        article.images = [
            Image(
                i.caption, i.credit, lines.get(caption_key(i.caption or ""), len(article.paragraphs)), i.url
            )
            for i in have
        ]
    make_gallery(article, have)  # with no text at all, the captions become the text
    return True


def _main_video(meta: PageMeta) -> dict[str, Any] | None:
    """The JSON-LD VideoObject the page is about: the page's only subject, or its article's main entity."""
    rules = page_kind_rules().video
    video = next((obj for obj in meta.jsonld if ld_types(obj) & rules.types), None)
    article = meta.article_ld()
    if article is None or ld_types(article) <= {"webpage"}:
        return video
    main = article.get("mainEntity")
    if isinstance(main, dict) and ld_types(main) & rules.types:
        return main
    return None


def _settle_video(article: Article, reading: PageReading) -> bool:
    rules = page_kind_rules().video
    og = _og_type(reading.meta)
    video = _main_video(reading.meta)
    if video is None and not any(og.startswith(p) for p in rules.og_prefixes):
        return False
    if sum(len(p) for p in article.blocks) > rules.max_prose_chars:
        return False
    article.kind = "video"
    if not article.paragraphs:
        about = (ld_text(video.get("description")) if video else None) or article.description
        if about:
            article.paragraphs = [normalise_space(about)]
    return True
