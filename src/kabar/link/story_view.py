"""One story as a reader sees it: label, articles, shared entities and a timeline of dated events.

The story's membership comes from the archive (``archive.stories``), its entities from the
entity records (``archive.entities``) or, where understanding found none, from the names the
clusterer kept; the timeline is :mod:`kabar.link.timeline` over its latest articles.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from kabar.archive.base import Archive
from kabar.link.timeline import TimelineEvent, TimelineOptions, build_timeline
from kabar.model import EntityType

TIMELINE_ARTICLES = (
    200  # a long-running story's timeline is built from its latest articles (bounded work per view)
)
STORY_ENTITIES = 30


@dataclass(slots=True)
class StoryEntity:
    name: str
    articles: int  # how many of the story's articles name it
    type: EntityType | None = None  # None where the name came from capitalised spans, not NER
    entity_id: int | None = None  # the archive-wide id when known


@dataclass(slots=True)
class Story:
    id: int
    label: str
    article_ids: list[int] = field(default_factory=list)  # oldest first
    entities: list[StoryEntity] = field(default_factory=list)  # most shared first
    timeline: list[TimelineEvent] = field(default_factory=list)
    first_published: datetime | None = None
    last_published: datetime | None = None

    @property
    def article_count(self) -> int:
        return len(self.article_ids)


def story_entities(archive: Archive, story_id: int, article_ids: list[int]) -> list[StoryEntity]:
    """Archive entities (NER) when the entity indexer has them, else the clusterer's name spans."""
    found = archive.entities.top_in_articles(article_ids, STORY_ENTITIES)
    if found:
        return [StoryEntity(name=e.name, articles=e.articles, type=e.type, entity_id=e.id) for e in found]
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for f in archive.stories.member_features(story_id):
        counts.update(f.entities.keys())
        for k, v in f.entity_names.items():
            names.setdefault(k, v)
    return [StoryEntity(name=names.get(k, k), articles=n) for k, n in counts.most_common(STORY_ENTITIES)]


def get_story(archive: Archive, story_id: int, timeline: TimelineOptions | None = None) -> Story | None:
    summary = archive.stories.summary(story_id)
    if summary is None:
        return None
    ids = archive.stories.story_article_ids(story_id)
    return Story(
        id=summary.id,
        label=summary.label,
        article_ids=ids,
        entities=story_entities(archive, story_id, ids),
        timeline=build_timeline(archive.get_many(ids[-TIMELINE_ARTICLES:]), timeline).events,
        first_published=summary.first_published,
        last_published=summary.last_published,
    )


__all__ = ["STORY_ENTITIES", "TIMELINE_ARTICLES", "Story", "StoryEntity", "get_story", "story_entities"]
