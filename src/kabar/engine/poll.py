"""Poll one configured source: fetch it (conditionally) and list the article links it offers."""

from __future__ import annotations

from dataclasses import dataclass, field

from kabar.engine.config import SourceConfig
from kabar.sources.crawler import Fetcher, FetchResult
from kabar.sources.decode import decode_html
from kabar.sources.feeds import FeedError, parse_feed
from kabar.sources.fetchlog import SourceRow
from kabar.sources.frontpage import find_article_links
from kabar.sources.hints import PUBLISHED
from kabar.sources.sitemaps import SitemapError, SitemapUrl, parse_sitemap

MAX_CHILD_SITEMAPS = 5  # of an index, the first few: news sitemaps list the newest first

Link = tuple[str, dict[str, str]]


@dataclass(slots=True)
class PollResult:
    source: SourceConfig
    fetch: FetchResult
    links: list[Link] = field(default_factory=list)
    error: str | None = None  # why the source gave nothing usable (also set for network trouble)


def _fetch_error(result: FetchResult) -> str | None:
    if result.outcome in ("ok", "not_modified"):
        return None
    detail = result.error or (f"HTTP {result.status}" if result.status else result.outcome)
    return f"{result.outcome.replace('_', ' ')}: {detail}"


def _newest_first(urls: list[SitemapUrl]) -> list[SitemapUrl]:
    return sorted(urls, key=lambda u: u.hints.get(PUBLISHED) or u.lastmod or "", reverse=True)


async def _sitemap_links(fetcher: Fetcher, source: SourceConfig, first: FetchResult) -> list[Link]:
    sitemap = parse_sitemap(first.content)
    urls = list(sitemap.urls)
    for child_url in sitemap.sitemaps[:MAX_CHILD_SITEMAPS]:
        child = await fetcher.fetch(child_url, source=source.name)
        if child.ok:
            try:
                urls.extend(parse_sitemap(child.content).urls)
            except SitemapError:
                continue
    return [(u.url, u.hints) for u in _newest_first(urls)]


async def poll_source(
    fetcher: Fetcher, source: SourceConfig, state: SourceRow | None, limit: int
) -> PollResult:
    """Never raises for a bad source: the reason is in ``PollResult.error``."""
    result = await fetcher.fetch(
        source.url,
        etag=state.etag if state else None,
        last_modified=state.last_modified if state else None,
        source=source.name,
    )
    out = PollResult(source=source, fetch=result, error=_fetch_error(result))
    if result.outcome != "ok":
        return out
    try:
        if source.kind == "feed":
            feed = parse_feed(result.content, result.final_url)
            links = [(e.url, e.hints) for e in feed.entries]
        elif source.kind == "sitemap":
            links = await _sitemap_links(fetcher, source, result)
        else:
            html = decode_html(result.content, None)
            links = [(u, {}) for u in find_article_links(html, result.final_url).articles]
    except (FeedError, SitemapError) as exc:
        out.error = f"unreadable {source.kind}: {exc}"[:300]
        return out
    out.links = links[:limit]
    if source.kind == "frontpage" and not out.links:
        out.error = "no article links found on the page"
    return out


__all__ = ["Link", "PollResult", "poll_source"]
