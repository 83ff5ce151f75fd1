"""Synthetic story fixtures clustered in file order, as ingest assigns them (shared by the story tests)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from kabar.model import Article
from kabar.understand.story_cluster import ClusterOptions, MemoryStoryStore, assign
from kabar.understand.story_features import article_features

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "stories"


def cluster_group(
    fixture: Path, group: str, options: ClusterOptions | None = None, *, earlier: int = 0
) -> dict[str, int]:
    """Each article of ``group`` in ``fixture`` and the story it joins; ``earlier`` empty documents
    stored first stand for the rest of an archive (they make the group's names rare)."""
    store = MemoryStoryStore()
    for _ in range(earlier):
        store.add_document([], +1)
    out = {}
    for r in json.loads(fixture.read_text(encoding="utf-8"))[group]:
        article = Article(
            headline=r["headline"],
            published=datetime.fromisoformat(r["published"]),
            paragraphs=list(r["paragraphs"]),
            canonical_url=f"https://contoh.test/{r['key']}",
        )
        out[str(r["key"])] = assign(store, article_features(article), options).story_id
    return out
