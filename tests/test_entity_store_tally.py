"""The entity indexer's rows written in a few statements an article (``archive/entity_tally.py``):
the same resolution as one statement per step, a failing article costing only itself."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, text

from backends import open_test_archive
from kabar.archive.batch_write import BatchArchive
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.stores import IndexStores
from kabar.model import Article, Entity, Mention
from stories_support import person, understanding_archive


def _article(n: int, entities: list[Entity], **kw: Any) -> Article:
    return Article(
        headline=f"Berita {n} tentang perundingan",
        paragraphs=[f"Isi berita nomor{n} tentang perundingan damai."],
        published=datetime(2021, 3, 1, 9, tzinfo=UTC) + timedelta(days=n),
        canonical_url=f"https://contoh.test/{n}",
        entities=entities,
        **kw,
    )


def _place(name: str, aliases: list[str] | None = None) -> Entity:
    return Entity(name=name, type="place", aliases=aliases or [], mentions=[Mention(0, len(name), name)])


def _rows(archive: Any, table: str, order: str) -> list[tuple[Any, ...]]:
    with archive.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {order}"))]


def test_two_entries_of_one_article_on_one_entity_count_one_article(archive_url: str) -> None:
    # "Owl" is recorded as a name of the first entry's entity, so the second entry resolves to it:
    # one link holding both entries' mentions, one article counted (PostgreSQL counted two and
    # kept the first mentions only: the driver's row count of a skipped insert read as "inserted").
    archive = understanding_archive(archive_url)
    try:
        owl = person("Meeting Owl", aliases=["Owl"])
        owl.mentions = [Mention(0, 11, "Meeting Owl")] * 3
        aid = archive.add(_article(1, [owl, person("Owl")])).id
        eid = archive.entities.find_entity_id("Owl", "person")
        assert eid is not None and archive.entities.find_entity_id("Meeting Owl", "person") == eid
        record = archive.entities.get_entity(eid)
        assert record is not None and (record.article_count, record.mention_count) == (1, 4)
        assert _rows(archive, "article_entities", "entity_id") == [
            (aid, eid, 4, None, "2021-03-02T09:00:00+00:00")
        ]
        assert ("Owl" in record.names) and archive.entities.article_entity_ids(aid) == [eid]
    finally:
        archive.close()


def test_a_name_resolves_to_the_most_named_entity_as_counted_within_the_article(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    try:
        # two people recorded under the bare name "Budi" (recorded, never looked up: a surname)
        archive.add(_article(1, [person("Budi Santoso", aliases=["Budi"])]))
        archive.add(_article(2, [person("Budi Hartono", aliases=["Budi"])]))
        archive.add(_article(3, [person("Budi Hartono")]))
        santoso = archive.entities.find_entity_id("Budi Santoso", "person")
        hartono = archive.entities.find_entity_id("Budi Hartono", "person")
        assert santoso is not None and hartono is not None and santoso < hartono
        # The first entry makes Santoso as named as Hartono (two articles each) before the second,
        # "Budi" alone, is resolved: the tie goes to the older entity, so "Budi" is Santoso.
        aid = archive.add(_article(4, [person("Budi Santoso"), person("Budi")])).id
        assert archive.entities.article_entity_ids(aid) == [santoso]
        record = archive.entities.get_entity(santoso)
        assert record is not None and (record.article_count, record.mention_count) == (2, 3)
        # an entity created in an article is found by the article's next entry
        cid = archive.add(
            _article(6, [_place("Tanjung Harapan", ["Harapan Indah"]), _place("Harapan Indah")])
        ).id
        harapan = archive.entities.find_entity_id("Tanjung Harapan", "place")
        assert archive.entities.article_entity_ids(cid) == [harapan]
    finally:
        archive.close()


class _Exploding:
    """Fails on one article, after the entity indexer before it wrote that article's rows."""

    name = "exploding"

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        if (article.headline or "").startswith("Berita 3 "):
            raise ValueError("indexer failed on this article")

    def remove(self, stores: IndexStores, article_id: int) -> None:
        pass


