"""Multi-page articles, read from the page's structure, never from a site's name.

An article split over pages links its other pages: ``<link rel="next">``, a block of links whose
texts are page numbers (1 2 3) pointing at the same article with a page number (``?page=2``,
``?hal=2``, ``…/judul/2``), and often a "show all" link (``?page=all``). A link counts only when it
points at the same article (same host, same path once the page marker is taken off, same other
query values) and, for a number, when its text is the number its address carries: a site's index
pagination (``indeks.kompas.com?page=2``) or a list of other articles never counts, nor do the
pages of the article's comments or reviews (:mod:`kabar.extract.comment_pages`).

The reader sets ``page_count`` (the highest page seen), ``pages_read`` (1, or all of them on a
show-all view) and notes the show-all and next addresses (``PAGES_ALL_NOTE``, ``PAGES_NEXT_NOTE``)
for a crawler to fetch; on a later page (``?page=2``, ``…/2``) also where page 1 is
(``PAGES_FIRST_NOTE``: its number link, or ``rel="prev"`` on page 2), so the article is read from
its beginning. The pagination links' texts are kept out of the body.
"""

from __future__ import annotations

import functools
import string
from dataclasses import dataclass, field
from itertools import pairwise
from urllib.parse import parse_qsl, urlsplit

from lxml import etree

from kabar.extract.comment_pages import CommentBlocks
from kabar.extract.page_kind_rules import PaginationRules, page_kind_rules, short_text
from kabar.model import Article
from kabar.sources.urls import join_url

PAGES_ALL_NOTE = "multi-page: all pages at "
PAGES_NEXT_NOTE = "multi-page: next page at "
PAGE_READ_NOTE = "multi-page: this is page "
# An article entered at a later page: where it begins (read from there, it is whole and in order).
PAGES_FIRST_NOTE = "multi-page: first page at "
_ALL = -1  # a page marker asking for every page at once
_MAX_NUMBER_DIGITS = 4
_MAX_LINK_TEXT = 120
_MAX_BLOCK_TEXT = 400  # a pagination block's text; longer, the ancestor holds more than the links
_BLOCK_LEVELS = 3
_MAX_TEXTS = 2_000  # texts kept out of the body: bounded on a page of 10,000 pagination links
_PUNCT = string.punctuation + "…«»‹›|–—"


@dataclass(frozen=True, slots=True)
class _Place:
    """An address split into the article it names and the page of it it asks for."""

    key: tuple[str, str, tuple[tuple[str, str], ...]]
    page: int | None  # a page number, ``_ALL``, or None (no page marker)


@dataclass(slots=True)
class Pagination:
    page_count: int | None = None
    current: int | None = None  # the page this is, from its own address; None: the first
    all_url: str | None = None
    next_url: str | None = None
    first_url: str | None = None  # page 1, named by a later page's own links
    texts: set[str] = field(default_factory=set)  # lower-case texts of the pagination links and blocks

    @property
    def showing_all(self) -> bool:
        return self.current == _ALL

    def is_pagination_text(self, text: str) -> bool:
        """A body line that is the pagination block, one of its links, or made of page numbers and
        pagination words only ("Halaman: 1 2 Show All")."""
        if self.page_count is None and self.all_url is None:
            return False
        t = " ".join(text.split()).lower()
        if t in self.texts:
            return True
        return _only_paging_words(t, page_kind_rules().pagination)


@functools.cache
def _paging_words() -> frozenset[str]:
    rules = page_kind_rules().pagination
    return frozenset({w.strip(_PUNCT) for p in rules.show_all | rules.next for w in p.split()} | rules.words)


def _only_paging_words(text: str, rules: PaginationRules) -> bool:
    """Every word a page number or a pagination word (one pass, however long the line)."""
    words = [w for w in (w.strip(_PUNCT) for w in text.split()) if w]
    if not words:
        return False
    phrase_words = _paging_words()
    has_digit = False
    for w in words:
        if w.isdigit():
            has_digit = True
        elif w not in phrase_words:
            return False
    return has_digit or text.strip(_PUNCT + " ") in rules.show_all | rules.next


