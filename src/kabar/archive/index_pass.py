"""One article through the archive's indexers, its text analysed once for all of them.

The search indexer and the story indexer both read an article's analysed text (tokens,
stopwords out, Sastrawi stems). An indexer that can take the analysis made for it
(:class:`AnalysedIndexer`: it names the analyser it wants and has ``index_analysed``) gets the
one :class:`~kabar.lang.analysed.AnalysedArticle` of that analyser, made on first need; every
other indexer runs its ``index`` as before. The analyses live as long as one article's pass
(:class:`ArticleAnalyses`), owned by the caller: nothing is cached between articles.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from kabar.archive.base import Indexer
from kabar.archive.stores import IndexStores
from kabar.lang.analysed import AnalysedArticle, analyse_article
from kabar.lang.analysis import Analyzer
from kabar.model import Article


@runtime_checkable
class AnalysedIndexer(Indexer, Protocol):
    """An indexer that reads the article's analysed text and can be given it."""

    @property
    def text_analyzer(self) -> Analyzer: ...

    def index_analysed(
        self, stores: IndexStores, article_id: int, article: Article, analysed: AnalysedArticle
    ) -> None: ...


@dataclass(slots=True)
class ArticleAnalyses:
    """One article's analyses, one per analyser, each made the first time an indexer needs it."""

    article: Article
    _made: dict[int, AnalysedArticle] = field(default_factory=dict)

    def by(self, analyzer: Analyzer) -> AnalysedArticle:
        made = self._made.get(id(analyzer))
        if made is None or made.analyzer is not analyzer:
            made = analyse_article(
                self.article.headline, self.article.paragraphs, analyzer, self.article.subheadings
            )
            self._made[id(analyzer)] = made
        return made


def index_one(ix: Indexer, stores: IndexStores, article_id: int, analyses: ArticleAnalyses) -> None:
    if isinstance(ix, AnalysedIndexer):
        ix.index_analysed(stores, article_id, analyses.article, analyses.by(ix.text_analyzer))
    else:
        ix.index(stores, article_id, analyses.article)


def index_each(ix: Indexer, stores: IndexStores, passes: Sequence[ArticleAnalyses]) -> None:
    """One indexer over many articles (each with its id), in order: :func:`index_one` for each,
    the indexer's kind checked once (a runtime protocol check walks the protocol's members)."""
    if isinstance(ix, AnalysedIndexer):
        for one in passes:
            assert one.article.id is not None
            ix.index_analysed(stores, one.article.id, one.article, one.by(ix.text_analyzer))
        return
    for one in passes:
        assert one.article.id is not None
        ix.index(stores, one.article.id, one.article)


def index_article(
    indexers: Sequence[Indexer], stores: IndexStores, article_id: int, article: Article
) -> None:
    """Every indexer, in order, over one article."""
    analyses = ArticleAnalyses(article)
    for ix in indexers:
        index_one(ix, stores, article_id, analyses)


__all__ = ["AnalysedIndexer", "ArticleAnalyses", "index_article", "index_each", "index_one"]
