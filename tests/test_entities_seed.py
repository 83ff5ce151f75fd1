"""The seed article's people (with roles), places, organisations and short forms are all found."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_path
from kabar.extract.flat import extract_flat
from kabar.model import Article, Entity, Image, RawPage
from kabar.understand.entities import find_entities


def _understanding() -> dict:
    return json.loads(shared_path("seed", "000_b561e05cfa5aa674.understanding.json").read_text("utf-8"))


def _hand_built() -> Article:
    """The seed as the finished reader returns it, built from the expected JSON."""
    expected = json.loads(shared_path("seed", "000_b561e05cfa5aa674.expected.json").read_text("utf-8"))
    return Article(
        headline=expected["headline"],
        paragraphs=expected["paragraphs"],
        images=[
            Image(caption=i["caption"], credit=i["credit"], position=i["position"])
            for i in expected["images"]
        ],
    )


def _flat() -> Article:
    return extract_flat(RawPage(content=shared_path("seed", "000_b561e05cfa5aa674.txt").read_text("utf-8")))


def _names(entity: Entity) -> set[str]:
    return {entity.name, *entity.aliases}


def _find(entities: list[Entity], name: str, kind: str) -> Entity | None:
    # "A found name may carry more context" (the understanding file's rule): a containing name counts.
    exact = [e for e in entities if e.type == kind and name in _names(e)]
    if exact:
        return exact[0]
    return next((e for e in entities if e.type == kind and any(name in n.split() for n in _names(e))), None)


@pytest.fixture(scope="module", params=["hand-built", "flat-reader"])
def seed_entities(request: pytest.FixtureRequest) -> list[Entity]:
    article = _hand_built() if request.param == "hand-built" else _flat()
    return find_entities(article)


def test_every_person_with_role(seed_entities: list[Entity]) -> None:
    for want in _understanding()["persons"]["must"]:
        found = _find(seed_entities, want["name"], "person")
        assert found is not None, f"missing person {want['name']}"
        assert found.name == want["name"]
        assert want["role"] in found.roles, f"{want['name']}: roles {found.roles}"
        assert found.role == want["role"]


def test_places_and_organisations(seed_entities: list[Entity]) -> None:
    u = _understanding()
    for name in u["places"]["must"]:
        assert _find(seed_entities, name, "place"), f"missing place {name}"
    for name in u["organizations"]["must"]:
        assert _find(seed_entities, name, "organization"), f"missing organisation {name}"


def test_short_forms_resolve(seed_entities: list[Entity]) -> None:
    for short, full in _understanding()["aliases"]:
        entity = next((e for e in seed_entities if e.name == full), None)
        assert entity is not None, f"no entity named {full}"
        assert short in entity.aliases, f"{full}: aliases {entity.aliases}"


def test_photo_credits_are_not_subjects(seed_entities: list[Entity]) -> None:
    for name in _understanding()["persons"]["credits_not_subjects"]:
        assert not any(name in n for e in seed_entities for n in _names(e)), name


def test_mention_offsets_point_into_their_field() -> None:
    article = _hand_built()
    texts = {"headline": article.headline or ""}
    texts.update({f"body:{i}": p for i, p in enumerate(article.paragraphs)})
    texts.update({f"caption:{i}": img.caption or "" for i, img in enumerate(article.images)})
    entities = find_entities(article)
    assert entities
    for entity in entities:
        for m in entity.mentions:
            assert texts[m.field][m.start : m.end] == m.text
    putin = next(e for e in entities if e.name == "Vladimir Putin")
    assert {m.field for m in putin.mentions} >= {"headline", "body:0", "caption:0"}
    assert "Putin" in putin.aliases


def test_seed_ships_with_the_project(example_path: Path) -> None:
    if not example_path.exists():
        pytest.skip("examples/ seed page absent")
    article = extract_flat(RawPage(content=example_path.read_text("utf-8")))
    names = {e.name for e in find_entities(article)}
    assert {"Vladimir Putin", "Nikol Pashinyan", "Ilham Aliyev"} <= names
