"""The portal's view of the linking and understanding stages: related news, stories, entities.

Each function takes the archive, reads through its typed stores (``archive.stories``,
``archive.entities``) or the linking stage's API, and returns the small records the templates and the API render. A
section with no data returns nothing, and the page leaves it out.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from kabar.archive.base import Archive, ArticleBrief
from kabar.archive.stores import EntityName, EntityQuery
from kabar.link import related
from kabar.link.story_view import get_story
from kabar.model import Article
from kabar.serve.cache import TtlCache

log = logging.getLogger(__name__)


@dataclass(slots=True)
class StoryRef:
    id: int
    title: str
    size: int = 0
    last: datetime | None = None
    first: datetime | None = None


@dataclass(slots=True)
class TimelineEntry:
    article_id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    description: str | None = None
    published_precision: str | None = None  # "day": a bare day, shown as its date


@dataclass(slots=True)
class EventView:
    date: str  # as the timeline gives it: ISO date, week, month, decade or range
    text: str
    article_id: int | None
    kind: str


@dataclass(slots=True)
class StoryView:
    id: int
    title: str
    timeline: list[TimelineEntry] = field(default_factory=list)  # the story's articles, oldest first
    events: list[EventView] = field(default_factory=list)  # dated events the articles mention
    entities: list[str] = field(default_factory=list)
    first: datetime | None = None
    last: datetime | None = None


@dataclass(slots=True)
class EntityRef:
    id: int
    name: str
    type: str
    articles: int = 0


@dataclass(slots=True)
class RoleView:
    role: str
    count: int
    first_seen: datetime | None
    last_seen: datetime | None


@dataclass(slots=True)
class EntityView:
    id: int
    name: str
    type: str
    aliases: list[str] = field(default_factory=list)
    roles: list[RoleView] = field(default_factory=list)
    articles: list[TimelineEntry] = field(default_factory=list)  # newest first
    total: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None


def _entries(archive: Archive, ids: list[int]) -> list[TimelineEntry]:
    # Briefs, not articles: a list shows a few columns, and rebuilding each listed article
    # from its stored JSON was most of a story or entity page's time.
    return [
        TimelineEntry(
            article_id=a.id,
            headline=a.headline,
            published=a.published,
            outlet=a.outlet,
            description=a.blurb,
            published_precision=a.published_precision,
        )
        for a in archive.briefs(ids)
    ]


def related_articles(
    archive: Archive,
    article_id: int,
    limit: int,
    cache: TtlCache | None = None,
    known: Article | None = None,
) -> list[ArticleBrief]:
    """The archive's own "Berita terkait": same subject above a similarity floor, newest first.

    ``newest`` is the mode a portal's related box uses; an article the ranking cannot
    answer for (no distinctive text) simply has no archive-side related news. ``known``: the
    article itself, when the caller holds it (it is not read again).
    """
    cached = cache.get((article_id, limit)) if cache is not None else None
    if cached is not None:
        return archive.briefs(cached)
    try:
        # Kept in the cache beyond this page: ranked on fresh reads, not on the page's
        # snapshot, which may predate an invalidation of this very entry.
        with archive.own_reads():
            hits = related.related(
                archive, article_id, related.RelatedOptions(mode="newest", limit=limit), known=known
            )
    except related.RelatedError:
        return []
    except Exception:
        # A side box must not take the article down with it (e.g. an archive whose search
        # tables predate the ranking, whatever the backend's error class): log it, and the
        # page's own list stands in.
        log.exception("related news failed for article %s", article_id)
        return []
    ids = [h.id for h in hits]
    if cache is not None:
        cache.put((article_id, limit), ids)
    return archive.briefs(ids)


def article_story(archive: Archive, article_id: int) -> StoryRef | None:
    """The story an article belongs to, when it holds more than this one article."""
    story_id = archive.stories.article_story(article_id)
    if story_id is None:
        return None
    # get_story builds the whole timeline; the article page needs only the label and size.
    found = archive.stories.summary(story_id)
    if found is None or found.article_count < 2:
        return None
    return StoryRef(id=story_id, title=found.label or f"Cerita {story_id}", size=found.article_count)


def top_stories(archive: Archive, limit: int, offset: int = 0) -> list[StoryRef]:
    """Most recently updated stories with at least two articles."""
    found = archive.stories.list_stories(limit=limit, offset=offset)
    return [
        StoryRef(
            id=s.id,
            title=s.label or f"Cerita {s.id}",
            size=s.article_count,
            last=s.last_published,
            first=s.first_published,
        )
        for s in found
    ]


def story_count(archive: Archive) -> int:
    """Stories with at least two articles (the ones :func:`top_stories` lists)."""
    return archive.stories.count_stories()


def story(archive: Archive, story_id: int) -> StoryView | None:
    with archive.shared_read():  # one read transaction for the story and its articles
        return _story(archive, story_id)


def _story(archive: Archive, story_id: int) -> StoryView | None:
    found = get_story(archive, story_id)
    if found is None:
        return None
    return StoryView(
        id=found.id,
        title=found.label or f"Cerita {found.id}",
        timeline=_entries(archive, found.article_ids),
        events=[
            EventView(date=e.date, text=e.text, article_id=e.article_id, kind=e.kind) for e in found.timeline
        ],
        entities=[e.name for e in found.entities[:15]],
        first=found.first_published,
        last=found.last_published,
    )


def article_entity_ids(archive: Archive, article: Article) -> dict[tuple[str, str], int]:
    """(name, type) of each entity in the article → its archive-wide id."""
    if article.id is None or not article.entities:
        return {}
    out: dict[tuple[str, str], int] = {}
    entities = archive.entities
    linked = set(entities.article_entity_ids(article.id))
    # One query for all the names: one each was half an uncached article page's time.
    found = entities.find_entity_ids([EntityName(e.name, e.type) for e in article.entities])
    for entity in article.entities:
        entity_id = found.get(EntityName(entity.name, entity.type))
        if entity_id is not None and entity_id in linked:
            out[(entity.name, entity.type)] = entity_id
    return out


def entity(archive: Archive, entity_id: int, limit: int, offset: int) -> EntityView | None:
    with archive.shared_read():  # one read transaction for the entity and its articles
        return _entity(archive, entity_id, limit, offset)


def _entity(archive: Archive, entity_id: int, limit: int, offset: int) -> EntityView | None:
    record = archive.entities.get_entity(entity_id)
    if record is None:
        return None
    ids = archive.entities.entity_articles(entity_id, limit=limit, offset=offset)
    return EntityView(
        id=record.id,
        name=record.name,
        type=record.type,
        aliases=[n for n in record.names if n != record.name],
        roles=[RoleView(r.role, r.count, r.first_seen, r.last_seen) for r in record.roles],
        articles=_entries(archive, ids),
        total=record.article_count,
        first_seen=record.first_seen,
        last_seen=record.last_seen,
    )


def entities(archive: Archive, limit: int, offset: int, kind: str | None = None) -> list[EntityRef]:
    query = EntityQuery(limit=limit, offset=offset, type=kind)  # type: ignore[arg-type]
    found = archive.entities.list_entities(query)
    return [EntityRef(id=e.id, name=e.name, type=e.type, articles=e.article_count) for e in found]
