"""One fetched page → one stored article: extract, fill gaps from hints, enrich, add."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Literal

from kabar.archive.base import Archive
from kabar.extract import extract
from kabar.model import RawPage
from kabar.sources.crawler import FetchResult
from kabar.sources.decode import decode_html
from kabar.sources.hints import apply_hints
from kabar.sources.urls import canonical_url
from kabar.understand import enrich

log = logging.getLogger("kabar.run")

StoreStatus = Literal["added", "updated", "unchanged", "no_article", "not_html"]
_HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")


@dataclass(slots=True, frozen=True)
class StoreResult:
    status: StoreStatus
    article_id: int | None = None
    headline: str | None = None


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


@lru_cache(maxsize=64)
def _warn_once(message: str) -> None:
    log.warning("%s", message)


def store_page(page: RawPage, archive: Archive, *, outlet: str | None = None) -> StoreResult:
    """Extract, complete from the page's hints, enrich and store (idempotent).

    A page the extractor cannot read is ``no_article``; what storing raises (a locked
    or broken archive) propagates, so the caller can try the page again later.
    """
    try:
        article = extract(page)
    except Exception as exc:  # the page, not the run, is at fault: recorded, not retried
        log.info("page %s: unreadable: %s: %s", page.url, type(exc).__name__, str(exc)[:200])
        return StoreResult(status="no_article")
    apply_hints(article, page.hints)
    if not article.paragraphs or not "".join(article.paragraphs).strip():
        return StoreResult(status="no_article", headline=article.headline)
    if page.url and not article.url:
        article.url = page.url
    if not article.canonical_url and page.url:
        article.canonical_url = canonical_url(page.url)
    if not article.outlet and outlet:
        article.outlet = outlet
    if article.captured_at is None:
        article.captured_at = page.captured_at
    try:
        enrich(article)
    except Exception as exc:  # a broken understanding stage must not stop ingest
        _warn_once(
            f"understanding failed, storing without entities/time expressions: {type(exc).__name__}: {exc}"
        )
    added = archive.add(article)
    return StoreResult(status=added.status, article_id=added.id, headline=article.headline)


__all__ = ["StoreResult", "page_from_fetch", "store_page"]
