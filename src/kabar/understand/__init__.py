"""Understanding: entities, time expressions, duplicates and stories."""

from __future__ import annotations

from dataclasses import dataclass

from kabar.model import Article


@dataclass(slots=True, frozen=True)
class EnrichOptions:
    entities: bool = True
    time_expressions: bool = True


def enrich(article: Article, options: EnrichOptions | None = None) -> Article:
    """Add entities and resolved time expressions to an extracted article (in place)."""
    opts = options or EnrichOptions()
    if opts.entities:
        from kabar.understand.entities import find_entities

        article.entities = find_entities(article)
    if opts.time_expressions:
        from kabar.understand.timex import find_time_expressions

        article.time_expressions = find_time_expressions(article)
    return article
