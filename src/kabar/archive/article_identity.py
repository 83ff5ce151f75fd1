"""An article's identity keys in the ``articles`` table (migration 0010_url_identity).

Two keys per row, each a hash of :func:`kabar.extract.url_identity.url_identity`:
``canonical_key`` of the canonical URL and ``page_key`` of the fetched URL (NULL when it names
the same article as the canonical one, or has no identity). A canonical "URL" that is no web
address (another scheme, ``?``, longer than an address can be) is keyed as spelled, so it still
finds its article exactly as before; a fetched one that is no web address is not keyed (a
placeholder such as ``?`` under many pages must not make them one article). An incoming page is the stored
article whose either key equals either of its own keys (:mod:`kabar.archive.articles_core`):
the same article under another spelling (``http``/``https``, host case, a trailing slash, an
AMP or tracking marker) and a page arriving under an earlier article's fetched URL are one
article. The URLs themselves are stored and shown as the page gave them.

A key is the first 128 bits of the identity's sha256 in hex: short beside the URL, and a
hostile 100 kB address never meets PostgreSQL's btree entry limit. The keys are derived
data: :func:`backfill` computes them for rows written before, and again whenever the rule
or its markers (``extract/data/url_identity.json``) change, through a new migration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import bindparam, select, update
from sqlalchemy.engine import Connection

from kabar.archive.schema import articles
from kabar.extract.url_identity import url_identity
from kabar.model import Article

_BACKFILL_BATCH = 2_000


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def identity_key(url: str | None) -> str | None:
    """The key of ``url``'s article identity, or None when it has none."""
    identity = url_identity(url)
    return None if identity is None else _digest(identity)


def canonical_key(url: str | None) -> str | None:
    """:func:`identity_key`, else (no web address) the key of the URL as spelled; None for none."""
    key = identity_key(url)
    if key is not None or not url:
        return key
    return _digest("raw:" + url)  # never equal to an identity, which starts with //


@dataclass(slots=True, frozen=True)
class ArticleKeys:
    """The identity keys of an ``articles`` row."""

    canonical_key: str | None
    page_key: str | None

    @classmethod
    def of_urls(cls, canonical_url: str | None, url: str | None) -> ArticleKeys:
        canonical = canonical_key(canonical_url)
        if url == canonical_url:
            return cls(canonical, None)  # its key would be the canonical one, or none: no second parse
        page = identity_key(url)
        return cls(canonical, page if page != canonical else None)

    @classmethod
    def of(cls, article: Article) -> ArticleKeys:
        """As :func:`~kabar.archive.articles_core.article_row` stores it (url: the page's, else the canonical)."""
        return cls.of_urls(article.canonical_url, article.url or article.canonical_url)

    def wanted(self) -> list[str]:
        """The keys to look up, the canonical one first (it decides when both match)."""
        return [key for key in (self.canonical_key, self.page_key) if key is not None]


def backfill(conn: Connection) -> int:
    """Compute every row's keys (a migration runs it); returns how many rows were read."""
    c = articles.c
    read = 0
    last = 0
    change = (
        update(articles)
        .where(c.id == bindparam("row_id"))
        .values(canonical_key=bindparam("ck"), page_key=bindparam("pk"))
    )
    while True:
        rows = conn.execute(
            select(c.id, c.canonical_url, c.url).where(c.id > last).order_by(c.id).limit(_BACKFILL_BATCH)
        ).all()
        if not rows:
            return read
        values = []
        for row in rows:
            keys = ArticleKeys.of_urls(row[1], row[2])
            values.append({"row_id": int(row[0]), "ck": keys.canonical_key, "pk": keys.page_key})
        conn.execute(change, values)
        read += len(rows)
        last = int(rows[-1][0])


__all__ = ["ArticleKeys", "backfill", "canonical_key", "identity_key"]
