"""The page-kind heuristics (``data/page_kinds.json``) as typed, read-once rules.

An entry in a word list is a bare string or an object holding the string and ``seen`` (where it
was seen); both read the same here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from lxml import etree

from kabar.extract.tables import load_table


@dataclass(frozen=True, slots=True)
class PaginationRules:
    page_params: frozenset[str]
    all_values: frozenset[str]
    show_all: frozenset[str]
    next: frozenset[str]
    words: frozenset[str]
    max_page: int
    comment_attr: frozenset[str]  # class/id words of a comment or review container
    comment_headings: frozenset[str]  # heading texts (counts left out) over a comment or review block
    comment_fragments: frozenset[str]  # fragment words of a link into the comments
    comment_levels: int


@dataclass(frozen=True, slots=True)
class GalleryRules:
    types: frozenset[str]
    min_photos: int
    min_caption_words: int
    max_prose_chars: int
    declared_max_prose_chars: int
    max_images: int
    box_tags: frozenset[str]  # a caption element holding (or being) one of these is a box of several things
    teaser_tags: frozenset[str]  # a caption element holding one of these is another article's card
    teaser_link_share: float  # link text to another page at least this share of it: a card too
    counter_words: frozenset[str]  # the word before a photo counter in flat text ("foto 2 dari 5")
    counter_joins: frozenset[str]  # what joins its number and total ("dari", "of", "/")


@dataclass(frozen=True, slots=True)
class VideoRules:
    og_prefixes: tuple[str, ...]
    types: frozenset[str]
    max_prose_chars: int


@dataclass(frozen=True, slots=True)
class LiveRules:
    types: frozenset[str]
    meridiem: tuple[str, ...]
    pm: frozenset[str]
    min_posts: int
    min_post_words: int
    furniture_attr: tuple[str, ...]
    max_posts: int
    max_post_nodes: int


@dataclass(frozen=True, slots=True)
class IndexRules:
    article_types: frozenset[str]
    list_types: frozenset[str]
    min_teasers: int
    teaser_words: int
    max_prose_chars: int
    min_teaser_lines: int
    teaser_line_ratio: int
    long_line_chars: int
    article_slug_words: int
    article_id_digits: int
    max_links: int


@dataclass(frozen=True, slots=True)
class PageKindRules:
    pagination: PaginationRules
    gallery: GalleryRules
    video: VideoRules
    live: LiveRules
    index: IndexRules


def _entry(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip().lower() or None
    if isinstance(value, dict):
        for key, item in value.items():
            if key != "seen" and isinstance(item, str):
                return item.strip().lower() or None
    return None


def _words(section: dict[str, Any], key: str) -> tuple[str, ...]:
    return tuple(w for v in section.get(key, []) if (w := _entry(v)))


@functools.cache
def page_kind_rules() -> PageKindRules:
    table = load_table("page_kinds")
    p, g, v, lv, ix = (table[k] for k in ("pagination", "gallery", "video", "live", "index"))
    return PageKindRules(
        pagination=PaginationRules(
            page_params=frozenset(_words(p, "page_params")),
            all_values=frozenset(_words(p, "all_values")),
            show_all=frozenset(_words(p, "show_all")),
            next=frozenset(_words(p, "next")),
            words=frozenset(_words(p, "words")),
            max_page=int(p["max_page"]),
            comment_attr=frozenset(_words(p, "comment_attr")),
            comment_headings=frozenset(_words(p, "comment_headings")),
            comment_fragments=frozenset(_words(p, "comment_fragments")),
            comment_levels=int(p["comment_levels"]),
        ),
        gallery=GalleryRules(
            types=frozenset(_words(g, "types")),
            min_photos=int(g["min_photos"]),
            min_caption_words=int(g["min_caption_words"]),
            max_prose_chars=int(g["max_prose_chars"]),
            declared_max_prose_chars=int(g["declared_max_prose_chars"]),
            max_images=int(g["max_images"]),
            box_tags=frozenset(_words(g, "box_tags")),
            teaser_tags=frozenset(_words(g, "teaser_tags")),
            teaser_link_share=float(g["teaser_link_share"]),
            counter_words=frozenset(_words(g, "counter_words")),
            counter_joins=frozenset(_words(g, "counter_joins")),
        ),
        video=VideoRules(
            og_prefixes=_words(v, "og_prefixes"),
            types=frozenset(_words(v, "types")),
            max_prose_chars=int(v["max_prose_chars"]),
        ),
        live=LiveRules(
            types=frozenset(_words(lv, "types")),
            meridiem=_words(lv, "meridiem"),
            pm=frozenset(_words(lv, "pm")),
            min_posts=int(lv["min_posts"]),
            min_post_words=int(lv["min_post_words"]),
            furniture_attr=_words(lv, "furniture_attr"),
            max_posts=int(lv["max_posts"]),
            max_post_nodes=int(lv["max_post_nodes"]),
        ),
        index=IndexRules(
            article_types=frozenset(_words(ix, "article_types")),
            list_types=frozenset(_words(ix, "list_types")),
            min_teasers=int(ix["min_teasers"]),
            teaser_words=int(ix["teaser_words"]),
            max_prose_chars=int(ix["max_prose_chars"]),
            min_teaser_lines=int(ix["min_teaser_lines"]),
            teaser_line_ratio=int(ix["teaser_line_ratio"]),
            long_line_chars=int(ix["long_line_chars"]),
            article_slug_words=int(ix["article_slug_words"]),
            article_id_digits=int(ix["article_id_digits"]),
            max_links=int(ix["max_links"]),
        ),
    )


def short_text(el: Any, limit: int = 200, pieces: int = 24) -> str:
    """An element's first ``limit`` characters of text, whitespace collapsed, reading no more than
    ``pieces`` text nodes: a hostile element may hold the rest of the page."""
    if (
        isinstance(el, etree._Element)
        and isinstance(el.tag, str)
        and not len(el)
        and limit > 0
        and pieces > 0
    ):
        # Most links and blocks asked hold one text node: the same result without the iterator.
        own = el.text
        return " ".join(own[:limit].split()) if own else ""
    parts: list[str] = []
    size = 0
    for n, piece in enumerate(el.itertext()):
        if n >= pieces or size >= limit:
            break
        parts.append(piece[: limit - size])  # never copy more of a giant text node than is kept
        size += len(parts[-1])
    return " ".join("".join(parts).split())


def ld_types(obj: dict[str, Any]) -> set[str]:
    """A JSON-LD object's ``@type`` names, lower-case."""
    types = obj.get("@type")
    return {str(t).lower() for t in (types if isinstance(types, list) else [types]) if t}
