"""benchmarks/synth.py builds its archive with the archive's bulk loader: the same archive ingest makes."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from benchmarks.synth import BuildOptions, SynthOptions, build_archive, load_corpus, synth_articles

from backends import open_test_archive
from conftest import shared_path
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer
from kabar.lang.analysis import tokenize

COUNT = 60


def _same_but_id(a: object, b: object) -> bool:
    return dataclasses.replace(a, id=None) == dataclasses.replace(b, id=None)  # type: ignore[type-var]


def test_the_synthetic_archive_answers_as_the_same_articles_ingested(tmp_path: Path) -> None:
    corpus = load_corpus(shared_path("corpus", "indosum-dev.jsonl"), limit=120)
    synth = SynthOptions(count=COUNT, seed=7)
    built = build_archive(
        BuildOptions(
            path=tmp_path / "synth.db",
            synth=synth,
            batch=16,
            progress=False,
            verify_every=1,
        ),
        corpus,
    )
    assert built.articles == COUNT and built.bytes_on_disk > 0
    assert built.optimize_seconds > 0  # the loader's finish: FTS5 segments merged

    ingested = open_test_archive(str(tmp_path / "ingested.db"), [FtsIndexer()])
    loaded = open_test_archive(str(tmp_path / "synth.db"))
    try:
        for article in synth_articles(corpus, synth):
            assert ingested.add(article).status == "added"
        assert loaded.count() == ingested.count() == COUNT
        ids = list(range(1, COUNT + 1))
        for mine, theirs in zip(loaded.get_many(ids), ingested.get_many(ids), strict=True):
            assert mine.id == theirs.id and _same_but_id(mine, theirs)
        words = sorted(
            {w for a in loaded.get_many(ids[::6]) for w in tokenize(a.headline or "") if len(w) > 4}
        )
        assert len(words) >= 10
        for word in words:
            query = SearchQuery(text=word, limit=50)
            found, expected = loaded.search(query), ingested.search(query)
            assert [h.id for h in found.hits] == [h.id for h in expected.hits], word
        assert any(loaded.search(SearchQuery(text=w)).hits for w in words)
    finally:
        loaded.close()
        ingested.close()


def test_without_the_finish_the_archive_still_answers(tmp_path: Path) -> None:
    corpus = load_corpus(shared_path("corpus", "indosum-dev.jsonl"), limit=40)
    options = BuildOptions(
        path=tmp_path / "s.db", synth=SynthOptions(count=10), optimize=False, progress=False
    )
    built = build_archive(options, corpus)
    assert built.articles == 10 and built.optimize_seconds == 0.0
    archive = open_test_archive(str(options.path))
    try:
        word = next(w for w in tokenize(archive.get(1).headline or "") if len(w) > 4)  # type: ignore[union-attr]
        assert 1 in [h.id for h in archive.search(SearchQuery(text=word, limit=20)).hits]
    finally:
        archive.close()


def test_the_builder_never_appends(tmp_path: Path) -> None:
    path = tmp_path / "synth.db"
    path.write_bytes(b"\x00not an archive")
    with pytest.raises(SystemExit, match="exists"):
        build_archive(BuildOptions(path=path, synth=SynthOptions(count=1), progress=False), corpus=[])
    assert path.read_bytes() == b"\x00not an archive"


def test_an_empty_build_is_an_empty_archive(tmp_path: Path) -> None:
    built = build_archive(
        BuildOptions(path=tmp_path / "none.db", synth=SynthOptions(count=0), progress=False), []
    )
    assert built.articles == 0
    archive = open_test_archive(str(tmp_path / "none.db"))
    try:
        assert archive.count() == 0
    finally:
        archive.close()
