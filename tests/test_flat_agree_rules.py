"""Flat-reader rules that make it agree with the HTML reader (issue 3): photo credits after an
acronym or a copyright mark, end-of-article list headings, newsletter boxes, restated captions."""

from __future__ import annotations

import pytest

from kabar.extract.credits import split_credit
from kabar.extract.flat import extract_flat
from kabar.extract.flat_restate import restates
from kabar.extract.furniture import classify_line
from kabar.extract.related_list import match_header
from kabar.model import RawPage

_HEAD = "Pemerintah Resmikan Gardu Induk Baru di Banten\n\nSelasa, 23/02/2016 15:32 WIB\n\n"
_LEAD = (
    "PT PLN hari ini resmi mengoperasikan Gardu Induk (GI) 150 kV Milenium 2x60 MVA beserta "
    "jaringannya di Kabupaten Tangerang, Banten, untuk memperkuat pasokan listrik."
)
_SECOND = (
    "Gardu induk itu menjadi bagian dari jaringan GITET Balaraja yang melayani kawasan industri "
    "di barat Jakarta sejak awal tahun ini."
)


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        ("Gedung KPK. TEMPO/Imam Sukamto", "Gedung KPK.", "TEMPO/Imam Sukamto"),
        (
            "Suasana sidang di DPR. ANTARA FOTO/Galih Pradipta",
            "Suasana sidang di DPR.",
            "ANTARA FOTO/Galih Pradipta",
        ),
        (
            "Dian Sastro saat masih 13 tahun © instagram.com/therealdisastr",
            "Dian Sastro saat masih 13 tahun",
            "© instagram.com/therealdisastr",
        ),
        ("Pesta di rumahnya © Instagram.com", "Pesta di rumahnya", "© Instagram.com"),
    ],
)
def test_credit_after_acronym_or_copyright_mark(text: str, caption: str, credit: str) -> None:
    split = split_credit(text)
    assert (split.caption, split.credit) == (caption, credit)


@pytest.mark.parametrize(
    "text",
    [
        "Harga naik © 2020 hak cipta dilindungi undang-undang",
        "Kata Ketua KPK. Dia menolak berkomentar",
        "Rapat digelar di gedung DPR. Sidang ditunda",
    ],
)
def test_no_credit_in_prose_with_marks_or_acronyms(text: str) -> None:
    assert split_credit(text).credit is None


@pytest.mark.parametrize(
    "line",
    ["JANGAN LEWATKAN!!!", "Jangan Lewatkan!", "Simak Lifestyle Populer Lainnya", "Baca Berita Bola Terbaru"],
)
def test_end_of_article_headings(line: str) -> None:
    header = match_header(line)
    assert header is not None and header.scope == "tail"


@pytest.mark.parametrize(
    "line", ["Simak penjelasan lengkapnya berikut ini.", "Jangan lewatkan kesempatan ini"]
)
def test_sentences_are_not_headings(line: str) -> None:
    assert match_header(line) is None


@pytest.mark.parametrize(
    "line",
    [
        "Jangan sampai ketinggalan berita terkini, langganan newsletter kami sekarang!",
        "example@mail.com",
        "Email berhasil dikirim, sekarang anda sudah berlangganan disini",
        "Success",
    ],
)
def test_newsletter_box_is_furniture(line: str) -> None:
    got = classify_line(line)
    assert got is not None and got.kind == "promo"


def test_body_ends_at_jangan_lewatkan_list() -> None:
    text = (
        _HEAD
        + f"{_LEAD}\n\n{_SECOND}\n\nJANGAN LEWATKAN!!!\n\n"
        + "Armand Maulana & Rambut Gondrong Ikoniknya Dari Tahun ke Tahun\n\n"
        + "Selena Gomez Saat Masih Berusia 7 Tahun, Bikin Gemas Maksimal!\n\n"
        + "Cantiknya Dian Sastrowardoyo tanpa make-up bisa kita lihat saat dia melakukan olahraga kesukaannya.\n"
    )
    article = extract_flat(RawPage(content=text))
    assert article.paragraphs == [_LEAD, _SECOND]


def test_caption_with_copyright_credit_is_an_image() -> None:
    caption = "Dian Sastro saat masih 13 tahun © instagram.com/therealdisastr"
    article = extract_flat(RawPage(content=_HEAD + f"{_LEAD}\n\n{caption}\n\n{_SECOND}\n"))
    assert article.paragraphs == [_LEAD, _SECOND]
    assert [(i.caption, i.credit, i.position) for i in article.images] == [
        ("Dian Sastro saat masih 13 tahun", "© instagram.com/therealdisastr", 1)
    ]


def test_restated_photo_caption_is_an_image_not_a_paragraph() -> None:
    caption = "PT PLN resmi mengoperasikan Gardu Induk (GI) 150 kV Milenium."
    article = extract_flat(RawPage(content=_HEAD + f"{_LEAD}\n\n{caption}\n"))
    assert article.paragraphs == [_LEAD]
    assert [(i.caption, i.credit) for i in article.images] == [(caption, None)]


def test_short_paragraph_with_new_words_stays() -> None:
    short = "PT PLN juga akan membangun dua gardu induk lain tahun depan."
    article = extract_flat(RawPage(content=_HEAD + f"{_LEAD}\n\n{short}\n\n{_SECOND}\n"))
    assert article.paragraphs == [_LEAD, short, _SECOND]
    assert article.images == []


def test_restates_bounds() -> None:
    assert restates("PLN resmi mengoperasikan Gardu Induk", [_LEAD], 5, 30)
    assert not restates("Gardu Induk PLN resmi mengoperasikan", [_LEAD], 5, 30)  # order matters
    assert not restates("PLN resmi", [_LEAD], 5, 30)  # too short to tell
    assert not restates(_LEAD, [_LEAD], 5, 60)  # a paragraph does not restate itself
    assert not restates("x " * 5000, [_LEAD], 5, 30)  # huge input: rejected before any work
