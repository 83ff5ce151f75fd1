"""Write WARC response records (WARC/1.0 or 1.1, optionally one gzip member each).

Small on purpose: it builds the local archives that the tests and the ingest
benchmark read back, in either version of the format. fastwarc's writer fixes
the version to 1.1, and the reader must be shown both.
"""

from __future__ import annotations

import gzip
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import BinaryIO, Literal


@dataclass(slots=True)
class WarcRecordSpec:
    url: str
    payload: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    warc_type: Literal["response", "request", "metadata", "resource", "warcinfo"] = "response"
    date: datetime = field(default_factory=lambda: datetime(2020, 11, 3, 9, 0, tzinfo=UTC))
    extra_http_headers: dict[str, str] = field(default_factory=dict)


def _block(spec: WarcRecordSpec) -> tuple[bytes, str]:
    if spec.warc_type not in ("response", "request"):
        return spec.payload, spec.content_type
    reason = {200: "OK", 404: "Not Found", 301: "Moved Permanently"}.get(spec.status, "Status")
    lines = [f"HTTP/1.1 {spec.status} {reason}", f"Content-Type: {spec.content_type}"]
    lines += [f"{k}: {v}" for k, v in spec.extra_http_headers.items()]
    lines.append(f"Content-Length: {len(spec.payload)}")
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head + spec.payload, "application/http; msgtype=response"


def record_bytes(spec: WarcRecordSpec, version: Literal["1.0", "1.1"] = "1.1") -> bytes:
    block, block_type = _block(spec)
    date = spec.date.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    headers = [
        f"WARC/{version}",
        f"WARC-Type: {spec.warc_type}",
        f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
        f"WARC-Date: {date}",
        f"WARC-Target-URI: {spec.url}",
        f"Content-Type: {block_type}",
        f"Content-Length: {len(block)}",
    ]
    return ("\r\n".join(headers) + "\r\n\r\n").encode("utf-8") + block + b"\r\n\r\n"


def write_record(
    out: BinaryIO, spec: WarcRecordSpec, *, version: Literal["1.0", "1.1"] = "1.1", compress: bool = True
) -> int:
    data = record_bytes(spec, version)
    if compress:
        data = gzip.compress(data, compresslevel=1)
    out.write(data)
    return len(data)


__all__ = ["WarcRecordSpec", "record_bytes", "write_record"]
