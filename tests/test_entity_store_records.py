"""Entity records across the archive: one id per entity, names, roles over time, article counts."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.stores import EntityQuery
from kabar.model import Article, Entity
from kabar.understand.store import normalise_name
from stories_support import person, understanding_archive


def _article(n: int, entities: list[Entity], day: int) -> Article:
    return Article(
        headline=f"Berita {n} tentang Armenia dan Azerbaijan",
        paragraphs=[f"Isi berita nomor {n} tentang perundingan damai Armenia dan Azerbaijan."],
        published=datetime(2020, 11, day, 9, 0, tzinfo=UTC),
        canonical_url=f"https://contoh.test/{n}",
        entities=entities,
    )


def test_one_id_per_entity_with_names_roles_and_counts(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    a1 = archive.add(_article(1, [person("Vladimir Putin", "Presiden Rusia", ["Putin"])], 1)).id
    a2 = archive.add(_article(2, [person("Vladimir Putin", "Presiden Federasi Rusia")], 2)).id
    a3 = archive.add(
        _article(3, [Entity(name="Amerika Serikat", type="place", aliases=["AS"]), person("Mike Pompeo")], 3)
    ).id
    a4 = archive.add(_article(4, [Entity(name="AS", type="place")], 4)).id  # the acronym alone
    with archive.engine.connect():
        putin = archive.entities.find_entity_id("vladimir  PUTIN", "person")
        assert putin is not None
        record = archive.entities.get_entity(putin)
        assert record is not None and record.name == "Vladimir Putin" and record.type == "person"
        assert record.article_count == 2 and "Putin" in record.names
        assert [r.role for r in record.roles] == ["Presiden Federasi Rusia", "Presiden Rusia"]  # latest first
        assert record.roles[1].first_seen == datetime(2020, 11, 1, 9, 0, tzinfo=UTC)
        assert archive.entities.entity_articles(putin) == [a2, a1]  # newest first
        us = archive.entities.find_entity_id("Amerika Serikat", "place")
        assert us is not None and archive.entities.find_entity_id("AS", "place") == us
        assert archive.entities.entity_articles(us) == [a4, a3]
        assert set(archive.entities.article_entity_ids(a3)) == {
            us,
            archive.entities.find_entity_id("Mike Pompeo"),
        }
        people = archive.entities.list_entities(EntityQuery(type="person"))
        assert [e.name for e in people] == ["Vladimir Putin", "Mike Pompeo"]  # most named first
        assert [e.name for e in archive.entities.list_entities(EntityQuery(name="pomp"))] == ["Mike Pompeo"]
        assert (
            archive.entities.list_entities(EntityQuery(limit=1, offset=1))[0].id
            != archive.entities.list_entities(EntityQuery(limit=1))[0].id
        )
    archive.close()


def test_a_bare_surname_does_not_merge_two_people(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    archive.add(_article(1, [person("Joko Widodo", aliases=["Widodo"])], 1))
    archive.add(_article(2, [person("Slamet Widodo", aliases=["Widodo"])], 2))
    with archive.engine.connect():
        assert archive.entities.find_entity_id("Joko Widodo") != archive.entities.find_entity_id(
            "Slamet Widodo"
        )
    archive.close()


def test_same_name_different_type_are_different_entities(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    archive.add(
        _article(
            1, [Entity(name="Madura United", type="organization"), Entity(name="Madura", type="place")], 1
        )
    )
    with archive.engine.connect():
        assert archive.entities.find_entity_id("Madura", "place") != archive.entities.find_entity_id(
            "Madura United", "organization"
        )
        assert archive.entities.find_entity_id("Madura", "organization") is None
    archive.close()


def test_update_and_remove_keep_counts_right(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    first = _article(1, [person("Nikol Pashinyan", "Perdana Menteri Armenia")], 1)
    aid = archive.add(first).id
    changed = _article(1, [person("Nikol Pashinyan", "Perdana Menteri Armenia")], 1)
    changed.paragraphs.append("Paragraf tambahan.")
    assert archive.add(changed).status == "updated"
    with archive.engine.connect() as conn:
        eid = archive.entities.find_entity_id("Nikol Pashinyan")
        assert eid is not None
        record = archive.entities.get_entity(eid)
        assert record is not None and record.article_count == 1  # not counted twice
    with archive.engine.begin() as conn:
        EntityIndexer().remove(archive.index_stores(conn), aid)
    with archive.engine.connect() as conn:
        assert archive.entities.get_entity(eid).article_count == 0  # type: ignore[union-attr]
        assert archive.entities.list_entities() == [] and archive.entities.article_entity_ids(aid) == []
    archive.close()


def test_duplicate_and_junk_entities_in_one_article(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    junk = [
        person("Ilham Aliyev"),
        person("Ilham  Aliyev"),  # the same name twice
        Entity(name="", type="person"),
        Entity(name="!!!", type="place"),
        Entity(name="x" * 5000, type="organization"),
        Entity(name="%_\\' OR 1=1 --", type="organization"),
    ]
    aid = archive.add(_article(1, junk, 1)).id
    with archive.engine.connect() as conn:
        ids = archive.entities.article_entity_ids(aid)
        assert len(ids) == 3
        assert archive.entities.list_entities(EntityQuery(name="%")) == []  # punctuation alone names nothing
        assert [e.name for e in archive.entities.list_entities(EntityQuery(name="_"))] == [
            "%_\\' OR 1=1 --"
        ]  # "_" is no wildcard
        assert not archive.entities.list_entities(EntityQuery(name="zzz"))
        assert max(len(e.name) for e in archive.entities.list_entities()) <= 300
        aliyev = archive.entities.find_entity_id("Ilham Aliyev")
        assert (
            conn.execute(
                text("SELECT mentions FROM article_entities WHERE entity_id = :e"), {"e": aliyev}
            ).scalar_one()
            == 2
        )
    archive.close()


def test_article_without_entities_or_time(archive_url: str) -> None:
    archive = understanding_archive(archive_url)
    aid = archive.add(Article(headline="Tanpa nama", paragraphs=["tidak ada nama di sini."])).id
    with archive.engine.connect():
        assert archive.entities.article_entity_ids(aid) == [] and archive.entities.get_entity(12345) is None
        assert archive.entities.find_entity_id("") is None
    archive.close()


def test_normalise_name() -> None:
    assert normalise_name("  Vladimir\tPUTIN ") == "vladimir putin"
    assert normalise_name("Nagorno-Karabakh") == "nagorno-karabakh"
    assert normalise_name("Ａｚｅｒｂａｉｊａｎ") == "azerbaijan"
