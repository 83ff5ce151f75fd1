"""Bytes → text: declared charset first (header, then <meta>), else detection."""

from __future__ import annotations

from kabar.sources.decode import decode_html
from kabar.sources.urls import canonical_url

TEXT = "<p>Menteri menyatakan “kebijakan baru” — café</p>"


def test_header_charset_wins() -> None:
    assert decode_html(TEXT.encode("cp1252"), "windows-1252") == TEXT


def test_meta_charset_when_no_header() -> None:
    page = '<html><head><meta charset="windows-1252"></head><body>' + TEXT + "</body></html>"
    assert TEXT in decode_html(page.encode("cp1252"))


def test_utf8_and_unknown_or_lying_charsets() -> None:
    assert decode_html(TEXT.encode("utf-8"), "no-such-charset") == TEXT
    # declared UTF-8 but bytes are not: falls back to detection, never raises
    out = decode_html(TEXT.encode("cp1252"), "utf-8")
    assert "Menteri" in out
    assert decode_html(b"", None) == ""
    assert isinstance(decode_html(b"\x00\xff\xfe" * 1000, None), str)


def test_canonical_urls() -> None:
    assert (
        canonical_url("HTTPS://Www.Kompas.com/read/1?utm_source=fb&b=2&a=1#x")
        == "https://www.kompas.com/read/1?a=1&b=2"
    )
    assert canonical_url("javascript:alert(1)") is None
    assert canonical_url("") is None
    assert canonical_url("ftp://a.id/x") is None
    assert canonical_url("http://a.id/" + "x" * 5000) is None


def test_distinct_query_articles_stay_distinct() -> None:
    assert canonical_url("http://x.id/berita.php?news=1&utm_medium=rss") == "http://x.id/berita.php?news=1"
    assert canonical_url("http://x.id/berita.php?news=2") != canonical_url("http://x.id/berita.php?news=1")
