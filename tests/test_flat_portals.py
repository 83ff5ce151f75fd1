"""Flattened pages in the shapes of other Indonesian portals (short pages written for kabar's tests).

Each ``tests/fixtures/flat/<name>.txt`` has a ``<name>.expected.json`` with the values the reader
must recover; every page is also read with CRLF line ends and with no blank lines between
paragraphs, which must not change the result.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from conftest import FIXTURES
from flat_compare import differences, furniture_leaks
from kabar.extract.flat import extract_flat
from kabar.model import RawPage
from kabar.serialize import article_to_dict

FLAT = FIXTURES / "flat"
NAMES = sorted(p.name.removesuffix(".expected.json") for p in FLAT.glob("*.expected.json"))


def _variants(text: str) -> dict[str, str]:
    single = "\n".join(line for line in text.splitlines() if line.strip())
    return {
        "as-is": text,
        "crlf": text.replace("\n", "\r\n"),
        "single-newlines": single,
        "single-newlines-crlf": single.replace("\n", "\r\n"),
        "indented": "\n".join(f"  {line}\t" for line in text.splitlines()),
    }


def test_fixture_set_covers_the_portal_shapes() -> None:
    shapes = {
        "kompas",
        "cnn",
        "liputan6",
        "antara",
        "republika",
        "truncated",
        "notime",
        "gallery",
        "gallery_counter",
    }
    assert shapes <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("variant", ["as-is", "crlf", "single-newlines", "single-newlines-crlf", "indented"])
def test_fixture_page(name: str, variant: str) -> None:
    expected = json.loads((FLAT / f"{name}.expected.json").read_text("utf-8"))
    text = _variants((FLAT / f"{name}.txt").read_text("utf-8"))[variant]
    got = article_to_dict(extract_flat(RawPage(content=text)))
    assert differences(expected, got) == []
    assert furniture_leaks(expected, got) == []


def _read(name: str) -> dict[str, object]:
    return article_to_dict(extract_flat(RawPage(content=(FLAT / f"{name}.txt").read_text("utf-8"))))


def test_time_line_zones() -> None:
    assert _read("kompas")["published"] == "2020-11-03T16:50:00+07:00"
    assert _read("truncated")["published"] == "2020-11-03T16:50:00+08:00"  # WITA
    assert _read("liputan6")["published"] == "2020-11-03T16:50:00+09:00"  # WIT


def test_gallery_is_captions_that_outweigh_the_text() -> None:
    """Credited captions with no story text are a gallery; the same photos in an article whose
    text outweighs their captions leave it an article, its captions as captions."""
    text = (FLAT / "gallery.txt").read_text("utf-8")
    assert _read("gallery")["kind"] == "gallery"
    sentence = "Arus mudik di Pelabuhan Merak meningkat tajam sejak Kamis malam menurut petugas."
    story = " ".join([sentence] * 12)
    article = article_to_dict(extract_flat(RawPage(content=text.replace("Bagikan", f"{story}\n\nBagikan"))))
    assert article["kind"] == "article"
    assert article["paragraphs"] == [story]
    assert len(article["images"]) == 5  # type: ignore[arg-type]


def _without(text: str, counter: int) -> str:
    return "\n".join(line for line in text.splitlines() if line.strip() != f"Foto {counter} dari 5")


def test_a_gallery_declared_by_its_photo_counter() -> None:
    """Uncredited captions make a gallery when the page counts its photos (``Foto 2 dari 5`` or
    ``2/5``), the whole run from 1 to N; a broken run, or no counter, leaves the lines the body."""
    text = (FLAT / "gallery_counter.txt").read_text("utf-8")
    expected = json.loads((FLAT / "gallery_counter.expected.json").read_text("utf-8"))
    bare = re.sub(r"^Foto (\d) dari (\d)$", r"\1/\2", text, flags=re.MULTILINE)
    got = article_to_dict(extract_flat(RawPage(content=bare)))
    assert got["kind"] == "gallery" and got["paragraphs"] == expected["paragraphs"]
    assert "3/5" not in got["paragraphs"]  # type: ignore[operator]
    for broken in (_without(text, 3), _without(text, 1)):
        got = article_to_dict(extract_flat(RawPage(content=broken)))
        assert got["kind"] == "article" and not got["images"]
        assert expected["paragraphs"][1] in got["paragraphs"]  # type: ignore[operator]


def test_page_without_time_line_names_it_missing() -> None:
    got = _read("notime")
    assert got["published"] is None
    assert got["missing"] == ["published"]
    assert got["paragraphs"]


def test_outlet_from_url_when_no_dateline(tmp_path: Path) -> None:
    text = "Judul Berita Tanpa Dateline di Halaman Ini\n\nSelasa, 3 November 2020 16:50 WIB\n\n" + (
        "Pemerintah kota menutup sementara jalan utama karena perbaikan saluran air selama dua pekan."
    )
    article = extract_flat(RawPage(content=text, url="https://nasional.kompas.com/read/2020/11/03/x"))
    assert article.outlet == "Kompas.com"
    assert article.dateline is None
    assert article.missing == []
    bare = extract_flat(RawPage(content=text))
    assert bare.outlet is None and bare.missing == ["outlet"]


_HEAD = "Persib Menang Tipis atas Arema di Bali\n\nSelasa, 23 Februari 2016 | 16:37 WIB\n\n"
_LEAD = "KUTA, KOMPAS.com - Persib Bandung menang tipis atas Arema Cronus pada laga kedua turnamen di Bali."


def test_lists_inside_and_closing_the_story_are_kept() -> None:
    lines = [
        _LEAD,
        "Berikut susunan pemain kedua tim:",
        "Persib 4-4-2",
        "Arema 4-3-3",
        "Pelatih Persib: Dejan Antonic",
        "Pertandingan berjalan ketat sejak menit pertama hingga peluit panjang dibunyikan wasit.",
        "Hasil laga lain:",
        "Bali United 2-1 Persija",
        "Mitra Kukar 0-0 Sriwijaya",
        "Tag: Persib, Arema",
    ]
    article = extract_flat(RawPage(content=_HEAD + "\n\n".join(lines)))
    assert article.paragraphs[1:5] == lines[1:5]
    assert article.paragraphs[-2:] == ["Bali United 2-1 Persija", "Mitra Kukar 0-0 Sriwijaya"]
    assert article.tags == ["Persib", "Arema"]


def test_the_site_after_the_story_is_not_body() -> None:
    site = [
        "Nasional",
        "Internasional",
        "Ekonomi",
        "Olahraga",
        "Polisi Buru Pelaku Pembobolan ATM di Tangerang",
        "Harga Beras Naik Jelang Ramadan di Pasar Induk",
        "Ribuan Warga Padati Pantai Kuta Saat Libur Panjang",
        "Gubernur meresmikan jembatan baru yang menghubungkan dua kecamatan di pesisir selatan.",
    ]
    article = extract_flat(RawPage(content=_HEAD + _LEAD + "\n\n" + "\n".join(site)))
    assert article.paragraphs == [_LEAD.split(" - ", 1)[1]]
