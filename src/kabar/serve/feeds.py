"""Feeds out: RSS 2.0 and Atom (via feedgen) for latest, per story, per entity, per search, per outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response
from feedgen.feed import FeedGenerator

from kabar.archive.base import ListQuery, SearchQuery
from kabar.serve import sections
from kabar.serve.display import article_href
from kabar.serve.params import ItemId
from kabar.serve.schemas import ERRORS
from kabar.serve.security import plain_snippet
from kabar.serve.state import get_state

FEED_RESPONSES: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    200: {
        "description": "The feed, RSS 2.0 or Atom as the path says",
        "content": {
            "application/rss+xml": {"schema": {"type": "string"}},
            "application/atom+xml": {"schema": {"type": "string"}},
        },
    },
}
router = APIRouter(prefix="/feed", tags=["feeds"], default_response_class=Response, responses=FEED_RESPONSES)

FeedFormat = Literal["rss", "atom"]
FEED_SIZE = 30
MEDIA_TYPES = {"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}

# XML 1.0 cannot carry most control characters, and lxml refuses them outright; a
# hostile page's text must not be able to turn a feed into a server error.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str | None) -> str:
    return _NOT_XML.sub("", text or "")


@dataclass(slots=True)
class FeedItem:
    article_id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    summary: str | None


@dataclass(slots=True)
class FeedSpec:
    title: str
    description: str
    page_path: str
    items: list[FeedItem]


def render_feed(spec: FeedSpec, fmt: FeedFormat, base_url: str, self_path: str, now: datetime) -> bytes:
    fg = FeedGenerator()
    fg.id(base_url + spec.page_path)
    fg.title(xml_text(spec.title))
    fg.description(xml_text(spec.description) or spec.title)
    fg.subtitle(xml_text(spec.description) or spec.title)
    fg.language("id")
    fg.link(href=base_url + spec.page_path, rel="alternate")
    fg.link(href=base_url + self_path, rel="self")
    fg.updated(max((i.published for i in spec.items if i.published), default=now))
    for item in spec.items:
        link = base_url + article_href(item.article_id, item.headline)
        entry = fg.add_entry(order="append")
        entry.id(link)
        entry.guid(link, permalink=True)
        entry.title(xml_text(item.headline) or "(tanpa judul)")
        entry.link(href=link)
        # Atom requires an update time on each entry; an undated article gets the feed's time.
        entry.updated(item.published or now)
        if item.published:
            entry.published(item.published)
        if item.summary:
            entry.summary(xml_text(item.summary))
            entry.description(xml_text(item.summary))
        if item.outlet:
            entry.source(url=base_url + "/media/" + quote(item.outlet, safe=""), title=xml_text(item.outlet))
            entry.author(name=xml_text(item.outlet))
    data: bytes = fg.rss_str(pretty=False) if fmt == "rss" else fg.atom_str(pretty=False)
    return data


def _aware(dt: datetime | None) -> datetime | None:
    if dt is not None and dt.tzinfo is None:
        return dt.replace(tzinfo=UTC)
    return dt


def _respond(request: Request, spec: FeedSpec, fmt: FeedFormat) -> Response:
    state = get_state(request)
    for item in spec.items:
        item.published = _aware(item.published)
    self_path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    body = render_feed(spec, fmt, state.base_url, self_path, state.now())
    return Response(body, media_type=MEDIA_TYPES[fmt])


@router.get("/{fmt}/terbaru", summary="Latest articles as RSS 2.0 or Atom")
def latest_feed(request: Request, fmt: FeedFormat) -> Response:
    state = get_state(request)
    rows = state.archive.list_articles(ListQuery(limit=FEED_SIZE))
    items = [FeedItem(r.id, r.headline, r.published, r.outlet, r.description) for r in rows]
    spec = FeedSpec(f"{state.options.site_name}: berita terbaru", "Berita terbaru di arsip.", "/", items)
    return _respond(request, spec, fmt)


@router.get("/{fmt}/media/{outlet:path}", summary="An outlet's latest articles")
def outlet_feed(request: Request, fmt: FeedFormat, outlet: Annotated[str, Path(max_length=200)]) -> Response:
    state = get_state(request)
    rows = state.archive.list_articles(ListQuery(limit=FEED_SIZE, outlet=outlet))
    if not rows:
        raise HTTPException(404, f"no articles from outlet {outlet!r}")
    items = [FeedItem(r.id, r.headline, r.published, r.outlet, r.description) for r in rows]
    spec = FeedSpec(
        f"{outlet} — {state.options.site_name}",
        f"Berita dari {outlet}.",
        f"/media/{quote(outlet, safe='')}",
        items,
    )
    return _respond(request, spec, fmt)


@router.get("/{fmt}/cari", summary="A search's results as a feed (newest first)")
def search_feed(
    request: Request,
    fmt: FeedFormat,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    media: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    state = get_state(request)
    result = state.archive.search(SearchQuery(text=q, limit=FEED_SIZE, outlet=media or None, order="newest"))
    items = [FeedItem(h.id, h.headline, h.published, h.outlet, plain_snippet(h.snippet)) for h in result.hits]
    spec = FeedSpec(f"Pencarian “{q}” — {state.options.site_name}", f"Berita tentang {q}.", "/cari", items)
    return _respond(request, spec, fmt)


@router.get("/{fmt}/cerita/{story_id}", summary="A story's timeline as a feed")
def story_feed(request: Request, fmt: FeedFormat, story_id: ItemId) -> Response:
    state = get_state(request)
    story = sections.story(state.archive, story_id)
    if story is None:
        raise HTTPException(404, f"story {story_id} not found")
    items = [
        FeedItem(e.article_id, e.headline, e.published, e.outlet, e.description)
        for e in sorted(story.timeline, key=lambda e: e.published or now_min(), reverse=True)[:FEED_SIZE]
    ]
    spec = FeedSpec(story.title, f"Linimasa cerita: {story.title}", f"/cerita/{story_id}", items)
    return _respond(request, spec, fmt)


@router.get("/{fmt}/entitas/{entity_id}", summary="Articles about one entity as a feed")
def entity_feed(request: Request, fmt: FeedFormat, entity_id: ItemId) -> Response:
    state = get_state(request)
    entity = sections.entity(state.archive, entity_id, limit=FEED_SIZE, offset=0)
    if entity is None:
        raise HTTPException(404, f"entity {entity_id} not found")
    items = [
        FeedItem(e.article_id, e.headline, e.published, e.outlet, e.description) for e in entity.articles
    ]
    spec = FeedSpec(entity.name, f"Berita tentang {entity.name}.", f"/entitas/{entity_id}", items)
    return _respond(request, spec, fmt)


def now_min() -> datetime:
    return datetime.min.replace(tzinfo=UTC)
