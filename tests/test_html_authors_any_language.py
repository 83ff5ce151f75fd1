"""Authors in any language, one generated page per class (issue 20, item 3).

Each page is built here: a headline, a byline in the shape the class names, a few paragraphs.
The classes: bylines in several languages, an organisation or agency named as the author, "X and Y"
lists in several languages, a JSON-LD ``@graph`` author reached through ``@id``, names in capitals,
roles/titles/handles around a name, another story's byline in a teaser card, a photo credit marked
"autor", and a writer's name closing the story.
"""

from __future__ import annotations

import json

import pytest

from kabar.extract.html import extract_html
from kabar.extract.html_authors import AGENCY_NOTE
from kabar.extract.person_names import is_organisation, normalise_case, read_people
from kabar.model import Article, RawPage

_PARAGRAPHS = [
    "The city council met on Tuesday evening to discuss the new budget for public transport in the region.",
    "Several members argued that the proposed fares would weigh most on families living far from the centre.",
    "The mayor said the plan would be revised after a public consultation planned for the coming weeks.",
    "Residents who spoke at the meeting welcomed the delay but asked for clearer figures before any vote.",
]


def _page(byline_html: str = "", head: str = "", tail_html: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="{lang}"><head><title>Budget plan delayed</title>{head}</head><body>'
        '<header class="site"><a href="/">Example Times</a></header>'
        f"<article><h1>Budget plan delayed</h1>{byline_html}<div class='content'>{body}</div>{tail_html}</article>"
        "</body></html>"
    )


def _read(html: str, url: str = "https://news.example.org/2024/05/budget-plan") -> Article:
    return extract_html(RawPage(content=html, kind="html", url=url))


@pytest.mark.parametrize(
    ("byline", "lang", "writers"),
    [
        ('<p class="author">Von Nadja Zinsmeister</p>', "de", ["Nadja Zinsmeister"]),
        (
            '<div class="article-byline">Par Jean Dupont et Marie Martin</div>',
            "fr",
            ["Jean Dupont", "Marie Martin"],
        ),
        ('<span class="byline">Por María R. Sahuquillo</span>', "es", ["María R. Sahuquillo"]),
        ('<span class="autore-byline">di Mario Rossi</span>', "it", ["Mario Rossi"]),
        ('<div class="byline">Door Jan de Vries en Anna Bakker</div>', "nl", ["Jan de Vries", "Anna Bakker"]),
        ('<p class="byline">Av Kari Nordmann og Ola Hansen</p>', "no", ["Kari Nordmann", "Ola Hansen"]),
        (
            '<div class="author">Oleh Ani Lestari dan Budi Santoso</div>',
            "id",
            ["Ani Lestari", "Budi Santoso"],
        ),
    ],
)
def test_byline_element_in_five_languages_and_more(byline: str, lang: str, writers: list[str]) -> None:
    assert _read(_page(byline, lang=lang)).authors == writers


def test_byline_opener_line_after_headline_without_a_class() -> None:
    """LTO's shape: "von <a>Dr. Max Kolter</a>" in a plain paragraph under the headline; the title goes."""
    html = _page('<p class="meta-info">von <a href="/autoren/max-kolter">Dr. Max Kolter</a></p>', lang="de")
    assert _read(html).authors == ["Max Kolter"]


def test_organisation_as_author_is_the_source_not_a_writer() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Budget plan delayed",
        "author": {"@type": "Organization", "name": "Reuters"},
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script><meta name="author" content="Reuters">'
    )
    # a teaser further down names a person: the declared wire author means a wire story
    tail = '<aside><div class="author">By Jane Teaser</div></aside>'
    article = _read(_page(head=head, tail_html=tail))
    assert article.authors == []
    assert any("Reuters" in note for note in article.notes)


@pytest.mark.parametrize(
    ("content", "writers", "agency"),
    [("Anadolu Ajansı", [], "Anadolu Ajansı"), ("Ayşe Yılmaz", ["Ayşe Yılmaz"], None)],
)
def test_article_author_meta_key(content: str, writers: list[str], agency: str | None) -> None:
    # <meta name="articleAuthor">: a wire agency there is the source, a person the writer.
    article = _read(_page(head=f'<meta name="articleAuthor" content="{content}">', lang="tr"))
    assert article.authors == writers
    agencies = [n.removeprefix(AGENCY_NOTE) for n in article.notes if n.startswith(AGENCY_NOTE)]
    assert agencies == ([agency] if agency else [])


def test_site_name_and_its_initials_are_not_writers() -> None:
    head = '<meta property="og:site_name" content="Legal Tribune Online"><meta name="author" content="LTO">'
    assert _read(_page(head=head)).authors == []