def _number(text: str) -> int | None:
    """A page number as printed: ASCII digits only ("²" and "٣" are digits to ``str.isdigit``)."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= _MAX_NUMBER_DIGITS else None


def _locate(url: str, rules: PaginationRules) -> _Place:
    try:
        parts = urlsplit(url)
    except ValueError:  # "Invalid IPv6 URL": an address no link can match
        return _Place(("", "\x00", ()), None)
    host = parts.netloc.lower().removeprefix("www.")
    page: int | None = None
    others: list[tuple[str, str]] = []
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        lname = name.lower()
        if lname in rules.page_params and page is None:
            v = value.strip().lower()
            if (n := _number(v)) is not None:
                page = n
                continue
            if v in rules.all_values:
                page = _ALL
                continue
        if not lname.startswith("utm_"):
            others.append((name, value))
    path = parts.path.rstrip("/")
    head, _, last = path.rpartition("/")
    if page is None and head and last:
        low = last.lower()
        if (n := _number(last)) is not None:
            page, path = n, head
        elif low in rules.all_values:
            page, path = _ALL, head
    return _Place((host, path, tuple(sorted(others))), page)


def _block_texts(link: etree._Element, out: set[str]) -> None:
    """The link's text and its nearest short ancestors' texts (the block around the links)."""
    node: etree._Element | None = link
    for _ in range(_BLOCK_LEVELS + 1):
        if node is None or len(out) >= _MAX_TEXTS:
            return
        text = short_text(node, _MAX_BLOCK_TEXT + 1, pieces=64).lower()
        if not text or len(text) > _MAX_BLOCK_TEXT:
            return
        out.add(text)
        node = node.getparent()


def find_pagination(tree: etree._Element, url: str | None) -> Pagination:
    """The article's other pages, as its own links name them (one pass over the links)."""
    rules = page_kind_rules().pagination
    found = Pagination()
    here = _locate(url or "", rules)
    if url and not here.key[1]:
        return Pagination()  # a site's root is a front page: its page links page through the site
    found.current = (
        here.page if here.page is None or here.page == _ALL or here.page <= rules.max_page else None
    )
    numbered: dict[int, str] = {}  # page number → address, from links whose text is that number
    addressed: dict[int, str] = {}  # page number → address, from any link to a page of this article
    links: list[etree._Element] = []
    rel_next: str | None = None
    rel_prev: str | None = None
    # The article's own last path segment ("banjir-rendam-ribuan-rumah"): a link without it, no
    # page number, phrase or rel=next for text, and no bare query is skipped before any URL parsing.
    slug = here.key[1].rsplit("/", 1)[-1]
    phrases = rules.show_all | rules.next
    comments = CommentBlocks(rules)  # a comment or review block's own pages are not the article's
    edges = _PUNCT + " "
    for el in tree.iter("a", "link"):
        href = el.get("href")
        if not href or not (href := href.strip()) or href.startswith(("#", "javascript:", "mailto:")):
            continue
        rel_value = el.get("rel")
        rel = rel_value.lower().split() if rel_value else []
        if el.tag != "a":
            text = ""
        elif len(el):
            text = short_text(el, _MAX_LINK_TEXT).lower()
        else:  # a link of one text node (most): short_text's own shortcut, without the call
            own = el.text
            text = " ".join(own[:_MAX_LINK_TEXT].split()).lower() if own else ""
        hint = text.strip(edges)
        if not (
            "next" in rel
            or "prev" in rel
            or (slug and slug in href)
            or href.startswith("?")
            or hint in phrases
            or (len(hint) <= _MAX_NUMBER_DIGITS and _number(hint) is not None)  # a page number is short
        ):
            continue
        target = join_url(url, href)
        if target is None:
            continue
        there = _locate(target, rules)
        if there.key != here.key or comments.holds(el, target):
            continue
        bare = text.strip(_PUNCT + " ")
        if "next" in rel and rel_next is None:
            rel_next = target
        if "prev" in rel and rel_prev is None:
            rel_prev = target
        if there.page == _ALL or (bare in rules.show_all and there.page is None):
            found.all_url = found.all_url or target
            links.append(el)
        elif there.page is not None and 0 < there.page <= rules.max_page:
            addressed.setdefault(there.page, target)
            if _number(bare) == there.page:
                numbered.setdefault(there.page, target)
                links.append(el)
            elif bare in rules.next or (el.tag == "a" and there.page != here.page):
                links.append(el)
        elif there.page is None and bare == "1":  # page 1 is often the article's own address
            numbered.setdefault(1, target)
            links.append(el)
    current = found.current if found.current is not None and found.current > 0 else 1
    pages = set(numbered) | {current}
    run = sorted(pages)
    consecutive = any(b - a == 1 for a, b in pairwise(run))
    count: int | None = max(run) if numbered and len(run) >= 2 and consecutive else None
    if rel_next is not None:
        nxt = _locate(rel_next, rules).page
        nxt_page = nxt if nxt is not None and nxt > 0 else current + 1
        found.next_url = rel_next
        count = max(count or 0, nxt_page)
    elif count is not None and current < count:
        found.next_url = numbered.get(current + 1) or addressed.get(current + 1)
    if current > 1:
        # page 1 by its number link, else page 2's rel=prev (the page before page 2 is page 1)
        prev_page = _locate(rel_prev, rules).page if rel_prev is not None else None
        found.first_url = (
            numbered.get(1)
            or addressed.get(1)
            or (rel_prev if current == 2 and prev_page in (None, 1) else None)
        )
    if found.all_url is not None and count is None:
        count = max(2, current)
    if found.first_url is not None and count is None:
        count = current  # a later page naming page 1: at least this many pages  # a show-all link to this article: it has more than one page
    if found.current == _ALL and count is None and numbered:
        count = max(numbered)
    if count is None and found.all_url is None:
        return Pagination(current=found.current)
    found.page_count = count
    for el in links:
        _block_texts(el, found.texts)
        if len(found.texts) >= _MAX_TEXTS:
            break
    return found


def apply_pagination(article: Article, pages: Pagination) -> None:
    """``page_count``, ``pages_read`` and the follow-up addresses as notes."""
    if pages.page_count is None:
        return
    article.page_count = pages.page_count
    article.pages_read = pages.page_count if pages.showing_all else 1
    if pages.current not in (None, _ALL, 1):
        article.notes.append(f"{PAGE_READ_NOTE}{pages.current} of {pages.page_count}")
        if pages.first_url:
            article.notes.append(PAGES_FIRST_NOTE + pages.first_url)
    if not pages.showing_all:
        if pages.all_url:
            article.notes.append(PAGES_ALL_NOTE + pages.all_url)
        if pages.next_url:
            article.notes.append(PAGES_NEXT_NOTE + pages.next_url)


@dataclass(frozen=True, slots=True)
class FollowUp:
    all_url: str | None
    next_url: str | None
    first_url: str | None = None  # set when the page read is a later page: where the article begins


def _noted(article: Article, prefix: str) -> str | None:
    return next((n[len(prefix) :] for n in article.notes if n.startswith(prefix)), None)


def follow_up(article: Article) -> FollowUp:
    """Where the rest of an incomplete multi-page article is, as its notes say (for a crawler)."""
    return FollowUp(
        _noted(article, PAGES_ALL_NOTE), _noted(article, PAGES_NEXT_NOTE), _noted(article, PAGES_FIRST_NOTE)
    )
