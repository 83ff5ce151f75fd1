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
from kabar.extract.body_edges import edge_kind, is_stray_line, trim_edges
from kabar.extract.html import extract_html
from kabar.model import RawPage

PROSE_STARTS = ("The council met", "Opposition members", "The mayor said", "A second meeting")


def _paragraphs(name: str) -> list[str]:
    html = (FIXTURES / "general" / name).read_text(encoding="utf-8")
    return extract_html(RawPage(content=html, kind="html")).paragraphs


def _starts(paragraphs: list[str]) -> list[str]:
    return [next((s for s in PROSE_STARTS if p.startswith(s)), p) for p in paragraphs]


@pytest.mark.parametrize(
    "name", ["tail_read_also_lines.html", "tail_promo_lines.html", "tail_pointer_notice.html"]
)
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


@pytest.mark.parametrize(
    "line",
    [
        ">> Sie suchen einen Immobilienkredit? Unser großer Vergleich zeigt aktuelle Konditionen.",
        ">> Looking for a mortgage? Our big comparison shows today's rates.",
        "→ Vous cherchez un crédit ? Notre comparatif montre les taux du jour.",
        "- Die Rundschau auch bei Social Media – ob WhatsApp, Instagram oder Facebook.",
        "The Herald on social media: WhatsApp, Instagram, Facebook.",
        "Le Courrier sur les réseaux sociaux : Facebook, Instagram et X.",
        "- Sie mögen den Tag kompakt? Dann sind Sie beim täglichen Rundschau-Newsletter richtig – hier entlang.",
        "Want the day in brief? Our daily newsletter is for you – click here.",
        "Envie de l'essentiel ? Notre newsletter du matin, c'est par ici.",
    ],
)
def test_pointer_and_channel_promotion_lines_leave_the_body(line: str) -> None:
    assert is_stray_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Sie suchen einen Immobilienkredit? Dann lohnt ein Vergleich, rät die Verbraucherzentrale.",
        "Looking for a mortgage? Many buyers are, and the survey found that most compare rates first.",
        "« Vous cherchez un crédit ? » a demandé le conseiller au client, qui a refusé de répondre.",
        "»Sie suchen einen Kredit?«, fragte der Berater.",  # a German quote opens with »
        "The mayor on social media criticised the plan on Monday.",
        "Die Polizei warnte auch bei Social Media vor der Glätte.",
        "The newsletter, which started in 2019, now reaches two million readers every morning.",
    ],
)
def test_sentences_with_the_promotion_words_stay(line: str) -> None:
    assert not is_stray_line(line)


STORY = [
    "The council met on Thursday and left its main rate unchanged for the third time in a row.",
    "Opposition members said the decision came too late for many households.",
    "A second meeting is planned for the spring.",
]


@pytest.mark.parametrize(
    ("label", "notice"),
    [
        ("Bitte beachten:", "Aktien und andere Investments sind mit einem Risiko verbunden."),
        ("Please note:", "Shares and other investments always carry a risk."),
        ("À noter :", "Les actions et autres placements comportent toujours un risque."),
    ],
)
def test_a_closing_notice_box_leaves_the_body(label: str, notice: str) -> None:
    assert trim_edges([*STORY, label, notice], []).paragraphs == STORY


def test_a_notice_label_with_the_story_under_it_stays() -> None:
    # Mid-story, or with more lines under it than a notice box holds, the label is the story's.
    lines = [STORY[0], "Please note:", *STORY[1:], "The bank will publish its report in May."]
    assert trim_edges(lines, []).paragraphs == lines
    assert (
        trim_edges([*STORY, "Please note that the figures are provisional."], [])
        .paragraphs[-1]
        .startswith("Please note that")
    )
