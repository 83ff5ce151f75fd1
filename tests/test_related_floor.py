"""The relevance floor of "Berita terkait" as data: each evidence class its own bar, bad data refused.

- a story member, a candidate sharing a telling name and one sharing only words are held to
  their own class's floor, relative to the best candidate;
- the text-only class also needs enough of the article's distinctive terms;
- the shipped floor loads, says why, and cuts something; hostile floor data (not an object,
  NaN, negative, above 1, a string) is refused with a message rather than read as no floor.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from kabar.link.related_floor import (
    NO_FLOOR,
    ClassFloor,
    Evidence,
    RelevanceFloor,
    clears,
    parse_floor,
    relevance_floor,
)

FLOOR = RelevanceFloor(
    same_story=ClassFloor(relative=0.0),
    shared_name=ClassFloor(relative=0.3),
    text_only=ClassFloor(relative=0.5, min_shared_terms=3),
)


def _ev(subject: float, story: bool = False, names: int = 0, terms: int = 5) -> Evidence:
    return Evidence(subject=subject, same_story=story, shared_names=names, shared_terms=terms)


def test_each_class_is_held_to_its_own_floor() -> None:
    best = 0.8
    assert clears(FLOOR, _ev(0.05, story=True), best)  # the story says same event
    assert clears(FLOOR, _ev(0.3, names=1), best) and not clears(FLOOR, _ev(0.2, names=1), best)
    assert clears(FLOOR, _ev(0.4), best) and not clears(FLOOR, _ev(0.39), best)
    # Close text on two words only is still two words.
    assert not clears(FLOOR, _ev(0.7, terms=2), best)
    # The best candidate always clears a relative floor of at most 1.
    assert clears(FLOOR, _ev(best), best)


def test_no_floor_shows_everything() -> None:
    assert clears(NO_FLOOR, _ev(0.0, terms=0), 1.0)


def test_the_shipped_floor_loads_and_says_why() -> None:
    path = Path(__file__).resolve().parent.parent / "src" / "kabar" / "link" / "data" / "related_signals.json"
    data = json.loads(path.read_text(encoding="utf-8"))["floor"]
    assert data["_about"] and all(data[k]["_why"] for k in ("same_story", "shared_name", "text_only"))
    floor = relevance_floor()
    assert floor == parse_floor(data) and floor != NO_FLOOR


@pytest.mark.parametrize(
    "bad",
    [
        None,
        [],
        "0.5",
        {"text_only": []},
        {"text_only": {"relative": "half"}},
        {"text_only": {"relative": math.nan}},
        {"text_only": {"relative": math.inf}},
        {"shared_name": {"relative": -0.1}},
        {"shared_name": {"relative": 1.5}},
        {"text_only": {"min_shared_terms": -1}},
        {"text_only": {"min_shared_terms": "\x00\xff"}},
    ],
)
def test_hostile_floor_data_is_refused(bad: Any) -> None:
    with pytest.raises(ValueError):
        parse_floor(bad)


def test_a_missing_class_has_no_floor_and_the_file_without_floor_has_none(tmp_path: Path) -> None:
    assert parse_floor({}) == NO_FLOOR
    plain = tmp_path / "signals.json"
    plain.write_text(json.dumps({"entity_types": {}}), encoding="utf-8")
    assert relevance_floor(plain) == NO_FLOOR
