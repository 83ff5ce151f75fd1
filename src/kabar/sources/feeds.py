"""RSS 0.9x/1.0/2.0 and Atom feeds → the article links they announce, with hints.

feedparser parses every dialect; the bytes come from kabar's own fetcher (which
does conditional GET, politeness and the safety check), never from feedparser's
built-in HTTP client.
"""

from __future__ import annotations

import calendar
import contextlib
import email.utils
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import feedparser
import lxml.html

from kabar.model import normalise_space
from kabar.sources import hints as H
from kabar.sources.urls import canonical_url

MAX_FEED_BYTES = 20_000_000


class FeedError(ValueError):
    """Bytes that are not a feed, with the reason."""


@dataclass(slots=True)
class FeedEntry:
    url: str  # canonical
    hints: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Feed:
    title: str | None
    version: str  # feedparser's name: rss20, rss10, rss092, atom10, …
    entries: list[FeedEntry] = field(default_factory=list)
    warning: str | None = None  # feedparser's "bozo" complaint on a feed it could still read


def _text(html_or_text: str | None, limit: int = 1000) -> str | None:
    if not html_or_text or not html_or_text.strip():
        return None
    text = html_or_text
    if "<" in text:
        with contextlib.suppress(ValueError, lxml.etree.ParserError):
            text = lxml.html.fragment_fromstring(text, create_parent="div").text_content()
    cleaned = normalise_space(text)
    return cleaned[:limit] or None


def _raw_when(value: object) -> datetime | None:
    """The entry's own date string with its own offset (feedparser's parsed form is UTC)."""
    if not isinstance(value, str) or not value.strip():
        return None
    parsed = H.parse_iso(value)
    if parsed is None:
        try:
            parsed = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo is not None else None


def _when(entry: Any) -> datetime | None:
    for key in ("published", "updated", "created"):
        own = _raw_when(entry.get(key))
        if own is not None:
            return own
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if isinstance(value, time.struct_time):
            return datetime.fromtimestamp(calendar.timegm(value), UTC)
    return None


def _entry(entry: Any, feed_title: str | None) -> FeedEntry | None:
    link = entry.get("link") or ""
    if not link:
        for alt in entry.get("links") or []:
            if alt.get("rel", "alternate") == "alternate" and alt.get("href"):
                link = alt["href"]
                break
    if not link and str(entry.get("id", "")).startswith(("http://", "https://")):
        link = entry["id"]
    url = canonical_url(link) if link else None
    if url is None:
        return None
    hints: dict[str, str] = {}
    title = _text(entry.get("title"), 500)
    if title:
        hints[H.TITLE] = title
    when = _when(entry)
    if when is not None:
        hints[H.PUBLISHED] = when.isoformat()
    summary = _text(entry.get("summary"))
    if summary:
        hints[H.SUMMARY] = summary
    author = _text(entry.get("author"), 200)
    if author:
        hints[H.AUTHOR] = author
    if feed_title:
        hints[H.FEED_TITLE] = feed_title
    return FeedEntry(url=url, hints=hints)


_CHARREF = re.compile(rb"&#([xX][0-9a-fA-F]+|[0-9]+);?")


def _safe_charrefs(content: bytes) -> bytes:
    """Character references Unicode has no character for, made U+FFFD.

    feedparser's loose parser (used for any feed that is not well-formed XML) turns ``&#NNN``
    into ``chr(NNN).encode()`` unchecked: a surrogate (``&#xD800;``) or a number past U+10FFFF
    raises from inside it and the whole feed is lost. Only ASCII-compatible bytes are seen here;
    parse_feed turns what gets through in other encodings into a FeedError.
    """

    def fix(m: re.Match[bytes]) -> bytes:
        ref = m.group(1)
        digits = ref[1:].lstrip(b"0") if ref[:1] in b"xX" else ref.lstrip(b"0")
        if len(digits) <= 8:
            value = int(digits or b"0", 16 if ref[:1] in b"xX" else 10)
            if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF:
                return m.group(0)
        return b"&#xFFFD;"

    return _CHARREF.sub(fix, content) if b"&#" in content else content


def parse_feed(content: bytes, base_url: str | None = None) -> Feed:
    """Parse feed bytes; raise :class:`FeedError` for anything that is not a feed."""
    if not content or not content.strip():
        raise FeedError("empty response")
    if len(content) > MAX_FEED_BYTES:
        raise FeedError(f"feed over {MAX_FEED_BYTES} bytes")
    headers = {"content-location": base_url} if base_url else {}
    try:
        parsed = feedparser.parse(
            _safe_charrefs(content), response_headers=headers, sanitize_html=False, resolve_relative_uris=True
        )
    except (
        ValueError,
        OverflowError,
    ) as exc:  # what chr() raises inside the loose parser (see _safe_charrefs)
        raise FeedError(f"unreadable feed ({type(exc).__name__})") from None
    version = str(parsed.get("version") or "")
    warning = str(parsed.get("bozo_exception")) if parsed.get("bozo") else None
    if not version and not parsed.entries:
        raise FeedError(f"not an RSS or Atom feed ({warning or 'no channel or entries'})")
    feed_title = _text(parsed.feed.get("title"), 300)
    out = Feed(title=feed_title, version=version or "unknown", warning=warning)
    seen: set[str] = set()
    for raw in parsed.entries:
        entry = _entry(raw, feed_title)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            out.entries.append(entry)
    return out


__all__ = ["Feed", "FeedEntry", "FeedError", "parse_feed"]
