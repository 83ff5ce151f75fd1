"""The seed page's time expressions (../shared/seed/*.understanding.json) are all found, rightly resolved."""

from __future__ import annotations

import json
from datetime import datetime

from conftest import shared_path
from kabar.model import Article, Image, RawPage
from kabar.understand.timex import find_time_expressions


def _expected() -> list[dict[str, object]]:
    path = shared_path("seed", "000_b561e05cfa5aa674.understanding.json")
    return list(json.loads(path.read_text(encoding="utf-8"))["time_expressions"])


def _by_hand() -> Article:
    """The seed article as its expected JSON describes it (independent of the flat reader)."""
    data = json.loads(shared_path("seed", "000_b561e05cfa5aa674.expected.json").read_text(encoding="utf-8"))
    return Article(
        headline=data["headline"],
        published=datetime.fromisoformat(data["published"]),
        paragraphs=list(data["paragraphs"]),
        images=[
            Image(caption=i["caption"], credit=i["credit"], position=i["position"]) for i in data["images"]
        ],
    )


def _check(article: Article) -> None:
    found = find_time_expressions(article)
    for want in _expected():
        hits = [t for t in found if t.text == want["text"]]
        assert hits, f"{want['text']!r} not found among {[t.text for t in found]}"
        assert hits[0].value == want["value"], (want, hits[0])
        assert bool(hits[0].note) == ("note" in want), hits[0]
    # nothing spurious: every date or time found is one the seed lists (the seed predates TimeML's
    # durations and sets, "beberapa kali sehari": those have no calendar value and are not dates)
    dated = {t.text for t in found if t.timex_type not in ("DURATION", "SET")}
    assert dated == {str(w["text"]) for w in _expected()}
    assert all(t.value is None for t in found if t.timex_type in ("DURATION", "SET"))


def test_seed_by_hand() -> None:
    _check(_by_hand())


def test_seed_through_the_flat_reader(seed_path) -> None:  # type: ignore[no-untyped-def]
    from kabar.extract.flat import extract_flat

    article = extract_flat(RawPage(content=seed_path.read_text(encoding="utf-8")))
    _check(article)


def test_weekday_note_names_both_days() -> None:
    note = next(t.note for t in find_time_expressions(_by_hand()) if t.text == "Ahad 26 Oktober")
    assert note is not None and "Monday" in note and "Sunday" in note


def test_offsets_point_into_their_field() -> None:
    article = _by_hand()
    for t in find_time_expressions(article):
        kind, _, index = t.field.partition(":")
        text = article.paragraphs[int(index)] if kind == "body" else article.images[int(index)].caption
        assert text is not None and text[t.start : t.end] == t.text
