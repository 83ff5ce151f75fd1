"""WARC archives (WARC/1.0 and 1.1, plain or gzipped) → HTML pages in Indonesian.

fastwarc streams the file record by record, so memory stays flat on a 1 GB
CC-NEWS file: a record's payload is read only once it passed the cheap checks
(type, HTTP status, content type, declared size), and never more than the size
cap. What was read, kept and dropped (and why) is counted in ``options.stats``,
which the caller prints afterwards.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastwarc.warc import ArchiveIterator, WarcRecordType

from kabar.model import RawPage
from kabar.sources.decode import decode_html
from kabar.sources.langid import LangOptions, judge_html

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DROP_REASONS = ("not_response", "http_error", "not_html", "too_large", "not_indonesian", "unreadable")


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


def _drop_reason_before_payload(record: Any, limit: int) -> str | None:
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
    if record.content_length > limit:
        return "too_large"
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


def read_warc(path: Path, options: WarcOptions) -> Iterator[RawPage]:
    """Yield the Indonesian HTML responses of a WARC file; count everything in ``options.stats``."""
    path = Path(path)
    _check_head(path)
    stats = options.stats
    with path.open("rb") as fh:
        records = ArchiveIterator(fh, parse_http=True, auto_decode="all", stream_detect=True)
        try:
            for record in records:
                stats.read += 1
                reason = _drop_reason_before_payload(record, options.max_record_bytes)
                page = reason if reason is not None else _page(record, path, options)
                if isinstance(page, str):
                    stats.dropped[page] += 1
                    continue
                stats.kept += 1
                yield page
        except (OSError, ValueError) as exc:
            # A truncated or corrupt tail: what was read stays read; say where it broke.
            stats.dropped["unreadable"] += 1
            stats.error = f"{type(exc).__name__}: {exc}"[:300]
    if stats.read == 0 and stats.error is None:
        stats.error = "no WARC records found"


__all__ = ["DROP_REASONS", "WarcError", "WarcOptions", "WarcStats", "read_warc"]
