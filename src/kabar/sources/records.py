"""JSONL records → articles (or pages to extract), whatever the data set calls its fields.

Data sets name the same things differently (IndoSum: ``title_from_slug``,
``published_utc``, ``source``; news-please: ``title``, ``date_publish``,
``maintext``; C4/CulturaX-style crawl dumps: ``text``, ``url``, ``timestamp``).
The names are data (:func:`field_names`); a record with a headline is mapped
directly, a record with only page text is a flattened page to extract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from urllib.parse import urlsplit

from kabar.lang.dates import check_times, from_iso
from kabar.model import Article, RawPage


@cache
def field_names() -> dict[str, tuple[str, ...]]:
    return {
        "headline": ("headline", "title", "judul", "title_from_slug"),
        "published": (
            "published",
            "published_utc",
            "date_publish",
            "datePublished",
            "date",
            "pubDate",
            "timestamp",
        ),
        "body": ("body", "paragraphs", "maintext", "content", "isi", "articleBody"),
        "page_text": ("text", "raw_text", "page"),
        "html": ("html", "raw_html"),
        "url": ("url", "link", "canonical_url", "source_url"),
        "outlet": ("outlet", "source", "publisher", "source_domain", "site"),
        "authors": ("authors", "author", "penulis"),
        "tags": ("tags", "keywords", "topics"),
        "description": ("description", "summary", "ringkasan"),
        "section": ("section", "category", "kategori"),
        "captured_at": ("captured_at", "crawled_at", "date_download"),
    }


def _first(record: dict[str, object], key: str) -> object | None:
    for name in field_names()[key]:
        value = record.get(name)
        if value not in (None, "", []):
            return value
    return None


def _text(value: object | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, (int, float)):
        return str(value)
    return None


def _strings(value: object | None) -> list[str]:
    if isinstance(value, str):
        return [s.strip() for s in re.split(r"[,;]", value) if s.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, (str, int, float)) and str(v).strip()]
    return []


def parse_when(value: object | None) -> datetime | None:
    """ISO 8601 or epoch seconds/milliseconds, else an Indonesian time line."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        seconds = value / 1000 if value > 10_000_000_000 else value
        try:
            return datetime.fromtimestamp(seconds, tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    parsed = from_iso(text)
    if parsed is not None:
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    from kabar.lang.time import parse_time

    result = parse_time(text)
    return result.value if result is not None else None


def _paragraphs(value: object | None) -> list[str]:
    if isinstance(value, list):
        return [str(p).strip() for p in value if isinstance(p, str) and p.strip()]
    if isinstance(value, str):
        parts = re.split(r"\n\s*\n", value)
        if len(parts) == 1:
            parts = value.splitlines()
        return [re.sub(r"\s+", " ", p).strip() for p in parts if p.strip()]
    return []


def _slug_headline(url: str | None, short: str) -> str:
    """IndoSum's ``title_from_slug`` is cut short; its URL slug holds the fuller lowercase title.
    Either way the headline starts with a capital, as every other headline on a page does."""
    short = short[:1].upper() + short[1:]
    if not url:
        return short
    try:
        slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
    except ValueError:  # "Invalid IPv6 URL": no slug to read
        return short
    slug = re.sub(r"\.(html?|php|aspx?)$", "", slug)
    slug = re.sub(r"^\d+-|-\d+$", "", slug)
    words = slug.replace("_", "-").split("-")
    if len(words) < 3:
        return short
    candidate = " ".join(w for w in words if w)
    if short.lower().split()[:2] and short.lower().split()[0] not in candidate:
        return short
    return candidate[:1].upper() + candidate[1:]


@dataclass(slots=True)
class MappedRecord:
    """Either an article mapped directly or a page the extractors must read."""

    article: Article | None = None
    page: RawPage | None = None
    error: str | None = None


def map_record(record: dict[str, object], label: str) -> MappedRecord:
    url = _text(_first(record, "url"))
    captured = parse_when(_first(record, "captured_at"))
    html = _text(_first(record, "html"))
    headline_key = next((n for n in field_names()["headline"] if record.get(n)), None)
    headline = _text(_first(record, "headline"))
    paragraphs = _paragraphs(_first(record, "body"))
    if html and not paragraphs:
        return MappedRecord(
            page=RawPage(content=html, kind="html", url=url, source=label, captured_at=captured)
        )
    page_text = _text(_first(record, "page_text"))
    if not headline and not paragraphs and page_text:
        return MappedRecord(
            page=RawPage(content=page_text, kind="text", url=url, source=label, captured_at=captured)
        )
    if not paragraphs and page_text:
        paragraphs = _paragraphs(page_text)
    if not headline and not paragraphs:
        return MappedRecord(error="no headline, body or page text under any known field name")
    if headline and headline_key == "title_from_slug":
        headline = _slug_headline(url, headline)
    article = Article(
        headline=headline,
        published=parse_when(_first(record, "published")),
        outlet=_text(_first(record, "outlet")),
        authors=_strings(_first(record, "authors")),
        paragraphs=paragraphs,
        tags=_strings(_first(record, "tags")),
        description=_text(_first(record, "description")),
        section=_text(_first(record, "section")),
        url=url,
        canonical_url=url.split("#", 1)[0] if url else None,
        captured_at=captured,
        extractor="record",
    )
    article.missing = [name for name in ("headline", "published") if getattr(article, name) is None]
    return MappedRecord(article=check_times(article))  # a placeholder published_utc (0001-01-01)
