"""Bulk mode (kabar.archive.bulk_index): an archive loaded with its indexes built once at the end
answers exactly as one filled article by article — search, related news, duplicates, stories,
entities — on both backends; an interrupted bulk load is marked (pending) and a rerun finishes it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from backends import open_test_archive
from conftest import shared_path
from kabar.archive.base import Indexer, SearchQuery
from kabar.archive.batch_write import BatchArchive, deferred_indexes
from kabar.archive.bulk_index import BulkModeRefused, build_pending, newest_pending, pending_count
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.open import is_postgres
from kabar.archive.stores import EntityQuery, IndexStores
from kabar.link.related import RelatedOptions, related
from kabar.model import Article, Entity, Mention
from kabar.wiring import default_indexers

N_CORPUS = 40
QUERIES = ["presiden", "jakarta", "pemerintah", "banjir", '"menteri keuangan"', "polisi", "harga", "xyzzy"]
_NAME = re.compile(r"\b([A-Z][a-z]{2,}(?: [A-Z][a-z]{2,})?)\b")


def _entities(text: str) -> list[Entity]:
    """Capitalised names as people and places (cheap, deterministic: understanding is not under test)."""
    names = list(dict.fromkeys(m.group(1) for m in _NAME.finditer(text)))[:6]
    return [
        Entity(
            name=n,
            type="person" if i % 2 == 0 else "place",
            mentions=[Mention(0, len(n), n)] * (1 + text.count(n) % 3),
        )
        for i, n in enumerate(names)
    ]


def corpus_articles() -> list[Article]:
    """40 IndoSum articles (../shared), a reprint, a copy, and hostile text; in ingest order."""
    path = shared_path("corpus", "indosum-dev.jsonl")  # skips, saying so, without ../shared
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if len(out) >= N_CORPUS:
                break
            rec = json.loads(line)
            body = [p.strip() for p in rec["body"].split("\n\n") if p.strip()]
            out.append(
                Article(
                    headline=rec["title_from_slug"].capitalize(),
                    paragraphs=body,
                    published=datetime.fromisoformat(rec["published_utc"]),
                    outlet=rec["source"],
                    url=rec["url"],
                    canonical_url=rec["url"],
                    entities=_entities(" ".join(body)),
                )
            )
    first = out[3]
    reprint = Article(  # a near-duplicate: new headline, one paragraph dropped
        headline="Salinan: " + (first.headline or ""),
        paragraphs=first.paragraphs[:-1] if len(first.paragraphs) > 3 else first.paragraphs,
        published=first.published,
        outlet="reprint.test",
        url="https://reprint.test/a",
        canonical_url="https://reprint.test/a",
        entities=first.entities,
    )
    copy = Article(  # the same text under another URL: a copy, not an article
        headline=out[5].headline,
        paragraphs=out[5].paragraphs,
        published=out[5].published,
        outlet="copy.test",
        url="https://copy.test/b",
        canonical_url="https://copy.test/b",
        entities=out[5].entities,
    )
    hostile = Article(
        headline="Harga beras\x00 naik \ud800",
        paragraphs=["Harga beras naik lagi\x00 di pasar induk Jakarta.", "\u202e\ufeff" + "x" * 5000],
        url="https://hostile.test/c",
        canonical_url="https://hostile.test/c",
        entities=[Entity(name="Jakarta\x00", type="place", mentions=[Mention(0, 7, "Jakarta")])],
    )
    empty = Article(headline="Hanya judul", url="https://empty.test/d", canonical_url="https://empty.test/d")
    return [*out[:20], reprint, copy, hostile, empty, *out[20:]]


def _fresh(articles: Sequence[Article]) -> list[Article]:
    """Copies: ``add`` writes ids into the articles it is given."""
    return [Article(**{f: getattr(a, f) for f in a.__dataclass_fields__}) for a in articles]


@dataclass(slots=True)
class View:
    """What users see of an archive."""

    search: list[Any]
    related: list[Any]
    duplicates: list[Any]
    stories: list[Any]
    entities: list[Any]


def view(archive: BatchArchive) -> View:
    ids = list(range(1, archive.count() + 1))
    search = [
        [
            (h.id, round(h.score, 9), h.snippet)
            for h in archive.search(SearchQuery(text=q, order=o, limit=50)).hits
        ]
        for q in QUERIES
        for o in ("relevance", "newest")
    ]
    rel = [
        [(h.id, round(h.score, 9)) for h in related(archive, i, RelatedOptions(limit=5))] for i in ids[::3]
    ]
    dups = sorted(archive.duplicates.groups_of(ids).items())
    # Story and entity ids are left out: PostgreSQL's sequences do not roll back, so a build
    # interrupted and run again numbers new stories further on; what they hold is compared.
    st = archive.stories
    stories = [
        (s.label, s.article_count, s.first_published, s.last_published, st.story_article_ids(s.id))
        for s in st.list_stories(limit=1000, min_articles=1)
    ]
    ents = [
        (e.name, e.type, tuple(e.names), e.article_count, e.mention_count, e.first_seen, e.last_seen)
        for e in archive.entities.list_entities(EntityQuery(limit=1000))
    ]
    return View(search, rel, dups, sorted(stories, key=repr), sorted(ents, key=repr))


def _open(url: str, indexers: Sequence[Indexer]) -> BatchArchive:
    archive = open_test_archive(url, indexers)
    assert isinstance(archive, BatchArchive)  # both backends' archives write batches
    return archive


@contextmanager
def _second(archive_url: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if not is_postgres(archive_url):
        yield str(tmp_path / "reference.db")
        return
    with request.getfixturevalue("pg_server").database() as url:
        yield url


def _indexed_one_by_one(url: str, articles: Sequence[Article]) -> View:
    archive = _open(url, default_indexers(note_reach=False))
    try:
        for a in _fresh(articles):
            archive.add(a)
        return view(archive)
    finally:
        archive.close()


def _store_deferred(archive: BatchArchive, articles: Sequence[Article], batch: int = 9) -> None:
    fresh = _fresh(articles)
    with deferred_indexes():
        for i in range(0, len(fresh), batch):
            archive.add_batch(fresh[i : i + batch])


def test_bulk_mode_answers_as_one_by_one(
    archive_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    articles = corpus_articles()
    with _second(archive_url, request, tmp_path) as reference_url:
        want = _indexed_one_by_one(reference_url, articles)
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        _store_deferred(archive, articles)
        stored = len(articles) - 1  # the copy is no article of its own
        assert pending_count(archive) == archive.count() == stored
        assert archive.search(SearchQuery(text="presiden")).hits == []  # pending: not found yet
        report = build_pending(archive, chunk=11)  # several chunks: stories and duplicates across them
        assert (report.articles, report.chunks, report.refused) == (stored, -(-stored // 11), [])
        assert pending_count(archive) == 0
        got = view(archive)
    finally:
        archive.close()
    assert want.duplicates, "the reprint must make a duplicate group, else the test shows nothing"
    assert any(len(s[-1]) > 1 for s in want.stories), "no story with two articles: nothing shown"
    assert any(e[3] > 1 for e in want.entities)
    assert got.search == want.search
    assert got.related == want.related
    assert got.duplicates == want.duplicates
    assert got.stories == want.stories
    assert got.entities == want.entities


class _Interrupt:
    """An indexer that stops the build at one article, as a kill would (not an Exception)."""

    name = "interrupt"

    def __init__(self, at: int) -> None:
        self.at = at

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        if article_id == self.at:
            raise KeyboardInterrupt

    def remove(self, stores: IndexStores, article_id: int) -> None:
        pass


def test_interrupted_bulk_load_is_marked_and_a_rerun_finishes_it(
    archive_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    articles = corpus_articles()
    with _second(archive_url, request, tmp_path) as reference_url:
        want = _indexed_one_by_one(reference_url, articles)
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        half = len(articles) // 2
        _store_deferred(archive, articles[:half])  # killed after the first half was stored
        first = archive.count()
        assert pending_count(archive) == first > 12 and newest_pending(archive)
        archive.indexers.append(_Interrupt(at=14))
        with pytest.raises(KeyboardInterrupt):
            build_pending(archive, chunk=6)  # killed in the third chunk: two chunks built
        assert pending_count(archive) == first - 12
        # Consistent as far as it goes: the built articles are found, the pending ones not.
        searched = {h.id for q in QUERIES for h in archive.search(SearchQuery(text=q, limit=50)).hits}
        assert searched and max(searched) <= 12
        archive.indexers.pop()
        _store_deferred(archive, articles[half:])  # the rerun stores the rest (nothing twice) …
        _store_deferred(archive, articles[:half])
        build_pending(archive, chunk=6)  # … and builds what is pending
        assert pending_count(archive) == 0 and not newest_pending(archive)
        got = view(archive)
    finally:
        archive.close()
    assert got == want


class _Fails:
    name = "fails"

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        if "Hanya judul" in (article.headline or ""):
            raise ValueError("this indexer refuses the article")

    def remove(self, stores: IndexStores, article_id: int) -> None:
        pass


def test_an_article_an_indexer_fails_on_is_taken_out(archive_url: str) -> None:
    articles = corpus_articles()[18:26]
    archive = _open(archive_url, [*default_indexers(note_reach=False), _Fails()])
    try:
        _store_deferred(archive, articles)
        report = build_pending(archive, chunk=50)
        assert [r.headline for r in report.refused] == ["Hanya judul"]
        assert report.articles == archive.count() == len(articles) - 1  # all but the refused one
        assert pending_count(archive) == 0
        assert archive.search(SearchQuery(text="harga beras")).hits  # the chunk's others are indexed
    finally:
        archive.close()


def test_bulk_mode_bad_input(archive_url: str) -> None:
    archive = _open(archive_url, [EntityIndexer()])
    try:
        with pytest.raises(BulkModeRefused):
            build_pending(archive)  # no search indexer: nothing could mark an article indexed
    finally:
        archive.close()
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        assert build_pending(archive).articles == 0  # empty archive
        assert not newest_pending(archive)
        with pytest.raises(ValueError):
            build_pending(archive, chunk=0)
        with deferred_indexes():
            assert archive.add_batch([]) == []
    finally:
        archive.close()


def test_kabar_ingest_bulk_cli(tmp_path: Path) -> None:
    from kabar.cli.main import app  # the CLI's imports only for this test

    records = tmp_path / "in.jsonl"
    lines = [
        {
            "url": f"https://contoh.test/{i}",
            "headline": f"Banjir melanda kota {i}",
            "body": f"Banjir besar {i}. " * 20,
        }
        for i in range(6)
    ]
    records.write_text(
        "\n".join(json.dumps(x) for x in lines) + "\n\x00\xff not json\n",
        encoding="utf-8",
        errors="surrogateescape",
    )
    db = tmp_path / "k.db"
    runner = CliRunner()
    result = runner.invoke(app, ["ingest", str(records), "--db", str(db), "--bulk", "--no-understand", "-q"])
    assert result.exit_code == 3, result.output  # the broken line is rejected, the rest stored
    assert "6 added" in result.stdout and "0 write retries" in result.stdout
    assert "bulk: indexes built once for 6 articles" in result.stdout
    again = runner.invoke(app, ["ingest", str(records), "--db", str(db), "--no-understand", "-q"])
    assert "6 unchanged" in again.stdout and "0 write retries" in again.stdout
    found = runner.invoke(app, ["search", "banjir", "--db", str(db), "--format", "json"])
    assert found.exit_code == 0 and found.stdout.count("Banjir melanda kota") >= 6


def _shard(folder: Path, articles: Sequence[Article]) -> Path:
    from kabar.backfill.shard import Marker, ShardPaths, ShardRow, ShardWriter, write_marker

    out = folder / "shards"
    out.mkdir()
    warc = folder / "corpus.warc.gz"
    warc.write_bytes(b"")  # the shard's name comes from it; loading never reads it
    paths = ShardPaths.of(warc, out)
    with ShardWriter(paths) as writer:
        for n, a in enumerate(articles):
            writer.add(ShardRow.of(a, f"rec-{n}"))
    write_marker(paths, Marker(warc=str(warc), warc_size=0, warc_mtime_ns=0, rows=len(articles)))
    return out


def test_kabar_load_bulk_answers_as_the_one_by_one_load(
    archive_url: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    from kabar.backfill.load import load_shards

    # Text a shard cannot hold (a lone surrogate) is cleaned before a backfill writes one.
    shards = _shard(tmp_path, [a for a in corpus_articles()[:26] if "hostile" not in (a.url or "")])
    with _second(archive_url, request, tmp_path) as reference_url:
        reference = _open(reference_url, default_indexers(note_reach=False))
        try:
            one_by_one = load_shards(shards, reference)
            want = view(reference)
        finally:
            reference.close()
    archive = _open(archive_url, default_indexers(note_reach=False))
    try:
        bulk = load_shards(shards, archive, bulk=True)
        assert bulk.built is not None and bulk.built.articles == archive.count()
        assert bulk.summary.added == one_by_one.summary.added
        assert load_shards(shards, archive, bulk=True).summary.added == 0  # a rerun stores nothing twice
        got = view(archive)
    finally:
        archive.close()
    assert got == want
