"""Every hand-written test sentence resolves to its gold values (tests/fixtures/timex/sentences.json)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from conftest import FIXTURES
from kabar.model import Article
from kabar.understand.timex import find_time_expressions

_DATA = json.loads((FIXTURES / "timex" / "sentences.json").read_text(encoding="utf-8"))


def _article(case: dict[str, Any]) -> Article:
    return Article(
        paragraphs=[case["text"]], published=datetime.fromisoformat(case.get("published", _DATA["published"]))
    )


@pytest.mark.parametrize("case", _DATA["cases"], ids=[c["text"][:40] for c in _DATA["cases"]])
def test_sentence(case: dict[str, Any]) -> None:
    found = find_time_expressions(_article(case))
    assert [(t.text, t.value) for t in found] == [(e["text"], e["value"]) for e in case["expect"]]
    for t, e in zip(found, case["expect"], strict=True):
        assert bool(t.note) == bool(e.get("note")), t
        assert case["text"][t.start : t.end] == t.text and t.field == "body:0"
        if "timex_value" in e:  # TimeML's reading, where the case gives it
            assert (t.timex_type, t.timex_value) == (e["timex_type"], e["timex_value"]), t


def test_enough_cases() -> None:
    assert len(_DATA["cases"]) >= 40
