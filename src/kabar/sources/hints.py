"""What a feed or sitemap says about an article, used only where the page is silent.

The page is the better witness (full headline, exact time with zone, the
outlet's own description); a feed's title may be cut short and its date may be
the feed's build time. So hints fill gaps and never overwrite.
"""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.lang.time import iso_precision
from kabar.model import Article

TITLE = "title"
PUBLISHED = "published"  # ISO 8601 with offset
SUMMARY = "summary"
AUTHOR = "author"
FEED_TITLE = "feed_title"


def parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def apply_hints(article: Article, hints: dict[str, str]) -> Article:
    """Fill the article's empty fields from ``hints`` (in place); say which were filled."""
    filled: list[str] = []
    if not article.headline and hints.get(TITLE):
        article.headline = hints[TITLE]
        filled.append("headline")
    if article.published is None:
        published = parse_iso(hints.get(PUBLISHED))
        if published is not None:
            article.published = published
            article.published_precision = iso_precision(hints[PUBLISHED])
            filled.append("published")
    if not article.description and hints.get(SUMMARY):
        article.description = hints[SUMMARY]
        filled.append("description")
    if not article.authors and hints.get(AUTHOR):
        article.authors = [hints[AUTHOR]]
        filled.append("authors")
    if filled:
        article.missing = [m for m in article.missing if m not in filled]
    return article


__all__ = ["AUTHOR", "FEED_TITLE", "PUBLISHED", "SUMMARY", "TITLE", "apply_hints", "parse_iso"]
