"""Page kinds in the HTML reader (issue 16 item 5, issue 20 item 2): multi-page articles, photo
galleries, video pages, live reports and index pages, read from structure. The fixtures under
``fixtures/page_kinds`` are written for these tests; the hostile cases are built here."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar.extract import ExtractError, extract
from kabar.extract.html import extract_html
from kabar.extract.html_body import Body
from kabar.extract.html_meta import read_meta
from kabar.extract.html_parse import parse_html
from kabar.extract.join_pages import join_pages
from kabar.extract.live import find_live, read_clock, resolve
from kabar.extract.page_kind import NotAnArticle, read_page, settle_kind
from kabar.extract.page_kind_rules import page_kind_rules
from kabar.extract.pagination import find_pagination, follow_up
from kabar.extract.photos import captioned_photos
from kabar.guard import reject_of
from kabar.model import Article, Image, RawPage, RelatedItem

FIXTURES = Path(__file__).parent / "fixtures" / "page_kinds"
ARTICLE = "https://kabar.example.id/read/2024/05/01/123/banjir-rendam-ribuan-rumah"
WIB = timezone(timedelta(hours=7))


def _read(name: str, url: str | None = None) -> Article:
    html = (FIXTURES / name).read_text(encoding="utf-8")
    return extract_html(RawPage(html, kind="html", url=url, source=name))


# ---------------------------------------------------------------- multi-page articles


def test_numbered_pages_and_show_all_link() -> None:
    article = _read("multipage.html", ARTICLE)
    assert article.page_count == 3  # the sidebar's index pages (1-4 under /indeks) do not count
    assert article.pages_read == 1 and article.incomplete
    pages = follow_up(article)
    assert pages.all_url == ARTICLE + "?page=all"
    assert pages.next_url == ARTICLE + "?page=2"
    body = article.body.lower()
    assert "halaman" not in body and "tampilkan" not in body and "1 2 3" not in body
    assert article.paragraphs[0].startswith("Banjir merendam")
    # The sidebar's timed links and its teasers make it neither a live report nor an index page.
    assert article.kind == "article" and not article.live_entries


def test_second_page_says_which_page_it_is() -> None:
    article = _read("multipage.html", ARTICLE + "?page=2")
    assert article.page_count == 3 and article.pages_read == 1
    assert "multi-page: this is page 2 of 3" in article.notes
    assert follow_up(article).next_url == ARTICLE + "?page=3"


KOPI = "https://warta.example.id/berita/d-7012345/petani-kopi-gayo-panen-raya"


@pytest.mark.parametrize(
    "name", ["entered_page2.html", "entered_page2_prev.html"], ids=["number-link", "rel-prev-only"]
)
def test_an_article_entered_at_page_2_says_where_page_1_is(name: str) -> None:
    # Read offline from page 2 (…/2): incomplete, saying so, and naming page 1 — its "1" link to
    # the article's own address, or, with no page numbers, page 2's rel="prev".
    article = _read(name, KOPI + "/2")
    assert article.incomplete and article.pages_read == 1
    assert article.page_count == (3 if name == "entered_page2.html" else 2)
    assert f"multi-page: this is page 2 of {article.page_count}" in article.notes
    assert follow_up(article).first_url == KOPI
    # page 1 itself names no first page
    assert follow_up(_read("relnext.html", KOPI)).first_url is None


def test_show_all_view_is_complete() -> None:
    article = _read("multipage.html", ARTICLE + "?page=all")
    assert article.page_count == 3 and article.pages_read == 3
    assert not article.incomplete
    assert follow_up(article).all_url is None and follow_up(article).next_url is None


def test_rel_next_alone() -> None:
    url = "https://warta.example.id/berita/d-7012345/petani-kopi-gayo-panen-raya"
    article = _read("relnext.html", url)
    assert article.page_count == 2 and article.pages_read == 1 and article.incomplete
    assert follow_up(article).next_url == url + "/2"
    assert len(article.paragraphs) == 3


def test_comment_pages_are_not_article_pages() -> None:
    # The article has 3 pages; its comments are paged 1-8 (and 9-10) on the article's own address.
    url = "https://kabar.example.id/read/2024/05/02/124/warga-tanam-mangrove-di-pesisir-demak"
    article = _read("comment_pages.html", url)
    assert article.page_count == 3 and article.pages_read == 1
    assert follow_up(article).next_url == url + "?page=2"


_ONE_PAGE = (
    "<html><body><div class='isi'><h1>Harga Beras Turun di Pasar Induk</h1>"
    "<p>Harga beras medium di pasar induk turun dua ratus rupiah per kilogram sepekan terakhir.</p>"
    "<p>Pedagang menyebut pasokan dari sentra produksi mulai lancar setelah panen raya.</p></div>"
    "{block}</body></html>"
)
_REVIEW_BLOCKS = {
    # a reviews block known only by its heading (its id says nothing): seen on vse-diety.com
    "heading": "<div id='otz9'><h1>Ulasan</h1><div><b>1</b> <a href='?p=2'>2</a> <a href='?p=3'>3</a></div></div>",
    # a container whose class names it
    "class": "<div class='reviews'><a href='?page=2'>2</a> <a href='?page=3'>3</a></div>",
    # links whose fragment points into the comments, in a plain block
    "fragment": "<div><a href='?page=2#comments'>2</a> <a href='?page=3#comments'>3</a></div>",
}


@pytest.mark.parametrize("name", sorted(_REVIEW_BLOCKS))
def test_review_and_comment_pagination_makes_no_pages(name: str) -> None:
    html = _ONE_PAGE.format(block=_REVIEW_BLOCKS[name])
    article = extract_html(
        RawPage(html, kind="html", url="https://toko.example.id/artikel/harga-beras-turun")
    )
    assert article.page_count is None and not article.incomplete
    assert follow_up(article).next_url is None


def test_ten_thousand_pagination_links_stay_bounded() -> None:
    links = " ".join(f'<a href="?page={n}">{n}</a>' for n in range(1, 10_001))
    html = f"<html><body><article><h1>Judul</h1><p>Isi berita.</p><div>{links}</div></article></body></html>"
    pages = find_pagination(parse_html(html).tree, "https://x.example.id/berita/judul-panjang-sekali")
    assert pages.page_count == page_kind_rules().pagination.max_page
    assert pages.is_pagination_text(" ".join(str(n) for n in range(1, 10_001)))
    assert not pages.is_pagination_text("Isi berita.")
    # Addresses urllib refuses and digits that are no ASCII number cost nothing but the link.
    odd = parse_html(
        '<p><a href="?page=2">²</a> <a href="http://[x/2">2</a> <a href="?page=٣">٣</a></p>'
    ).tree
    assert find_pagination(odd, "http://[bad-host/berita/judul").page_count is None
    assert find_pagination(odd, "https://x.example.id/berita/judul").page_count is None


def test_join_pages_drops_repeated_furniture() -> None:
    lead = Image(caption="Banjir di pesisir", credit="ANTARA", position=0, url="https://img.example.id/a.jpg")
    related = RelatedItem(headline="Harga cabai naik", url="https://kabar.example.id/cabai")
    first = Article(
        headline="Banjir Rendam Rumah",
        paragraphs=["Banjir merendam ribuan rumah.", "Warga mengungsi."],
        images=[lead],
        related=[related],
        page_count=3,
        pages_read=1,
        notes=["multi-page: next page at " + ARTICLE + "?page=2"],
    )
    second = Article(
        headline="Banjir Rendam Rumah",
        paragraphs=[
            "Banjir Rendam Rumah",
            "Penulis: Ani Lestari",
            "BPBD menyiagakan perahu karet.",
            "Warga mengungsi.",
        ],
        images=[lead, Image(caption="Perahu karet", position=2, url="https://img.example.id/b.jpg")],
        related=[related],
        page_count=3,
    )
    third = Article(
        headline="Banjir Rendam Rumah", paragraphs=["Tanggul akan diperbaiki pekan depan."], page_count=3
    )
    joined = join_pages([first, second, third])
    assert joined.paragraphs == [
        "Banjir merendam ribuan rumah.",
        "Warga mengungsi.",
        "BPBD menyiagakan perahu karet.",
        "Tanggul akan diperbaiki pekan depan.",
    ]
    assert [(i.url, i.position) for i in joined.images] == [
        ("https://img.example.id/a.jpg", 0),
        ("https://img.example.id/b.jpg", 2),
    ]
    assert len(joined.related) == 1
    assert joined.page_count == 3 and joined.pages_read == 3 and not joined.incomplete
    assert not any(n.startswith("multi-page: next page") for n in joined.notes)
    assert first.paragraphs == ["Banjir merendam ribuan rumah.", "Warga mengungsi."]  # inputs untouched
    with pytest.raises(ExtractError):
        join_pages([])


# ---------------------------------------------------------------- galleries and videos


def test_gallery_of_captioned_photos() -> None:
    article = _read("gallery.html", "https://kabar.example.id/foto/2024/04/05/suasana-mudik-di-merak")
    assert article.kind == "gallery"
    assert len(article.images) == 6
    assert all(i.caption and i.url for i in article.images)
    assert article.images[0].credit == "ANTARA FOTO/Budi Santoso"
    assert article.images[5].credit == "ANTARA FOTO/Rina Wulandari"
    # No prose: the caption lines are the text, each photo before its own caption.
    assert len(article.paragraphs) == 6
    assert all(
        p.startswith(i.caption or "-") for p, i in zip(article.paragraphs, article.images, strict=True)
    )
    assert [i.position for i in article.images] == list(range(6))


LAYANG = [
    "Peserta menerbangkan layang-layang naga sepanjang dua puluh meter di Pantai Padang, Minggu (14/7/2024).",
    "Anak-anak berlari menarik benang layang-layang di tepi pantai saat angin bertiup kencang.",
    "Juri menilai bentuk dan warna layang-layang tradisional kiriman peserta dari berbagai daerah.",
    "Layang-layang berbentuk ikan pari menghiasi langit sore di atas Pantai Padang.",
    "Pengunjung memotret layang-layang raksasa yang dipajang di panggung utama festival.",
]


def test_gallery_captions_are_its_photos_not_the_credit_box_or_the_sidebar() -> None:
    # Five captioned photos in the article; beside them an editor/photographer credit box (a list of
    # roles, names and avatars) and a "most read" sidebar of cards whose caption blocks hold another
    # article's headline link. Neither is a photo's caption. The body's reader found no text (as
    # on the page this structure was seen on): the captions become the text.
    tree = parse_html((FIXTURES / "gallery_sidebar.html").read_text(encoding="utf-8")).tree
    url = "https://kabar.example.id/foto/2024/07/14/festival-layang-layang"
    assert [i.caption for i in captioned_photos(tree, url)] == LAYANG
    article = Article(headline="FOTO: Festival Layang-layang di Pantai Padang")
    settle_kind(article, read_page(tree, read_meta(tree), Body(), url, None))
    assert article.kind == "gallery"
    assert [i.caption for i in article.images] == LAYANG and article.paragraphs == LAYANG
    assert [i.url for i in article.images] == [f"https://img.example.id/layang-{n}.jpg" for n in range(1, 6)]
    assert {i.credit for i in article.images} == {"Bayu Adi Pratama"}


def test_gallery_without_any_text_gets_its_captions_as_text() -> None:
    tree = parse_html((FIXTURES / "gallery.html").read_text(encoding="utf-8")).tree
    reading = read_page(tree, read_meta(tree), Body(), "https://kabar.example.id/foto/mudik-di-merak", None)
    article = Article(headline="FOTO: Suasana Mudik di Pelabuhan Merak")
    settle_kind(article, reading)
    assert article.kind == "gallery"
    assert article.paragraphs == [i.caption for i in article.images] and len(article.paragraphs) == 6
    assert (
        article.paragraphs[0] == "Pemudik antre menaiki kapal di Pelabuhan Merak, Banten, Jumat (5/4/2024)."
    )
    assert [i.position for i in article.images] == list(range(6))
    assert article.images[0].url == "https://img.example.id/merak-1.jpg"


def test_video_page() -> None:
    article = _read("video.html", "https://kabar.example.id/video/2024/01/14/erupsi-gunung-marapi")
    assert article.kind == "video"
    assert article.paragraphs and "kolom abu setinggi dua kilometer" in article.paragraphs[0]


# ---------------------------------------------------------------- live reports


def test_live_blog_from_json_ld() -> None:
    article = _read("live_ld.html", "https://kabar.example.id/live/2024/01/21/debat-capres-putaran-kedua")
    assert article.kind == "live"
    assert [e.headline for e in article.live_entries] == [
        "Debat ditutup",
        "Saling sanggah soal pangan",
        "Debat dimulai",
    ]
    first = article.live_entries[0]
    assert first.published == datetime(2024, 1, 21, 21, 30, tzinfo=WIB)
    assert first.paragraphs == [
        "Moderator menutup debat setelah para kandidat menyampaikan pernyataan penutup.",
        "Pendukung ketiga pasangan meninggalkan arena dengan tertib.",
    ]
    assert len(article.paragraphs) == 1 and article.paragraphs[0].startswith("Debat calon presiden")
    assert "Bagikan" not in article.body and "Moderator" not in article.body
    assert article.published == datetime(2024, 1, 21, 18, 0, tzinfo=WIB)


def test_live_report_from_structure_in_wib() -> None:
    article = _read("live_wib.html", "https://kabar.example.id/read/2024/04/14/arus-balik-lebaran-live")
    assert article.kind == "live"
    entries = article.live_entries
    assert [e.time_text for e in entries] == ["16.45 WIB", "13.20 WIB", "10.05 WIB", "08.10 WIB"]
    assert entries[0].published == datetime(2024, 4, 14, 16, 45, tzinfo=WIB)
    assert entries[0].headline == "Contraflow diperpanjang"
    assert entries[0].paragraphs == [
        "Polisi memperpanjang rekayasa contraflow hingga kilometer 70 karena antrean kendaraan masih "
        "mengular dari arah timur."
    ]
    every = json.dumps([e.paragraphs for e in entries])
    assert "Bagikan" not in every and "postingan" not in every  # share rows and embeds left out
    assert len(article.paragraphs) == 1 and article.paragraphs[0].startswith("Arus balik Lebaran")


def test_live_report_from_structure_in_english() -> None:
    article = _read("live_english.html", "https://news.example.com/2024/09/10/storm-live-updates")
    assert article.kind == "live"
    entries = article.live_entries
    eastern = timezone(timedelta(hours=-4))
    assert [e.time_text for e in entries] == ["2:05 p.m.", "11:40 a.m.", "9:15 a.m."]
    assert [e.published for e in entries] == [
        datetime(2024, 9, 10, 14, 5, tzinfo=eastern),
        datetime(2024, 9, 10, 11, 40, tzinfo=eastern),
        datetime(2024, 9, 10, 9, 15, tzinfo=eastern),
    ]
    assert entries[1].paragraphs[1].startswith("Shelters opened")  # an untimed paragraph joins its post
    assert article.paragraphs == [
        "A powerful storm made landfall on the southern coast on Tuesday, bringing heavy rain and strong "
        "winds to several towns. Follow our live coverage below."
    ]


def test_post_after_midnight_is_the_next_day() -> None:
    clock = read_clock("00.15 WIB Massa mulai membubarkan diri.")
    assert clock is not None and clock.text == "00.15 WIB"
    assert resolve(clock, datetime(2024, 1, 21, 22, 0, tzinfo=WIB)) == datetime(
        2024, 1, 22, 0, 15, tzinfo=WIB
    )
    assert read_clock("14.05.2024 rapat dimulai") is None  # a date, not a clock
    assert read_clock("10.000 warga mengungsi") is None


def test_five_thousand_live_posts_stay_bounded() -> None:
    limit = page_kind_rules().live.max_posts
    posts = "".join(
        f'<div class="post"><span>12.00 WIB</span><p>Laporan nomor {n} dari lokasi kejadian hari ini.</p></div>'
        for n in range(5_000)
    )
    tree = parse_html(f"<html><body><h1>Live</h1><div>{posts}</div></body></html>").tree
    report = find_live(tree, read_meta(tree), datetime(2024, 1, 1, 8, 0, tzinfo=WIB))
    assert report is not None and len(report.entries) == limit and report.dropped == 5_000 - limit

    updates = [{"@type": "BlogPosting", "headline": f"Pos {n}", "articleBody": "Isi."} for n in range(5_000)]
    ld = json.dumps({"@type": "LiveBlogPosting", "headline": "Live", "liveBlogUpdate": updates})
    tree = parse_html(
        f'<html><head><script type="application/ld+json">{ld}</script></head><body></body></html>'
    ).tree
    report = find_live(tree, read_meta(tree), None)
    assert report is not None and len(report.entries) == limit and report.dropped == 5_000 - limit


# ---------------------------------------------------------------- index pages


def test_index_page_is_not_an_article() -> None:
    html = (FIXTURES / "index.html").read_text(encoding="utf-8")
    page = RawPage(html, kind="html", url="https://kabar.example.id/", source="index.html")
    with pytest.raises(NotAnArticle) as caught:
        extract(page)
    message = str(caught.value)
    assert "not an article" in message and "\n" not in message
    assert isinstance(caught.value, ExtractError)
    reject = reject_of("index.html", "extract", caught.value)  # how batch paths report it: one line
    assert reject.error == "NotAnArticle" and "index page" in reject.message
