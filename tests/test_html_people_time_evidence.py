"""Authors and times from evidence kabar misread, one generated page per class (issue 20, items 3–4).

Each page is built here (no page copied). The classes:

* a byline line whose name and the writer's title or the date sit in elements of their own, with no
  space between them ("<a>Meg James</a><span>Staff Writer</span>", "Jeff Foust<br>Monday …");
* a byline line that names the writer twice (a visible and a hidden link), or names a weekday;
* another story's byline in a card that is one link round its headline, or in a small <article>;
* "Additional reporting by" a helper, where the article declares its writer;
* a Russian byline ("Текст: …");
* placeholder machine times ("0001-01-01T00:00:00Z"), a zone name after an ISO time ("… GMT"),
  JSON-LD with a trailing comma, and a schema.org subtype of WebPage or Article (MedicalWebPage,
  OpinionNewsArticle) holding the article's date and author.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabar.extract.html import extract_html
from kabar.extract.html_time import parse_iso
from kabar.extract.person_names import tidy_name
from kabar.model import Article, RawPage

_PARAGRAPHS = [
    "The city council met on Tuesday evening to discuss the new budget for public transport in the region.",
    "Several members argued that the proposed fares would weigh most on families living far from the centre.",
    "The mayor said the plan would be revised after a public consultation planned for the coming weeks.",
    "Residents who spoke at the meeting welcomed the delay but asked for clearer figures before any vote.",
]


def _page(byline_html: str = "", head: str = "", after: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="{lang}"><head><title>Budget plan delayed</title>{head}</head><body>'
        '<header class="site"><a href="/">Example Times</a></header>'
        f"<article><h1>Budget plan delayed</h1>{byline_html}<div class='content'>{body}</div></article>"
        f"{after}</body></html>"
    )


def _read(html: str, url: str = "https://news.example.org/budget-plan") -> Article:
    return extract_html(RawPage(content=html, kind="html", url=url))


def _ld(obj: dict[str, object]) -> str:
    return f'<script type="application/ld+json">{json.dumps(obj)}</script>'


@pytest.mark.parametrize(
    ("byline", "writers"),
    [
        # The writer's title in an element of its own, glued to the name.
        (
            '<div class="meta"><span>By </span><a href="/people/ann-lee"><span>Ann Lee</span></a>'
            "<span>Staff Writer</span></div>",
            ["Ann Lee"],
        ),
        (
            '<div class="meta"><span>By </span><a href="/people/tom-ray">Tom Ray</a>'
            "<span>Business Columnist</span></div>",
            ["Tom Ray"],
        ),
        # The date under the name after a line break.
        ('<h3 class="meta">by Carl Moss<br><span>Monday, November 18, 2019</span></h3>', ["Carl Moss"]),
        # A weekday after a comma.
        ('<p class="meta">By Rita Sand, Wednesday, 20 November 2019 08:05 GMT</p>', ["Rita Sand"]),
        # The name twice: a visible link and a hidden one.
        (
            '<div class="meta"> By <a href="/j/1"><span>Paul Stone</span></a> '
            '<a href="" style="display:none">Paul Stone</a></div>',
            ["Paul Stone"],
        ),
    ],
)
def test_byline_line_names_only_the_writer(byline: str, writers: list[str]) -> None:
    assert _read(_page(byline)).authors == writers


def test_card_that_is_one_link_round_its_headline_is_another_story() -> None:
    cards = (
        '<div class="more">'
        '<article class="card"><a href="/other-1"><img src="a.jpg"><div class="m">'
        "<h2>Another story entirely</h2><span>by Rahul</span></div></a></article>"
        '<article class="small"><a href="/other-2"><div class="t"><img src="b.jpg"></div>'
        "<h3>A third story</h3></a><p>by Anmol</p></article></div>"
    )
    article = _read(_page('<p class="meta">by <a href="/a/lw">Lena White</a></p>', after=cards))
    assert article.authors == ["Lena White"]


def test_additional_reporting_is_a_helper_where_the_article_declares_its_writer() -> None:
    head = '<meta name="author" content="Ryan Reese">'
    tail = "<p>Additional reporting by Jo Hudson</p>"
    article = _read(_page(head=head, after=f"<div class='note'>{tail}</div>"))
    assert article.authors == ["Ryan Reese"]
    assert ("Jo Hudson", "contributor") in [(c.name, c.role) for c in article.contributors]


def test_russian_byline_opener() -> None:
    byline = '<p><span itemprop="author creator" class="info__authors">Текст: Венера Ерофеева</span></p>'
    assert _read(_page(byline, lang="ru")).authors == ["Венера Ерофеева"]


@pytest.mark.parametrize(
    ("name", "tidy"),
    [
        ("Sean Martin Sean Martin", "Sean Martin"),
        ("Wednesday", None),
        ("Staff Writer", None),
        ("Ann Lee", "Ann Lee"),
        ("Ani Ani", "Ani Ani"),  # two words only: a given name repeated may be the whole name
    ],
)
def test_tidy_name(name: str, tidy: str | None) -> None:
    assert tidy_name(name) == tidy


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "0001-01-01T00:00:00"])
def test_placeholder_machine_times_are_not_times(raw: str) -> None:
    assert parse_iso(raw) is None


def test_placeholder_json_ld_time_gives_way_to_the_page_s_own() -> None:
    head = (
        _ld(
            {
                "@context": "http://schema.org",
                "@type": "NewsArticle",
                "datePublished": "0001-01-01T00:00:00Z",
                "dateModified": "0001-01-01T00:00:00Z",
            }
        )
        + '<meta property="article:published_time" content="2019-11-19T14:05:00-05:00">'
    )
    article = _read(_page(head=head))
    assert article.published == datetime(2019, 11, 19, 14, 5, tzinfo=timezone(timedelta(hours=-5)))
    assert article.modified is None


def test_zone_name_after_an_iso_time() -> None:
    byline = '<p class="meta"><time datetime="2019-11-18 17:19:53 GMT">Nov 18, 2019</time></p>'
    assert _read(_page(byline)).published == datetime(2019, 11, 18, 17, 19, 53, tzinfo=UTC)


def test_json_ld_with_a_trailing_comma_is_read() -> None:
    block = (
        '{"@context": "http://schema.org", "@type": "NewsArticle", "headline": "Budget plan delayed",'
        ' "datePublished": "2019-11-18T16:06:51-05:00", "author": {"@type": "Person", "name": "Brigit Kay"},'
        ' "keywords": ["budget", "transport", ]}'
    )
    article = _read(_page(head=f'<script type="application/ld+json">{block}</script>'))
    assert article.published == datetime(2019, 11, 18, 16, 6, 51, tzinfo=timezone(timedelta(hours=-5)))
    assert article.authors == ["Brigit Kay"]


@pytest.mark.parametrize("kind", ["MedicalWebPage", "OpinionNewsArticle", "SocialMediaPosting"])
def test_schema_org_subtypes_describe_the_article(kind: str) -> None:
    head = _ld(
        {
            "@context": "https://schema.org",
            "@type": kind,
            "headline": "Budget plan delayed",
            "datePublished": "2019-11-14T08:00:00.000Z",
            "author": {"@type": "Person", "name": "Rachel Lind"},
        }
    )
    article = _read(_page(head=head))
    assert article.published == datetime(2019, 11, 14, 8, tzinfo=UTC)
    assert article.authors == ["Rachel Lind"]


@pytest.mark.parametrize("printed", ["19 Nov 2019", "Nov 19, 2019", "Tuesday 19 November 2019"])
def test_day_printed_without_time_of_day(printed: str) -> None:
    article = _read(_page(f'<p class="dateline">{printed}</p>'))
    assert article.published == datetime(2019, 11, 19, tzinfo=UTC)


def test_day_printed_without_time_of_day_in_the_zone_the_page_states() -> None:
    head = '<meta property="article:modified_time" content="2019-11-20T09:00:00+01:00">'
    article = _read(_page('<p class="dateline">19 Nov 2019</p>', head=head))
    # A bare day is kept as its midnight UTC (the same date in every view), the page's zone beside it.
    assert article.published == datetime(2019, 11, 19, tzinfo=UTC)
    assert (article.published_precision, article.published_zone) == ("day", "+01:00")


@pytest.mark.parametrize("key", ["og:author", "dcterms.creator", "dc:creator", "DCSext.author"])
def test_meta_author_keys_trafilatura_reads(key: str) -> None:
    article = _read(_page(head=f'<meta name="{key}" content="Hanna Berg">'))
    assert article.authors == ["Hanna Berg"]


@pytest.mark.parametrize(
    "byline",
    [
        '<div data-component="Byline"><span>Hanna Berg</span></div>',
        '<p class="journalist-name">Hanna Berg</p>',
        '<span class="article-writer">Hanna Berg</span>',
    ],
)
def test_byline_element_marks_trafilatura_reads(byline: str) -> None:
    assert _read(_page(byline)).authors == ["Hanna Berg"]


def test_json_ld_person_with_a_list_of_names() -> None:
    head = _ld(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": "Budget plan delayed",
            "author": {"@type": "Person", "name": ["Hanna Berg", "Ole Lund"]},
        }
    )
    assert _read(_page(head=head)).authors == ["Hanna Berg", "Ole Lund"]


def test_the_site_s_desk_is_not_a_writer_when_the_site_name_opens_with_an_article() -> None:
    head = '<meta property="og:site_name" content="The Herald"><meta name="author" content="Herald Sport">'
    assert _read(_page(head=head)).authors == []


@pytest.mark.parametrize(
    ("byline", "lang", "writers"),
    [
        ('<p class="byline">Anna Virtanen ja Mikko Laine</p>', "fi", ["Anna Virtanen", "Mikko Laine"]),
        ('<p class="byline">Jan Kowalski oraz Anna Nowak</p>', "pl", ["Jan Kowalski", "Anna Nowak"]),
        ('<p class="byline">Ana Pop și Ion Ionescu</p>', "ro", ["Ana Pop", "Ion Ionescu"]),
        ('<p class="byline">松岡大地、田中花子</p>', "ja", ["松岡大地", "田中花子"]),
    ],
)
def test_writers_joined_by_a_language_s_and(byline: str, lang: str, writers: list[str]) -> None:
    assert _read(_page(byline, lang=lang)).authors == writers
