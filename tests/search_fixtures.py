"""Small hand-written Indonesian articles for the search tests (no third-party text)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from backends import open_test_archive, search_indexer
from kabar.archive.articles_core import CoreArchive
from kabar.model import Article
from kabar.sources.records import map_record

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


def search_archive(location: Path | str) -> CoreArchive:
    """An archive (a SQLite path or a PostgreSQL URL) with only the search indexer, filled
    with the fixture articles."""
    archive = open_test_archive(str(location), indexers=[search_indexer(str(location))])
    for article in fixture_articles():
        archive.add(article)
    return archive


@dataclass(slots=True)
class Pair:
    """The same articles in a SQLite and a PostgreSQL archive, for parity tests."""

    sqlite: CoreArchive
    postgresql: CoreArchive


def corpus_articles(path: Path, count: int) -> list[Article]:
    """The fixture articles and the first ``count`` records of the IndoSum corpus at ``path``."""
    out = fixture_articles()
    with path.open(encoding="utf-8") as fh:
        for line in itertools.islice(fh, count):
            mapped = map_record(json.loads(line), str(path))
            if mapped.article is not None:
                out.append(mapped.article)
    return out
