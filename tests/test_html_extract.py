"""The HTML reader on a small hand-written portal page (no shared data needed)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from conftest import FIXTURES
from kabar.extract import extract
from kabar.extract.html import extract_html
from kabar.extract.html_captions import split_credit
from kabar.extract.html_text import split_dateline
from kabar.model import Article, RawPage

WIB = timezone(timedelta(hours=7))


@pytest.fixture(scope="module")
def article() -> Article:
    html = (FIXTURES / "html" / "portal_article.html").read_text(encoding="utf-8")
    return extract_html(RawPage(content=html, kind="html"))


def test_headline_time_authors(article: Article) -> None:
    assert article.headline == "Banjir Rob Rendam Pesisir Utara Jakarta"
    assert article.published == datetime(2024, 3, 12, 9, 15, tzinfo=WIB)
    assert article.published is not None and article.published.utcoffset() == timedelta(hours=7)
    assert article.authors == ["Siti Rahmawati"]  # never the company in <meta name=author>
    assert article.outlet == "Kabar Contoh"
    assert article.canonical_url == "https://www.kabar-contoh.example/read/2024/03/12/banjir-rob"
    assert article.tags == ["banjir rob", "Jakarta Utara"]


def test_body_without_furniture(article: Article) -> None:
    body = article.body
    assert len(article.paragraphs) == 4
    assert article.paragraphs[0].startswith("Banjir rob kembali merendam")
    assert article.dateline == "JAKARTA, KABARCONTOH.co.id -"
    assert article.dateline_place == "Jakarta"  # places normalised as kabar.extract.dateline does
    for furniture in (
        "Baca juga",
        "IKLAN",
        "Dapatkan update",
        "Halaman 1",
        "(sit/bud)",
        "©",
        "injected",
        "Beranda",
    ):
        assert furniture not in body


def test_images_in_place_with_credit(article: Article) -> None:
    by_url = {i.url: i for i in article.images}
    second = by_url["https://cdn.kabar-contoh.example/foto/rob-2.jpg"]
    assert second.caption == "Petugas memompa air di Penjaringan."
    assert second.credit == "TEMPO/Imam Sukamto"
    assert second.position == 3
    lead = [i for i in article.images if i.url and i.url.endswith("rob-1.jpg")]
    assert lead and lead[0].position == 0 and lead[0].credit == "ANTARA FOTO/Aditya Pradana"
    assert all(not (i.url or "").startswith("javascript:") for i in article.images)


def test_related_and_sources(article: Article) -> None:
    heads = [r.headline for r in article.related]
    assert heads == [
        "Pompa Air di Penjaringan Dikerahkan Sejak Subuh",
        "BMKG Peringatkan Cuaca Ekstrem Sepekan",
    ]
    assert [r.age_seconds for r in article.related] == [7200, 172800]
    assert all(r.url and not r.url.startswith("javascript:") for r in article.related)
    assert article.sources == ["https://www.bmkg.go.id/peringatan"]


def test_dispatch_through_extract() -> None:
    html = (FIXTURES / "html" / "portal_article.html").read_text(encoding="utf-8")
    assert extract(RawPage(content=html, kind="html")).extractor == "html"


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Warga antre di Jakarta, Senin (2/11). ANTARA FOTO/Hafidz Mubarak A",
            "Warga antre di Jakarta, Senin (2/11).",
            "ANTARA FOTO/Hafidz Mubarak A",
        ),
        ("Gedung KPK. TEMPO/Imam Sukamto", "Gedung KPK.", "TEMPO/Imam Sukamto"),
        ("Dian Sastro (Foto: Istimewa)", "Dian Sastro", "Istimewa"),
        ("Wisuda ke-XV(Dok.IGI )", "Wisuda ke-XV", "Dok.IGI"),
        ("Presiden Joko Widodo (kanan) di Istana", "Presiden Joko Widodo (kanan) di Istana", None),
    ],
)
def test_split_credit(text: str, caption: str, credit: str | None) -> None:
    got = split_credit(text)
    assert (got.caption, got.credit) == (caption, credit)


@pytest.mark.parametrize(
    ("first", "dateline", "place"),
    [
        ("JAKARTA, KOMPAS.com — Menteri itu", "JAKARTA, KOMPAS.com —", "Jakarta"),
        (
            "ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) -- Pemerintah",
            "ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) --",
            "ISTANBUL",
        ),
        ("Mataram, NTB (ANTARA News) - Sebanyak 29", "Mataram, NTB (ANTARA News) -", "Mataram, NTB"),
        ("TEMPO.CO, Jakarta - Organisasi", "TEMPO.CO, Jakarta -", "Jakarta"),
        ("Setelah tampil di Grammy, remaja - itu", None, None),
    ],
)
def test_split_dateline(first: str, dateline: str | None, place: str | None) -> None:
    got = split_dateline(first)
    assert (got.text, got.place) == (dateline, place)


def _tree(html: str) -> object:
    from lxml import html as lxml_html

    return lxml_html.fromstring(html)


def test_link_list_is_not_a_body() -> None:
    from kabar.extract.html_body import _is_link_list

    tree = _tree(
        "<div><h3>Popular Photos</h3><ul><li><a href='/a'>Deretan Bintang di Karpet Merah</a></li>"
        "<li><a href='/b'>Inilah Proses yang Dijalani Pria Muda</a></li></ul>"
        "<p>Warga kota itu <a href='/c'>menolak</a> rencana penggusuran.</p></div>"
    )
    gallery = ["Popular Photos", "Deretan Bintang di Karpet Merah", "Inilah Proses yang Dijalani Pria Muda"]
    assert _is_link_list(tree, gallery)  # type: ignore[arg-type]
    # One sentence that is not itself a link makes it a story.
    assert not _is_link_list(tree, [*gallery, "Warga kota itu menolak rencana penggusuran."])  # type: ignore[arg-type]
    assert not _is_link_list(tree, ["Popular Photos"])  # type: ignore[arg-type]  # a heading alone: no links
    assert not _is_link_list(tree, [])  # type: ignore[arg-type]


def test_lead_caption_under_its_photo() -> None:
    from kabar.extract.html_body import lead_figures

    tree = _tree(
        "<div class='gallery_view'><a href='/next'><img src='/image/gal_next.png'></a>"
        "<img class='bigpic' src='//img.example/foto.jpg?w=600'>"
        "<div class='gal_rating'><span class='text'>Gardu induk baru resmi beroperasi.</span></div></div>"
    )
    images = lead_figures(tree, ("//div[@class='gal_rating']",), "http://kabar.example/foto")  # type: ignore[arg-type]
    assert [(i.caption, i.url) for i in images] == [
        ("Gardu induk baru resmi beroperasi.", "http://img.example/foto.jpg?w=600")
    ]
