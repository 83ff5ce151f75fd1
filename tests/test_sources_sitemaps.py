"""sitemap.xml, sitemap indexes, Google News sitemaps, plain-text and gzipped sitemaps."""

from __future__ import annotations

import gzip

import pytest

from kabar.sources.sitemaps import SitemapError, parse_sitemap

URLSET = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>https://a.id/berita/1</loc><lastmod>2020-11-03</lastmod></url>
<url><loc> https://a.id/berita/2?utm_source=x </loc></url>
<url><loc>https://a.id/berita/1</loc></url>
<url><loc>mailto:someone@a.id</loc></url>
</urlset>"""

INDEX = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://a.id/sitemap-news.xml</loc></sitemap>
<sitemap><loc>https://a.id/sitemap-2020-11.xml.gz</loc><lastmod>2020-11-03</lastmod></sitemap>
</sitemapindex>"""

NEWS = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://a.id/read/2020/11/03/gempa</loc>
<news:news><news:publication><news:name>Kabar A</news:name><news:language>id</news:language></news:publication>
<news:publication_date>2020-11-03T16:50:00+07:00</news:publication_date>
<news:title>Gempa   Lombok</news:title></news:news></url>
<url><loc>https://a.id/read/2020/11/03/banjir</loc>
<news:news><news:publication_date>2020-11-03</news:publication_date><news:title>Banjir</news:title></news:news></url>
</urlset>"""


def test_urlset() -> None:
    sm = parse_sitemap(URLSET)
    assert sm.kind == "urlset"
    assert [u.url for u in sm.urls] == ["https://a.id/berita/1", "https://a.id/berita/2"]
    assert sm.urls[0].lastmod == "2020-11-03"


def test_index_lists_children() -> None:
    sm = parse_sitemap(INDEX)
    assert sm.kind == "index" and sm.urls == []
    assert sm.sitemaps == ["https://a.id/sitemap-news.xml", "https://a.id/sitemap-2020-11.xml.gz"]


def test_google_news_sitemap_gives_title_and_publication_date() -> None:
    sm = parse_sitemap(NEWS)
    first, second = sm.urls
    assert first.hints == {
        "title": "Gempa Lombok",
        "published": "2020-11-03T16:50:00+07:00",
        "feed_title": "Kabar A",
    }
    assert second.hints["published"] == "2020-11-03T00:00:00+00:00"


def test_gzipped_and_text_sitemaps() -> None:
    assert next(u.url for u in parse_sitemap(gzip.compress(URLSET)).urls) == "https://a.id/berita/1"
    text = parse_sitemap(b"https://a.id/x\nhttps://a.id/y\n\nnot a url\n")
    assert text.kind == "text" and [u.url for u in text.urls] == ["https://a.id/x", "https://a.id/y"]


@pytest.mark.parametrize(
    "data",
    [b"", b"\x1f\x8bnot gzip", b"\x00\xff" * 300, b"<html><p>no</p></html>", b"<?xml version='1.0'?><rss/>"],
)
def test_not_a_sitemap(data: bytes) -> None:
    with pytest.raises(SitemapError):
        parse_sitemap(data)


def test_entities_are_not_expanded_and_external_entities_not_fetched() -> None:
    hostile = b"""<?xml version="1.0"?><!DOCTYPE u [<!ENTITY x SYSTEM "file:///etc/passwd">
<!ENTITY a "aaaaaaaaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://a.id/&x;&b;</loc></url></urlset>"""
    sm = parse_sitemap(hostile)
    assert all("root:" not in u.url and "aaaaaaaaaaaaaaaaaaaa" not in u.url for u in sm.urls)


def test_gzip_bomb_sitemap_is_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * 60_000_000, compresslevel=1)
    with pytest.raises(SitemapError, match="over"):
        parse_sitemap(bomb)
