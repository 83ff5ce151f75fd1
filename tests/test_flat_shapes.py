"""The shared helpers the flat and HTML readers both use: datelines, credits, furniture, bylines,
related lists."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kabar.extract.byline import parse_byline
from kabar.extract.credits import is_credit, split_credit
from kabar.extract.dateline import match_dateline, outlet_for_domain, outlet_for_name
from kabar.extract.furniture import classify_line, is_furniture, split_list
from kabar.extract.related_list import match_header, parse_related


@pytest.mark.parametrize(
    ("paragraph", "text", "outlet", "place"),
    [
        ("TEMPO.CO - Presiden Rusia menelepon.", "TEMPO.CO -", "TEMPO.CO", None),
        ("JAKARTA, KOMPAS.com - Pemerintah menyiapkan.", "JAKARTA, KOMPAS.com -", "Kompas.com", "Jakarta"),
        (
            "Jakarta, CNN Indonesia -- Banjir menerjang.",
            "Jakarta, CNN Indonesia --",
            "CNN Indonesia",
            "Jakarta",
        ),
        ("Liputan6.com, Jakarta - Polisi menangkap.", "Liputan6.com, Jakarta -", "Liputan6.com", "Jakarta"),
        (
            "Mataram, NTB (ANTARA News) - Gubernur meminta.",
            "Mataram, NTB (ANTARA News) -",
            "ANTARA",
            "Mataram, NTB",
        ),
        (
            "REPUBLIKA.CO.ID, JAKARTA -- Bank sentral.",
            "REPUBLIKA.CO.ID, JAKARTA --",
            "REPUBLIKA.CO.ID",
            "Jakarta",
        ),
        ("BANDA ACEH, KOMPAS.com — Warga mengungsi.", "BANDA ACEH, KOMPAS.com —", "Kompas.com", "Banda Aceh"),
        ("Jakarta, CNBC Indonesia - Harga minyak.", "Jakarta, CNBC Indonesia -", "CNBC Indonesia", "Jakarta"),
        ("Bisnis.com, JAKARTA - Harga emas.", "Bisnis.com, JAKARTA -", "Bisnis.com", "Jakarta"),
    ],
)
def test_dateline_shapes(paragraph: str, text: str, outlet: str, place: str | None) -> None:
    found = match_dateline(paragraph)
    assert found is not None
    assert (found.text, found.outlet, found.place) == (text, outlet, place)
    assert not found.rest.startswith(("-", "—"))
    assert text not in found.rest


def test_dateline_place_only_needs_permission() -> None:
    assert match_dateline("Jakarta - Polisi menutup jalan.") is None
    found = match_dateline("Jakarta - Polisi menutup jalan.", allow_place_only=True)
    assert found is not None and found.place == "Jakarta" and found.outlet is None
    assert match_dateline("Presiden Joko Widodo - yang hadir - berkata.", allow_place_only=True) is None


@pytest.mark.parametrize(
    "paragraph",
    ["Ketua MPR Zulkifli Hasan menyesalkan kisruh itu.", "", "TEMPO.CO -", "-- tanpa apa pun", "x" * 100_000],
)
def test_not_a_dateline(paragraph: str) -> None:
    assert match_dateline(paragraph) is None


def test_outlet_lookups() -> None:
    assert outlet_for_name("KOMPAS.com") == "Kompas.com"
    assert outlet_for_domain("https://nasional.kompas.com/read/1") == "Kompas.com"
    assert outlet_for_domain("www.tempo.co") == "TEMPO.CO"
    assert outlet_for_domain("example.org") is None
    assert outlet_for_domain("") is None


@pytest.mark.parametrize(
    ("text", "caption", "credit"),
    [
        (
            "Warga antre di Mataram, Senin (2/11/2020). ANTARA FOTO/Ahmad Subaidi/nym.",
            "Warga antre di Mataram, Senin (2/11/2020).",
            "ANTARA FOTO/Ahmad Subaidi/nym.",
        ),
        (
            "Warga antre di Mataram, Senin (2/11/2020) ANTARA FOTO/Ahmad Subaidi/nym.",
            "Warga antre di Mataram, Senin (2/11/2020)",
            "ANTARA FOTO/Ahmad Subaidi/nym.",
        ),
        ("Polisi berjaga di Jakarta. TEMPO/Subekti", "Polisi berjaga di Jakarta.", "TEMPO/Subekti"),
        ("Polisi berjaga. REUTERS/Willy Kurniawan", "Polisi berjaga.", "REUTERS/Willy Kurniawan"),
        ("Kapolri meninjau lokasi. Dok. Humas Polri", "Kapolri meninjau lokasi.", "Dok. Humas Polri"),
        (
            "Gedung rusak akibat banjir. Handout via REUTERS",
            "Gedung rusak akibat banjir.",
            "Handout via REUTERS",
        ),
        (
            "Kapolri meninjau lokasi (ANTARA/Galih Pradipta)",
            "Kapolri meninjau lokasi",
            "ANTARA/Galih Pradipta",
        ),
        ("Kapolri meninjau lokasi. (Foto: Istimewa)", "Kapolri meninjau lokasi.", "Istimewa"),
        (
            "Kapolri meninjau lokasi. Foto: Kompas.com/Garry Lotulung",
            "Kapolri meninjau lokasi.",
            "Kompas.com/Garry Lotulung",
        ),
        (
            "Pidato di PBB. Sputnik/Mikhail Klimentyev/Kremlin",
            "Pidato di PBB.",
            "Sputnik/Mikhail Klimentyev/Kremlin",
        ),
    ],
)
def test_credit_shapes(text: str, caption: str, credit: str) -> None:
    split = split_credit(text)
    assert (split.caption, split.credit) == (caption, credit)


@pytest.mark.parametrize(
    "text",
    [
        "Harga cabai naik menjadi Rp 50.000/kg di pasar.",
        "Menurut dia, ia memiliki hubungan dekat dengan Pashinyan dan Aliyev.",
        "Ujar dia di Jakarta, Selasa (3/11/2020).",
        "Kata Menteri Luar Negeri. Mike Pompeo",
        "",
        "Kapolri. Handout via REUTERS kemarin sore",
    ],
)
def test_not_a_credit(text: str) -> None:
    assert split_credit(text).credit is None


def test_is_credit_whole_text() -> None:
    assert is_credit("REUTERS/Willy Kurniawan")
    assert is_credit("Dok. Humas Polri")
    assert is_credit("(ANTARA/Galih Pradipta)")
    assert not is_credit("Humas Polri")
    assert not is_credit("Vladimir Putin")
    assert not is_credit("x" * 1000)


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("Advertising", "ad"),
        ("Advertisement", "ad"),
        ("ADVERTISEMENT", "ad"),
        ("Scroll to continue with content", "ad"),
        ("Baca juga: Harga Ikan Naik Jelang Akhir Tahun", "read_also"),
        ("BACA JUGA : Harga Ikan Naik", "read_also"),
        ("Baca Selengkapnya", "more"),
        ("Bagikan: Facebook Twitter WhatsApp", "share"),
        ("Facebook", "share"),
        ("Tags: Putin, Rusia, Armenia", "tags"),
        ("#pencurian #Bekasi", "tags"),
        ("Sumber", "sources"),
        ("Sumber: TASS", "sources"),
        ("Copyright © 2020 TEMPO.CO", "footer"),
        ("© 2020 ANTARA News", "footer"),
        (
            "Copyright 2008 - 2020 PT. Kompas Cyber Media (Kompas Gramedia Digital Group). All Rights Reserved.",
            "footer",
        ),
        ("Home > Nasional > Politik", "navigation"),
        ("(nma/dea)", "initials"),
        ("[Gambas:Video CNN]", "promo"),
    ],
)
def test_furniture_kinds(line: str, kind: str) -> None:
    found = classify_line(line)
    assert found is not None and found.kind == kind


def test_furniture_values() -> None:
    read_also = classify_line("Baca juga: Setya Novanto: Jangan Sampai Kisruh")
    assert read_also is not None and read_also.value == "Setya Novanto: Jangan Sampai Kisruh"
    tags = classify_line("Tag: bantuan sosial, nelayan")
    assert tags is not None and tags.value == "bantuan sosial, nelayan"
    assert split_list("Putin, Rusia dan Armenia") == ["Putin", "Rusia", "Armenia"]
    assert split_list("Kementerian Kelautan dan Perikanan, nelayan", conjunctions=False) == [
        "Kementerian Kelautan dan Perikanan",
        "nelayan",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Dalam Klub Diskusi Valdai pada 22 Oktober, Putin mengklaim tidak ada yang lebih tertarik.",
        "Presiden Rusia",
        "Baca juga",  # a related-list heading, not furniture
        "Sumber daya alam Indonesia melimpah dan harus dijaga oleh seluruh warga negara untuk generasi berikutnya.",
        "",
    ],
)
def test_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_bylines() -> None:
    got = parse_byline("Reporter : Andi Wijaya | Editor : Sri Rahayu")
    assert got is not None
    assert [(b.role, b.name) for b in got] == [("author", "Andi Wijaya"), ("editor", "Sri Rahayu")]
    oleh = parse_byline("Oleh Rina Wulandari")
    assert oleh is not None and oleh[0].name == "Rina Wulandari"
    assert parse_byline("Oleh karena itu, pemerintah menunda rencana tersebut.") is None
    assert parse_byline("Penulis adalah pengamat politik") is None
    assert parse_byline("") is None


@pytest.mark.parametrize(
    "header",
    ["Berita terkait", "Baca Juga", "Artikel Terkait", "Rekomendasi", "Berita Lainnya", "BERITA TERKAIT:"],
)
def test_related_headers(header: str) -> None:
    assert match_header(header) is not None


def test_related_tempo_shape_with_capture_time() -> None:
    lines = [
        "Judul Satu Yang Cukup Panjang",
        "9 jam lalu",
        "Judul Satu Yang Cukup Panjang",
        "Deskripsi singkat berita pertama yang menjelaskan isinya.",
        "Baca Selengkapnya",
        "Judul Dua",
        "2 hari lalu",
        "Judul Dua",
        "Deskripsi kedua",
        "Baca Selengkapnya",
    ]
    captured = datetime(2020, 11, 4, 12, tzinfo=UTC)
    got = parse_related(lines, 0, match_header("Berita terkait"), captured)
    assert [(i.headline, i.age_seconds, i.description) for i in got.items] == [
        ("Judul Satu Yang Cukup Panjang", 32400, "Deskripsi singkat berita pertama yang menjelaskan isinya."),
        ("Judul Dua", 172800, "Deskripsi kedua"),
    ]
    assert got.items[0].published == datetime(2020, 11, 4, 3, tzinfo=UTC)
    assert got.consumed == len(lines)


def test_related_shapes_headline_age_and_age_headline_and_urls() -> None:
    pairs = parse_related(
        ["Judul A", "2 jam lalu", "Judul B", "3 jam lalu"], 0, match_header("Berita Terkini")
    )
    assert [(i.headline, i.age_text) for i in pairs.items] == [
        ("Judul A", "2 jam lalu"),
        ("Judul B", "3 jam lalu"),
    ]
    age_first = parse_related(["2 jam lalu", "Judul A", "kemarin", "Judul B"], 0, match_header("Rekomendasi"))
    assert [(i.headline, i.age_text) for i in age_first.items] == [
        ("Judul A", "2 jam lalu"),
        ("Judul B", "kemarin"),
    ]
    urls = parse_related(["Judul A", "https://contoh.id/a", "Judul B", "https://contoh.id/b"], 0, None)
    assert [(i.headline, i.url) for i in urls.items] == [
        ("Judul A", "https://contoh.id/a"),
        ("Judul B", "https://contoh.id/b"),
    ]
    inline = parse_related(
        ["• Judul A", "• Judul B", "Paragraf isi berita kembali berlanjut di sini dengan kalimat lengkap."],
        0,
        match_header("Baca Juga"),
    )
    assert [i.headline for i in inline.items] == ["Judul A", "Judul B"]
    assert inline.consumed == 2


def test_related_list_stops_at_footer_and_next_header() -> None:
    lines = ["Judul A", "Berita Lainnya", "Judul B", "© 2020 Contoh", "Judul C"]
    first = parse_related(lines, 0, match_header("Berita terkait"))
    assert [i.headline for i in first.items] == ["Judul A"] and first.consumed == 1
    second = parse_related(lines, 2, match_header("Berita Lainnya"))
    assert [i.headline for i in second.items] == ["Judul B"] and second.consumed == 1


def test_place_only_dateline_needs_a_capital_after_the_dash() -> None:
    assert match_dateline("Sekonyong - konyong jagat maya dikejutkan.", allow_place_only=True) is None
    assert match_dateline("KTT AS-ASEAN digelar di California.", allow_place_only=True) is None
    found = match_dateline("Jakarta - 29 penerbangan dibatalkan.", allow_place_only=True)
    assert found is not None and found.place == "Jakarta"


def test_more_byline_shapes() -> None:
    detik = parse_byline("Fino Yurio Kristo - detikinet")
    assert detik is not None and [(b.role, b.name) for b in detik] == [("author", "Fino Yurio Kristo")]
    by = parse_byline("By Corry Anestia")
    assert by is not None and by[0].name == "Corry Anestia"
    red = parse_byline("Red: Yudha Manggala P Putra")
    assert red is not None and red[0].role == "editor"
    assert parse_byline("Harga Minyak Dunia Naik Tipis Lagi - detikFinance") is None  # a headline


def test_credits_that_headlines_resemble() -> None:
    # Title Case headlines use agency names as words ("Antara" = between, "Istimewa" = special).
    assert split_credit("Dilema Anak Muda Antara Cpns Atau Ikut Partai Baru").credit is None
    assert split_credit("Obama Tak Mau Diperlakukan Istimewa Selama Berlibur").credit is None
    assert split_credit("FOTO: Dian Sastrowardoyo Saat Berusia 13 Tahun, Masih Cantik?").credit is None
    assert split_credit("Galaxy S6 Edge & S6 (ist)").credit == "ist"
    assert split_credit("Brandon Salim/©KapanLagi.com®/M. Akrom Sukarya").credit is not None
