"""The article page's content, in the seed page's order, ready for the template."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import quote_plus

from kabar.archive.base import Archive
from kabar.archive.copy_store import Appearance, article_chain
from kabar.model import Article, Image, RelatedItem, Subheading, body_layout
from kabar.serve import sections
from kabar.serve.ages import age_marker
from kabar.serve.cache import TtlCache
from kabar.serve.display import article_href, format_time
from kabar.serve.security import safe_url

RelatedSource = Literal["archive", "page", "archive+page", "none"]


@dataclass(slots=True)
class Block:
    kind: Literal["paragraph", "image", "heading"]
    text: str = ""
    caption: str | None = None
    credit: str | None = None
    image_url: str | None = None  # a safe http(s) URL of the original picture, linked, never loaded
    lead: bool = False  # the first paragraph, where the dateline stands


@dataclass(slots=True)
class RelatedView:
    headline: str
    # An age marker (serve/ages.py: the age is written when the answer is sent, so a cached
    # page stays right), else the page's own words ("9 jam lalu" at capture), else None.
    age: str | None
    description: str | None
    href: str | None  # inside the portal when the archive holds it, else the item's own URL
    internal: bool = False
    published: datetime | None = None  # the moment the age counts from, when known


@dataclass(slots=True)
class SourceView:
    text: str
    href: str | None


@dataclass(slots=True)
class CopyView:
    """One copy of the text elsewhere ("Juga dimuat di …")."""

    outlet: str | None
    url_text: str  # shortened for display; the whole URL stays in the archive and the API
    href: str | None  # only an absolute http(s) URL becomes a link
    time_text: str
    first: bool  # it appeared before the article and every other copy


@dataclass(slots=True)
class EntityView:
    name: str
    type: str
    role: str | None
    href: str


@dataclass(slots=True)
class ArticleView:
    article: Article
    time_text: str
    blocks: list[Block]
    sources: list[SourceView]
    related: list[RelatedView]
    entities: list[EntityView]
    story: sections.StoryRef | None
    original_href: str | None
    canonical_path: str
    related_from: RelatedSource = "none"
    tags: list[str] = field(default_factory=list)
    copies: list[CopyView] = field(default_factory=list)
    original_first: bool = False  # the article itself is the earliest appearance known (and has copies)


def body_blocks(
    paragraphs: list[str], images: list[Image], subheadings: list[Subheading] | None = None
) -> list[Block]:
    """Paragraphs with each subheading, then each image, standing before the paragraph its
    ``position`` names (:func:`kabar.model.body_layout`)."""
    blocks: list[Block] = []
    for placed in body_layout(paragraphs, images, subheadings or []):
        if placed.image is not None:
            image = placed.image
            blocks.append(
                Block(kind="image", caption=image.caption, credit=image.credit, image_url=safe_url(image.url))
            )
        elif placed.kind == "heading":
            blocks.append(Block(kind="heading", text=placed.text))
        else:
            blocks.append(Block(kind="paragraph", text=placed.text, lead=placed.index == 0))
    return blocks


def _page_item_time(item: RelatedItem, captured_at: datetime | None) -> datetime | None:
    """When the item appeared: its absolute time, else its age at capture counted back."""
    if item.published is not None:
        return item.published
    if item.age_seconds is not None and captured_at is not None:
        return captured_at - timedelta(seconds=item.age_seconds)
    return None


def _page_item_age(item: RelatedItem, captured_at: datetime | None) -> str | None:
    """The item's age when the answer is sent (a marker), else the page's own words."""
    moment = _page_item_time(item, captured_at)
    return age_marker(moment) if moment is not None else item.age_text


def page_related(archive: Archive, article: Article, now: datetime) -> list[RelatedView]:
    """The page's own "Berita terkait" list, linked inside the portal where the archive holds the item."""
    views = []
    for item in article.related:
        url = safe_url(item.url)
        internal_id = archive.find_id(canonical_url=item.url) if item.url else None
        href = article_href(internal_id, item.headline) if internal_id is not None else url
        views.append(
            RelatedView(
                headline=item.headline,
                age=_page_item_age(item, article.captured_at),
                description=item.description,
                href=href,
                internal=internal_id is not None,
                published=_page_item_time(item, article.captured_at),
            )
        )
    return views


def archive_related(
    archive: Archive,
    article_id: int,
    now: datetime,
    limit: int,
    cache: TtlCache | None = None,
    known: Article | None = None,
) -> list[RelatedView]:
    found = sections.related_articles(archive, article_id, limit, cache, known)
    return [
        RelatedView(
            headline=a.headline or "(tanpa judul)",
            age=age_marker(a.published) if a.published else None,
            description=a.blurb,
            href=article_href(a.id, a.headline),
            internal=True,
            published=a.published,
        )
        for a in found
    ]


_URL_SHOWN = 120  # characters of a copy's URL shown on the page


def copy_views(chain: list[Appearance]) -> list[CopyView]:
    views = []
    for a in chain:
        if a.original:
            continue
        href = safe_url(a.url)
        url = a.url or ""
        views.append(
            CopyView(
                outlet=a.outlet,
                url_text=url if len(url) <= _URL_SHOWN else url[:_URL_SHOWN] + "…",
                href=href if href is not None and href.lower().startswith(("http://", "https://")) else None,
                time_text=format_time(a.published or a.first_seen) or "",
                first=a.first,
            )
        )
    return views


def entity_views(archive: Archive, article: Article) -> list[EntityView]:
    ids = sections.article_entity_ids(archive, article)
    views = []
    for entity in article.entities:
        entity_id = ids.get((entity.name, entity.type))
        href = f"/entitas/{entity_id}" if entity_id is not None else f"/cari?q={quote_plus(entity.name)}"
        views.append(EntityView(name=entity.name, type=entity.type, role=entity.role, href=href))
    return views


@dataclass(slots=True)
class RelatedList:
    items: list[RelatedView]
    source: RelatedSource


def related_views(
    archive: Archive, article: Article, now: datetime, limit: int, cache: TtlCache | None = None
) -> RelatedList:
    """The archive's related ranking first, then the page's own list for what it has not found."""
    assert article.id is not None
    views = archive_related(archive, article.id, now, limit, cache, known=article)
    source: RelatedSource = "archive" if views else "none"
    if len(views) < limit and article.related:
        seen = {v.href for v in views} | {v.headline for v in views}
        extra = [
            v for v in page_related(archive, article, now) if v.href not in seen and v.headline not in seen
        ]
        if extra:
            views = [*views, *extra]  # the page's own list stays whole: it is what the page showed
            source = "page" if source == "none" else "archive+page"
    return RelatedList(items=views, source=source)


def build_article_view(
    archive: Archive, article: Article, now: datetime, related_limit: int = 10, cache: TtlCache | None = None
) -> ArticleView:
    assert article.id is not None
    related = related_views(archive, article, now, related_limit, cache)
    chain = article_chain(article, archive.copies.copies_of(article.id))
    copies = copy_views(chain)
    return ArticleView(
        article=article,
        time_text=format_time(article.published, article.published_precision)
        or (article.published_text or ""),
        blocks=body_blocks(article.paragraphs, article.images, article.subheadings),
        sources=[SourceView(text=s, href=safe_url(s)) for s in article.sources],
        related=related.items,
        entities=entity_views(archive, article),
        story=sections.article_story(archive, article.id),
        original_href=safe_url(article.canonical_url or article.url),
        canonical_path=article_href(article.id, article.headline),
        related_from=related.source,
        tags=list(article.tags),
        copies=copies,
        original_first=bool(copies) and chain[0].original and chain[0].first,
    )
