"""WARC reading: versions 1.0 and 1.1, filters with reasons, bad files, flat memory."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import BinaryIO

import pytest

from conftest import ROOT, shared_path
from kabar.sources.warc import WarcError, WarcOptions, read_warc
from kabar.sources.warc_write import WarcRecordSpec, record_bytes, write_record

ID_PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8"><title>{t}</title></head><body>
<h1>{t}</h1><p>Pemerintah telah memutuskan bahwa proyek itu akan dilanjutkan karena bisa memberi manfaat
bagi masyarakat di daerah tersebut, kata gubernur kepada wartawan pada hari Selasa.</p>
<p>Menurut dia, semua pihak yang terlibat dalam proyek ini sudah sepakat untuk bekerja sama dengan
pemerintah pusat dan juga pemerintah daerah agar hasilnya bisa dirasakan oleh warga.</p></body></html>"""
EN_PAGE = """<!doctype html><html lang="en"><head><title>English</title></head><body><h1>English news</h1>
<p>The government has decided that the project will continue because it can bring benefits to the people
of the region, the governor told reporters on Tuesday afternoon at his office in the capital.</p>
<p>According to him, all parties involved in the project have agreed to work together with the central
government and the regional government so that the results can be felt by residents.</p></body></html>"""


def _core_records() -> list[WarcRecordSpec]:
    return [
        WarcRecordSpec(url="https://a.id/berita/1", payload=ID_PAGE.format(t="Proyek jalan").encode()),
        WarcRecordSpec(
            url="https://a.id/berita/1", payload=b"GET /berita/1 HTTP/1.1\r\n\r\n", warc_type="request"
        ),
        WarcRecordSpec(url="https://a.id/en/1", payload=EN_PAGE.encode()),
        WarcRecordSpec(
            url="https://a.id/logo.png", payload=b"\x89PNG\r\n" + b"\0" * 100, content_type="image/png"
        ),
        WarcRecordSpec(url="https://a.id/gone", payload=b"<html>not found</html>", status=404),
        WarcRecordSpec(
            url="https://a.id/meta", payload=b"via: test", warc_type="metadata", content_type="text/plain"
        ),
        WarcRecordSpec(url="https://a.id/big", payload=b"<html>" + b"x" * 200_000 + b"</html>"),
        WarcRecordSpec(
            url="https://a.id/berita/2",
            payload=ID_PAGE.format(t="Jembatan baru").encode("cp1252"),
            content_type="text/html; charset=windows-1252",
        ),
        WarcRecordSpec(
            url="https://a.id/berita/3", payload=ID_PAGE.format(t="Tanpa tipe").encode(), content_type=""
        ),
    ]


@pytest.mark.parametrize("version", ["1.0", "1.1"])
@pytest.mark.parametrize("compress", [True, False])
def test_reads_versions_filters_and_counts(tmp_path: Path, version: str, compress: bool) -> None:
    path = tmp_path / ("a.warc.gz" if compress else "a.warc")
    with path.open("wb") as fh:
        for spec in _core_records():
            write_record(fh, spec, version=version, compress=compress)  # type: ignore[arg-type]
    options = WarcOptions(max_record_bytes=100_000)
    pages = list(read_warc(path, options))
    assert [p.url for p in pages] == [
        "https://a.id/berita/1",
        "https://a.id/berita/2",
        "https://a.id/berita/3",
    ]
    first = pages[0]
    assert first.kind == "html" and "Proyek jalan" in first.content
    assert first.captured_at is not None and first.captured_at.year == 2020
    assert first.source is not None and first.source.startswith(str(path) + "#<urn:uuid:")
    assert first.headers["content-type"].startswith("text/html")
    stats = options.stats
    assert stats.read == 9 and stats.kept == 3
    assert dict(stats.dropped) == {
        "not_response": 2,
        "not_indonesian": 1,
        "not_html": 1,
        "http_error": 1,
        "too_large": 1,
    }
    assert "9 records read, 3 kept, 6 dropped" in str(stats)


