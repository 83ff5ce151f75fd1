"""The flat reader on bad input: empty, binary, mis-encoded, huge and hostile pages.

The reader never raises on text; what it could not read is named in ``Article.missing``. Time is
bounded: per-line work is bounded and the reader reads at most ``FlatOptions.max_units`` lines.
"""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest

from kabar.extract.flat import FlatOptions, extract_flat, split_units
from kabar.model import RawPage

ALL_MISSING = ["headline", "published", "outlet", "paragraphs"]


@pytest.mark.parametrize("content", ["", " ", "\n\n\n", "\r\n\r\n", "\t \x00 \x0b"])
def test_empty_page_names_everything_missing(content: str) -> None:
    article = extract_flat(RawPage(content=content))
    assert article.missing == ALL_MISSING
    assert article.headline is None and article.paragraphs == [] and article.related == []


def _random_bytes(n: int) -> bytes:
    rng = random.Random(7)
    return bytes(rng.randrange(256) for _ in range(n))


@pytest.mark.parametrize("encoding", ["latin-1", "utf-8", "cp1252"])
def test_binary_garbage_yields_nothing(encoding: str) -> None:
    content = _random_bytes(50_000).decode(encoding, errors="replace")
    article = extract_flat(RawPage(content=content))
    assert article.paragraphs == []
    assert article.headline is None
    assert "paragraphs" in article.missing


def test_mis_encoded_pages_still_read(example_path: Path) -> None:
    text = example_path.read_text("utf-8")
    for garbled in (
        text.encode("utf-8").decode("latin-1"),  # UTF-8 read as Latin-1 (mojibake in the quotes only)
        text.encode("utf-16-le").decode("latin-1"),  # UTF-16 read as Latin-1: NULs between letters
    ):
        article = extract_flat(RawPage(content=garbled))
        assert article.headline == "Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik"
        assert article.published_text == "Selasa, 3 November 2020 16:50 WIB"
        assert len(article.paragraphs) == 7


def test_page_with_no_time_line_and_no_headline() -> None:
    body = (
        "Ketua MPR menyesalkan kisruh yang terjadi antara pelaku transportasi daring dan konvensional, "
        "dan menyarankan pertemuan bersama antara pemerintah dan para pelaku usaha untuk mencari jalan keluar."
    )
    article = extract_flat(RawPage(content=f"{body}\n\n{body}"))
    assert article.headline is None
    assert article.missing == ["headline", "published", "outlet"]
    assert article.paragraphs == [body, body]


def test_twenty_megabytes_in_bounded_time(example_path: Path) -> None:
    page = example_path.read_text("utf-8")
    many_lines = (page + "\n\n") * (20_000_000 // len(page))
    one_line = "Presiden Rusia Vladimir Putin kembali memediasi perdamaian " * 340_000
    for content in (many_lines, one_line):
        assert len(content) >= 19_000_000
        article = extract_flat(RawPage(content=content))  # its CPU time: benchmarks/bounded_time.py
        assert article.paragraphs and len(article.paragraphs) <= FlatOptions().max_units


def test_a_huge_line_in_bounded_memory() -> None:
    content = "Presiden Rusia Vladimir Putin kembali memediasi perdamaian " * 170_000  # 10 MB, one line
    tracemalloc.start()
    extract_flat(RawPage(content=content))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # A few copies of the text (normalised line, kept paragraph), never a list of its words.
    assert peak < 5 * len(content)


@pytest.mark.parametrize(
    "content",
    [
        "Judul Berita Ini Panjang\n" + "Rekomendasi\n" * 300_000,
        "-\n" * 1_000_000,
        "JAKARTA, " * 1_000_000,
        "A/" * 2_000_000,
        "(" * 2_000_000,
        "Selasa, 3 November 2020 " * 300_000,
        "Baca Selengkapnya\n9 jam lalu\n" * 300_000,
        "\ufffd" * 1_000_000,
    ],
    ids=["headers", "dash-lines", "datelines", "slashes", "parens", "times", "related-shells", "replacement"],
)
def test_hostile_pages_give_a_bounded_article(content: str) -> None:
    article = extract_flat(RawPage(content=content))  # its CPU time: benchmarks/bounded_time.py
    assert len(article.paragraphs) <= FlatOptions().max_units
    assert sum(len(p) for p in article.paragraphs) <= len(content)


def test_line_cap_is_an_option() -> None:
    content = "\n".join(f"Paragraf nomor {i} berisi beberapa kata yang cukup panjang." for i in range(100))
    assert len(split_units(content, max_units=10)) == 10
    article = extract_flat(RawPage(content=content), FlatOptions(max_units=10))
    assert len(article.paragraphs) <= 10


def test_many_related_headings_before_a_late_dateline_stay_linear() -> None:
    content = "Judul Berita Ini Cukup Panjang\n" + "Terkait\nJudul Lain\n" * 9_000
    content += (
        "Selasa, 3 November 2020 16:50 WIB\nJAKARTA, KOMPAS.com - " + "Isi berita yang cukup panjang. " * 5
    )
    article = extract_flat(RawPage(content=content))  # its CPU time: benchmarks/bounded_time.py
    assert article.dateline == "JAKARTA, KOMPAS.com -"
