"""The gazetteer keeps recent sentences' marks: a repeat gives the same marks, and an entry added
later is found (the kept marks are dropped)."""

from __future__ import annotations

from kabar.understand.ner.gazetteer import Gazetteer


def test_repeat_gives_the_same_marks_and_a_new_entry_is_seen() -> None:
    gaz = Gazetteer()
    gaz.add("Jawa Barat", "place")
    tokens = ["Warga", "Jawa", "Barat", "di", "Bogor"]
    first = gaz.annotate(tokens)
    assert first == [[], ["place:B"], ["place:I"], [], []]
    assert gaz.annotate(list(tokens)) == first
    gaz.add("Bogor", "city")
    assert gaz.annotate(tokens)[4] == ["city:B"]
