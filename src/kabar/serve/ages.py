"""Ages ("9 jam lalu") that stay right while a page is cached.

A handler does not write an age: it writes a marker holding the moment
(:func:`age_marker`), and the response cache (serve/response_cache.py) finishes every
answer as it is sent, turning each marker into the age at that instant. So a page
rendered an hour ago and kept in the cache still says "10 jam lalu", not "9 jam lalu".
The page also carries the moment itself in ``<time datetime=…>`` for readers and machines.

The markers are two control characters around the Unix time; JSON writes them as
``\\u001e``/``\\u001f`` escapes, which are read too. Text from a page that happens to
look like a marker would only become an age, which is text: nothing can become markup.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from kabar.serve.display import format_age

_START, _END = "\x1e", "\x1f"
_MARKERS = re.compile(rb"(?:\x1e|\\u001e)(-?\d{1,12})(?:\x1f|\\u001f)")


def age_marker(moment: datetime) -> str:
    """A placeholder for the age of ``moment``, filled in when the answer is sent."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"{_START}{int(aware.timestamp())}{_END}"


def split_ages(body: bytes) -> list[bytes | int]:
    """``body`` as literal pieces and the Unix times of its markers, in order."""
    parts: list[bytes | int] = []
    last = 0
    for match in _MARKERS.finditer(body):
        parts.append(body[last : match.start()])
        parts.append(int(match.group(1)))
        last = match.end()
    parts.append(body[last:])
    return parts


def age_texts(parts: list[bytes | int], now: datetime) -> tuple[str, ...]:
    """The age of each marker at ``now`` (what decides whether a cached answer changed)."""
    stamp = now.timestamp()
    return tuple(format_age(max(0.0, stamp - p)) for p in parts if isinstance(p, int))


def join_ages(parts: list[bytes | int], ages: tuple[str, ...]) -> bytes:
    texts = iter(ages)
    return b"".join(p if isinstance(p, bytes) else next(texts).encode("utf-8") for p in parts)
