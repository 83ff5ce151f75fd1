"""Small hand-written Indonesian articles for the search tests (no third-party text)."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from kabar.archive.fts import FtsIndexer
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.model import Article

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "search" / "articles.json"


def fixture_articles() -> list[Article]:
    out = []
    for rec in json.loads(FIXTURE.read_text(encoding="utf-8")):
        out.append(
            Article(
                headline=rec["headline"],
                published=datetime.fromisoformat(rec["published"]),
                outlet=rec["outlet"],
                url=rec["url"],
                canonical_url=rec["url"],
                paragraphs=list(rec["paragraphs"]),
            )
        )
    return out


def search_archive(path: Path) -> SqliteArchive:
    """An archive with only the search indexer, filled with the fixture articles."""
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[FtsIndexer()]))
    for article in fixture_articles():
        archive.add(article)
    return archive
