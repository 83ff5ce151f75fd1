"""Compressed answers: brotli when the client takes it and the library is there, else gzip.

HTML, feeds and JSON shrink four- to eightfold. The cache compresses each answer once
and keeps the result (serve/response_cache.py), so the levels can favour size a little;
brotli is used only if the ``brotli`` package happens to be installed (it is optional).
"""

from __future__ import annotations

import gzip
import importlib
from typing import Any

MIN_BYTES = 512  # below this the headers outweigh the saving
GZIP_LEVEL = 6
BROTLI_QUALITY = 4  # smaller than gzip -6 at about its speed (16 kB page: 0.27 ms)

_COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/rss+xml",
    "application/atom+xml",
    "application/xml",
)


def _load_brotli() -> Any:
    try:
        return importlib.import_module("brotli")
    except ImportError:
        return None


_BROTLI = _load_brotli()


def compressible(content_type: str) -> bool:
    return content_type.startswith(_COMPRESSIBLE)


def _accepted(header: str) -> set[str]:
    """The codings an ``Accept-Encoding`` header accepts (``q=0`` refuses one)."""
    out = set()
    for part in header.lower().split(","):
        name, _, params = part.strip().partition(";")
        q = params.strip()
        if q.startswith("q=") and q[2:].strip() in ("0", "0.0", "0.00", "0.000"):
            continue
        if name:
            out.add(name.strip())
    return out


def choose(accept_encoding: str) -> str | None:
    """``br``, ``gzip`` or None (identity) for a request's ``Accept-Encoding``."""
    accepted = _accepted(accept_encoding)
    if _BROTLI is not None and "br" in accepted:
        return "br"
    if "gzip" in accepted or "*" in accepted:
        return "gzip"
    return None


def compress(body: bytes, coding: str) -> bytes:
    if coding == "br":
        data: bytes = _BROTLI.compress(body, quality=BROTLI_QUALITY)
        return data
    return gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0)  # mtime 0: same bytes every time
