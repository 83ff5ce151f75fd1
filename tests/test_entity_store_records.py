"""Entity records across the archive: one id per entity, names, roles over time, article counts."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from kabar.model import Article, Entity
from kabar.understand.store import (
    EntityIndexer,
    article_entity_ids,
    entity_articles,
    find_entity_id,
    get_entity,
    list_entities,
    normalise_name,
)
from stories_support import person, understanding_archive


def _article(n: int, entities: list[Entity], day: int) -> Article:
    return Article(
        headline=f"Berita {n} tentang Armenia dan Azerbaijan",
        paragraphs=[f"Isi berita nomor {n} tentang perundingan damai Armenia dan Azerbaijan."],
        published=datetime(2020, 11, day, 9, 0, tzinfo=UTC),
        canonical_url=f"https://contoh.test/{n}",
        entities=entities,
    )


def test_one_id_per_entity_with_names_roles_and_counts(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    a1 = archive.add(_article(1, [person("Vladimir Putin", "Presiden Rusia", ["Putin"])], 1)).id
    a2 = archive.add(_article(2, [person("Vladimir Putin", "Presiden Federasi Rusia")], 2)).id
    a3 = archive.add(
        _article(3, [Entity(name="Amerika Serikat", type="place", aliases=["AS"]), person("Mike Pompeo")], 3)
    ).id
    a4 = archive.add(_article(4, [Entity(name="AS", type="place")], 4)).id  # the acronym alone
    with archive.connect() as conn:
        putin = find_entity_id(conn, "vladimir  PUTIN", "person")
        assert putin is not None
        record = get_entity(conn, putin)
        assert record is not None and record.name == "Vladimir Putin" and record.type == "person"
        assert record.article_count == 2 and "Putin" in record.names
        assert [r.role for r in record.roles] == ["Presiden Federasi Rusia", "Presiden Rusia"]  # latest first
        assert record.roles[1].first_seen == datetime(2020, 11, 1, 9, 0, tzinfo=UTC)
        assert entity_articles(conn, putin) == [a2, a1]  # newest first
        us = find_entity_id(conn, "Amerika Serikat", "place")
        assert us is not None and find_entity_id(conn, "AS", "place") == us
        assert entity_articles(conn, us) == [a4, a3]
        assert set(article_entity_ids(conn, a3)) == {us, find_entity_id(conn, "Mike Pompeo")}
        people = list_entities(conn, type="person")
        assert [e.name for e in people] == ["Vladimir Putin", "Mike Pompeo"]  # most named first
        assert [e.name for e in list_entities(conn, name="pomp")] == ["Mike Pompeo"]
        assert list_entities(conn, limit=1, offset=1)[0].id != list_entities(conn, limit=1)[0].id
    archive.close()


def test_a_bare_surname_does_not_merge_two_people(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    archive.add(_article(1, [person("Joko Widodo", aliases=["Widodo"])], 1))
    archive.add(_article(2, [person("Slamet Widodo", aliases=["Widodo"])], 2))
    with archive.connect() as conn:
        assert find_entity_id(conn, "Joko Widodo") != find_entity_id(conn, "Slamet Widodo")
    archive.close()


def test_same_name_different_type_are_different_entities(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    archive.add(
        _article(
            1, [Entity(name="Madura United", type="organization"), Entity(name="Madura", type="place")], 1
        )
    )
    with archive.connect() as conn:
        assert find_entity_id(conn, "Madura", "place") != find_entity_id(
            conn, "Madura United", "organization"
        )
        assert find_entity_id(conn, "Madura", "organization") is None
    archive.close()


def test_update_and_remove_keep_counts_right(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    first = _article(1, [person("Nikol Pashinyan", "Perdana Menteri Armenia")], 1)
    aid = archive.add(first).id
    changed = _article(1, [person("Nikol Pashinyan", "Perdana Menteri Armenia")], 1)
    changed.paragraphs.append("Paragraf tambahan.")
    assert archive.add(changed).status == "updated"
    with archive.connect() as conn:
        eid = find_entity_id(conn, "Nikol Pashinyan")
        assert eid is not None
        record = get_entity(conn, eid)
        assert record is not None and record.article_count == 1  # not counted twice
    with archive.engine.begin() as conn:
        EntityIndexer().remove(conn, aid)
    with archive.connect() as conn:
        assert get_entity(conn, eid).article_count == 0  # type: ignore[union-attr]
        assert list_entities(conn) == [] and article_entity_ids(conn, aid) == []
    archive.close()


def test_duplicate_and_junk_entities_in_one_article(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    junk = [
        person("Ilham Aliyev"),
        person("Ilham  Aliyev"),  # the same name twice
        Entity(name="", type="person"),
        Entity(name="!!!", type="place"),
        Entity(name="x" * 5000, type="organization"),
        Entity(name="%_\\' OR 1=1 --", type="organization"),
    ]
    aid = archive.add(_article(1, junk, 1)).id
    with archive.connect() as conn:
        ids = article_entity_ids(conn, aid)
        assert len(ids) == 3
        assert list_entities(conn, name="%") == []  # punctuation alone names nothing
        assert [e.name for e in list_entities(conn, name="_")] == ["%_\\' OR 1=1 --"]  # "_" is no wildcard
        assert not list_entities(conn, name="zzz")
        assert max(len(e.name) for e in list_entities(conn)) <= 300
        aliyev = find_entity_id(conn, "Ilham Aliyev")
        assert (
            conn.execute(
                text("SELECT mentions FROM article_entities WHERE entity_id = :e"), {"e": aliyev}
            ).scalar_one()
            == 2
        )
    archive.close()


def test_article_without_entities_or_time(tmp_db: Path) -> None:
    archive = understanding_archive(tmp_db)
    aid = archive.add(Article(headline="Tanpa nama", paragraphs=["tidak ada nama di sini."])).id
    with archive.connect() as conn:
        assert article_entity_ids(conn, aid) == [] and get_entity(conn, 12345) is None
        assert find_entity_id(conn, "") is None
    archive.close()


def test_normalise_name() -> None:
    assert normalise_name("  Vladimir\tPUTIN ") == "vladimir putin"
    assert normalise_name("Nagorno-Karabakh") == "nagorno-karabakh"
    assert normalise_name("Ａｚｅｒｂａｉｊａｎ") == "azerbaijan"
