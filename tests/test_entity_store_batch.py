"""``find_entity_ids``: the same answers as ``find_entity_id`` one name at a time, in one query."""

from __future__ import annotations

from pathlib import Path

from kabar.archive.stores import EntityName
from serve_support import fill, rich_article, story_article


def test_many_names_at_once_agree_with_one_at_a_time(tmp_path: Path) -> None:
    archive = fill(tmp_path / "k.db", [rich_article(), *[story_article(n) for n in range(1, 4)]])
    try:
        entities = archive.entities
        keys = [
            EntityName(e.name, e.type) for article in archive.get_many([1, 2, 3, 4]) for e in article.entities
        ]
        keys += [
            EntityName("vladimir  PUTIN", None),
            EntityName("Vladimir Putin", "place"),
            EntityName("Nobody"),
        ]
        found = entities.find_entity_ids(keys)
        expected = {k: entities.find_entity_id(k.name, k.type) for k in keys}
        assert found == {k: v for k, v in expected.items() if v is not None}
        assert EntityName("Vladimir Putin", "person") in found and EntityName("Nobody") not in found
        assert entities.find_entity_ids([]) == {}
    finally:
        archive.close()
