"""Writers kept apart from the outlets and codes a byline names, and times printed with a zone
abbreviation or in other languages' shapes (issue 20, items 3–4). One generated page per class:

* a publication's name beside the writers ("…, Sioux Falls Argus Leader", "The Washington Post"),
  or a broadcaster's code standing as the author ("KWCHCIK"): the source, not a writer;
* a name in capitals that starts with a byline opener's letters ("DINI TEJA", "BYRON YORK");
* "By …" in the site's menu (a show's name), which is no byline;
* a printed time with a zone abbreviation ("10:02 AM EST Nov 19, 2019"), a clock before the date,
  an ordinal day, a 12-hour clock with no zone, and such a line in JSON-LD's datePublished.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabar.extract.html import extract_html
from kabar.model import Article, RawPage

_PARAGRAPHS = [
    "The county board voted on Monday to extend the library's opening hours through the winter months.",
    "Members said the change would cost little, since volunteers had offered to staff the evening shifts.",
    "Parents had asked for longer hours so that pupils could study somewhere warm after school closes.",
    "The new hours start next month and will be reviewed in the spring, the board's chair said.",
]


def _page(byline_html: str = "", head: str = "", before: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="en"><head><title>Library hours extended</title>{head}</head><body>{before}'
        f"<article><h1>Library hours extended</h1>{byline_html}<div class='content'>{body}</div></article>"
        "</body></html>"
    )


def _read(html: str) -> Article:
    return extract_html(RawPage(content=html, kind="html", url="https://news.example.org/library-hours"))


def _agencies(article: Article) -> list[str]:
    return [c.name for c in article.contributors if c.role == "agency"]


@pytest.mark.parametrize(
    ("byline", "writers", "source"),
    [
        (
            '<div class="byline-section"><div class="attribution"><span class="author">Lisa Kay and Tom J. Reed'
            '</span><span class="publication">Sioux Falls Argus Leader</span></div>'
            '<div class="publish-date">Published 10:02 AM EST Nov 19, 2019</div></div>',
            ["Lisa Kay", "Tom J. Reed"],
            "Sioux Falls Argus Leader",
        ),
        ('<p class="byline">By Ann Lee, Chicago Tribune</p>', ["Ann Lee"], "Chicago Tribune"),
        ('<p class="byline">By Ann Lee, The Washington Post</p>', ["Ann Lee"], "The Washington Post"),
    ],
)
def test_a_publication_beside_the_writers_is_the_source(byline: str, writers: list[str], source: str) -> None:
    article = _read(_page(byline))
    assert article.authors == writers
    assert source in _agencies(article)


@pytest.mark.parametrize("name", ["Emily Post", "Lena Sun"])
def test_a_writer_whose_family_name_is_a_publication_word_stays_a_writer(name: str) -> None:
    assert _read(_page(f'<p class="byline">By {name}</p>')).authors == [name]


@pytest.mark.parametrize("code", ["KWCHCIK", "PMJS"])
def test_a_code_standing_as_the_author_is_the_source(code: str) -> None:
    article = _read(_page(head=f'<meta name="author" content="{code}">'))
    assert article.authors == []
    assert code in _agencies(article)


@pytest.mark.parametrize(("printed", "writer"), [("DINI TEJA", "Dini Teja"), ("BYRON YORK", "Byron York")])
def test_a_name_in_capitals_opening_with_an_opener_s_letters(printed: str, writer: str) -> None:
    assert _read(_page(f'<p class="byline">{printed}</p>')).authors == [writer]


def test_by_in_the_site_menu_is_no_byline() -> None:
    menu = (
        '<div class="b-mainnav__2level"><ul class="b-mainnav__list">'
        '<li><a href="/radio_by_any_means/">By Any Means Necessary</a></li>'
        '<li><a href="/radio_loud/">Loud and Clear</a></li></ul></div>'
    )
    article = _read(_page('<p class="meta">By Finn Carr</p>', before=menu))
    assert article.authors == ["Finn Carr"]


_EST = timezone(timedelta(hours=-5))


@pytest.mark.parametrize(
    ("printed", "published", "zone"),
    [
        ("Published 10:02 AM EST Nov 19, 2019", datetime(2019, 11, 19, 10, 2, tzinfo=_EST), "-05:00"),
        ("November 19, 2019, 07:47 PM EST", datetime(2019, 11, 19, 19, 47, tzinfo=_EST), "-05:00"),
        (
            "20 November 2019 - 11:28 IST",
            datetime(2019, 11, 20, 11, 28, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "+05:30",
        ),
        # No zone printed and none stated elsewhere: the wall clock, read in UTC as bare machine times are.
        ("on Monday, November 18th, 2019 at 11:08 a.m.", datetime(2019, 11, 18, 11, 8, tzinfo=UTC), "+00:00"),
        ("Posted: Fri 6:45 PM, Feb 16, 2018", datetime(2018, 2, 16, 18, 45, tzinfo=UTC), "+00:00"),
        ("2018-08-25 15:24", datetime(2018, 8, 25, 15, 24, tzinfo=UTC), "+00:00"),
    ],
)
def test_printed_time_with_a_zone_abbreviation_or_none(printed: str, published: datetime, zone: str) -> None:
    article = _read(_page(f'<p class="byline">By Finn Carr</p><p class="date">{printed}</p>'))
    assert article.published == published
    assert article.published_zone == zone


@pytest.mark.parametrize(
    ("declared", "published"),
    [
        ("01:38:07 PM IST Nov 20, 2019", datetime(2019, 11, 20, 8, 8, tzinfo=UTC)),
        ("19 Nov 2019 07:09 GMT", datetime(2019, 11, 19, 7, 9, tzinfo=UTC)),
        ("Tue Nov 19 2019 03:05:46 GMT+0530", datetime(2019, 11, 18, 21, 35, 46, tzinfo=UTC)),
        ("Tue, 19 Nov 2019 10:00:00 -0500", datetime(2019, 11, 19, 15, tzinfo=UTC)),
        ("Thu, 01 Jan 1970 07:00:00 +0700", None),  # the Unix epoch: no time
    ],
)
def test_printed_time_in_json_ld(declared: str, published: datetime | None) -> None:
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "datePublished": declared}
    article = _read(_page(head=f'<script type="application/ld+json">{json.dumps(ld)}</script>'))
    assert article.published == published


def test_another_machine_time_that_agrees_with_the_printed_line_wins() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "datePublished": "2019-11-20T04:31:13-06:00",
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="article:published_time" content="2019-11-20T04:31:13+00:00">'
    )
    article = _read(_page('<p class="date">Nov 19, 2019, 10:31 pm CST</p>', head=head))
    assert article.published == datetime(2019, 11, 20, 4, 31, 13, tzinfo=UTC)


def test_a_printed_line_that_is_the_update_time_is_not_the_publication() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "datePublished": "2019-11-20T06:37:00",
        "dateModified": "2019-11-20T11:42:00",
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = _read(_page('<p class="date">Wednesday 20 November 2019 11:42, UK</p>', head=head))
    assert article.published == datetime(2019, 11, 20, 6, 37, tzinfo=UTC)


def test_the_web_page_s_time_where_the_article_gives_only_its_day() -> None:
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Library hours", "datePublished": "2018-09-15T10:15:48+02:00"}
        ],
    }
    article_ld = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": "Library hours extended",
        "datePublished": "2018-09-15",
    }
    head = "".join(
        f'<script type="application/ld+json">{json.dumps(b)}</script>' for b in (graph, article_ld)
    )
    article = _read(_page(head=head))
    assert article.published == datetime(2018, 9, 15, 10, 15, 48, tzinfo=timezone(timedelta(hours=2)))


@pytest.mark.parametrize(
    ("byline", "writer"),
    [
        ('<p class="byline">Kirjoittaja: Anna Virtanen</p>', "Anna Virtanen"),
        ('<p class="yazar">Yazar: Ayşe Yılmaz</p>', "Ayşe Yılmaz"),
        ('<p class="szerzo">Szerző: Kovács Anna</p>', "Kovács Anna"),
        ("<p>Texto: Ana Pérez</p>", "Ana Pérez"),
        ("<p>Tekst: Jan Kowalski</p>", "Jan Kowalski"),
        ('<p class="author">كتب: أحمد علي</p>', "أحمد علي"),
        ('<p class="author">记者 王小明</p>', "王小明"),
        ('<p class="byline">홍길동 기자</p>', "홍길동"),
        ('<div class="firma">Ana Pérez</div>', "Ana Pérez"),
        ('<div class="signature">Jean Dupont</div>', "Jean Dupont"),
    ],
)
def test_byline_openers_roles_and_marks_in_more_languages(byline: str, writer: str) -> None:
    assert _read(_page(byline)).authors == [writer]


@pytest.mark.parametrize(
    ("label", "printed"),
    [("Updated", "12:24 am EST, Wednesday, November 20, 2019"), ("Diperbarui", "Rabu, 20/11/2019 12:24 WIB")],
)
def test_an_update_label_in_an_element_of_its_own_marks_the_time_after_it(label: str, printed: str) -> None:
    head = '<meta property="article:published_time" content="2019-11-20T02:07:18+0000">'
    byline = f'<p class="meta"><span>{label}</span> <time>{printed}</time></p>'
    article = _read(_page(byline, head=head))
    assert article.published == datetime(2019, 11, 20, 2, 7, 18, tzinfo=UTC)
    assert not any("vs visible" in n for n in article.notes)