def test_language_filter_can_be_switched_off(tmp_path: Path) -> None:
    path = tmp_path / "a.warc.gz"
    with path.open("wb") as fh:
        for spec in _core_records():
            write_record(fh, spec)
    options = WarcOptions(language=None)
    urls = [p.url for p in read_warc(path, options)]
    assert "https://a.id/en/1" in urls and "https://a.id/big" in urls


def test_real_pages_with_foreign_and_binary_records(tmp_path: Path) -> None:
    root = shared_path("pages", "id", "anpandu")
    singles = sorted(root.glob("*/*singlepage*.html"))
    zyte = sorted(shared_path("pages", "zyte", "html").glob("*.html.gz"))[:10]
    path = tmp_path / "real.warc.gz"
    with path.open("wb") as fh:
        for i, page in enumerate(singles):
            write_record(fh, WarcRecordSpec(url=f"https://id.example/{i}", payload=page.read_bytes()),
                         version="1.0" if i % 2 else "1.1")  # fmt: skip
        for j, page in enumerate(zyte):
            write_record(
                fh, WarcRecordSpec(url=f"https://en.example/{j}", payload=gzip.decompress(page.read_bytes()))
            )
        write_record(
            fh, WarcRecordSpec(url="https://x/a.pdf", payload=b"%PDF-1.4 ...", content_type="application/pdf")
        )
    options = WarcOptions()
    kept = list(read_warc(path, options))
    english_singles = sum("tempo-english" in str(p) for p in singles)
    indonesian_zyte = sum(p.name.startswith(("21486419", "7837c9d6")) for p in zyte)
    assert len(kept) == len(singles) - english_singles + indonesian_zyte
    assert options.stats.dropped["not_html"] == 1
    assert options.stats.read == len(singles) + len(zyte) + 1


def test_truncated_file_keeps_what_was_read_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    data = b"".join(gzip.compress(record_bytes(s)) for s in _core_records()[:1] * 3)
    path.write_bytes(data + gzip.compress(record_bytes(_core_records()[0]))[:200])
    options = WarcOptions()
    pages = list(read_warc(path, options))
    assert len(pages) == 3
    # fastwarc hands over the cut record (or stops with an error): either way it is counted unreadable
    assert options.stats.dropped["unreadable"] == 1


@pytest.mark.parametrize(
    "content,message",
    [(b"", "empty"), (b"<html>not a warc</html>", "not a WARC"), (b"\x00\x01\x02" * 100, "not a WARC")],
)
def test_not_a_warc(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.warc"
    path.write_bytes(content)
    with pytest.raises(WarcError, match=message):
        list(read_warc(path, WarcOptions()))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(WarcError, match="no such file"):
        list(read_warc(tmp_path / "nope.warc.gz", WarcOptions()))


def test_gzip_of_garbage_is_reported_not_raised(tmp_path: Path) -> None:
    path = tmp_path / "g.warc.gz"
    path.write_bytes(gzip.compress(os.urandom(50_000)))
    options = WarcOptions()
    assert list(read_warc(path, options)) == []
    assert options.stats.kept == 0 and options.stats.error is not None


_MEASURE = textwrap.dedent(
    """
    import resource, sys
    from pathlib import Path
    from kabar.sources.warc import WarcOptions, read_warc
    def rss_kb(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    before = rss_kb()
    options = WarcOptions(max_record_bytes=2_000_000)
    kept = sum(1 for _ in read_warc(Path(sys.argv[1]), options))
    print(kept, options.stats.read, rss_kb() - before)
    """
)


def _peak_growth_kb(path: Path) -> tuple[int, int, int]:
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, str(path)], capture_output=True, text=True, timeout=120,
        cwd=ROOT, check=True,
    )  # fmt: skip
    kept, read, growth = (int(x) for x in out.stdout.split())
    return kept, read, growth


