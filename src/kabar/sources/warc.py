"""WARC archives (WARC/1.0 and 1.1, plain or gzipped) → HTML pages in Indonesian.

fastwarc streams the file record by record, so memory stays flat on a 1 GB
CC-NEWS file: a record's payload is read only once it passed the cheap checks
(type, HTTP status, content type, declared size), and never more than the size
cap. What was read, kept and dropped (and why) is counted in ``options.stats``,
which the caller prints afterwards.

Two kinds of drop: the pre-filter's *skips* (a request or metadata record, a non-2xx
response, a content type that is not HTML, a host off the list) are the WARC being what it
is, and are only counted; a *failure* (a payload that cannot be read or decoded, is not HTML
though nothing said otherwise, or is over the size cap; a page not in Indonesian) is also
handed to ``options.on_drop`` as a :class:`WarcDrop`, so ``kabar backfill --rejects`` and
``kabar ingest --rejects`` name the same records (:func:`kabar.guard.reject_of_drop`).
"""

from __future__ import annotations

import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

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


DropStage = Literal["read", "language"]


class WarcError(ValueError):
    """A file that is not a readable WARC archive."""


@dataclass(slots=True, frozen=True)
class WarcDrop:
    """One record the reader dropped for a failure (see the module's docstring; skips are not these)."""

    source: str  # ``FILE#<record id>``: what the page would have been called
    # Where the record starts in the file: for a .warc.gz its gzip member, as a CDX index says it
    # (a file gzipped as one stream has only fastwarc's read-ahead position there).
    offset: int
    stage: DropStage  # ``read``: the payload; ``language``: the page was read, not in Indonesian
    reason: str  # one of DROP_REASONS, as counted in the stats
    message: str


@dataclass(slots=True, frozen=True)
class _Drop:
    reason: str
    message: str | None = None  # set for a failure (handed to on_drop); a skip has none


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
    # Called with each record dropped for a failure, as it is dropped; skips are only counted.
    on_drop: Callable[[WarcDrop], None] | None = None


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


def _source(path: Path, record: Any) -> str:
    return f"{path}#{record.record_id or record.stream_pos}"


def _drop_before_payload(record: Any, options: WarcOptions) -> _Drop | None:
    if record.record_type != WarcRecordType.response:
        return _Drop("not_response")
    http = record.http_headers
    if http is None:
        return _Drop("not_html")
    status = http.status_code
    if status is None:  # no status line: a cut-off or mangled record
        return _Drop("unreadable", "the record has no HTTP status line (cut off or mangled)")
    if not 200 <= int(status) < 300:
        return _Drop("http_error")
    ctype = (record.http_content_type or "").lower()
    if ctype and ctype not in _HTML_TYPES:
        return _Drop("not_html")
    if record.content_length > options.max_record_bytes:
        return _Drop(
            "too_large", f"{record.content_length} bytes, over the cap of {options.max_record_bytes}"
        )
    if options.keep_url is not None and not options.keep_url(record.headers.get("WARC-Target-URI") or ""):
        return _Drop("not_news_host")
    return None


def _page(record: Any, path: Path, options: WarcOptions) -> RawPage | _Drop:
    """The record as a page, or why it is dropped: past the cheap checks, every drop is a failure."""
    try:
        payload = record.reader.read(options.max_record_bytes + 1)
    except (OSError, ValueError) as exc:
        return _Drop("unreadable", f"the payload cannot be read: {type(exc).__name__}: {exc}")
    if len(payload) > options.max_record_bytes:
        return _Drop("too_large", f"the payload is over the cap of {options.max_record_bytes} bytes")
    if not record.http_content_type and not _sniff_html(payload):
        return _Drop("not_html", "no content type, and the payload does not start like HTML")
    try:
        html = decode_html(payload, record.http_charset)
    except (LookupError, ValueError) as exc:
        return _Drop("unreadable", f"the payload cannot be decoded: {type(exc).__name__}: {exc}")
    if options.language is not None:
        verdict = judge_html(html, options.language)
        if not verdict.indonesian:
            return _Drop(
                "not_indonesian",
                f"not Indonesian ({verdict.reason.replace('_', ' ')}: {verdict.tokens} words, "
                f"{verdict.ratio:.0%} Indonesian function words)",
            )
    headers = {k.lower(): v for k, v in record.http_headers.items()}
    return RawPage(
        content=html,
        kind="html",
        url=record.headers.get("WARC-Target-URI") or None,
        source=_source(path, record),
        captured_at=record.record_date,
        headers=headers,
    )


def _report(drop: _Drop, record: Any, path: Path, options: WarcOptions) -> None:
    if drop.message is None or options.on_drop is None:
        return
    stage: DropStage = "language" if drop.reason == "not_indonesian" else "read"
    options.on_drop(
        WarcDrop(_source(path, record), record.stream_pos, stage, drop.reason, drop.message[:300])
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
                drop = _drop_before_payload(record, options)
                page = drop if drop is not None else _page(record, path, options)
                if isinstance(page, _Drop):
                    stats.dropped[page.reason] += 1
                    last_drop = page.reason
                    _report(page, record, path, options)
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


__all__ = ["DROP_REASONS", "DropStage", "WarcDrop", "WarcError", "WarcOptions", "WarcStats", "read_warc"]
