"""The HTML reader's word lists live in ``extract/data/html_words.json`` (issue 16 item 2): each
list compiles, each entry says where it was seen, and the reader's modules hold no copy of them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kabar.extract.tables import load_table
from kabar.extract.word_patterns import word_pattern

EXTRACT = Path(__file__).resolve().parent.parent / "src" / "kabar" / "extract"
NAMES = sorted(k for k in load_table("html_words") if not k.startswith("_"))


@pytest.mark.parametrize("name", NAMES)
def test_every_list_compiles_and_every_entry_says_where_it_was_seen(name: str) -> None:
    spec = load_table("html_words")[name]
    assert spec["template"].count("{alts}") == 1
    assert spec["entries"] and all(e["pattern"] and e["seen"] for e in spec["entries"])
    assert (EXTRACT / spec["module"]).exists()
    assert f'word_pattern("{name}")' in (EXTRACT / spec["module"]).read_text(encoding="utf-8")
    assert isinstance(word_pattern(name), re.Pattern)


def test_lists_read_as_before() -> None:
    assert word_pattern("label_only").match("Penulis:")
    assert word_pattern("furniture_line").match("Baca juga: Harga beras turun")
    assert not word_pattern("furniture_line").match("Harga beras turun di pasar induk")
    m = word_pattern("byline_line").match("Editor: Sri Wahyuni")
    assert m is not None and m.group("names") == "Sri Wahyuni"
    assert word_pattern("photo_label").search("Foto: ANTARA") and not word_pattern("photo_label").search(
        "foto: x"
    )


def test_an_unknown_list_is_an_error() -> None:
    with pytest.raises(KeyError):
        word_pattern("no-such-list")
