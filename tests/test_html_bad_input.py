"""Bad input for the HTML reader: a clear error or a partial article, in bounded time."""

from __future__ import annotations

import pytest

from kabar.extract import ExtractError
from kabar.extract.html import MAX_HTML_CHARS, extract_html
from kabar.extract.html_parse import parse_html
from kabar.extract.profiles import ProfileError, load_profiles, parse_profile
from kabar.model import RawPage

ARTICLE = (
    "<html><body><article><h1>Judul Berita Yang Cukup Panjang</h1>"
    + ("<p>Kalimat isi berita yang cukup panjang untuk dibaca sebagai paragraf utama halaman ini.</p>" * 5)
    + "</article></body></html>"
)


def _page(html: str) -> RawPage:
    return RawPage(content=html, kind="html")


@pytest.mark.parametrize("html", ["", "   \n\t "])
def test_empty(html: str) -> None:
    with pytest.raises(ExtractError, match="empty"):
        extract_html(_page(html))


def test_binary() -> None:
    with pytest.raises(ExtractError, match="binary"):
        extract_html(_page("\x00\x01\x02\x03\x04\x05\x06PNG\x07\x08" * 400))


def test_huge_page_is_cut_in_bounded_time() -> None:
    html = "<html><body>" + "<p>kata demi kata dalam paragraf panjang</p>" * 300_000  # ~13 MB
    assert len(html) > MAX_HTML_CHARS
    article = extract_html(_page(html))  # its CPU time: benchmarks/bounded_time.py
    assert any("page cut" in m for m in article.missing)


def test_deep_nesting() -> None:
    html = "<div>" * 100_000 + "teks" + "</div>" * 100_000
    article = extract_html(_page(html))  # its CPU time: benchmarks/bounded_time.py
    assert "headline" in article.missing


def test_scripts_only() -> None:
    html = (
        "<html><head><script>alert(1)</script></head><body><script>document.write('x')</script></body></html>"
    )
    article = extract_html(_page(html))
    assert article.paragraphs == [] and "paragraphs" in article.missing


def test_no_body_element() -> None:
    article = extract_html(_page(ARTICLE.replace("<html><body>", "").replace("</body></html>", "")))
    assert article.headline == "Judul Berita Yang Cukup Panjang"
    assert len(article.paragraphs) >= 1


def test_broken_markup() -> None:
    html = (
        "<html><body><h1>Judul Berita Yang Rusak Markupnya<p>Paragraf <b>tanpa <i>penutup" + ARTICLE[40:-20]
    )
    article = extract_html(_page(html))
    assert article.paragraphs


def test_charset_declarations_in_text() -> None:
    # The page text is already decoded (sources/files.py does that); a stale charset must not break parsing.
    html = '<meta charset="windows-1252">' + ARTICLE.replace("Judul", "Café Judul")
    assert extract_html(_page(html)).headline == "Café Judul Berita Yang Cukup Panjang"


def test_utf16_bom_text() -> None:
    html = "\ufeff" + ARTICLE
    assert extract_html(_page(html)).headline == "Judul Berita Yang Cukup Panjang"


def test_hostile_urls_never_kept() -> None:
    html = ARTICLE.replace(
        "</article>",
        '<img src="javascript:alert(1)"><img src="data:image/png;base64,AAAA"></article>'
        '<h3>Berita Terkait</h3><ul><li><a href="javascript:alert(2)">Judul Tautan Berbahaya Sekali</a></li>'
        '<li><a href="vbscript:x">Judul Tautan Berbahaya Lagi</a></li></ul>',
    )
    article = extract_html(_page(html))
    assert all(not (i.url or "").startswith(("javascript:", "data:")) for i in article.images)
    assert all(not (r.url or "").startswith(("javascript:", "vbscript:")) for r in article.related)


def test_nul_bytes_are_removed() -> None:
    assert parse_html(ARTICLE.replace("<p>", "<p>\x00", 1)).tree is not None


def test_profiles_all_load_and_cover_the_portals() -> None:
    names = {p.name for p in load_profiles()}
    for portal in ("Tempo", "Kompas", "Detik", "CNN Indonesia", "Liputan6", "Antara", "Republika", "Okezone",
                   "Viva", "KapanLagi", "Media Indonesia", "Tribunnews", "Suara", "Kumparan", "IDN Times"):  # fmt: skip
        assert portal in names


@pytest.mark.parametrize(
    "text",
    [
        'name = "X"',
        'name = "X"\noutlet = "Y"\ndomains = ["x.id"]\n[selectors]\nbogus = ["//p"]',
        "not toml [",
    ],
)
def test_malformed_profile(text: str) -> None:
    with pytest.raises(ProfileError):
        parse_profile(text, "bad.toml")
