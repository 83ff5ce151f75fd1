"""A fetched response → a page for the one ingest path (:class:`kabar.ingest.Ingestor`).

The engine (``kabar run``) and ``kabar fetch`` store what they fetch through the same
ingest path as ``kabar ingest`` and the API: the feed's hints travel with the page and
fill only what the page leaves empty.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.model import RawPage
from kabar.sources.crawler import FetchResult
from kabar.sources.decode import decode_html

_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


def page_from_fetch(result: FetchResult, hints: dict[str, str] | None = None) -> RawPage | None:
    """The fetched body as an HTML page, or None when it is not HTML."""
    ctype = result.headers.get("content-type", "")
    mime = ctype.split(";", 1)[0].strip().lower()
    if mime not in _HTML_TYPES:
        return None
    charset = None
    if "charset=" in ctype.lower():
        charset = ctype.lower().split("charset=", 1)[1].split(";", 1)[0].strip()
    return RawPage(
        content=decode_html(result.content, charset),
        kind="html",
        url=result.final_url,
        source=result.source,
        captured_at=result.started_at.astimezone(UTC) if result.started_at else datetime.now(UTC),
        headers=dict(result.headers),
        hints=dict(hints or {}),
    )


__all__ = ["page_from_fetch"]
