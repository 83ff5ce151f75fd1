"""Addresses of the static files that carry their content's hash (``/static/kabar.css?v=…``).

With the hash in the address a browser may keep the file for a year
(serve/cache_policy.py): a new stylesheet is a new address, never a stale one.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parent / "static"


@cache
def _version(name: str) -> str:
    try:
        data = (STATIC_DIR / name).read_bytes()
    except OSError:
        return ""
    return hashlib.blake2b(data, digest_size=6).hexdigest()


def static_url(name: str) -> str:
    version = _version(name)
    return f"/static/{name}?v={version}" if version else f"/static/{name}"
