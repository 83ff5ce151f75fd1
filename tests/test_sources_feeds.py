"""RSS 0.9x/1.0/2.0 and Atom → article links with hints; hints fill gaps only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from conftest import shared_path
from kabar.model import Article
from kabar.sources.feeds import FeedError, parse_feed
from kabar.sources.hints import apply_hints

RSS091 = b"""<?xml version="1.0"?><rss version="0.91"><channel><title>Lama</title><link>http://a.id/</link>
<description>d</description><item><title>Berita 0.91</title><link>http://a.id/berita/1</link>
<description>Isi singkat</description></item></channel></rss>"""

RSS10 = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
 xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="http://a.id/"><title>RDF</title><link>http://a.id/</link><description>d</description></channel>
<item rdf:about="http://a.id/berita/10"><title>Berita RDF</title><link>http://a.id/berita/10</link>
<dc:date>2020-11-03T16:50:00+07:00</dc:date><dc:creator>Andi</dc:creator></item>
</rdf:RDF>"""

RSS20 = b"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Kabar &amp; Co</title>
<link>http://a.id/</link><description>d</description>
<item><title>Gempa di Lombok</title><link>http://a.id/berita/2?utm_source=rss&amp;utm_medium=feed</link>
<pubDate>Tue, 03 Nov 2020 16:50:00 +0700</pubDate><description><![CDATA[<p>Gempa <b>kuat</b> mengguncang.</p>]]></description></item>
<item><title>Duplikat</title><link>http://a.id/berita/2</link></item>
<item><title>Tanpa tautan</title></item>
<item><title>Relatif</title><link>/berita/3</link></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">
<title>Atom Kabar</title><id>urn:x</id><updated>2020-11-03T10:00:00Z</updated>
<entry><title>Berita Atom</title><id>urn:1</id><link rel="alternate" href="https://b.id/a/1"/>
<link rel="enclosure" href="https://b.id/a/1.mp3"/>
<published>2020-11-03T09:50:00Z</published><updated>2020-11-03T10:00:00Z</updated>
<summary>Ringkasan atom</summary><author><name>Budi</name></author></entry>
</feed>"""


def test_rss_091() -> None:
    feed = parse_feed(RSS091)
    assert feed.version == "rss091u" or feed.version.startswith("rss09")
    assert [e.url for e in feed.entries] == ["http://a.id/berita/1"]
    assert feed.entries[0].hints["title"] == "Berita 0.91"


def test_rss_10_rdf_keeps_the_offset_and_author() -> None:
    feed = parse_feed(RSS10)
    assert feed.version == "rss10"
    [e] = feed.entries
    assert e.url == "http://a.id/berita/10"
    assert e.hints["published"] == "2020-11-03T16:50:00+07:00"
    assert e.hints["author"] == "Andi"


def test_rss_20_canonicalises_dedups_and_resolves_relative_links() -> None:
    feed = parse_feed(RSS20, base_url="http://a.id/rss")
    assert feed.title == "Kabar & Co"
    urls = [e.url for e in feed.entries]
    assert urls == [
        "http://a.id/berita/2",
        "http://a.id/berita/3",
    ]  # tracking gone, duplicate once, no-link dropped
    first = feed.entries[0].hints
    assert first["summary"] == "Gempa kuat mengguncang."
    assert first["published"] == "2020-11-03T16:50:00+07:00"
    assert first["feed_title"] == "Kabar & Co"


def test_atom() -> None:
    feed = parse_feed(ATOM)
    assert feed.version == "atom10"
    [e] = feed.entries
    assert e.url == "https://b.id/a/1"
    assert e.hints["published"] == "2020-11-03T09:50:00+00:00"
    assert e.hints["author"] == "Budi" and e.hints["summary"] == "Ringkasan atom"


@pytest.mark.parametrize("portal,count", [("antara", 20), ("detik", 20), ("kapanlagi", 3), ("republika", 10)])
def test_real_portal_feeds(portal: str, count: int) -> None:
    """The anpandu "mainpage" files of these four portals are their real RSS feeds."""
    data = shared_path("pages", "id", "anpandu", portal, f"{portal}-mainpage.html").read_bytes()
    feed = parse_feed(data)
    assert feed.version == "rss20" and len(feed.entries) == count
    assert all(e.url.startswith("http") and e.hints.get("title") for e in feed.entries)
    assert all("+07:00" in e.hints["published"] or "+00:00" in e.hints["published"] for e in feed.entries)


def test_real_antara_feed_links_the_real_article() -> None:
    data = shared_path("pages", "id", "anpandu", "antara", "antara-mainpage.html").read_bytes()
    urls = [e.url for e in parse_feed(data).entries]
    assert (
        "http://www.antaranews.com/berita/527615/29-penerbangan-bandara-internasional-lombok-dibatalkan"
        in urls
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   ",
        b"\x00\x01\x02\xff" * 500,
        b"<html><body><p>bukan feed</p></body></html>",
        b'{"json": true}',
    ],
)
def test_not_a_feed_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(FeedError):
        parse_feed(data)


def test_hostile_feed_entities_are_not_expanded() -> None:
    bomb = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<rss version="2.0"><channel><title>&d;</title><item><title>&d;</title><link>http://a.id/x</link></item></channel></rss>"""
    feed = parse_feed(bomb)
    assert len(feed.title or "") <= 300
    assert all(len(e.hints.get("title", "")) <= 500 for e in feed.entries)


def test_huge_feed_is_refused() -> None:
    with pytest.raises(FeedError, match="over"):
        parse_feed(b"<rss>" + b" " * 21_000_000)


WIB = timezone(timedelta(hours=7))


def test_hints_fill_gaps_and_never_overwrite() -> None:
    page_time = datetime(2020, 11, 3, 16, 50, tzinfo=WIB)
    full = Article(headline="Judul lengkap dari halaman", published=page_time, description="Dari halaman",
                   authors=["Penulis Halaman"], paragraphs=["isi"])  # fmt: skip
    hints = {
        "title": "Judul feed…",
        "published": "2020-11-03T00:00:00+00:00",
        "summary": "Dari feed",
        "author": "X",
    }
    apply_hints(full, hints)
    assert full.headline == "Judul lengkap dari halaman" and full.published == page_time
    assert full.description == "Dari halaman" and full.authors == ["Penulis Halaman"]

    empty = Article(paragraphs=["isi"], missing=["headline", "published", "description"])
    apply_hints(empty, hints)
    assert empty.headline == "Judul feed…"
    assert empty.published == datetime(2020, 11, 3, tzinfo=UTC)
    assert empty.description == "Dari feed" and empty.authors == ["X"]
    assert empty.missing == []


def test_bad_hint_date_is_ignored() -> None:
    a = Article(paragraphs=["x"])
    apply_hints(a, {"published": "kemarin sore"})
    assert a.published is None
