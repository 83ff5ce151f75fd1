"""Where an article starts and ends, read from structure (issue 20, item 1).

Fixtures in ``tests/fixtures/html/body_run/``, one per class, each failing before the rule:

- ``split_de.html``: the body split into two twin containers around an ad slot, a subheading in the
  second part, a related box and a comment section after it (trafilatura kept the first part only);
- ``pruned_wrapper_fr.html``: three long paragraphs, a bordered newsletter box, then the rest in a
  "…-bottom" wrapper that precision mode prunes (more than 2,000 characters kept, so no recall retry);
- ``declared_pt.html``: the JSON-LD ``articleBody`` as evidence: a teaser's prose inside the
  ``<article>`` is not the body;
- ``lead_es.html`` / ``lead_cs.html``: the lead under the headline, marked by its class
  ("entradilla") or by being the page's declared description, kept as the description.
"""

from __future__ import annotations

import json

import pytest
from lxml import etree

from conftest import FIXTURES
from kabar.extract.body_lead import find_lead
from kabar.extract.body_run import continue_run
from kabar.extract.html import LEAD_NOTE, extract_html
from kabar.extract.html_parse import parse_html
from kabar.model import Article, RawPage

_DIR = FIXTURES / "html" / "body_run"


def _html(name: str) -> str:
    return (_DIR / name).read_text(encoding="utf-8")


def _read(name: str) -> Article:
    return extract_html(RawPage(content=_html(name), kind="html", url=f"https://news.example.org/a/{name}"))


def test_body_split_around_an_ad_is_read_to_its_end() -> None:
    article = _read("split_de.html")
    assert len([p for p in article.paragraphs if len(p) > 60]) == 8
    assert article.paragraphs[-1].startswith("Die Verkehrsbetriebe kündigten an")
    # The subheading, where it stands: marked as one, apart from the body's paragraphs.
    assert "Mängel an den Stahlträgern" in article.blocks
    assert [s.text for s in article.subheadings] == ["Mängel an den Stahlträgern"]
    # Ended by structure: the related box and the comments are not the story.
    assert not any("Händler fordern mehr Stellplätze" in p for p in article.paragraphs)
    assert not any(p.startswith("Endlich!") for p in article.paragraphs)
    assert article.authors == ["Anna Schmidt"]


def test_body_runs_past_a_newsletter_box_into_a_pruned_wrapper() -> None:
    article = _read("pruned_wrapper_fr.html")
    assert len(article.paragraphs) == 7
    assert article.paragraphs[3].startswith("Au Sénat")
    assert article.paragraphs[-1].startswith("En cas d'échec")
    assert not any("Je m'inscris" in p or "Encore une réforme" in p for p in article.paragraphs)
    assert article.authors == ["Claire Moreau", "Julien Petit"]


def _first_part(html: str) -> tuple[etree._Element, list[str]]:
    tree = parse_html(html).tree
    container = tree.xpath("//div[@class='materia-texto']")[0]
    kept = [" ".join("".join(p.itertext()).split()) for p in container.iter("p")]
    return container, kept


def test_declared_article_body_is_checked_against_the_page() -> None:
    html = _html("declared_pt.html")
    container, kept = _first_part(html)
    script = parse_html(html).tree.xpath("//script[@type='application/ld+json']")[0]
    declared = json.loads(script.text)["articleBody"]
    # Without the declaration, the teaser's prose inside the <article> reads as more body.
    undeclared = continue_run(container, kept, None)
    assert any(p.startswith("A Petrobras anunciou") for p in undeclared.paragraphs)
    # With it, only what the page declares as its body is read on.
    run = continue_run(container, kept, None, declared=declared)
    assert [p[:20] for p in run.paragraphs] == [
        "O plano prevê ainda ",
        "Economistas ouvidos ",
        "O Tribunal de Contas",
    ]


def test_declaration_of_another_text_is_no_evidence() -> None:
    container, kept = _first_part(_html("declared_pt.html"))
    run = continue_run(container, kept, None, declared="Um resumo curto de outra matéria qualquer.")
    assert any(p.startswith("Economistas ouvidos") for p in run.paragraphs)


def test_nothing_after_the_body_adds_nothing() -> None:
    article = _read("lead_es.html")  # three paragraphs, then the end of the <article>
    assert len(article.paragraphs) == 3


@pytest.mark.parametrize(
    ("name", "lead"),
    [
        ("lead_es.html", "El Consejo de Ministros da luz verde a 50.000 viviendas"),
        ("lead_cs.html", "Vláda na mimořádném jednání schválila návrh rozpočtu"),
    ],
)
def test_lead_under_the_headline_is_the_description(name: str, lead: str) -> None:
    article = _read(name)
    assert article.description is not None and article.description.startswith(lead)
    assert LEAD_NOTE in article.notes
    assert not any(p.startswith(lead) for p in article.paragraphs)  # beside the body, not in it
    assert len(article.authors) == 1


def test_no_lead_without_a_mark() -> None:
    # The same page with the lead's class and the description taken away: a plain line is no lead.
    html = _html("lead_es.html").replace(' class="entradilla"', "")
    tree = parse_html(html).tree
    body = ["El Consejo de Ministros ha aprobado este martes el plan estatal de vivienda, que prevé"]
    assert find_lead(tree, body, "El Gobierno aprueba el plan de vivienda", None) is None
    article = extract_html(RawPage(content=html, kind="html"))
    assert LEAD_NOTE not in article.notes


@pytest.mark.parametrize("html", ["", "<html></html>", "<p>no headline</p>", "<h1>only a headline</h1>"])
def test_bad_input(html: str) -> None:
    tree = etree.fromstring("<html><body>" + html + "</body></html>", etree.HTMLParser())
    assert find_lead(tree, [], None, None) is None
    assert (
        find_lead(tree, ["a paragraph that is not on the page at all, long enough to count"], None, "x")
        is None
    )
    assert continue_run(tree, [], None).paragraphs == []
    assert continue_run(tree, ["short"], None).paragraphs == []


def test_tag_soup_is_read_in_bounded_work() -> None:
    # Unclosed <div>s, each holding the rest of the page: the lead search reads a bounded prefix of
    # each element and the run looks at a bounded number of blocks; neither finds anything here.
    paragraph = "Plain words in a long run of text that never closes its blocks at all. "
    html = "<html><body><h1>Headline</h1>" + "<div>" * 3000 + paragraph * 200 + "</body></html>"
    tree = parse_html(html).tree
    assert find_lead(tree, [paragraph.strip()], "Headline", None) is None
    body = tree.find(".//div")
    assert body is not None
    assert continue_run(body, [paragraph.strip()], None).paragraphs == []
