"""Extraction: a raw page in, one structured :class:`~kabar.model.Article` out."""

from __future__ import annotations

from dataclasses import dataclass, field

from kabar.lang.dates import TimeWindow
from kabar.model import Article, RawPage


class ExtractError(ValueError):
    """Nothing could be read from a page (the message says why, in one line)."""


@dataclass(slots=True, frozen=True)
class ExtractOptions:
    time_window: TimeWindow = field(default_factory=TimeWindow)  # believable publication times


def extract(page: RawPage, options: ExtractOptions | None = None) -> Article:
    """Dispatch on the page's kind: flattened text or HTML.

    Raises :class:`ExtractError` only when nothing at all was readable; a page
    read in part yields an article whose ``missing`` names what is absent, and whose
    ``notes`` say what was read but set aside (a publication time outside ``time_window``).
    """
    from kabar.lang.dates import check_times

    opts = options or ExtractOptions()
    if not page.content or not page.content.strip():
        raise ExtractError(f"{page.source or 'page'}: empty")
    if page.kind == "html":
        from kabar.extract.html import extract_html

        article = extract_html(page)
    else:
        from kabar.extract.flat import extract_flat

        article = extract_flat(page)
    if not article.headline and not article.paragraphs:
        raise ExtractError(f"{page.source or 'page'}: no headline and no body text found")
    if page.url and not article.url:
        article.url = page.url
    return check_times(article, opts.time_window)
