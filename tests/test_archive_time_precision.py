"""An article's time known to the day only, kept by the archive on both backends.

``published_precision`` ("day" | "minute" | "second") is stored in the article's JSON and in its
own column (migration 0011_time_precision), so a list shows a bare day as its date without a clock
and never moves it to the day before. Rows written before the column read back as unknown (None).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, create_engine, select

from backends import open_test_archive
from conftest import BACKENDS
from kabar.archive.articles_core import article_row
from kabar.archive.base import ListQuery
from kabar.archive.migrate import _config
from kabar.archive.schema import articles
from kabar.model import Article, TimePrecision
from old_archive_support import engine_url, old_archive

NEW_YORK = timezone(timedelta(hours=-5))
BODY = [
    "Dewan kota menyetujui anggaran taman baru di tepi sungai setelah rapat tiga jam.",
    "Warga meminta jalur sepeda dan penerangan yang lebih baik di sepanjang taman.",
]


def _article(url: str, published: datetime, precision: TimePrecision | None) -> Article:
    return Article(
        headline=f"Anggaran taman disetujui ({url[-1]})",
        paragraphs=[f"{url}.", *BODY],
        published=published,
        published_precision=precision,
        outlet="Koran",
        url=url,
        canonical_url=url,
        captured_at=datetime(2024, 5, 4, tzinfo=UTC),
    )


def test_a_bare_day_round_trips_with_its_precision(archive_url: str) -> None:
    day = datetime(2024, 5, 3, tzinfo=NEW_YORK)  # "May 3, 2024": midnight in the page's own offset
    clock = datetime(2024, 5, 3, 9, 15, tzinfo=NEW_YORK)
    with open_test_archive(archive_url) as archive:
        day_id = archive.add(_article("https://koran.example/a/1", day, "day")).id
        clock_id = archive.add(_article("https://koran.example/a/2", clock, "minute")).id
        read = archive.get(day_id)
        assert read is not None and (read.published, read.published_precision) == (day, "day")
        assert read.published is not None and read.published.date().isoformat() == "2024-05-03"
        other = archive.get(clock_id)
        assert other is not None and other.published_precision == "minute"
        listed = {s.id: s for s in archive.list_articles(ListQuery(limit=10))}
        assert listed[day_id].published_precision == "day"
        assert listed[day_id].published == day  # the page's own offset: its date stays 3 May
        assert listed[clock_id].published_precision == "minute"
        assert [s.published_precision for s in archive.summaries([day_id])] == ["day"]
        with archive.engine.connect() as conn:
            column = conn.execute(select(articles.c.published_precision).order_by(articles.c.id)).scalars()
            assert list(column) == ["day", "minute"]


@pytest.fixture(params=BACKENDS)
def old_archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database at 0010_url_identity (the kabar before the column) holding one article."""
    yield from old_archive(request, tmp_path, "0010_url_identity", _one_old_row)


def _one_old_row(conn: Connection) -> None:
    article = _article("https://koran.example/lama/1", datetime(2024, 5, 3, tzinfo=UTC), None)
    row = article_row(article, article.content_hash)
    del row["published_precision"]  # the column did not exist
    data = json.loads(row["data"])
    for key in ("published_precision", "modified_precision"):
        del data[key]  # nor the JSON keys
    row["data"] = json.dumps(data)
    conn.execute(articles.insert(), row)


def test_an_old_row_reads_back_as_unknown_precision(old_archive_url: str) -> None:
    with open_test_archive(old_archive_url) as archive:  # a writer: migrates to head
        read = archive.get(1)
        assert read is not None and read.published is not None
        assert read.published_precision is None  # a midnight may be a bare day or 00:00: not guessed
        assert [s.published_precision for s in archive.list_articles(ListQuery(limit=5))] == [None]
        new = archive.add(
            _article("https://koran.example/baru/2", datetime(2024, 5, 5, tzinfo=NEW_YORK), "day")
        )
        assert [s.published_precision for s in archive.summaries([1, new.id])] == [None, "day"]


def test_the_migration_goes_down_and_up_again(old_archive_url: str) -> None:
    from sqlalchemy import inspect

    engine = create_engine(engine_url(old_archive_url))
    config = _config()
    try:
        for target, present in (("head", True), ("0010_url_identity", False), ("head", True)):
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                if target == "head":
                    command.upgrade(config, target)
                else:
                    command.downgrade(config, target)
            with engine.connect() as conn:
                columns = {c["name"] for c in inspect(conn).get_columns("articles")}
            assert ("published_precision" in columns) is present, target
        with engine.connect() as conn:
            assert list(conn.execute(select(articles.c.published_precision)).scalars()) == [None]
    finally:
        engine.dispose()
