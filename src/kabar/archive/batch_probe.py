"""Which articles of a batch no stored row can answer: one look-up for the whole batch.

Storing an article first asks whether any row carries one of its identity keys or its text
(``CoreArchive._find``); in a bulk ingest of new articles the answer is nearly always no, and
each article paid a statement for it. One statement for the batch answers it for all: an article
none of whose keys or text a stored row carries, and that shares none with an article before it
in the batch, finds nothing when its turn comes — the batch itself writes only rows carrying its
own articles' keys and texts (an insert, or an update to the article's keys and text).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.sql.elements import BindParameter

from kabar.archive.schema import articles

# Articles a statement: three parameters each at most, far below any driver's limit.
PROBE_CHUNK = 300

_c = articles.c
_KEYS: BindParameter[list[str]] = bindparam("keys", expanding=True)
_DIGESTS: BindParameter[list[str]] = bindparam("digests", expanding=True)
_STORED = select(_c.canonical_key, _c.page_key, _c.content_hash).where(
    or_(_c.canonical_key.in_(_KEYS), _c.page_key.in_(_KEYS), _c.content_hash.in_(_DIGESTS))
)


@dataclass(slots=True, frozen=True)
class Identity:
    """What a stored row is matched on: the article's identity keys (``ArticleKeys.wanted``) and
    its text's hash."""

    keys: list[str]
    digest: str


@dataclass(slots=True)
class _Found:
    keys: set[str]  # canonical and page keys of the rows found
    digests: set[str]


def unmatched(conn: Connection, batch: Sequence[Identity]) -> set[int]:
    """The places in ``batch`` of the articles no stored row and no earlier article of the batch
    shares a key or the text with."""
    found = _stored(conn, batch)
    seen = _Found(set(), set())
    out: set[int] = set()
    for i, one in enumerate(batch):
        if not _shares(one, found) and not _shares(one, seen):
            out.add(i)
        seen.keys.update(one.keys)
        seen.digests.add(one.digest)
    return out


def _shares(one: Identity, found: _Found) -> bool:
    return one.digest in found.digests or not found.keys.isdisjoint(one.keys)


def _stored(conn: Connection, batch: Sequence[Identity]) -> _Found:
    found = _Found(set(), set())
    for start in range(0, len(batch), PROBE_CHUNK):
        part = batch[start : start + PROBE_CHUNK]
        keys = sorted({k for one in part for k in one.keys})
        digests = sorted({one.digest for one in part})
        for canonical, page, digest in conn.execute(_STORED, {"keys": keys, "digests": digests}):
            found.keys.update(k for k in (canonical, page) if k is not None)
            found.digests.add(digest)
    return found


__all__ = ["PROBE_CHUNK", "Identity", "unmatched"]
