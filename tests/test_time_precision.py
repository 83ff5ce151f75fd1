"""A time known to the day only (issue 20, item 4): ``Article.published_precision``.

A page that prints a date and no time of day gives a day, not an instant. The readers say so
("day"; "minute" or "second" for a clock), keep the day as its midnight UTC so it is the page's own
day in every view, keep the page's zone in ``published_zone``, and every view shows the date without
a clock: kabar JSON, JSON-LD (a schema.org ``Date``), the portal, the API.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar.archive.base import SearchQuery
from kabar.extract.html import extract_html
from kabar.lang.time import find_time
from kabar.model import Article, RawPage
from kabar.serialize import article_from_dict, article_to_dict, article_to_jsonld
from kabar.serve.display import format_time, machine_time
from serve_support import Client, fill, make_app, make_article

WIB = timezone(timedelta(hours=7))
NEW_YORK = timezone(timedelta(hours=-5))
_PARAGRAPHS = [
    "The county board voted on Monday to extend the library's opening hours through the winter months.",
    "Members said the change would cost little, since volunteers had offered to staff the evening shifts.",
    "Parents had asked for longer hours so that pupils could study somewhere warm after school closes.",
]


def _page(head: str = "", byline: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="en"><head><title>Library hours extended</title>{head}</head><body>'
        f"<article><h1>Library hours extended</h1>{byline}<div class='content'>{body}</div></article>"
        "</body></html>"
    )


def _read(html: str, url: str = "https://news.example.org/library-hours") -> Article:
    return extract_html(RawPage(content=html, kind="html", url=url))


def _ld(published: str) -> str:
    return (
        f'<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"{published}"}}</script>'
    )


def test_a_machine_day_is_the_pages_day_at_midnight_utc_with_the_pages_zone() -> None:
    # The page states +07:00 on its modification time; its publication is a bare day.
    head = _ld("2025-11-03") + '<meta property="article:modified_time" content="2025-11-03T10:00:00+07:00">'
    article = _read(_page(head))
    assert article.published == datetime(2025, 11, 3, tzinfo=UTC)  # not 2 Nov 17:00 UTC
    assert article.published_precision == "day"
    assert article.published_zone == "+07:00"  # the page's zone, kept beside the day
    assert (article.modified, article.modified_precision) == (
        datetime(2025, 11, 3, 10, tzinfo=WIB),
        "second",
    )


def test_a_printed_day_without_a_clock() -> None:
    article = _read(_page(byline="<p class='date'>November 19, 2019</p>"))
    assert (article.published, article.published_precision) == (datetime(2019, 11, 19, tzinfo=UTC), "day")


def test_the_urls_day() -> None:
    article = _read(_page(), url="https://news.example.org/2024/01/02/library-hours")
    assert (article.published, article.published_precision) == (datetime(2024, 1, 2, tzinfo=UTC), "day")


@pytest.mark.parametrize(
    ("head", "byline", "precision"),
    [
        (_ld("2025-11-03T09:15:07-05:00"), "", "second"),
        (_ld("2025-11-03T09:15-05:00"), "", "minute"),
        ("", "<p class='date'>Nov 3, 2025, 09:15 AM EST</p>", "minute"),
    ],
)
def test_a_time_of_day_says_how_much_it_states(head: str, byline: str, precision: str) -> None:
    article = _read(_page(head, byline))
    assert article.published is not None and article.published.hour == 9
    assert article.published_precision == precision


@pytest.mark.parametrize(
    ("text", "precision"),
    [
        ("Senin, 2 November 2020", "day"),
        ("Senin, 2 November 2020 10:05 WIB", "minute"),
        ("2020-11-02", "day"),
        ("2020-11-02T10:05:09+07:00", "second"),
    ],
)
def test_the_shared_time_reader_says_its_precision(text: str, precision: str) -> None:
    found = find_time(text)
    assert found is not None and found.precision == precision


def _day_article() -> Article:
    return Article(
        headline="Library hours extended",
        published=datetime(2019, 11, 19, tzinfo=UTC),
        published_precision="day",
        published_zone="-05:00",
        paragraphs=list(_PARAGRAPHS),
    )


def test_kabar_json_keeps_the_precision_and_old_json_reads_as_unknown() -> None:
    data = article_to_dict(_day_article())
    assert data["published_precision"] == "day" and data["modified_precision"] is None
    back = article_from_dict(json.loads(json.dumps(data)))
    assert (back.published, back.published_precision) == (datetime(2019, 11, 19, tzinfo=UTC), "day")
    del data["published_precision"]  # as stored before kabar kept it
    assert article_from_dict(data).published_precision is None
    data["published_precision"] = "hour"  # a value kabar does not know is not believed
    assert article_from_dict(data).published_precision is None


def test_json_ld_gives_the_date_alone() -> None:
    assert article_to_jsonld(_day_article())["datePublished"] == "2019-11-19"
    clock = Article(headline="x", published=datetime(2019, 11, 19, 9, 5, tzinfo=NEW_YORK))
    clock.published_precision = "minute"
    assert article_to_jsonld(clock)["datePublished"] == "2019-11-19T09:05:00-05:00"


def test_the_portal_shows_a_day_without_a_clock() -> None:
    day = datetime(2020, 11, 3, tzinfo=UTC)
    assert format_time(day, "day") == "Selasa, 3 November 2020"
    assert format_time(day) == "Selasa, 3 November 2020 07:00 WIB"  # read as an instant: a clock
    assert machine_time(day, "day") == "2020-11-03"
    assert machine_time(day, "minute") == day.isoformat()


def test_portal_pages_and_the_api_show_the_day(tmp_path: Path) -> None:
    bare = make_article(1, published=datetime(2020, 11, 3, tzinfo=UTC), published_precision="day")
    clocked = make_article(2, published_precision="minute")
    archive = fill(tmp_path / "kabar.db", [bare, clocked])
    try:
        client = Client(make_app(archive))
        page = client.get("/artikel/1").text
        assert '<time datetime="2020-11-03">Selasa, 3 November 2020</time>' in page
        assert '<meta property="article:published_time" content="2020-11-03">' in page
        home = client.get("/").text
        assert '<time datetime="2020-11-03">Selasa, 3 November 2020</time>' in home
        assert "14:50 WIB</time>" in home  # a clocked article keeps its clock
        items = {i["id"]: i for i in client.get("/api/articles").json()["items"]}
        assert items[1]["published_precision"] == "day" and items[2]["published_precision"] == "minute"
        assert client.get("/api/articles/1").json()["published_precision"] == "day"
    finally:
        archive.close()


@pytest.mark.parametrize("zone", ["-05:00", "+07:00", "WIB"])
def test_relative_expressions_resolve_against_the_pages_day(zone: str) -> None:
    from kabar.understand.timex import find_time_expressions

    article = Article(
        headline="Rapat dewan kota",
        paragraphs=["Dewan kota menggelar rapat kemarin untuk membahas anggaran taman."],
        published=datetime(2024, 5, 3, tzinfo=UTC),  # "3 Mei 2024", no time of day
        published_precision="day",
        published_zone=zone,
    )
    (yesterday,) = [t for t in find_time_expressions(article) if t.text == "kemarin"]
    assert yesterday.value == "2024-05-02"  # the day before the page's day, wherever its zone lies


def test_the_cli_list_shows_a_day_without_a_clock(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kabar.cli.main import app

    bare = make_article(1, published=datetime(2020, 11, 3, tzinfo=UTC), published_precision="day")
    fill(tmp_path / "kabar.db", [bare]).close()
    runner = CliRunner()
    args = ["list", "--db", str(tmp_path / "kabar.db")]
    (row,) = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)
    assert row["published_precision"] == "day"
    table = runner.invoke(app, args, env={"COLUMNS": "200"}).stdout
    assert "Selasa, 3 November 2020" in table and "00:00" not in table


def test_a_printed_clock_with_seconds_states_the_second() -> None:
    article = _read(_page(byline="<p class='date'>Tue Nov 19 2019 03:05:46 GMT+0000</p>"))
    assert article.published == datetime(2019, 11, 19, 3, 5, 46, tzinfo=UTC)
    assert article.published_precision == "second"


def test_search_story_and_api_hits_show_the_day(tmp_path: Path) -> None:
    bare = make_article(1, published=datetime(2020, 11, 3, tzinfo=UTC), published_precision="day")
    archive = fill(tmp_path / "kabar.db", [bare, make_article(2)])
    try:
        (hit,) = [h for h in archive.search(SearchQuery("banjir", limit=5)).hits if h.id == 1]
        assert hit.published_precision == "day"
        assert [b.published_precision for b in archive.briefs([1, 2])] == ["day", None]
        client = Client(make_app(archive))
        page = client.get("/cari?q=banjir").text
        assert '<time datetime="2020-11-03">Selasa, 3 November 2020</time>' in page
        hits = {h["id"]: h for h in client.get("/api/search?q=banjir").json()["hits"]}
        assert hits[1]["published_precision"] == "day"
    finally:
        archive.close()
