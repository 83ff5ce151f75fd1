"""Pages from the file system and stdin: files, folders, gzip, JSONL records.

Reading is bounded: a page is at most ``ReadOptions.max_bytes`` (a larger file is
refused with a clear reason, having read only that much), and bytes are decoded
with a BOM check, strict UTF-8, UTF-16 sniffing, the HTML ``charset`` and finally
cp1252 — what web-crawl dumps actually contain.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from kabar.model import PageKind, RawPage
from kabar.sources.decode import known_charset
from kabar.sources.json_text import loads_text

PAGE_SUFFIXES = (".txt", ".html", ".htm", ".xhtml", ".html.gz", ".htm.gz", ".txt.gz")
RECORD_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson")
WARC_SUFFIXES = (".warc", ".warc.gz")
MB = 1024 * 1024


class _Readable(Protocol):
    def read(self, size: int = ..., /) -> bytes: ...


class PageError(ValueError):
    """A page that cannot be read, with a one-line reason meant for the user."""


@dataclass(slots=True, frozen=True)
class ReadOptions:
    max_bytes: int = 16 * MB  # a news page is < 2 MB; far larger is not a page
    kind: PageKind | None = None  # None: from the suffix, else sniffed


@dataclass(slots=True)
class InputItem:
    """One thing named on the command line, resolved: a page, a record file or a WARC."""

    path: Path
    kind: str  # "page" | "records" | "warc"


def _lower_name(path: Path) -> str:
    return path.name.lower()


def classify(path: Path) -> str:
    name = _lower_name(path)
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(RECORD_SUFFIXES):
        return "records"
    return "page"


def expand_paths(paths: list[Path]) -> Iterator[InputItem]:
    """Files as given; folders walked (sorted, so runs are repeatable) for known suffixes."""
    known = PAGE_SUFFIXES + RECORD_SUFFIXES + WARC_SUFFIXES
    for path in paths:
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if _lower_name(child).endswith(known) and not child.name.startswith("."):
                    yield InputItem(child, classify(child))
        else:
            yield InputItem(path, classify(path))


def _read_bounded(stream: _Readable, limit: int, label: str) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise PageError(f"{label}: too large (over {limit // MB} MB); not read")
    return data


def read_bytes(path: Path, options: ReadOptions) -> bytes:
    label = str(path)
    try:
        if _lower_name(path).endswith(".gz"):
            with gzip.open(path, "rb") as gz:
                try:
                    return _read_bounded(gz, options.max_bytes, label)
                except (OSError, EOFError, gzip.BadGzipFile) as exc:
                    raise PageError(f"{label}: broken gzip ({exc})") from None
        with path.open("rb") as fh:
            return _read_bounded(fh, options.max_bytes, label)
    except FileNotFoundError:
        raise PageError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise PageError(f"{label}: is a directory") from None
    except PermissionError:
        raise PageError(f"{label}: permission denied") from None


_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


def _looks_utf16(data: bytes) -> str | None:
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    half = len(sample) / 2
    if odd_nuls > 0.3 * half and even_nuls < 0.05 * half:
        return "utf-16-le" if _mostly_printable(sample[0::2]) else None
    if even_nuls > 0.3 * half and odd_nuls < 0.05 * half:
        return "utf-16-be" if _mostly_printable(sample[1::2]) else None
    return None


def _mostly_printable(low_bytes: bytes) -> bool:
    """Text in UTF-16 has mostly printable low bytes; binary with NULs in a pattern has not."""
    printable = sum(1 for b in low_bytes if 0x20 <= b < 0x7F or b in (9, 10, 13) or b >= 0xA0)
    return printable >= 0.85 * len(low_bytes)


def decode(data: bytes, label: str = "input") -> str:
    """Bytes → text, or :class:`PageError` for binary data."""
    if not data.strip():
        raise PageError(f"{label}: empty")
    for bom, codec in (
        (b"\xef\xbb\xbf", "utf-8-sig"),
        (b"\xff\xfe\x00\x00", "utf-32"),
        (b"\x00\x00\xfe\xff", "utf-32"),
        (b"\xff\xfe", "utf-16"),
        (b"\xfe\xff", "utf-16"),
    ):
        if data.startswith(bom):
            return _check_text(data.decode(codec, errors="replace"), label)
    utf16 = _looks_utf16(data)
    if utf16:
        return _check_text(data.decode(utf16, errors="replace"), label)
    try:
        return _check_text(data.decode("utf-8"), label)
    except UnicodeDecodeError:
        pass
    match = _META_CHARSET.search(data[:4096])
    declared = known_charset(match.group(1).decode("ascii")) if match else None
    if declared:
        with contextlib.suppress(UnicodeError):
            return _check_text(data.decode(declared, errors="replace"), label)
    # cp1252 is what "Latin-1" pages really are; it never fails on a byte that matters here.
    return _check_text(data.decode("cp1252", errors="replace"), label)


def _check_text(text: str, label: str) -> str:
    sample = text[:8192]
    if not sample.strip():
        raise PageError(f"{label}: empty")
    controls = sum(1 for ch in sample if (ord(ch) < 32 and ch not in "\t\n\r\f") or ch == "\ufffd")
    if controls > 0.05 * len(sample):
        raise PageError(f"{label}: binary data, not a text or HTML page")
    return text.replace("\x00", "")


_HTML_SNIFF = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|div|p|article)\b", re.I | re.S
)


def sniff_kind(path_name: str, text: str) -> PageKind:
    name = path_name.lower()
    if name.endswith((".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")):
        return "html"
    if name.endswith((".txt", ".txt.gz")):
        return "text"
    return "html" if _HTML_SNIFF.match(text[:2048]) else "text"


def read_page(path: Path, options: ReadOptions | None = None) -> RawPage:
    opts = options or ReadOptions()
    text = decode(read_bytes(path, opts), str(path))
    kind = opts.kind or sniff_kind(path.name, text)
    return RawPage(content=text, kind=kind, source=str(path))


def read_stdin_page(stream: IO[bytes], options: ReadOptions | None = None) -> RawPage:
    opts = options or ReadOptions()
    data = _read_bounded(stream, opts.max_bytes, "stdin")
    if data[:2] == b"\x1f\x8b":
        try:
            data = _read_bounded(gzip.GzipFile(fileobj=io.BytesIO(data)), opts.max_bytes, "stdin")
        except (OSError, EOFError) as exc:
            raise PageError(f"stdin: broken gzip ({exc})") from None
    text = decode(data, "stdin")
    return RawPage(content=text, kind=opts.kind or sniff_kind("", text), source="-")


@dataclass(slots=True)
class RecordLine:
    """One line of a JSONL file: its parsed object, or why it could not be parsed."""

    line_no: int
    record: dict[str, object] | None
    error: str | None = None
    extra: dict[str, object] = field(default_factory=dict)


def iter_records(path: Path, max_line_bytes: int = 16 * MB) -> Iterator[RecordLine]:
    """Stream a JSONL file (optionally gzipped) line by line; memory stays flat."""
    import json

    try:
        fh = gzip.open(path, "rb") if _lower_name(path).endswith(".gz") else path.open("rb")  # noqa: SIM115 (closed below)
    except FileNotFoundError:
        raise PageError(f"{path}: no such file") from None
    with fh:
        line_no = 0
        while True:
            try:
                raw = fh.readline(max_line_bytes + 1)
            except (OSError, EOFError) as exc:
                yield RecordLine(line_no + 1, None, f"unreadable ({exc})")
                return
            if not raw:
                return
            line_no += 1
            if len(raw) > max_line_bytes and not raw.endswith(b"\n"):
                # Skip the rest of an over-long line without holding it.
                while raw and not raw.endswith(b"\n"):
                    raw = fh.readline(max_line_bytes)
                yield RecordLine(line_no, None, f"line longer than {max_line_bytes // MB} MB")
                continue
            if not raw.strip():
                continue
            try:
                obj = loads_text(raw.decode("utf-8", errors="replace"))
            except json.JSONDecodeError as exc:
                yield RecordLine(line_no, None, f"not JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecursionError:  # CPython's json gives up on ~100,000 "[": not a record
                yield RecordLine(line_no, None, "not JSON (nested too deep)")
                continue
            if not isinstance(obj, dict):
                yield RecordLine(line_no, None, f"not a JSON object (a {type(obj).__name__})")
                continue
            yield RecordLine(line_no, obj)
