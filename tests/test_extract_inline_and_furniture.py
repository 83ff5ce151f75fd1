"""Issue 16, item 1: inline elements inside a sentence are text; furniture is known by its own shape.

Hand-written pages (no shared data): each in-sentence structure (a link with a furniture-looking
class, a span, nested inline elements) must keep its words, and each furniture line (Kompas'
WhatsApp-channel line, "Lihat Foto", JPNN's video heading, "Baca juga: …") must leave the body.
Both body paths are read: a portal profile's container (kompas.com) and trafilatura's paragraphs
(an unknown host).
"""

from __future__ import annotations

import pytest
from lxml import etree

from kabar.extract.html import extract_html
from kabar.extract.html_blocks import Blocks, walk_container
from kabar.extract.html_inline import restore_inline_text
from kabar.extract.html_text import is_furniture_text
from kabar.model import RawPage

FILLER = (
    "Pemerintah menyiapkan sejumlah langkah untuk menahan laju inflasi menjelang akhir tahun, "
    "termasuk operasi pasar di berbagai daerah dan penyaluran bantuan pangan kepada keluarga"
)

# (markup of one paragraph, the paragraph expected in the article)
INLINE_SHAPES = [
    (
        '<p>Menurut <a class="inner-link-tag" href="/tag/jokowi">Presiden Joko Widodo</a>, '
        "harga beras naik di banyak pasar tradisional.</p>",
        "Menurut Presiden Joko Widodo, harga beras naik di banyak pasar tradisional.",
    ),
    (
        '<p>Kepala <span class="tags">Badan Pangan Nasional</span> Arief Prasetyo Adi mengatakan '
        "stok beras aman sampai akhir tahun.</p>",
        "Kepala Badan Pangan Nasional Arief Prasetyo Adi mengatakan stok beras aman sampai akhir tahun.",
    ),
    (
        '<p>Kebijakan itu dibahas di <strong><a class="related-link" href="/tag/dpr">Dewan Perwakilan '
        "Rakyat</a></strong> pada Senin pagi bersama para menteri.</p>",
        "Kebijakan itu dibahas di Dewan Perwakilan Rakyat pada Senin pagi bersama para menteri.",
    ),
    (
        '<p>Warga <a class="share" href="/tag/bekasi"><span class="tag-name"><em>Kota Bekasi</em></span></a> '
        "mengeluhkan harga cabai yang melonjak sejak pekan lalu.</p>",
        "Warga Kota Bekasi mengeluhkan harga cabai yang melonjak sejak pekan lalu.",
    ),
    (
        '<p>Menurut <span class="related-person">Menteri Keuangan</span> Sri Mulyani, defisit anggaran '
        "masih terkendali hingga akhir tahun ini.</p>",
        "Menurut Menteri Keuangan Sri Mulyani, defisit anggaran masih terkendali hingga akhir tahun ini.",
    ),
    (
        '<p><a class="inner-link-tag" href="/tag/bi">Bank Indonesia</a> menahan suku bunga acuan '
        "di level enam persen bulan ini.</p>",
        "Bank Indonesia menahan suku bunga acuan di level enam persen bulan ini.",
    ),
    (  # not in a <p>: text on both sides within the same block
        '<div>Harga telur di <a class="tag" href="/tag/surabaya">Surabaya</a> turun menjadi '
        "Rp 27.000 per kilogram.</div>",
        "Harga telur di Surabaya turun menjadi Rp 27.000 per kilogram.",
    ),
]

FURNITURE_LINES = [
    "<p>Simak breaking news dan berita pilihan kami langsung di ponselmu. Pilih saluran andalanmu akses "
    'berita Kompas.com WhatsApp Channel : <a href="https://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D">'
    "https://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D</a>. Pastikan kamu sudah install aplikasi "
    "WhatsApp ya.</p>",
    "<p>Pilih saluran andalanmu akses berita Kompas.com WhatsApp Channel : "
    "https://www.whatsapp.com/channel/0029VaFPbedBPzjZrk13HO3D.</p>",
    '<p><a href="/photo/1">Lihat Foto</a></p>',
    "<p><strong>Video Terpopuler Hari ini:</strong></p>",
    '<p><strong>Baca juga: <a class="inner-link-baca-juga" href="/read/1">Harga Cabai Turun di Pasar '
    "Induk</a></strong></p>",
]

HOSTS = {
    "profile": ("nasional.kompas.com", "<div class='read__content'><div class='clearfix'>", "</div></div>"),
    "trafilatura": ("www.contoh-berita.example", "<article><div class='content'>", "</div></article>"),
}


def _read(path: str, blocks: list[str]) -> list[str]:
    host, opening, closing = HOSTS[path]
    body = "".join(f"<p>{FILLER}, bagian {i}.</p>{block}" for i, block in enumerate(blocks))
    html = (
        "<html><head><title>Harga Pangan Naik</title></head><body><h1>Harga Pangan Naik</h1>"
        f"{opening}{body}<p>{FILLER}, penutup.</p>{closing}</body></html>"
    )
    url = f"https://{host}/read/2024/01/01/harga-pangan-naik"
    article = extract_html(RawPage(content=html, kind="html", url=url))
    return [p for p in article.paragraphs if not p.startswith(FILLER[:40])]


