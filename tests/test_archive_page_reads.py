"""What a portal page reads: light briefs for lists of other articles, and one read transaction per page."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import event, text

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.model import Article
from kabar.wiring import default_indexers

WIB = timezone(timedelta(hours=7))


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = open_test_archive(archive_url, default_indexers())
    try:
        yield arch
    finally:
        arch.close()


def _article(n: int, description: str | None, paragraphs: list[str]) -> Article:
    return Article(
        headline=f"Banjir Jakarta {n}",
        published=datetime(2020, 11, 3, 16, 50, tzinfo=WIB) - timedelta(hours=n),
        outlet="TEMPO.CO",
        paragraphs=paragraphs,
        url=f"https://example.id/berita/{n}",
        canonical_url=f"https://example.id/berita/{n}",
        description=description,
    )


def test_a_brief_shows_what_the_whole_article_would(archive: CoreArchive) -> None:
    ids = [
        archive.add(_article(1, "Ringkasan satu.", ["Paragraf satu."])).id,
        archive.add(_article(2, None, ["Paragraf pertama dua.", "Paragraf kedua."])).id,
        archive.add(_article(3, "", ["Paragraf pertama tiga."])).id,
        archive.add(_article(4, None, [])).id,
    ]
    asked = [ids[3], 999_999, ids[1], ids[0], ids[2]]  # an unknown id is skipped; order kept
    briefs = archive.briefs(asked)
    whole = archive.get_many(asked)
    assert [b.id for b in briefs] == [a.id for a in whole] == [ids[3], ids[1], ids[0], ids[2]]
    for brief, article in zip(briefs, whole, strict=True):
        assert brief.headline == article.headline
        assert brief.published == article.published
        assert brief.outlet == article.outlet
        assert brief.url == article.url
        assert brief.blurb == (article.description or (article.paragraphs[0] if article.paragraphs else None))
    assert [b.blurb for b in briefs] == [
        None,
        "Paragraf pertama dua.",
        "Ringkasan satu.",
        "Paragraf pertama tiga.",
    ]


def _begins(archive: CoreArchive) -> list[int]:
    seen: list[int] = []

    @event.listens_for(archive.engine, "begin")
    def _count(_conn: object) -> None:
        seen.append(1)

    return seen


def test_a_shared_read_is_one_transaction_for_every_store(archive: CoreArchive) -> None:
    article_id = archive.add(_article(1, "Ringkasan.", ["Paragraf."])).id
    begins = _begins(archive)
    with archive.shared_read():
        assert archive.get(article_id) is not None
        archive.briefs([article_id])
        archive.copies.copies_of(article_id)
        archive.stories.article_story(article_id)
        archive.entities.article_entity_ids(article_id)
    assert len(begins) == 1
    archive.get(article_id)  # outside the block: a transaction of its own again
    assert len(begins) == 2


def test_a_failed_read_inside_a_shared_read_does_not_fail_the_next(archive: CoreArchive) -> None:
    article_id = archive.add(_article(1, "Ringkasan.", ["Paragraf."])).id
    with archive.shared_read():
        with pytest.raises(Exception), archive._read() as conn:  # noqa: B017 - each backend's own error
            conn.execute(text("SELECT * FROM no_such_table"))
        # PostgreSQL aborts a transaction after an error: the next section still reads.
        assert archive.get(article_id) is not None


def test_shared_reads_in_two_threads_keep_their_own_connections(archive: CoreArchive) -> None:
    article_id = archive.add(_article(1, "Ringkasan.", ["Paragraf."])).id
    seen: dict[str, int] = {}

    def read(name: str) -> None:
        with archive.shared_read(), archive._read() as conn:
            seen[name] = id(conn)
            assert archive.get(article_id) is not None

    with archive.shared_read(), archive._read() as outer:
        worker = threading.Thread(target=read, args=("worker",))
        worker.start()
        worker.join()
        assert seen["worker"] != id(outer)  # a thread starts outside the page's scope