def test_memory_stays_flat_on_a_large_warc(tmp_path: Path) -> None:
    """~70 MB of records (pages, 1 MB images, 6 MB oversized pages) read with bounded peak memory."""
    small, large = tmp_path / "small.warc.gz", tmp_path / "large.warc.gz"
    page = ID_PAGE.format(t="Berita").encode()
    with small.open("wb") as fh:
        for i in range(5):
            write_record(fh, WarcRecordSpec(url=f"https://a.id/{i}", payload=page))
    with large.open("wb") as fh:
        for i in range(400):
            write_record(fh, WarcRecordSpec(url=f"https://a.id/{i}", payload=page * 20))
            if i % 20 == 0:
                write_record(fh, WarcRecordSpec(url=f"https://a.id/img{i}", payload=os.urandom(1_000_000),
                                                content_type="image/jpeg"))  # fmt: skip
            if i % 80 == 0:
                write_record(
                    fh, WarcRecordSpec(url=f"https://a.id/huge{i}", payload=b"<p>" + b"a" * 6_000_000)
                )
    assert large.stat().st_size > 20_000_000
    _, _, base_growth = _peak_growth_kb(small)
    kept, read, growth = _peak_growth_kb(large)
    assert kept == 400 and read == 425
    print(
        f"peak RSS growth: small WARC {base_growth} KiB, {large.stat().st_size >> 20} MiB WARC {growth} KiB"
    )
    assert growth - base_growth < 40_000  # well under the file's size (and its 66 MB of payload)


def test_kabar_ingest_reads_a_warc_and_reports_its_counts(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kabar.cli.main import app

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        for spec in _core_records():
            write_record(fh, spec)
    db = tmp_path / "k.db"
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "--no-understand", "-q"])
    assert result.exit_code == 0, result.output
    assert "9 records read, 3 kept, 6 dropped" in result.output
    again = CliRunner().invoke(app, ["ingest", str(path), "--db", str(db), "--no-understand", "-q"])
    assert "0 added" in again.output  # the same archive twice stores nothing twice


def _write_huge_record(out: BinaryIO, url: str, payload_bytes: int) -> None:
    """One gzip member holding a ``payload_bytes`` HTML response, streamed (never whole in memory)."""
    http = (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {payload_bytes}\r\n\r\n"
    ).encode("latin-1")
    block = len(http) + payload_bytes
    head = (
        "WARC/1.1\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000200>\r\n"
        f"WARC-Date: 2020-11-03T09:00:00Z\r\nWARC-Target-URI: {url}\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {block}\r\n\r\n"
    ).encode()
    chunk = b"<p>" + b"yang dan di ke dari " * 50_000 + b"</p>"  # ~1 MB of Indonesian-looking text
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1) as member:
        member.write(head + http)
        left = payload_bytes
        while left > 0:
            member.write(chunk[:left])
            left -= min(left, len(chunk))
        member.write(b"\r\n\r\n")


def test_a_200_mb_record_is_skipped_unread_with_flat_memory(tmp_path: Path) -> None:
    """A 200 MB page between two articles: dropped by its declared size, the next record still read."""
    path = tmp_path / "huge.warc.gz"
    page = ID_PAGE.format(t="Berita").encode()
    with path.open("wb") as fh:
        write_record(fh, WarcRecordSpec(url="https://a.id/1", payload=page))
        _write_huge_record(fh, "https://a.id/huge", 200 * 1024 * 1024)
        write_record(fh, WarcRecordSpec(url="https://a.id/2", payload=page))
    kept, read, growth = _peak_growth_kb(path)
    assert (kept, read) == (2, 3)
    assert growth < 40_000  # far under the record's 200 MB
    options = WarcOptions(max_record_bytes=2_000_000)
    assert [p.url for p in read_warc(path, options)] == ["https://a.id/1", "https://a.id/2"]
    assert options.stats.dropped == {"too_large": 1} and options.stats.error is None
