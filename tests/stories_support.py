"""Articles for the story and entity-store tests (tests/fixtures/stories/articles.json)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.story_indexer import StoryIndexer
from kabar.model import Article, Entity, Mention

_FIXTURE = Path(__file__).resolve().parent / "fixtures" / "stories" / "articles.json"


def fixture_articles() -> list[tuple[str, str, Article]]:
    """(key, gold story, article), in time order."""
    rows = json.loads(_FIXTURE.read_text(encoding="utf-8"))["articles"]
    out = []
    for r in rows:
        article = Article(
            headline=r["headline"],
            published=datetime.fromisoformat(r["published"]),
            paragraphs=list(r["paragraphs"]),
            canonical_url=f"https://contoh.test/{r['key']}",
        )
        out.append((str(r["key"]), str(r["story"]), article))
    out.sort(key=lambda t: t[2].published or datetime.min)
    return out


def understanding_archive(location: Path | str) -> CoreArchive:
    """An archive (a SQLite path or a PostgreSQL URL) keeping entities and stories."""
    return open_test_archive(str(location), indexers=[EntityIndexer(), StoryIndexer()])


def person(name: str, role: str | None = None, aliases: list[str] | None = None) -> Entity:
    return Entity(
        name=name, type="person", role=role, aliases=aliases or [], mentions=[Mention(0, len(name), name)]
    )
