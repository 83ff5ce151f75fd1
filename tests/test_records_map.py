from __future__ import annotations

from datetime import UTC, datetime

from kabar.sources.records import map_record


def test_indosum_record_maps_directly_with_the_fuller_slug_title() -> None:
    rec = {
        "id": "1490674536-mustahil-transportasi",
        "title_from_slug": "mustahil transportasi tradisional dan online bersa",
        "published_utc": "2017-03-28T04:15:36+00:00",
        "source": "kumparan",
        "url": "https://kumparan.com/x/ketua-mpr-mustahil-transportasi-tradisional-dan-online-bersaing-bebas",
        "category": "tajuk utama",
        "body": "Paragraf satu.\n\nParagraf dua.",
    }
    mapped = map_record(rec, "f:1")
    a = mapped.article
    assert a is not None and mapped.page is None
    assert a.headline == "Ketua mpr mustahil transportasi tradisional dan online bersaing bebas"
    assert a.published == datetime(2017, 3, 28, 4, 15, 36, tzinfo=UTC)
    assert a.outlet == "kumparan" and a.section == "tajuk utama"
    assert a.paragraphs == ["Paragraf satu.", "Paragraf dua."]
    assert a.canonical_url == rec["url"]


def test_news_please_style_record() -> None:
    rec = {
        "title": "Judul",
        "date_publish": "2020-11-03 16:50:00",
        "maintext": "Satu.\nDua.",
        "authors": ["A", "B"],
        "source_domain": "tempo.co",
    }
    a = map_record(rec, "x").article
    assert a is not None and a.paragraphs == ["Satu.", "Dua."] and a.authors == ["A", "B"]
    assert a.outlet == "tempo.co" and a.published is not None


def test_crawl_dump_record_becomes_a_flattened_page() -> None:
    rec = {
        "url": "https://tempo.co/read/1",
        "text": "Judul\n\nSelasa, 3 November 2020 16:50 WIB\n\nIsi.",
        "timestamp": 1604397000,
    }
    mapped = map_record(rec, "x")
    assert mapped.article is None and mapped.page is not None
    assert mapped.page.kind == "text" and mapped.page.url == "https://tempo.co/read/1"


def test_html_record_becomes_an_html_page_and_empty_record_an_error() -> None:
    assert (map_record({"html": "<p>x</p>"}, "x").page or None) is not None
    assert map_record({"foo": 1}, "x").error
    assert map_record({"title": "", "body": []}, "x").error


def test_odd_values_do_not_crash() -> None:
    a = map_record(
        {"title": 12, "published": "yesterday-ish", "body": ["a", 3, None], "tags": "x, y"}, "x"
    ).article
    assert a is not None and a.headline == "12" and a.published is None and a.paragraphs == ["a"]
    assert a.tags == ["x", "y"] and "published" in a.missing
    assert map_record({"title": "t", "body": "b", "published": 10**30}, "x").article is not None


def test_indosum_short_title_kept_when_the_slug_differs_starts_with_a_capital() -> None:
    rec = {
        "title_from_slug": "terkait novel baswedan jokowi saya kejar terus pol",
        "url": "http://poskotanews.com/2018/02/20/kasus-penyerangan-novel-baswedan-jokowi-saya-kejar-terus-polri/",
        "body": "Paragraf satu.",
    }
    a = map_record(rec, "f:1").article
    assert a is not None and a.headline == "Terkait novel baswedan jokowi saya kejar terus pol"
