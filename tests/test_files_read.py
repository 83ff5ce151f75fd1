"""Reading pages from disk and stdin: encodings, gzip, sizes, binary data."""

from __future__ import annotations

import gzip
import io
import tracemalloc
from pathlib import Path

import pytest

from kabar.sources.files import (
    MB,
    PageError,
    ReadOptions,
    decode,
    expand_paths,
    iter_records,
    read_page,
    read_stdin_page,
)

TEXT = (
    "Gubernur meresmikan jembatan di Kabupaten Bogor, Jawa Barat, pada Senin (2/11). Warga menyambut gembira."
)


def test_utf8_latin1_and_utf16_all_decode_to_the_same_text() -> None:
    for data in (
        TEXT.encode("utf-8"),
        TEXT.encode("utf-8-sig"),
        TEXT.encode("utf-16"),  # with BOM
        TEXT.encode("utf-16-le"),  # without BOM
        TEXT.encode("utf-16-be"),
    ):
        assert decode(data) == TEXT


def test_latin1_page_keeps_its_accents() -> None:
    assert (
        decode("Café di Bandung, harga Rp 5.000 — murah".encode("cp1252"))
        == "Café di Bandung, harga Rp 5.000 — murah"
    )
    html = '<html><head><meta charset="iso-8859-1"></head><body>Caf\xe9</body></html>'.encode("latin-1")
    assert "Café" in decode(html)


@pytest.mark.parametrize("data", [b"", b"   \n\t ", b"\x00\x01\x02\x03" * 500, bytes(range(256)) * 40])
def test_empty_and_binary_are_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(PageError) as info:
        decode(data, "x.txt")
    assert str(info.value).startswith("x.txt: ") and "\n" not in str(info.value)


def test_huge_file_is_refused_after_reading_only_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    chunk = (TEXT + "\n\n").encode() * 1000
    with big.open("wb") as fh:
        while fh.tell() < 100 * MB:
            fh.write(chunk)
    tracemalloc.start()
    with pytest.raises(PageError, match="too large"):
        read_page(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 40 * MB  # read at most the 16 MB limit, never the whole 100 MB


def test_gzip_pages_and_broken_gzip(tmp_path: Path) -> None:
    good = tmp_path / "a.html.gz"
    good.write_bytes(gzip.compress(f"<html><body><p>{TEXT}</p></body></html>".encode()))
    page = read_page(good)
    assert page.kind == "html" and TEXT in page.content
    bad = tmp_path / "b.html.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(PageError, match="broken gzip"):
        read_page(bad)


def test_gzip_bomb_is_bounded(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"a" * (64 * MB)))
    with pytest.raises(PageError, match="too large"):
        read_page(bomb, ReadOptions(max_bytes=4 * MB))


def test_kind_from_suffix_else_sniffed(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("<p>teks</p>")
    (tmp_path / "noext").write_text("<!DOCTYPE html><html><body>x</body></html>")
    (tmp_path / "plain").write_text("Judul\n\nIsi.")
    assert read_page(tmp_path / "p.txt").kind == "text"
    assert read_page(tmp_path / "noext").kind == "html"
    assert read_page(tmp_path / "plain").kind == "text"


def test_stdin_page_plain_and_gzipped() -> None:
    assert read_stdin_page(io.BytesIO(TEXT.encode())).content == TEXT
    assert read_stdin_page(io.BytesIO(gzip.compress(TEXT.encode()))).content == TEXT
    with pytest.raises(PageError, match="stdin: empty"):
        read_stdin_page(io.BytesIO(b""))


def test_missing_file_and_directory(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="no such file"):
        read_page(tmp_path / "nope.txt")


def test_folders_are_walked_for_known_kinds(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "sub/b.html", "c.jsonl", "d.warc.gz", "e.png", ".hidden.txt"):
        (tmp_path / name).write_text("x")
    found = {(i.path.name, i.kind) for i in expand_paths([tmp_path])}
    assert found == {("a.txt", "page"), ("b.html", "page"), ("c.jsonl", "records"), ("d.warc.gz", "warc")}


def test_jsonl_lines_bad_lines_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"title": "a"}\nnot json\n[1, 2]\n\n{"title": "b"}\n{"broken": \n')
    lines = list(iter_records(path))
    assert [(line.line_no, line.record is not None) for line in lines] == [
        (1, True),
        (2, False),
        (3, False),
        (5, True),
        (6, False),
    ]
    assert "not JSON" in (lines[1].error or "") and "not a JSON object" in (lines[2].error or "")


def test_jsonl_overlong_line_is_skipped_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    with path.open("wb") as fh:
        fh.write(b'{"title": "' + b"x" * (3 * MB) + b'"}\n{"title": "ok"}\n')
    lines = list(iter_records(path, max_line_bytes=1 * MB))
    assert lines[0].record is None and "longer than" in (lines[0].error or "")
    assert lines[-1].record == {"title": "ok"}
