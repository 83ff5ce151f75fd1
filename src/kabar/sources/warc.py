"""WARC archives (WARC/1.0 and 1.1, plain or gzipped) → HTML pages in Indonesian.

fastwarc streams the file record by record, so memory stays flat on a 1 GB
CC-NEWS file: a record's payload is read only once it passed the cheap checks
(type, HTTP status, content type, declared size), and never more than the size
cap. What was read, kept and dropped (and why) is counted in ``options.stats``,
which the caller prints afterwards.
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from kabar.model import RawPage
from kabar.sources.decode import decode_html
from kabar.sources.langid import LangOptions, judge_html

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DROP_REASONS = (
    "not_response",
    "http_error",
    "not_html",
    "too_large",
    "not_news_host",
    "not_indonesian",
    "unreadable",
)


class WarcError(ValueError):
    """A file that is not a readable WARC archive."""


@dataclass(slots=True)
class WarcStats:
    read: int = 0
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    error: str | None = None  # set when the file broke off mid-way (truncated, corrupt)

    def __str__(self) -> str:
        return self.summary()

    def summary(self) -> str:
        parts = ", ".join(f"{n} {reason.replace('_', ' ')}" for reason, n in sorted(self.dropped.items()))
        tail = f"; stopped early: {self.error}" if self.error else ""
        return f"{self.read} records read, {self.kept} kept, {sum(self.dropped.values())} dropped ({parts or 'none'}){tail}"


@dataclass(slots=True)
class WarcOptions:
    max_record_bytes: int = 5_000_000  # an HTML payload over this is not a news page
    language: LangOptions | None = field(default_factory=LangOptions)  # None: keep every language
    # A check on the target URL before the payload is read (a backfill's host list): a
    # CC-NEWS file is mostly other countries' news, and skipping it unread is the cheap part.
    keep_url: Callable[[str], bool] | None = None
    stats: WarcStats = field(default_factory=WarcStats)


def _check_head(path: Path) -> None:
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise WarcError(f"{path}: no such file") from None
    except OSError as exc:
        raise WarcError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head:
        raise WarcError(f"{path}: empty file")
    if not (head.startswith(b"WARC/") or head[:2] == b"\x1f\x8b"):
        raise WarcError(f"{path}: not a WARC file (no 'WARC/' header and not gzip)")


def _sniff_html(head: bytes) -> bool:
    start = head[:512].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def _drop_reason_before_payload(record: Any, options: WarcOptions) -> str | None:
    if record.record_type != WarcRecordType.response:
        return "not_response"
    http = record.http_headers
    if http is None:
        return "not_html"
    status = http.status_code
    if status is None:  # no status line: a cut-off or mangled record
        return "unreadable"
    if not 200 <= int(status) < 300:
        return "http_error"
    ctype = (record.http_content_type or "").lower()
    if ctype and ctype not in _HTML_TYPES:
        return "not_html"
    if record.content_length > options.max_record_bytes:
        return "too_large"
    if options.keep_url is not None and not options.keep_url(record.headers.get("WARC-Target-URI") or ""):
        return "not_news_host"
    return None


def _page(record: Any, path: Path, options: WarcOptions) -> RawPage | str:
    """The record as a page, or the reason it is dropped."""
    try:
        payload = record.reader.read(options.max_record_bytes + 1)
    except (OSError, ValueError):
        return "unreadable"
    if len(payload) > options.max_record_bytes:
        return "too_large"
    if not record.http_content_type and not _sniff_html(payload):
        return "not_html"
    try:
        html = decode_html(payload, record.http_charset)
    except (LookupError, ValueError):
        return "unreadable"
    if options.language is not None and not judge_html(html, options.language).indonesian:
        return "not_indonesian"
    headers = {k.lower(): v for k, v in record.http_headers.items()}
    return RawPage(
        content=html,
        kind="html",
        url=record.headers.get("WARC-Target-URI") or None,
        source=f"{path}#{record.record_id or record.stream_pos}",
        captured_at=record.record_date,
        headers=headers,
    )


def _tail(fh: Any, start: int) -> str:
    """How the file ends after the gzip member at ``start`` (its last record): ``whole``, ``cut``
    (the member ends before its end marker) or ``trailing`` (bytes after it that fastwarc
    did not count as a record: the start of one cut off early).

    fastwarc hands over a record cut off by the end of the file as if it were whole (a
    shorter payload, no error): a download that broke off would yield half an article.
    """
    fh.seek(start)
    chunk = fh.read(1 << 20)
    if not chunk.startswith(b"\x1f\x8b"):
        # No member starts there: a file gzipped as one stream, whose record positions are
        # fastwarc's read-ahead, not member starts. Cannot tell; say nothing.
        return "whole"
    inflate = zlib.decompressobj(wbits=31)
    try:
        while chunk:
            inflate.decompress(chunk)  # the output is not needed, only whether the member ends
            if inflate.eof:
                return "trailing" if inflate.unused_data or fh.read(1) else "whole"
            chunk = fh.read(1 << 20)
    except zlib.error:  # not a gzip member after all: cannot tell
        return "whole"
    return "whole" if inflate.eof else "cut"


def read_warc(path: Path, options: WarcOptions) -> Iterator[RawPage]:
    """Yield the Indonesian HTML responses of a WARC file; count everything in ``options.stats``.

    Each page is handed over once the next record has begun (or, for the last one, once the
    file is known to end where its last gzip member ends): a record cut off by a truncated
    download is counted unreadable, not passed on as a shorter page.
    """
    path = Path(path)
    _check_head(path)
    stats = options.stats
    held: RawPage | None = None
    last_pos = 0
    last_drop: str | None = None  # why the last record was dropped, if it was
    with path.open("rb") as fh:
        gzipped = fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        records = ArchiveIterator(fh, parse_http=True, auto_decode="all", stream_detect=True)
        try:
            for record in records:
                if held is not None:
                    yield held
                    held = None
                stats.read += 1
                last_pos = record.stream_pos
                reason = _drop_reason_before_payload(record, options)
                page = reason if reason is not None else _page(record, path, options)
                if isinstance(page, str):
                    stats.dropped[page] += 1
                    last_drop = page
                    continue
                stats.kept += 1
                last_drop = None
                held = page
        except (OSError, ValueError) as exc:
            # A truncated or corrupt tail: what was read stays read; say where it broke.
            stats.dropped["unreadable"] += 1
            stats.error = f"{type(exc).__name__}: {exc}"[:300]
        tail = _tail(fh, last_pos) if gzipped and stats.read and stats.error is None else "whole"
        if tail != "whole":
            stats.error = "the file ends inside a record (a truncated download?)"
        if tail == "trailing":  # a record fastwarc did not count
            stats.dropped["unreadable"] += 1
        elif tail == "cut":  # the last record is cut short: unreadable, whatever it looked like
            if held is not None:
                held = None
                stats.kept -= 1
                stats.dropped["unreadable"] += 1
            elif last_drop is not None and last_drop != "unreadable":
                stats.dropped[last_drop] -= 1
                stats.dropped += Counter()  # drops the reason if its count is now 0
                stats.dropped["unreadable"] += 1
    if held is not None:
        yield held
    if stats.read == 0 and stats.error is None:
        stats.error = "no WARC records found"


__all__ = ["DROP_REASONS", "WarcError", "WarcOptions", "WarcStats", "read_warc"]
