"""TimeML's types, values and mods on kabar's time expressions (tests/fixtures/timex/timeml_sentences.json)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from conftest import FIXTURES, ROOT
from kabar.model import Article
from kabar.serialize import article_from_dict, article_to_dict
from kabar.understand.timex import find_time_expressions

_DATA = json.loads((FIXTURES / "timex" / "timeml_sentences.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", _DATA["cases"], ids=[c["text"][:40] for c in _DATA["cases"]])
def test_timeml_sentence(case: dict[str, Any]) -> None:
    article = Article(paragraphs=[case["text"]], published=datetime.fromisoformat(_DATA["published"]))
    found = find_time_expressions(article)
    assert [[t.text, t.timex_type, t.timex_value, t.mod] for t in found] == case["expect"]


def test_new_kinds_leave_kabars_own_value_empty() -> None:
    # durations, sets, references and bare clock times have no calendar day: timelines skip them
    article = Article(paragraphs=["Saat ini, selama tiga tahun, setiap Senin pukul 10.00 WIB."])
    article.published = datetime.fromisoformat(_DATA["published"])
    assert [t.value for t in find_time_expressions(article)] == [None, None, None, None]


def test_old_stored_expressions_still_read() -> None:
    stored = {
        "headline": "x",
        "time_expressions": [{"text": "kemarin", "value": "2020-11-02", "field": "body:0"}],
    }
    article = article_from_dict(stored)
    assert article.time_expressions[0].timex_type is None
    again = article_to_dict(article)["time_expressions"][0]
    assert again["value"] == "2020-11-02" and again["timex_value"] is None


def test_the_anchor_is_the_day_in_the_pages_zone() -> None:
    # 23:30 UTC on 11 August is 06:30 WIB on 12 August: "kemarin" is the 11th
    article = Article(
        paragraphs=["Ia tiba kemarin."], published=datetime.fromisoformat("2016-08-11T23:30:00+00:00")
    )
    article.published_zone = "WIB"
    assert [t.value for t in find_time_expressions(article)] == ["2016-08-11"]


def _data_words() -> list[str]:
    """Every word or phrase the TimeML data lists, from every table that keys entries by word."""
    data = json.loads(
        (ROOT / "src" / "kabar" / "understand" / "data" / "timex_timeml.json").read_text("utf-8")
    )
    words: list[str] = []
    for table in data.values():
        if isinstance(table, dict) and isinstance(table.get("words"), dict):
            words.extend(k for k in table["words"] if not k.startswith("_"))
    return words


def test_every_listed_word_resolves_without_error() -> None:
    # "berabad-abad" (unit code "CE") once raised ValueError: a data value the code did not parse
    words = _data_words()
    assert len(words) > 50
    published = datetime.fromisoformat(_DATA["published"])
    for word in words:
        article = Article(
            paragraphs=[f"Mereka menunggu {word} di sana, dan {word} lagi."], published=published
        )
        find_time_expressions(article)


def test_reduplicated_centuries_are_an_unknown_count_of_centuries() -> None:
    article = Article(paragraphs=["Tradisi itu sudah berabad-abad dijaga warga."])
    article.published = datetime.fromisoformat(_DATA["published"])
    assert [(t.timex_type, t.timex_value) for t in find_time_expressions(article)] == [("DURATION", "PXCE")]