@pytest.mark.parametrize("path", sorted(HOSTS))
def test_in_sentence_inline_elements_keep_their_words(path: str) -> None:
    assert _read(path, [markup for markup, _ in INLINE_SHAPES]) == [want for _, want in INLINE_SHAPES]


@pytest.mark.parametrize("path", sorted(HOSTS))
@pytest.mark.parametrize("line", FURNITURE_LINES)
def test_furniture_line_leaves_the_body(path: str, line: str) -> None:
    kept = INLINE_SHAPES[0]
    assert _read(path, [kept[0], line]) == [kept[1]]


@pytest.mark.parametrize(
    "text",
    [
        "Lihat foto-foto banjir itu, warga hanya bisa menggelengkan kepala.",
        "Pilih saluran air yang bersih, kata petugas kesehatan kepada warga.",
        "Video terpopuler pekan ini menampilkan banjir di Jakarta Utara.",
    ],
)
def test_sentences_opening_like_furniture_stay(text: str) -> None:
    assert not is_furniture_text(text)


def _walk(markup: str) -> Blocks:
    return walk_container(etree.fromstring(markup, etree.HTMLParser()).find(".//div"))


def test_inline_furniture_phrase_still_goes() -> None:
    """A class says furniture and the element's own words are a furniture line: not the sentence's."""
    blocks = _walk(
        '<html><body><div><p>Harga naik sejak pekan lalu. <span class="baca-juga">Baca juga: Harga Cabai '
        "Turun</span> Pedagang mengeluh.</p></div></body></html>"
    )
    assert blocks.paragraphs == ["Harga naik sejak pekan lalu. Pedagang mengeluh."]


def test_block_furniture_still_goes() -> None:
    """Only inline elements are read as text: a share box as a block stays furniture."""
    blocks = _walk(
        '<html><body><div><p>Harga naik sejak pekan lalu.</p><div class="share">Bagikan Facebook Twitter</div>'
        '<span class="tag">Tag: beras</span><p>Pedagang mengeluh.</p></div></body></html>'
    )
    assert blocks.paragraphs == ["Harga naik sejak pekan lalu.", "Pedagang mengeluh."]


def test_restore_takes_the_walked_paragraph_a_cut_copy_came_from() -> None:
    walked = Blocks(
        paragraphs=[
            "Kepala Badan Pangan Nasional Arief mengatakan stok beras aman.",
            "Menurut Presiden Joko Widodo, harga naik.",
            "Harga cabai turun di pasar induk.",
        ],
        rescued={0, 1},
        prose={2},
    )
    cut = ["Kepala Arief mengatakan stok beras aman.", "Harga cabai turun di pasar induk."]
    assert restore_inline_text(cut, walked) == walked.paragraphs


def test_restore_leaves_other_paragraphs_alone() -> None:
    walked = Blocks(
        paragraphs=[
            "Harga cabai naik tajam di pasar induk kemarin.",
            "Kotak lain.",
            "Oleh Ani, Jakarta 5 Mei 2024",
        ],
        rescued={1},
        prose={0},
    )
    trafilatura = [
        "Harga cabai turun di pasar induk.",
        "Sebuah kalimat yang tidak ada di halaman.",
        "Jakarta 5 Mei 2024",
    ]
    assert restore_inline_text(trafilatura, walked) == trafilatura  # the byline line is no prose: left alone


def test_deeply_nested_inline_furniture_classes_keep_their_words() -> None:
    """Hostile nesting: every level has a furniture class and text on both sides; all words stay."""
    depth = 120
    inner = "".join(f'kata{i} <a class="tag" href="/t/{i}">' for i in range(depth))
    closing = "".join(f"</a> ekor{i}" for i in reversed(range(depth)))
    blocks = _walk(f"<html><body><div><div>{inner}inti{closing}</div></div></body></html>")
    words = blocks.paragraphs[0].split()
    assert len(blocks.paragraphs) == 1
    assert words[0] == "kata0" and "inti" in words and words[-1] == "ekor0"
    assert len(words) == 2 * depth + 1


def test_a_paragraph_broken_at_ruby_reads_once() -> None:
    """trafilatura breaks a paragraph into lines at a ``<ruby>`` (fixture ``html/inline/ruby_ja.html``):
    the paragraph is restored whole, and the pieces before it are not read a second time."""
    from conftest import FIXTURES

    html = (FIXTURES / "html" / "inline" / "ruby_ja.html").read_text(encoding="utf-8")
    paragraphs = extract_html(RawPage(content=html, kind="html")).paragraphs
    assert len(paragraphs) == 3
    assert paragraphs[1].startswith("市長は記者会見で") and "弾劾（だんがい）" in paragraphs[1]


def test_a_line_that_merely_opens_a_restored_paragraph_with_other_words_stays() -> None:
    walked = Blocks(paragraphs=["Banjir merendam Jakarta pada Senin pagi, kata petugas setempat."], prose={0})
    # A line beside the restored paragraph that is no piece of its text (a label) stays.
    out = restore_inline_text(["Cuaca", "Banjir merendam Jakarta pada Senin, kata petugas setempat."], walked)
    assert out == ["Cuaca", "Banjir merendam Jakarta pada Senin pagi, kata petugas setempat."]
