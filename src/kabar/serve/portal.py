"""The Indonesian portal: home, article, search, story, entity and outlet pages (no JavaScript)."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from urllib.parse import quote, urlencode

from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from kabar.archive.base import ListQuery, SearchQuery
from kabar.serialize import article_to_jsonld
from kabar.serve import sections
from kabar.serve.article_view import build_article_view
from kabar.serve.filters import Page, day_end, day_start
from kabar.serve.params import Day, ItemId
from kabar.serve.state import get_state

router = APIRouter(include_in_schema=False)

PageNumber = Annotated[int, Query(ge=1, le=10_000)]


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    state = get_state(request)
    context.setdefault("base_url", state.base_url)  # never the Host header
    context.setdefault("site_name", state.options.site_name)
    context.setdefault("feeds", [])
    context.setdefault("og_type", "website")
    context.setdefault("description", "Berita berbahasa Indonesia dari arsip kabar.")
    context.setdefault("notice", state.options.notice() if state.options.notice is not None else None)
    return HTMLResponse(state.templates.get_template(name).render(**context), status_code=status)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    state = get_state(request)
    archive = state.archive
    with archive.shared_read():  # one read transaction for the page's dozen lists
        outlets = state.outlets()
        by_outlet = [
            (o, archive.list_articles(ListQuery(limit=5, outlet=o.outlet))) for o in outlets[:6] if o.outlet
        ]
        latest = archive.list_articles(ListQuery(limit=12))
        stories = sections.top_stories(archive, 8)
    return render(
        request,
        "home.html",
        title=f"{state.options.site_name} — berita terbaru",
        latest=latest,
        by_outlet=by_outlet,
        outlets=outlets,
        stories=stories,
        feeds=[("RSS berita terbaru", "/feed/rss/terbaru"), ("Atom berita terbaru", "/feed/atom/terbaru")],
        path="/",
    )


def _article_page(request: Request, article_id: int) -> HTMLResponse:
    state = get_state(request)
    # One read transaction for the whole view, not one per section (article, related, copies,
    # entities, story): each was a BEGIN, a file check and a ROLLBACK.
    with state.archive.shared_read():
        article = state.archive.get(article_id)
        if article is None:
            raise HTTPException(404, f"artikel {article_id} tidak ada di arsip")
        view = build_article_view(state.archive, article, state.now(), cache=state.related_cache)
    first = next((b.text for b in view.blocks if b.kind == "paragraph"), "")
    return render(
        request,
        "article.html",
        title=article.headline or "Artikel",
        description=(article.description or first)[:300],
        og_type="article",
        view=view,
        jsonld_doc=article_to_jsonld(article),
        path=view.canonical_path,
    )


@router.get("/artikel/{article_id}", response_class=HTMLResponse)
def article_page(request: Request, article_id: ItemId) -> HTMLResponse:
    return _article_page(request, article_id)


@router.get("/artikel/{article_id}/{slug}", response_class=HTMLResponse)
def article_page_slug(request: Request, article_id: ItemId, slug: str) -> HTMLResponse:
    return _article_page(request, article_id)


@router.get("/cari", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=500)] = "",
    media: Annotated[str, Query(max_length=200)] = "",
    dari: Day = None,
    sampai: Day = None,
    urutan: Literal["relevan", "terbaru"] = "relevan",
    halaman: PageNumber = 1,
) -> HTMLResponse:
    state = get_state(request)
    size = 10
    since, until = dari, sampai
    result = None
    if q.strip():
        result = state.archive.search(
            SearchQuery(
                text=q,
                limit=size,
                offset=(halaman - 1) * size,
                outlet=media or None,
                since=day_start(since),
                until=day_end(until),
                order="newest" if urutan == "terbaru" else "relevance",
            )
        )
    page = Page(number=halaman, size=size, total=result.total if result else 0)
    params = {
        "q": q,
        "media": media,
        "dari": since.isoformat() if since else "",
        "sampai": until.isoformat() if until else "",
        "urutan": urutan,
    }
    base = {k: v for k, v in params.items() if v}
    feed_query = urlencode({k: v for k, v in base.items() if k != "urutan"})
    return render(
        request,
        "search.html",
        title=f"Cari: {q} — {state.options.site_name}" if q else f"Cari berita — {state.options.site_name}",
        q=q,
        media=media,
        dari=since.isoformat() if since else "",
        sampai=until.isoformat() if until else "",
        urutan=urutan,
        result=result,
        page=page,
        outlets=state.outlets(),
        previous_href=f"/cari?{urlencode({**base, 'halaman': halaman - 1})}" if page.has_previous else None,
        next_href=f"/cari?{urlencode({**base, 'halaman': halaman + 1})}" if page.has_next else None,
        feeds=[("RSS pencarian ini", f"/feed/rss/cari?{feed_query}")] if q else [],
        path="/cari",
    )


@router.get("/media/{outlet:path}", response_class=HTMLResponse)
def outlet_page(
    request: Request, outlet: Annotated[str, Path(max_length=200)], halaman: PageNumber = 1
) -> HTMLResponse:
    state = get_state(request)
    counts = {o.outlet: o.articles for o in state.outlets()}
    if outlet not in counts:  # perhaps new since the counts were remembered
        counts = {o.outlet: o.articles for o in state.outlets(max_age=0)}
    if outlet not in counts:
        raise HTTPException(404, f"media {outlet} tidak ada di arsip")
    page = Page(number=halaman, size=state.options.page_size, total=counts[outlet])
    items = state.archive.list_articles(ListQuery(limit=page.size, offset=page.offset, outlet=outlet))
    return render(
        request,
        "outlet.html",
        title=f"{outlet} — {state.options.site_name}",
        description=f"Berita dari {outlet} di arsip {state.options.site_name}.",
        outlet=outlet,
        items=items,
        page=page,
        path=f"/media/{quote(outlet, safe='')}",
    )


@router.get("/cerita", response_class=HTMLResponse)
def stories_page(request: Request, halaman: PageNumber = 1) -> HTMLResponse:
    """Every story of two or more articles, most recently updated first."""
    state = get_state(request)
    page = Page(number=halaman, size=state.options.page_size, total=sections.story_count(state.archive))
    return render(
        request,
        "stories.html",
        title=f"Cerita — {state.options.site_name}",
        description="Cerita yang berkembang: berita-berita tentang satu peristiwa, dengan linimasanya.",
        stories=sections.top_stories(state.archive, page.size, page.offset),
        page=page,
        path="/cerita",
    )


@router.get("/cerita/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: ItemId) -> HTMLResponse:
    state = get_state(request)
    story = sections.story(state.archive, story_id)
    if story is None:
        raise HTTPException(404, f"cerita {story_id} tidak ada")
    return render(
        request,
        "story.html",
        title=f"{story.title} — linimasa",
        description=f"Linimasa {len(story.timeline)} berita: {story.title}",
        story=story,
        feeds=[
            ("RSS cerita ini", f"/feed/rss/cerita/{story_id}"),
            ("Atom cerita ini", f"/feed/atom/cerita/{story_id}"),
        ],
        path=f"/cerita/{story_id}",
    )


@router.get("/entitas/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: ItemId, halaman: PageNumber = 1) -> HTMLResponse:
    state = get_state(request)
    size = state.options.page_size
    entity = sections.entity(state.archive, entity_id, limit=size, offset=(halaman - 1) * size)
    if entity is None:
        raise HTTPException(404, f"entitas {entity_id} tidak ada")
    page = Page(number=halaman, size=size, total=entity.total)
    return render(
        request,
        "entity.html",
        title=f"{entity.name} — {state.options.site_name}",
        description=f"Berita tentang {entity.name}.",
        entity=entity,
        page=page,
        feeds=[
            ("RSS entitas ini", f"/feed/rss/entitas/{entity_id}"),
            ("Atom entitas ini", f"/feed/atom/entitas/{entity_id}"),
        ],
        path=f"/entitas/{entity_id}",
    )
