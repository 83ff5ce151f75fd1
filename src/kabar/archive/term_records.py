"""What a search index gives related news and ingest, on any backend: analysed terms, scored ids.

The records of :class:`kabar.archive.stores.TermStats` and :class:`kabar.archive.stores.SearchIndex`;
SQLite's implementation is :mod:`kabar.archive.fts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from kabar.lang.analysed import AnalysedArticle
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.model import Article


@dataclass(slots=True, frozen=True)
class DocTerms:
    """An article as the index sees it: analysed headline and body terms."""

    headline: list[str]
    body: list[str]


@dataclass(slots=True, frozen=True)
class IndexedDoc:
    id: int
    terms: DocTerms
    published_utc: str | None = None  # ISO 8601 in UTC, as in articles.published_utc
    outlet: str | None = None


@dataclass(slots=True, frozen=True)
class MatchOptions:
    limit: int = 50
    exclude_ids: frozenset[int] = frozenset()
    since: datetime | None = None
    until: datetime | None = None
    # BM25 is computed for at most this many matches, the newest by id (see RankOptions).
    max_candidates: int = 4_000


@dataclass(slots=True, frozen=True)
class FrequencyOptions:
    # Each term's newest ``cap`` matches are read; more than that and its count is an
    # estimate (see doc_frequencies).
    cap: int = 400


@dataclass(slots=True, frozen=True)
class ScoredId:
    id: int
    score: float  # BM25, higher is better


def article_terms(article: Article, analyzer: Analyzer | None = None) -> DocTerms:
    an = analyzer or default_analyzer()
    return DocTerms(headline=an.analyze(article.headline or ""), body=an.analyze(article.body))


def analysed_terms(analysed: AnalysedArticle) -> DocTerms:
    """:func:`article_terms` of an article analysed already (the same terms)."""
    return DocTerms(headline=analysed.headline, body=analysed.body)
