"""A batch of new articles costs few statements each: the per-statement cost of a bulk ingest.

Each statement pays the driver and SQLAlchemy's execution path; a bulk ingest of new articles
used to run ten an article before any indexer (a savepoint around a savepoint, four look-ups
that all found nothing, two change-log reads and an insert). Counted on both backends, over
an archive with no indexers, so only the article rules' own statements are counted.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import event

from backends import open_test_archive
from kabar.archive import articles_core
from kabar.archive.articles_core import CoreArchive
from kabar.archive.batch_write import deferred_indexes
from kabar.link.shingles import ShingleOptions, paragraph_shingles
from kabar.model import Article

ARTICLES = 24
PER_ARTICLE = 5  # look-up, savepoint, insert, release, and one to spare
PER_BATCH = 8  # the transaction, its writer lock, the change log's reads, insert and lock


def report(n: int) -> Article:
    url = f"https://uji.example/berita/{n}"
    return Article(
        headline=f"Berita {n} banjir Jakarta",
        paragraphs=[f"Paragraf berita nomor{n} tentang banjir."],
        url=url,
        canonical_url=url,
    )


def test_a_batch_of_new_articles_runs_few_statements_an_article(archive_url: str) -> None:
    archive = open_test_archive(archive_url, [])
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    try:
        event.listen(archive.engine, "before_cursor_execute", count)
        done = archive.add_batch([report(n) for n in range(ARTICLES)])
        event.remove(archive.engine, "before_cursor_execute", count)
        assert [d.result.status for d in done if d.result] == ["added"] * ARTICLES
        assert len(seen) <= PER_ARTICLE * ARTICLES + PER_BATCH, seen[:40]
        # the same rules still hold: the same text again is one article, under its own URL
        again = archive.add_batch([report(0), report(ARTICLES)])
        assert [d.result.status for d in again if d.result] == ["unchanged", "added"]
        assert archive.count() == ARTICLES + 1
    finally:
        archive.close()


def _statements(archive: CoreArchive, articles: list[Article]) -> list[str]:
    """The statements ``add_batch`` runs for ``articles`` in bulk mode (indexes deferred)."""
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        seen.append(statement)

    event.listen(archive.engine, "before_cursor_execute", count)
    try:
        with deferred_indexes():
            done = archive.add_batch(articles)
    finally:
        event.remove(archive.engine, "before_cursor_execute", count)
    assert [d.result.status for d in done if d.result] == ["added"] * len(articles)
    return seen


def test_a_bulk_batch_of_new_articles_looks_them_up_once(archive_url: str) -> None:
    """One look-up for the batch, not one an article; on SQLite no savepoint either (the insert
    is the article's one statement and undoes itself on failure), on PostgreSQL the savepoint stays."""
    archive = open_test_archive(archive_url, [])
    try:
        seen = _statements(archive, [report(n) for n in range(ARTICLES)])
        per_article = 1 if archive.engine.dialect.name == "sqlite" else 3
        assert len(seen) <= per_article * ARTICLES + PER_BATCH, seen[:40]
        # the articles stored before are found by the batch's look-up: their own path again
        again = archive.add_batch([report(0), report(ARTICLES), report(ARTICLES)])
        assert [d.result.status for d in again if d.result] == ["unchanged", "added", "unchanged"]
        assert archive.count() == ARTICLES + 1
    finally:
        archive.close()


def test_an_unmatched_article_whose_insert_is_refused_takes_the_full_path(
    archive_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A row with the article's URL arriving after the batch's look-up (another writer): the
    insert is refused, the batch goes on, and the article is found as the stored one."""
    archive = open_test_archive(archive_url, [])
    try:
        archive.add(report(1))
        # the look-up misses what is stored, as one taken before the other writer's commit would
        monkeypatch.setattr(articles_core, "unmatched", lambda _conn, batch: set(range(len(batch))))
        with deferred_indexes():
            done = archive.add_batch([report(0), report(1), report(2)])
        assert [d.result.status for d in done if d.result] == ["added", "unchanged", "added"]
        assert archive.count() == 3
    finally:
        archive.close()


def _reference_shingles(paragraphs: list[str], options: ShingleOptions) -> set[str]:
    """The shingles one by one, the cap checked after each (what the fast path must equal)."""
    import re

    out: set[str] = set()
    for paragraph in paragraphs:
        words = re.findall(r"\w+", paragraph[: options.max_shingles * 32].lower())
        if not words:
            continue
        if len(words) < options.size:
            out.add(" ".join(words))
        for i in range(len(words) - options.size + 1):
            out.add(" ".join(words[i : i + options.size]))
            if len(out) >= options.max_shingles:
                return out
    return out


def test_shingles_taken_at_once_are_the_shingles_taken_one_by_one() -> None:
    paragraphs = [
        "Banjir merendam ratusan rumah di Jakarta Timur pada Senin pagi.",
        "Dua kata",
        "",
        "Warga mengungsi ke masjid dan sekolah terdekat; banjir surut sore harinya.",
    ] * 3
    for cap in (1, 5, 12, 13, 30, 20_000):
        for size in (1, 2, 3, 5):
            options = ShingleOptions(size=size, max_shingles=cap)
            assert paragraph_shingles(paragraphs, options) == _reference_shingles(paragraphs, options)


def test_a_batch_serialises_each_clean_article_once(
    archive_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row's JSON is also what shows whether an article needs cleaning (a NUL, a lone
    surrogate): a clean article is serialised (and its text hashed) once, not once to check and
    again for its row; a dirty one, or one whose text merely spells ``\\u0000``, still is cleaned
    as before."""
    from kabar.archive import articles_core

    made: list[int] = []
    real = articles_core.article_to_dict

    def counted(article: Article) -> Any:
        made.append(1)
        return real(article)

    monkeypatch.setattr(articles_core, "article_to_dict", counted)
    archive = open_test_archive(archive_url, [])
    try:
        done = archive.add_batch([report(n) for n in range(ARTICLES)])
        assert [d.result.status for d in done if d.result] == ["added"] * ARTICLES
        assert len(made) == ARTICLES
        spelled = replace(report(ARTICLES), paragraphs=["Teks yang menulis \\u0000 apa adanya."])
        dirty = replace(
            report(ARTICLES + 1), headline="Banjir\x00 Jakarta", paragraphs=["Teks \ud800 rusak."]
        )
        done = archive.add_batch([spelled, dirty])
        assert [d.result.status for d in done if d.result] == ["added", "added"]
        stored = archive.get_many([d.result.id for d in done if d.result])
        assert stored[0].paragraphs == spelled.paragraphs
        assert stored[1].headline == "Banjir Jakarta" and stored[1].paragraphs == ["Teks ? rusak."]
    finally:
        archive.close()
