"""Issue 20, item 2: tail and promotion lines, by shape, in any language.

Each fixture under ``fixtures/general/tail_*`` is written for these tests and reproduces one shape
seen on the fundus tune half: a read-also line (a label and a linked headline, with or without a
colon) between two paragraphs; a promotion or ad line between two paragraphs (an app box, a
newsletter box, a skip-the-ad button, a pointer to the original article); a label closing the body
over a row of tag links; a box of bulleted ``Kicker: headline`` links inside the story (German, Czech,
English) beside the story's own list of points, which stays. The phrases and thresholds are data (``furniture.json``, ``edge_lines``).
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from kabar.extract.body_edges import edge_kind, is_stray_line
from kabar.extract.html import extract_html
from kabar.model import RawPage

PROSE_STARTS = ("The council met", "Opposition members", "The mayor said", "A second meeting")


def _paragraphs(name: str) -> list[str]:
    html = (FIXTURES / "general" / name).read_text(encoding="utf-8")
    return extract_html(RawPage(content=html, kind="html")).paragraphs


def _starts(paragraphs: list[str]) -> list[str]:
    return [next((s for s in PROSE_STARTS if p.startswith(s)), p) for p in paragraphs]


@pytest.mark.parametrize("name", ["tail_read_also_lines.html", "tail_promo_lines.html"])
def test_lines_between_paragraphs_leave_the_body(name: str) -> None:
    paragraphs = _paragraphs(name)
    assert _starts(paragraphs) == list(PROSE_STARTS)


@pytest.mark.parametrize("language", ["tr", "de", "en"])
def test_a_tag_row_closing_the_body_leaves_it(language: str) -> None:
    paragraphs = _paragraphs(f"tail_tag_row_{language}.html")
    assert _starts(paragraphs) == list(PROSE_STARTS[:3])


@pytest.mark.parametrize(
    "line",
    [
        "Lire aussi le rapport que la commission a publié lundi.",  # a sentence, not a headline
        "Les også dette: regjeringen la fram budsjettet i dag, og opposisjonen er kritisk.",
        "Tag 3 der Verhandlung",  # a day, not a tag label
        "Get daily exercise, the doctors said.",
    ],
)
def test_sentences_holding_the_words_stay(line: str) -> None:
    assert not is_stray_line(line)


def test_a_bare_label_and_headline_is_a_read_also_line() -> None:
    assert edge_kind("À lire aussi La natalité russe menacée d’effondrement") == "read_also"
    assert edge_kind("Also read: Brace for very bad weather") == "read_also"
    assert is_stray_line("Passer la publicité")


def test_boxes_of_kicker_headline_links_leave_the_story_and_its_own_list_stays() -> None:
    paragraphs = _paragraphs("tail_headline_lists.html")
    own = [p for p in paragraphs if p.startswith("- ")]
    assert _starts(paragraphs[:4]) == list(PROSE_STARTS)
    assert len(own) == 3 and all(p.endswith(".") for p in own)  # the story's points, sentences
    assert not any("Demenz" in p or "Dozimetr" in p or "ring road will close" in p for p in paragraphs)
