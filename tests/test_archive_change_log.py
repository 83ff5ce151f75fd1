"""The change log (archive/change_log.py) and the change stamp it gives PostgreSQL, on both backends."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import delete, select

from backends import open_test_archive
from kabar.archive import change_log
from kabar.archive.articles_core import CoreArchive, article_row
from kabar.archive.batch_write import BatchArchive
from kabar.archive.change_stamp import ChangeWatch, watch_changes
from kabar.archive.open import is_postgres
from kabar.archive.schema import articles
from kabar.wiring import default_indexers
from serve_support import make_article, story_article


@pytest.fixture
def archive(archive_url: str) -> Iterator[BatchArchive]:
    arch = open_test_archive(archive_url, default_indexers(note_reach=True))
    assert isinstance(arch, BatchArchive)  # the Archive protocol (add_batch included) both backends are
    yield arch
    arch.close()


def _read(archive: CoreArchive, since: int, articles_max: int) -> change_log.ChangeBatch:
    with archive.engine.connect() as conn:
        return change_log.changes_since(conn, since, articles_max)


def test_each_stored_change_is_logged_with_its_story_entities_and_urls(archive: BatchArchive) -> None:
    watch = watch_changes(archive)
    try:
        start = watch.position()
        assert start == change_log.LogPosition(0, 0)
        first = archive.add(story_article(1))
        second = archive.add(story_article(2))
        assert archive.add(story_article(2)).status == "unchanged"  # nothing to tell: not logged
        copy = story_article(2)
        copy.url = copy.canonical_url = "https://cermin.example/salinan"
        assert archive.add(copy).status == "copy"
        edited = story_article(1)
        edited.paragraphs = [*edited.paragraphs, "Paragraf tambahan."]
        assert archive.add(edited).status == "updated"
        batch = watch.read_changes(start.seq, start.articles_max)
    finally:
        watch.close()
    assert batch.complete and batch.articles_max == second.id
    assert [(c.article_id, c.change) for c in batch.changes] == [
        (first.id, "added"),
        (second.id, "added"),
        (second.id, "copy"),
        (first.id, "updated"),
    ]
    seqs = [c.seq for c in batch.changes]
    assert seqs == sorted(seqs) and batch.position == seqs[-1]
    added = batch.changes[0]
    assert added.story_id == archive.stories.article_story(first.id) and added.story_id is not None
    assert set(added.entity_ids) == set(archive.entities.article_entity_ids(first.id)) and added.entity_ids
    assert added.urls == ("https://example.id/berita/1",) and added.outlet == "TEMPO.CO"
    assert batch.changes[2].urls == ()  # a copy's URL is not the article's
    again = _read(archive, batch.position, batch.articles_max)
    assert again.complete and again.changes == () and again.position == batch.position


def test_each_row_names_the_pages_it_touches(archive: BatchArchive) -> None:
    """``affected`` (0009_change_reach): the story's other members and the related reach the
    indexer noted, never the article itself; a copy names its story's members without a
    ranking; a writer without the reach indexer leaves it unknown (None)."""
    first = archive.add(story_article(1))
    second = archive.add(story_article(2))
    copy = story_article(2)
    copy.url = copy.canonical_url = "https://cermin.example/salinan"
    archive.add(copy)
    batch = _read(archive, 0, 0)
    added_first, added_second, copied = batch.changes
    assert added_first.affected is not None and first.id not in added_first.affected
    assert added_second.article_id == second.id and added_second.affected is not None
    assert first.id in added_second.affected  # its story's member, and within its reach
    assert copied.change == "copy" and copied.affected == frozenset({first.id})  # its story's other member
    bare = open_test_archive(archive.url)  # no indexers, so no reach noted
    try:
        bare.add(make_article(7))
    finally:
        bare.close()
    (unknown,) = _read(archive, batch.position, batch.articles_max).changes
    assert unknown.affected is None


def test_a_write_the_log_missed_or_pruned_makes_the_batch_incomplete(archive: BatchArchive) -> None:
    archive.add(make_article(1))
    base = _read(archive, 0, 0)
    assert base.complete and len(base.changes) == 1
    # An article stored past the log (as a bulk load does): "everything may have changed".
    stray = make_article(2)
    with archive.engine.begin() as conn:
        conn.execute(articles.insert(), article_row(stray, stray.content_hash))
    missed = _read(archive, base.position, base.articles_max)
    assert not missed.complete and missed.articles_max == base.articles_max + 1
    assert _read(archive, missed.position, missed.articles_max).complete  # from there on, whole again
    archive.add(make_article(3))
    archive.add(make_article(4))
    with archive.engine.begin() as conn:  # the oldest rows pruned past a reader left behind
        oldest = conn.execute(select(change_log.change_log.c.seq).order_by("seq").limit(2)).scalars().all()
        conn.execute(delete(change_log.change_log).where(change_log.change_log.c.seq <= oldest[-1]))
    behind = _read(archive, base.position, missed.articles_max)
    assert not behind.complete
    with archive.engine.connect() as conn:
        too_many = change_log.changes_since(conn, 0, 0, limit=0)
    assert not too_many.complete


@pytest.mark.parametrize("since", [-1, 0, 2**62])
def test_any_position_asked_for_gives_an_answer(archive: BatchArchive, since: int) -> None:
    archive.add(make_article(1))
    batch = _read(archive, since, max(0, since))
    assert batch.position == 1 and all(c.seq > since for c in batch.changes)
    # before the first row there is nothing a reader can have seen: "not whole" is the safe answer
    assert batch.complete == (since >= 0)


def test_without_a_log_every_batch_is_incomplete() -> None:
    watch = ChangeWatch(None)
    assert not watch.read_changes(0, 0).complete and watch.position() == change_log.LogPosition(0, 0)


def test_the_stamp_moves_on_a_stored_article_and_not_on_other_writes(
    archive: BatchArchive, archive_url: str
) -> None:
    watch = watch_changes(archive)
    try:
        before = watch.stamp()
        archive.fetch_log.prune()  # a commit that changes no article
        if is_postgres(archive_url):
            # The old stamp (the server's WAL position) moved on every WAL record anywhere in the
            # cluster: this message is one, and so are autovacuum, checkpoints and other databases.
            with psycopg.connect(archive_url.replace("postgresql+psycopg", "postgresql")) as pg:
                pg.execute("SELECT pg_logical_emit_message(false, 'kabar-test', 'x')")
                pg.execute("CREATE TEMP TABLE t (x int); INSERT INTO t VALUES (1)")
            assert watch.stamp() == before
        archive.add(make_article(1))
        assert watch.stamp() != before
    finally:
        watch.close()


def test_concurrent_writers_never_commit_below_a_position_already_read(
    archive: BatchArchive, archive_url: str
) -> None:
    """Positions are in commit order: a reader following the log sees every change exactly once."""
    if not is_postgres(archive_url):
        pytest.skip("SQLite has one writer at a time: insert order is commit order there")
    writers = [open_test_archive(archive_url) for _ in range(3)]  # no indexers: fast, many commits
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(w: int) -> None:
        try:
            for n in range(25):
                writers[w].add(make_article(1000 * (w + 1) + n))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    seen: list[int] = []
    since, articles_max = 0, 0
    threads = [threading.Thread(target=write, args=(w,)) for w in range(3)]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads) or not stop.is_set():
            if not any(t.is_alive() for t in threads):
                stop.set()  # one last reading after every writer has finished
            batch = _read(archive, since, articles_max)
            assert batch.complete
            seen += [c.article_id for c in batch.changes]
            since, articles_max = batch.position, batch.articles_max
    finally:
        for t in threads:
            t.join()
        for w in writers:
            w.close()
    assert not errors
    assert len(seen) == 75 and len(set(seen)) == 75


class _Refuses:
    """An indexer that raises on one article: its savepoint is rolled back, the batch goes on."""

    name = "refuses"

    def __init__(self, headline: str) -> None:
        self.headline = headline

    def index(self, stores: object, article_id: int, article: object) -> None:
        if getattr(article, "headline", None) == self.headline:
            raise ValueError("refused")

    def remove(self, stores: object, article_id: int) -> None:
        return None


def test_a_batch_logs_exactly_its_stored_articles_in_order(archive_url: str) -> None:
    """add_batch writes its log rows together before its commit: one per stored article, in
    the batch's order, none for an article whose savepoint was rolled back, and no row stays
    pending on the pooled connection for the next writer."""
    refused = make_article(3)
    batch_archive = open_test_archive(archive_url, [_Refuses(str(refused.headline))])
    assert isinstance(batch_archive, BatchArchive)
    try:
        done = batch_archive.add_batch([make_article(1), make_article(2), refused, make_article(4)])
        assert [d.error is not None for d in done] == [False, False, True, False]
        batch = _read(batch_archive, 0, 0)
        assert batch.complete
        stored = [d.result.id for d in done if d.result is not None]
        assert [(c.article_id, c.change) for c in batch.changes] == [(i, "added") for i in stored]
        assert [c.seq for c in batch.changes] == sorted(c.seq for c in batch.changes)
        single = batch_archive.add(make_article(5))  # logged at once, on the same pool
        after = _read(batch_archive, batch.position, batch.articles_max)
        assert after.complete and [c.article_id for c in after.changes] == [single.id]
    finally:
        batch_archive.close()
