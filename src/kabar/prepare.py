"""The CPU-bound steps of ingest, run inside the per-record guard (:mod:`kabar.guard`).

:func:`prepare` turns one record (a file, a JSONL record, a fetched page or an article
given whole) into an extracted :class:`~kabar.model.Article` with its gaps filled;
:func:`understand` adds entities and time expressions. Both are module-level functions
of ``(payload, mark)`` so the guard's worker process can run them; neither touches the
archive (only the caller writes to it).

The gap rule, one for every path: **what the page says wins**. Values from outside
the page (a feed or sitemap entry's hints, the URL it was fetched from, the outlet the
source is configured as, the time it was captured) fill only the fields the page left
empty; they never overwrite. A page's own ``canonical`` link beats the fetched URL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kabar.extract import ExtractError, extract
from kabar.guard import StageMark
from kabar.model import Article, RawPage
from kabar.sources.files import ReadOptions, read_page
from kabar.sources.hints import apply_hints
from kabar.sources.records import map_record
from kabar.sources.urls import canonical_url
from kabar.understand import EnrichOptions, enrich


class RecordError(ValueError):
    """A JSONL record with nothing kabar can use (the message says why)."""


@dataclass(slots=True)
class PageJob:
    """One record to prepare: exactly one of ``path``, ``record``, ``page`` or ``article``."""

    source: str  # how reports name the record: a path, ``file.jsonl:12``, a URL
    path: Path | None = None  # a page file, read inside the guard (decoding is work too)
    record: dict[str, object] | None = None  # one JSONL record
    page: RawPage | None = None  # a page already in memory (fetched, from a WARC, from stdin)
    article: Article | None = None  # an article given whole (an API document)
    read: ReadOptions = field(default_factory=ReadOptions)
    # Fill-ins for what the page does not say:
    url: str | None = None
    outlet: str | None = None
    captured_at: datetime | None = None


def fill_gaps(article: Article, page: RawPage | None, job: PageJob) -> Article:
    """Complete ``article`` from its page's context without overwriting anything (in place)."""
    if page is not None:
        apply_hints(article, page.hints)
    url = (page.url if page is not None else None) or job.url
    if url and not article.url:
        article.url = url
    if url and not article.canonical_url:
        article.canonical_url = canonical_url(url)
    if job.outlet and not article.outlet:
        article.outlet = job.outlet
    if article.captured_at is None:
        article.captured_at = (page.captured_at if page is not None else None) or job.captured_at
    return article


def _page_of(job: PageJob, mark: StageMark) -> RawPage | Article:
    mark.enter("read")
    if job.path is not None:
        return read_page(job.path, job.read)
    if job.record is not None:
        mapped = map_record(job.record, job.source)
        if mapped.error:
            raise RecordError(mapped.error)
        if mapped.page is not None:
            return mapped.page
        assert mapped.article is not None
        return mapped.article
    if job.page is not None:
        return job.page
    if job.article is not None:
        return job.article
    raise RecordError("nothing to read")


def prepare(job: PageJob, mark: StageMark) -> Article:
    """Read, extract and complete one record (the guard's first step)."""
    found = _page_of(job, mark)
    if isinstance(found, Article):
        mark.enter("extract")
        return fill_gaps(found, None, job)
    page = found
    if page.captured_at is None:
        page.captured_at = job.captured_at
    if not page.url:
        page.url = job.url
    mark.enter("extract")
    article = extract(page)
    return fill_gaps(article, page, job)


def understand(article: Article, mark: StageMark) -> Article:
    """Entities and time expressions (the guard's second step; the archive is consulted between)."""
    mark.enter("understand")
    return enrich(article, EnrichOptions())


def warm_up() -> None:
    """Load what understanding loads on first use (the NER model, lexicons), once per guard worker."""
    sample = Article(
        headline="Presiden Joko Widodo berkunjung ke Surabaya",
        paragraphs=["JAKARTA - Presiden Joko Widodo berkunjung ke Surabaya pada Senin (2/11/2020) pagi."],
    )
    enrich(sample, EnrichOptions())


def readable(article: Article) -> str | None:
    """Why ``article`` is not worth storing, or None: it needs a headline or some body text."""
    if not (article.headline or "").strip() and not "".join(article.paragraphs).strip():
        return "nothing readable: no headline and no body"
    return None


__all__ = [
    "ExtractError",
    "PageJob",
    "RecordError",
    "fill_gaps",
    "prepare",
    "readable",
    "understand",
    "warm_up",
]
