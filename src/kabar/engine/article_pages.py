"""The rest of a multi-page article: its other pages fetched, read and joined before it is stored.

The reader finds an article's pagination (:mod:`kabar.extract.pagination`) and says where its
other pages are (:func:`~kabar.extract.pagination.follow_up`); this module fetches them — through
the same polite :class:`~kabar.sources.crawler.Fetcher` as the first page, so robots.txt, the
host's rate, timeouts and size limits hold for every page — reads each under the ingest guard and
joins them in order (:func:`~kabar.extract.join_pages.join_pages`).

Bounded: at most ``max_pages`` pages; a next page already read (a loop, a redirect back), a page
that adds nothing new, and a page on another host stop it. A page that cannot be fetched or read
stops it too, and the article is stored with what was read: ``pages_read`` and ``incomplete`` say
how much, a note says why. Only fetched pages come here: a file, a WARC record or flattened text
is stored as read, marked incomplete, and nothing is fetched for it.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from kabar.engine.pipeline import page_from_fetch
from kabar.extract.join_pages import JOINED_NOTE, join_pages
from kabar.extract.pagination import follow_up
from kabar.ingest import Ingestor, IngestOutcome, Prepared
from kabar.model import Article, normalise_space
from kabar.prepare import PageJob
from kabar.sources.crawler import FetchResult

DEFAULT_MAX_PAGES = 20
PAGES_STOPPED_NOTE = "multi-page: stopped: "
PAGES_ALL_READ_NOTE = "multi-page: all pages read at "


class PageFetcher(Protocol):
    """What fetches the other pages: a :class:`~kabar.sources.crawler.Fetcher`, or the engine's
    :class:`~kabar.engine.shared_fetches.SharedFetches` over one."""

    async def fetch(self, url: str, *, source: str | None = None, same_host: bool = False) -> FetchResult: ...


@dataclass(frozen=True, slots=True)
class PagesOptions:
    max_pages: int = DEFAULT_MAX_PAGES  # 1: never fetch another page


@dataclass(slots=True)
class Completed:
    """An article with its other pages, and the addresses fetched for them (so a crawler that
    finds those addresses later knows they are this article's pages, not articles of their own)."""

    prepared: Prepared
    page_urls: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _PageRead:
    prepared: Prepared | None = None
    why: str | None = None  # why there is no page
    final_url: str | None = None


def _host(url: str) -> str:
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


def _page_key(url: str) -> str:
    """The address a page is read from, without its fragment (``#comments`` is the same page)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, ""))


def _text_key(text: str) -> str:
    return normalise_space(text).lower()


class ArticlePages:
    """Completes the multi-page articles of one fetcher and one ingestor.

    ``lock`` is held while a page is read under the ingestor's guard (the engine shares one guard
    worker among its pages); fetching happens outside it.
    """

    def __init__(
        self,
        fetcher: PageFetcher,
        ingestor: Ingestor,
        options: PagesOptions | None = None,
        lock: asyncio.Lock | None = None,
        on_page: Callable[[str], None] | None = None,
    ) -> None:
        self.fetcher = fetcher
        self.ingestor = ingestor
        self.options = options or PagesOptions()
        self.lock = lock or asyncio.Lock()
        # told each other page's address before it is fetched (the engine keeps its own crawl
        # from fetching it again meanwhile)
        self.on_page = on_page

    async def complete(self, first: Prepared, url: str, *, source: str | None = None) -> Prepared:
        """The article of ``first`` (read from ``url``) with its other pages, or ``first`` as it was."""
        return (await self.complete_pages(first, url, source=source)).prepared

    async def complete_pages(self, first: Prepared, url: str, *, source: str | None = None) -> Completed:
        """As :meth:`complete`, with the addresses fetched for the other pages."""
        article = first.article
        if not article.incomplete or self.options.max_pages <= 1:
            return Completed(first)
        pages = follow_up(article)
        notes: list[str] = []
        fetched: list[str] = []
        if pages.all_url is not None:
            whole = await self._show_all(first, url, pages.all_url, source, notes, fetched)
            if whole is not None:
                return Completed(whole, fetched)
        if pages.first_url is not None:  # entered at a later page: read from page 1 on
            begun = await self._from_page_one(first, url, pages.first_url, source, notes, fetched)
            if begun is not None:
                return Completed(begun, fetched)
        if pages.next_url is None:
            return Completed(_with_notes(first, notes), fetched)
        return Completed(await self._follow(first, url, pages.next_url, source, notes, fetched), fetched)

    async def _show_all(
        self,
        first: Prepared,
        url: str,
        all_url: str,
        source: str | None,
        notes: list[str],
        fetched: list[str],
    ) -> Prepared | None:
        """The article from its show-all view, or None (and a note) when that view is no use."""
        if _host(all_url) != _host(url):
            notes.append(f"{PAGES_STOPPED_NOTE}the show-all page is on another host: {all_url}")
            return None
        read = await self._read(all_url, _host(url), source, fetched)
        if read.prepared is None:
            notes.append(f"{PAGES_STOPPED_NOTE}the show-all page was not read: {read.why}")
            return None
        whole = read.prepared.article
        if whole.incomplete or not whole.page_count:
            notes.append(f"{PAGES_STOPPED_NOTE}{all_url} does not show every page")
            return None
        # Entered at a later page, the show-all view is the article and the page adds only what
        # the view lacks; entered at page 1, the view adds the other pages' text after it.
        later = follow_up(first.article).first_url is not None
        joined = join_pages([whole, first.article] if later else [first.article, whole])
        joined.page_count = max(whole.page_count, first.article.page_count or 0)
        joined.pages_read = joined.page_count
        joined.notes = [n for n in joined.notes if not n.startswith(JOINED_NOTE)]
        joined.notes.append(PAGES_ALL_READ_NOTE + all_url)
        return Prepared(joined, first.cpu_seconds + read.prepared.cpu_seconds)

    async def _from_page_one(
        self,
        entry: Prepared,
        url: str,
        first_url: str,
        source: str | None,
        notes: list[str],
        fetched: list[str],
    ) -> Prepared | None:
        """An article entered at a later page, read from its page 1 on, the page entered at taken
        in its place (not fetched again); None (and a note) when page 1 does not lead to it."""
        host = _host(url)
        if _host(first_url) != host:
            notes.append(f"{PAGES_STOPPED_NOTE}page 1 is on another host, not fetched: {first_url}")
            return None
        read = await self._read(first_url, host, source, fetched)
        if read.prepared is None:
            notes.append(f"{PAGES_STOPPED_NOTE}page 1 was not read: {read.why}")
            return None
        one = read.prepared
        nxt = follow_up(one.article).next_url
        known = {_page_key(url): entry.article}
        if entry.article.url:
            known[_page_key(entry.article.url)] = entry.article
        if nxt is None:
            notes.append(f"{PAGES_STOPPED_NOTE}page 1 names no next page: {first_url}")
            return None
        start = Prepared(one.article, entry.cpu_seconds + one.cpu_seconds)
        walked = await self._follow(start, read.final_url or first_url, nxt, source, notes, fetched, known)
        if not any(v is entry.article for v in known.values()):
            return walked
        notes.append(f"{PAGES_STOPPED_NOTE}page 1 does not lead to the page entered at: {url}")
        return None

    async def _follow(
        self,
        first: Prepared,
        url: str,
        next_url: str,
        source: str | None,
        notes: list[str],
        fetched: list[str],
        known: dict[str, Article] | None = None,
    ) -> Prepared:
        """``first`` and the pages after it, from ``next_url`` on; a page in ``known`` (by address)
        is taken from there, not fetched, and taken out of it."""
        known = known if known is not None else {}
        host = _host(url)
        read_pages: list[Article] = [first.article]
        cpu = first.cpu_seconds
        seen = {_page_key(url)}
        if first.article.url:
            seen.add(_page_key(first.article.url))
        texts = {_text_key(p) for p in first.article.paragraphs}
        nxt: str | None = next_url
        while nxt is not None:
            number = len(read_pages) + 1
            if len(read_pages) >= self.options.max_pages:
                notes.append(f"{PAGES_STOPPED_NOTE}at the cap of {self.options.max_pages} pages")
                break
            if _host(nxt) != host:
                notes.append(f"{PAGES_STOPPED_NOTE}page {number} is on another host, not fetched: {nxt}")
                break
            if _page_key(nxt) in seen:
                notes.append(f"{PAGES_STOPPED_NOTE}page {number} links back to a page already read: {nxt}")
                break
            seen.add(_page_key(nxt))
            if _page_key(nxt) in known:
                page = known[_page_key(nxt)]
                for key in [k for k, v in known.items() if v is page]:
                    del known[key]
                    seen.add(key)
                texts |= {_text_key(p) for p in page.paragraphs}
                read_pages.append(page)
                nxt = follow_up(page).next_url
                continue
            read = await self._read(nxt, host, source, fetched)
            if read.prepared is None:
                notes.append(f"{PAGES_STOPPED_NOTE}page {number} was not read: {read.why}")
                break
            if read.final_url is not None and _page_key(read.final_url) in seen - {_page_key(nxt)}:
                notes.append(f"{PAGES_STOPPED_NOTE}page {number} led back to a page already read: {nxt}")
                break
            page = read.prepared.article
            new = {_text_key(p) for p in page.paragraphs} - texts
            if not new:
                notes.append(f"{PAGES_STOPPED_NOTE}page {number} repeats what was read: {nxt}")
                break
            if read.final_url is not None:
                seen.add(_page_key(read.final_url))
            texts |= new
            read_pages.append(page)
            cpu += read.prepared.cpu_seconds
            nxt = follow_up(page).next_url
        if len(read_pages) == 1:
            return _with_notes(first, notes)
        joined = join_pages(read_pages)
        joined.notes.extend(notes)
        return Prepared(joined, cpu)

    async def _read(self, url: str, host: str, source: str | None, fetched: list[str]) -> _PageRead:
        """One more page, fetched politely and read under the guard, or why not."""
        fetched.append(url)
        if self.on_page is not None:
            self.on_page(url)
        # same_host: a redirect to another host is stopped before that host is asked anything.
        result = await self.fetcher.fetch(url, source=source, same_host=True)
        if result.outcome == "off_host_redirect":
            return _PageRead(why=f"redirected to another host, not fetched: {result.final_url}")
        if not result.ok:
            detail = result.error or (f"HTTP {result.status}" if result.status else "")
            return _PageRead(why=f"{result.outcome.replace('_', ' ')} {detail}".strip())
        if _host(result.final_url) != host:
            return _PageRead(why=f"redirected to another host: {result.final_url}")
        page = page_from_fetch(result)
        if page is None:
            return _PageRead(why=f"not an HTML page ({result.headers.get('content-type', '?')})")
        async with self.lock:
            prepared = await asyncio.to_thread(self.ingestor.prepared, PageJob(source=url, page=page))
        if isinstance(prepared, IngestOutcome):
            r = prepared.reject
            why = f"{r.stage}: {r.error}: {r.message}" if r is not None else prepared.status
            return _PageRead(why=why)
        if result.final_url != url:
            fetched.append(result.final_url)
        return _PageRead(prepared, final_url=result.final_url)


def _with_notes(prepared: Prepared, notes: list[str]) -> Prepared:
    if not notes:
        return prepared
    article = copy.copy(prepared.article)
    article.notes = [*article.notes, *notes]
    return Prepared(article, prepared.cpu_seconds)


__all__ = [
    "DEFAULT_MAX_PAGES",
    "PAGES_STOPPED_NOTE",
    "ArticlePages",
    "Completed",
    "PageFetcher",
    "PagesOptions",
]