def test_a_failing_article_in_a_batch_leaves_the_others_entity_rows(archive_url: str) -> None:
    articles = [
        _article(n, [person("Retno Marsudi", f"Menteri {n}"), _place(f"Kota {n}"), _place("Jenewa")])
        for n in range(6)
    ]
    archive = open_test_archive(archive_url, [EntityIndexer(), _Exploding()])
    assert isinstance(archive, BatchArchive)
    try:
        done = archive.add_batch(articles)
        assert [d.error is not None for d in done] == [n == 3 for n in range(6)]
        kept = [d.result.id for d in done if d.result is not None]
        entities = archive.entities
        retno, jenewa = entities.find_entity_id("Retno Marsudi"), entities.find_entity_id("Jenewa")
        assert retno is not None and jenewa is not None
        for eid in (retno, jenewa):
            record = entities.get_entity(eid)
            assert record is not None and (record.article_count, record.mention_count) == (5, 5)
            assert record.first_seen == datetime(2021, 3, 1, 9, tzinfo=UTC)
            assert record.last_seen == datetime(2021, 3, 6, 9, tzinfo=UTC)
        record = entities.get_entity(retno)
        assert record is not None and sorted(r.role for r in record.roles) == [
            f"Menteri {n}" for n in (0, 1, 2, 4, 5)
        ]
        assert entities.find_entity_id("Kota 3") is None  # created in the failed article, undone
        assert all(entities.find_entity_id(f"Kota {n}") is not None for n in (0, 1, 2, 4, 5))
        assert [len(entities.article_entity_ids(aid)) for aid in kept] == [3] * 5
        assert len(_rows(archive, "article_entities", "article_id")) == 15
    finally:
        archive.close()


class _Counted(EntityIndexer):
    """The entity indexer, counting the statements it runs."""

    def __init__(self) -> None:
        self.on = False
        self.seen: list[str] = []

    def count(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.on:
            self.seen.append(statement)

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        self.on = True
        try:
            super().index(stores, article_id, article)
        finally:
            self.on = False


def test_an_article_costs_a_few_entity_statements(archive_url: str) -> None:
    counted = _Counted()
    archive = open_test_archive(archive_url, [counted])
    event.listen(archive.engine, "before_cursor_execute", counted.count)
    try:
        many = [person(f"Tokoh Nomor{i} Satu", f"Jabatan {i}", [f"Tokoh Nomor{i}"]) for i in range(12)]
        archive.add(_article(1, many))
        assert len(counted.seen) <= 5  # nothing stored to change: no count update
        counted.seen.clear()
        aid = archive.add(_article(2, [*many, *(_place(f"Tempat{i}") for i in range(12))])).id
        # a read of the names, the created entities, the count changes, links, names, roles
        # (it was some seventy: a look-up per name, a link, a count update, names and roles each)
        assert len(counted.seen) <= 6, counted.seen
        assert len(archive.entities.article_entity_ids(aid)) == 24
        record = archive.entities.get_entity(archive.entities.find_entity_id("Tokoh Nomor0 Satu") or 0)
        assert record is not None and (record.article_count, len(record.roles)) == (2, 1)
    finally:
        archive.close()


def test_removing_an_article_takes_its_mentions_off_each_entity(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    try:
        retno = person("Retno Marsudi", "Menteri Luar Negeri")
        retno.mentions = [Mention(0, 13, "Retno Marsudi")] * 3
        first = archive.add(_article(1, [retno, _place("Jenewa")])).id
        archive.add(_article(2, [person("Retno Marsudi"), _place("Jenewa")]))
        with archive.engine.begin() as conn:
            EntityIndexer().remove(archive.index_stores(conn), first)
        counts = {}
        for name in ("Retno Marsudi", "Jenewa"):
            record = archive.entities.get_entity(archive.entities.find_entity_id(name) or 0)
            assert record is not None
            counts[name] = (record.article_count, record.mention_count)
        assert counts == {"Retno Marsudi": (1, 1), "Jenewa": (1, 1)}
        assert archive.entities.article_entity_ids(first) == []
    finally:
        archive.close()