@pytest.mark.parametrize(
    ("text", "writers"),
    [
        ("By Alice Walker and Bob Stone", ["Alice Walker", "Bob Stone"]),
        ("Von Anna Martel, Lea Wagner und Tom Berg", ["Anna Martel", "Lea Wagner", "Tom Berg"]),
        ("Oleh Ani Lestari dan Budi Santoso", ["Ani Lestari", "Budi Santoso"]),
        ("Por Ana García y Luis Pérez", ["Ana García", "Luis Pérez"]),
        ("Par Jean Dupont et Marie Martin", ["Jean Dupont", "Marie Martin"]),
    ],
)
def test_x_and_y_split(text: str, writers: list[str]) -> None:
    assert read_people(text).writers == writers


def test_json_ld_graph_author_by_id_reference() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "@id": "https://news.example.org/#website", "name": "Example Times"},
            {
                "@type": "NewsArticle",
                "headline": "Budget plan delayed",
                "author": [{"@id": "https://news.example.org/#/schema/person/1"}],
            },
            {
                "@type": "Person",
                "@id": "https://news.example.org/#/schema/person/1",
                "givenName": "Sauli",
                "familyName": "Giliard",
            },
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    assert _read(_page(head=head)).authors == ["Sauli Giliard"]


def test_all_caps_name_is_title_cased() -> None:
    assert _read(_page('<div class="byline">By JAMES KAMALA</div>')).authors == ["James Kamala"]
    assert normalise_case("ANNE-KATHRIN NEUBERG-VURAL") == "Anne-Kathrin Neuberg-Vural"
    assert normalise_case("JD Barker") == "JD Barker"  # mixed case is the writer's own


@pytest.mark.parametrize(
    ("text", "writers"),
    [
        ("Reporter: Dr. Ani Lestari", ["Ani Lestari"]),
        ("Jane Doe, Political Correspondent", ["Jane Doe"]),
        ("By TOM KRISHER, AP Auto Writer", ["Tom Krisher"]),
        ("Ani Lestari (@ani_l) ani@portal.example https://portal.example/ani", ["Ani Lestari"]),
        ("Autor: Monika Bolliger und Anna Trechsel 05.01.2025, 15:23", ["Monika Bolliger", "Anna Trechsel"]),
        ("Louis Jacobson on Monday, November 4, 2019", ["Louis Jacobson"]),
        ("Frank Wunderlich-Pfeiffer", ["Frank Wunderlich-Pfeiffer"]),
        ("この記事の筆者 松岡大地", ["松岡大地"]),
    ],
)
def test_roles_titles_handles_and_dates_stripped(text: str, writers: list[str]) -> None:
    assert read_people(text).writers == writers


@pytest.mark.parametrize(
    "text", ["by the way", "Di Jakarta, hujan turun sejak pagi", "Redaksi", "Staff", "AFP"]
)
def test_not_a_byline(text: str) -> None:
    assert read_people(text, strict=True).writers == []


def test_indonesian_sentence_opening_with_di_is_not_a_byline() -> None:
    """ "di" opens Italian bylines and Indonesian sentences: a line of prose under the headline names nobody."""
    html = _page("<p>Di Jakarta, hujan turun sejak pagi</p>", lang="id")
    assert _read(html, "https://berita.example.id/2024/05/hujan").authors == []


def test_agencies_and_desks_are_organisations() -> None:
    assert is_organisation("Reuters") and is_organisation("BR24 Redaktion") and is_organisation("Tim Redaksi")
    assert is_organisation("Example Times", {"example times"})
    assert not is_organisation("Ani Lestari") and not is_organisation("Tim Berners-Lee")
    found = read_people("By Meg Kinnard and Errin Haines Associated Press")
    assert found.writers == ["Meg Kinnard", "Errin Haines"] and found.agencies == ["Associated Press"]


def test_teaser_card_byline_is_another_story() -> None:
    teaser = (
        '<div class="cards"><div class="card"><h3><a href="/other-story">Another story</a></h3>'
        '<div class="meta"><span class="by">By JAMES OTHER</span></div></div></div>'
    )
    assert _read(_page(tail_html=teaser)).authors == []


def test_photo_credit_marked_autor_is_not_a_writer() -> None:
    figure = '<figure><img src="/a.jpg"><div class="bildautor">Bild: KEYSTONE/CYRIL ZINGARO</div></figure>'
    assert _read(_page(figure, lang="de")).authors == []


def test_name_closing_the_story_is_the_writer() -> None:
    article = _read(_page(tail_html="<p>Lê Phương</p>", lang="vi"))
    assert article.authors == ["Lê Phương"]
    assert "Lê Phương" not in article.paragraphs
