"""Machine times a page keeps outside the usual places (issue 20, item 4), one generated page per class:

* hidden form fields holding the times (``<input type="hidden" class="published_date" value=…>``,
  seen on sciencealert.com), their names in ``data/declared.json`` (``time_fields``);
* a meta tag whose ``itemprop`` lists several microdata properties ("datePublished dateCreated",
  seen on nytimes.com beside ``property="article:published"``);
* a ``<time itemprop="datePublished">`` whose class also says "updated" (a WordPress theme's
  ``entry-published updated``): the property it declares says what it is;
* a fact check's JSON-LD ``ClaimReview`` (snopes.com, polygraph.info): the page's own object, with
  its time of day, where the page prints only the day.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from kabar.extract.html import extract_html
from kabar.model import Article, RawPage

_PARAGRAPHS = [
    "Astronomers have confirmed plumes of water vapour rising above the icy surface of a distant moon.",
    "The team used a telescope in Hawaii over several nights to measure the faint signal of the vapour.",
    "The finding strengthens the case for sending a probe to sample the plumes in the coming decade.",
]


def _page(head: str = "", before: str = "", after: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="en"><head><title>Water plumes confirmed</title>{head}</head><body>{before}'
        f"<article><h1>Water plumes confirmed</h1>{after}<div class='content'>{body}</div></article>"
        "</body></html>"
    )


def _read(html: str) -> Article:
    return extract_html(RawPage(content=html, kind="html", url="https://science.example.com/water-plumes"))


def test_hidden_fields_hold_the_publication_and_modification_times() -> None:
    fields = (
        '<input class="modified_date" type="hidden" value="2019-11-19 08:02:11">'
        '<input class="published_date" type="hidden" value="2019-11-18 23:41:18">'
    )
    article = _read(_page(before=fields))
    assert article.published == datetime(2019, 11, 18, 23, 41, 18, tzinfo=UTC)
    assert article.published_precision == "second"
    assert article.modified == datetime(2019, 11, 19, 8, 2, 11, tzinfo=UTC)


def test_hidden_fields_by_name_read_in_the_zone_the_page_states() -> None:
    head = '<meta property="article:modified_time" content="2019-11-19T08:02:11+01:00">'
    field = '<input type="hidden" name="published_date" value="2019-11-18 23:41:18">'
    article = _read(_page(head=head, before=field))
    assert article.published == datetime(2019, 11, 18, 23, 41, 18, tzinfo=timezone(timedelta(hours=1)))


def test_a_hidden_field_of_another_name_or_a_visible_input_is_no_time() -> None:
    other = '<input class="start_date" type="hidden" value="2019-11-18 23:41:18">'
    shown = '<input class="published_date" type="text" value="2019-11-18 23:41:18">'
    for html in (_page(before=other), _page(before=shown)):
        assert _read(html).published is None


def test_meta_with_several_itemprops_counts_for_each() -> None:
    head = (
        '<meta property="article:published" itemprop="datePublished dateCreated" '
        'content="2019-11-19T11:00:09.000Z">'
    )
    article = _read(_page(head=head))
    assert article.published == datetime(2019, 11, 19, 11, 0, 9, tzinfo=UTC)


def test_time_element_declared_date_published_despite_an_updated_class() -> None:
    line = (
        '<time class="entry-published updated" datetime="2019-11-20T10:03:33+01:00" '
        'itemprop="datePublished">Wednesday, November 20, 2019</time>'
    )
    article = _read(_page(after=line))
    assert article.published == datetime(2019, 11, 20, 10, 3, 33, tzinfo=timezone(timedelta(hours=1)))
    assert article.published_precision == "second"


def test_a_fact_checks_claim_review_gives_the_time_of_day() -> None:
    head = (
        '<script type="application/ld+json">{"@context":"http://schema.org","@type":"ClaimReview",'
        '"datePublished":"2019-11-18T10:15:00+00:00","url":"https://science.example.com/water-plumes"}</script>'
    )
    article = _read(_page(head=head, after="<p class='date'>18 November 2019</p>"))
    assert (article.published, article.published_precision) == (
        datetime(2019, 11, 18, 10, 15, tzinfo=UTC),
        "second",
    )
