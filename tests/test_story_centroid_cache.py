"""An archive keeps its story centroids parsed across articles (kabar.archive.centroid_cache), and
a read is never served from an entry the stored centroid has moved away from: another writer's
save, a save rolled back, a caller changing what it read."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.sql_source import BoundSource
from kabar.archive.story_store import SqlStoryStore
from kabar.model import Article
from kabar.understand.story_cluster import Centroid, ClusterOptions, update_centroid
from kabar.understand.story_features import article_features


def _centroid(terms: dict[str, float], count: int = 1) -> Centroid:
    return Centroid(terms=terms, title={"banjir": 1.0}, entities={"jakarta": 1.0}, count=count)


def _article() -> Article:
    return Article(
        url="https://example.test/gempa",
        headline="Gempa guncang Jakarta",
        paragraphs=["Gempa bumi mengguncang Jakarta pada Senin pagi, warga Jakarta panik."],
        published=datetime(2024, 1, 8, 3, 0, tzinfo=UTC),
    )


@pytest.fixture
def archives(archive_url: str) -> Iterator[tuple[CoreArchive, CoreArchive]]:
    """Two archives on one database: two writers, each with a cache of its own."""
    first, second = open_test_archive(archive_url), open_test_archive(archive_url)
    yield first, second
    first.close()
    second.close()


def test_a_read_is_a_copy_the_next_read_does_not_see_changed(archives) -> None:  # type: ignore[no-untyped-def]
    archive, _ = archives
    sid = archive.stories.create(_centroid({"banjir": 2.0}), ["t:banjir"])
    read = archive.stories.load([sid])[sid]
    # what the clustering does to a centroid it loaded, before saving it
    update_centroid(read, article_features(_article()), +1, ClusterOptions())
    read.count = 7
    assert "gempa" in read.terms and "gempa" in read.title
    again = archive.stories.load([sid])[sid]
    assert again.terms == {"banjir": 2.0}
    assert again.title == {"banjir": 1.0}
    assert again.headlines == [] and again.names == {} and again.published_days == {}
    assert again.count == 1
    assert archive.centroids.parse(sid, '{"terms": {"banjir": 2.0}}', 1, None, None).terms == {"banjir": 2.0}


def test_update_centroid_changes_no_map_in_place() -> None:
    """Loaded centroids share their maps with the cache: an update must replace them, not edit them."""
    c = _centroid({"banjir": 2.0})
    maps = {name: getattr(c, name) for name in ("terms", "title", "entities", "names", "published_days")}
    frozen = {name: dict(m) for name, m in maps.items()}
    update_centroid(c, article_features(_article()), +1, ClusterOptions())
    assert {name: dict(m) for name, m in maps.items()} == frozen
    assert c.terms != frozen["terms"]


def test_another_writers_save_is_read(archives) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = archives
    sid = ours.stories.create(_centroid({"banjir": 2.0}), ["t:banjir"])
    assert ours.stories.load([sid])[sid].terms == {"banjir": 2.0}
    assert len(ours.centroids) == 1  # kept parsed by ours: what their save must not leave stale
    theirs.stories.save(sid, _centroid({"banjir": 3.0, "rob": 1.0}, count=2), ["t:banjir", "t:rob"])
    got = ours.stories.load([sid])[sid]
    assert got.terms == {"banjir": 3.0, "rob": 1.0}
    assert got.count == 2


def test_a_save_rolled_back_is_not_read(archives) -> None:  # type: ignore[no-untyped-def]
    archive, _ = archives
    sid = archive.stories.create(_centroid({"banjir": 2.0}), ["t:banjir"])
    with archive.engine.connect() as conn:
        trans = conn.begin()
        store = SqlStoryStore(BoundSource(conn), archive.centroids)
        store.save(sid, _centroid({"gempa": 4.0}, count=2), ["t:gempa"])
        assert store.load([sid])[sid].terms == {"gempa": 4.0}
        trans.rollback()
    got = archive.stories.load([sid])[sid]
    assert got.terms == {"banjir": 2.0}
    assert got.count == 1


def test_the_cache_keeps_at_most_its_size_the_least_recently_read_go() -> None:
    from kabar.archive.centroid_cache import CentroidCache

    cache = CentroidCache(size=2)
    for sid in (1, 2):
        cache.keep(sid, "{}", _centroid({}))
    cache.parse(1, "{}", 1, None, None)  # 1 read again: 2 is now the oldest
    cache.keep(3, "{}", _centroid({}))
    assert len(cache) == 2
    assert cache.parse(3, '{"terms": {"rob": 1.0}}', 1, None, None).terms == {"rob": 1.0}  # another text


def test_a_cached_read_carries_every_field_the_stored_text_holds() -> None:
    # a field the copy forgets reads back empty from the cache only: the archive's clustering
    # would then differ from the in-memory one (the event names and stages once did)
    from dataclasses import fields

    from kabar.archive.centroid_cache import CentroidCache

    full = Centroid(
        **{
            f.name: ({"k": 1.0} if f.type.startswith("dict[str, float]") else getattr(Centroid(), f.name))
            for f in fields(Centroid)
            if f.name not in ("names", "headlines", "count", "first", "last", "label")
        },
        names={"k": "K"},
        headlines=["h"],
    )
    cache = CentroidCache(size=2)
    cache.keep(1, "t", full)
    got = cache.parse(1, "t", 1, None, None)
    for f in fields(Centroid):
        if f.name not in ("count", "first", "last", "label"):
            assert getattr(got, f.name) == getattr(full, f.name), f.name
