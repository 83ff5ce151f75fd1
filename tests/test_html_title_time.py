"""Headline and publication time on pages in any language, one structure per fixture.

Each fixture under ``fixtures/general`` is written for these tests and reproduces one structure seen
on news pages outside Indonesia (issue 20, item 4 and the title): a bare machine time beside a zoned
one, a JSON-LD article held in a WebPage's ``mainEntity``, a bare time read in the zone the page
states elsewhere, a day without a time of day; a kicker inside the headline, a breadcrumb ``<h1>``,
a JSON-LD headline with the site's name after it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from conftest import FIXTURES
from kabar.extract.html import extract_html
from kabar.extract.html_fields import find_headline
from kabar.extract.html_meta import read_meta
from kabar.extract.html_parse import parse_html
from kabar.model import Article, RawPage

CEST = timezone(timedelta(hours=2))
CET = timezone(timedelta(hours=1))


def _read(name: str) -> Article:
    html = (FIXTURES / "general" / name).read_text(encoding="utf-8")
    return extract_html(RawPage(content=html, kind="html"))


def test_zoned_meta_time_wins_over_bare_json_ld() -> None:
    article = _read("time_bare_ld_zoned_meta.html")
    assert article.published == datetime(2023, 4, 28, 18, 11, 1, tzinfo=CEST)
    assert article.published is not None and article.published.utcoffset() == timedelta(hours=2)
    assert article.modified == datetime(2023, 4, 28, 18, 43, 1, tzinfo=CEST)  # kept apart


def test_json_ld_article_inside_webpage_main_entity() -> None:
    article = _read("time_mainentity_ld.html")
    assert article.published == datetime(2023, 4, 28, 18, 16, 4, tzinfo=CEST)


def test_bare_time_read_in_the_zone_the_page_states() -> None:
    article = _read("time_bare_with_page_zone.html")
    assert article.published == datetime(2024, 3, 5, 9, 30, tzinfo=CET)
    assert article.published_zone == "+01:00"


def test_day_without_time_of_day() -> None:
    article = _read("time_day_only.html")
    assert article.published is not None
    assert article.published.astimezone(UTC).date().isoformat() == "2025-11-03"
    assert any(n.startswith("time: only a day") for n in article.notes)


@pytest.mark.parametrize(
    ("name", "headline"),
    [
        ("title_kicker_hidden_separator.html", "Drusen fordern Teilhabe von neuer Regierung"),
        ("title_kicker_other_og.html", "«Die Zurückhaltung hat viel mit den USA zu tun»"),
        # The page declares the kicker part of its headline: joined as it declares it.
        ("title_kicker_declared.html", "Ausschuss zur Flut: Zwei Rücktritte - und viele offene Fragen"),
        # A marked part after the title's first words is no kicker: the heading and og:title disagree.
        ("title_marked_after_title.html", "Waffenlieferungen: Beschwerde eingelegt"),
        ("title_breadcrumb_h1.html", "Sechs Zahlen, die die Größe des Immobilienriesen zeigen"),
        ("title_ld_site_suffix.html", "停戦「合意に近い」 最終案に双方同意か"),
    ],
)
def test_headline(name: str, headline: str) -> None:
    assert _read(name).headline == headline


def test_json_ld_headline_keeps_its_own_dash() -> None:
    html = (
        '<html><head><meta property="og:site_name" content="Site">'
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Iran - Israel talks resume"}'
        "</script></head><body><p>x</p></body></html>"
    )
    tree = parse_html(html).tree
    meta = read_meta(tree)
    assert find_headline(tree, meta, None, {"site"}) == "Iran - Israel talks resume"
    html_suffixed = html.replace("talks resume", "talks resume - Site")
    tree = parse_html(html_suffixed).tree
    assert find_headline(tree, read_meta(tree), None, {"site"}) == "Iran - Israel talks resume"


def test_heading_made_only_of_kicker_and_hidden_parts_keeps_its_text() -> None:
    html = (
        '<html><body><h1><span class="kicker">Only a kicker here today</span>'
        '<span class="sr-only"> - </span></h1><p>x</p></body></html>'
    )
    tree = parse_html(html).tree
    assert find_headline(tree, read_meta(tree), None, set()) == "Only a kicker here today"


def test_heading_with_its_kicker_is_not_a_body_paragraph() -> None:
    article = _read("title_kicker_hidden_separator.html")
    assert article.paragraphs[0].startswith("The council met")  # not "Minderheit in SyrienDrusen …"
    assert len(article.paragraphs) == 3


def test_short_headline_ending_a_line_keeps_the_line() -> None:
    from kabar.extract.headline_parts import is_heading_line

    assert is_heading_line("Premier League Liverpool verliert bei Everton", "Liverpool verliert bei Everton")
    assert not is_heading_line("Warga mengungsi karena banjir", "Banjir")
    assert is_heading_line("Banjir!", "banjir")
    assert not is_heading_line("", "")


def test_huge_and_nested_headings_are_read() -> None:
    from kabar.extract.headline_parts import read_heading

    many = "".join(f"<span>w{i}</span> " for i in range(20_000))
    tree = parse_html(f'<html><body><h1><span class="kicker">K</span>{many}</h1></body></html>').tree
    heading = read_heading(next(tree.iter("h1")))
    assert heading.kicker == "K" and heading.proper.startswith("w0 w1") and heading.proper.endswith("w19999")
    deep = "<span>" * 200 + "Deep title" + "</span>" * 200
    tree = parse_html(f"<html><body><h1>{deep}<!-- c --></h1></body></html>").tree
    assert read_heading(next(tree.iter("h1"))).proper == "Deep title"


BST = timezone(timedelta(hours=1))
WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("name", "published", "zone"),
    [
        # The visible line is an update stamp a few seconds after the machine publication time.
        ("time_visible_minute_machine_seconds.html", datetime(2024, 4, 27, 15, 56, 35, tzinfo=BST), "+01:00"),
        ("time_visible_minute_machine_seconds_id.html", datetime(2024, 4, 27, 15, 56, 35, tzinfo=WIB), "WIB"),
    ],
)
def test_machine_time_kept_when_the_visible_line_agrees(name: str, published: datetime, zone: str) -> None:
    """Within the "same time" window the machine time is exact (seconds, the right minute); the
    visible line gives only the zone's name as printed."""
    article = _read(name)
    assert article.published == published
    assert article.published is not None and article.published.second == published.second
    assert article.published_zone == zone
