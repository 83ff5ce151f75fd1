"""One small fixture per crash class the fuzzers found (benchmarks/fuzz.py, tests/test_fuzz_*.py).

Each input is written here by hand to the shape of the mutant that failed; none is a copy of a page.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from kabar.extract import extract
from kabar.model import Article, RawPage
from kabar.serialize import article_to_dict
from kabar.sources.decode import decode_html, known_charset
from kabar.sources.feeds import FeedError, parse_feed
from kabar.sources.files import decode, iter_records
from kabar.sources.records import map_record
from kabar.understand import enrich
from kabar.understand.entities import find_entities

BODY = (
    "<p>Presiden Joko Widodo meninjau lokasi banjir di Jakarta Timur pada Selasa pagi bersama gubernur.</p>"
)


def _utf8(article: Article) -> bytes:
    return json.dumps(article_to_dict(article), ensure_ascii=False).encode("utf-8")


# ---- a declared charset that Python knows but cannot decode a page with (files.decode raised UnicodeError)


@pytest.mark.parametrize(
    "charset", ["idna", "punycode", "undefined", "rot13", "hex", "base64", "zlib", "unicode_escape"]
)
def test_charsets_no_page_is_written_in_are_ignored(charset: str) -> None:
    data = (
        f'<html><head><meta charset="{charset}"></head><body>{BODY}</body></html>'.encode()
        + b"\xff\xfe caf\xe9"
    )
    assert known_charset(charset) is None
    assert "Joko Widodo" in decode(data, "x")
    assert "Joko Widodo" in decode_html(data, charset)


@pytest.mark.parametrize("charset", ["utf-8\x00", "\udcff", "x" * 5000, '"windows-1252"'])
def test_odd_charset_names_from_http_headers(charset: str) -> None:
    assert "Joko Widodo" in decode_html(BODY.encode(), charset)


# ---- numeric character references with no character behind them (feedparser raised from chr())


@pytest.mark.parametrize(
    "ref", ["&#xD800;", "&#xDCFF", "&#55296;", "&#x110000;", "&#99999999999999999999999;"]
)
def test_feed_with_impossible_character_references(ref: str) -> None:
    # Not well-formed XML (the unescaped '&' below), so feedparser's loose parser reads it.
    feed = f"<rss version='2.0'><channel><title>Kabar & {ref}</title><item><title>Judul {ref} berita</title>"
    feed += "<link>https://contoh.id/berita/1</link></item></channel></rss>"
    try:
        parsed = parse_feed(feed.encode())
    except FeedError:
        return
    assert [e.url for e in parsed.entries] == ["https://contoh.id/berita/1"]
    assert "\ufffd" in parsed.entries[0].hints["title"]


# ---- lone surrogates from JSON escapes (the CLI's output and the archive's insert raised UnicodeEncodeError)


def test_json_ld_with_lone_surrogates_serialises_as_utf8() -> None:
    ld = json.dumps(
        {"@type": "NewsArticle", "headline": "Judul \udcff berita", "author": {"name": "A\ud800B"}}
    )
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body><article>{BODY}</article></body></html>'
    article = enrich(extract(RawPage(content=html, kind="html")))
    assert article.headline == "Judul \ufffd berita"
    _utf8(article)


def test_jsonl_record_with_lone_surrogates_serialises_as_utf8(tmp_path: Path) -> None:
    path = tmp_path / "data.jsonl"
    record = {"title": "Judul \udcff", "text": "Isi \ud800 berita", "tags": ["a\udfffb"], "\udcffkunci": 1}
    emoji = {"title": "Judul 🙂 berita", "text": "Isi berita"}  # an escaped pair stays one character
    path.write_text(json.dumps(record) + "\n" + json.dumps(emoji) + "\n", encoding="utf-8")
    lines = list(iter_records(path))
    articles = [map_record(line.record or {}, "x").article for line in lines]
    assert articles[0] is not None and articles[0].headline == "Judul \ufffd"
    assert articles[1] is not None and articles[1].headline == "Judul 🙂 berita"
    for article in articles:
        assert article is not None
        _utf8(enrich(article))


# ---- a start tag of 100,000 attributes or a 1 MB value (libxml2 quadratic, each parse: minutes)


def _cpu(call: Callable[[], object]) -> float:
    start = time.process_time()
    call()
    return time.process_time() - start


@pytest.mark.parametrize(
    "tag",
    [lambda n: "<div " + " ".join(f'a{i}="x"' for i in range(n)) + ">",
     lambda n: '<img src="data:image/png;base64,' + "A" * (n * 10) + '">'],
)  # fmt: skip
def test_oversized_start_tags_cost_no_more_than_their_size(tag: Callable[[int], str]) -> None:
    def page(n: int) -> RawPage:
        return RawPage(
            content=f"<html><body><article><h1>Judul berita</h1>{tag(n)}{BODY}</article></body></html>",
            kind="html",
        )

    small, large = page(2_000), page(40_000)
    assert "Joko Widodo" in " ".join(extract(large).paragraphs)
    # 20× the input: linear is ~20× the time, the quadratic parse was ~400×.
    assert _cpu(lambda: extract(large)) < 40 * max(_cpu(lambda: extract(small)), 0.01)


# ---- re's case-blind match is looser than str.lower() (entities' second pass raised StopIteration)


def test_shouted_headline_with_dotted_capital_i() -> None:
    article = Article(
        headline="PRESIDEN JOKO WIDODO BERTEMU SINTA DI İRAK",
        paragraphs=["Presiden Joko Widodo bertemu Sinta di Irak pada Senin. Sinta mengatakan Irak aman."],
    )
    names = {e.name for e in find_entities(article)}
    assert {"Joko Widodo", "Irak"} <= names


# ---- an href urllib cannot read (urljoin raised "Invalid IPv6 URL" from the HTML reader)


def test_links_and_images_urllib_cannot_read_cost_only_themselves() -> None:
    html = (
        '<html><head><link rel="canonical" href="https://contoh.id/berita/1"></head><body><article>'
        "<h1>Judul berita yang cukup panjang</h1>"
        '<figure><img src="http://[::1/foto.jpg"><figcaption>Foto: Dok.</figcaption></figure>'
        f'{BODY}<p><a href="http://[contoh.id/a">Baca juga: berita lain yang panjang</a></p>'
        '<ul class="related"><li><a href="https://[x/y">Berita terkait yang cukup panjang</a></li></ul>'
        "</article></body></html>"
    )
    article = enrich(extract(RawPage(content=html, kind="html", url="https://contoh.id/berita/1")))
    assert "Joko Widodo" in " ".join(article.paragraphs)
    _utf8(article)


def test_record_slug_from_an_unreadable_url() -> None:
    mapped = map_record(
        {"title_from_slug": "Judul pendek", "url": "http://[contoh.id/a-b-c-d", "text": "Isi."}, "x"
    )
    assert mapped.article is not None and mapped.article.headline == "Judul pendek"
