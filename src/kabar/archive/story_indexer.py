"""The stories indexer: one article in, one story joined or opened, inside the ingest transaction.

The algorithm is :mod:`kabar.understand.story_cluster`; it runs on the archive's
:class:`~kabar.archive.stores.StoryStore`, so the archive's clustering and the measured
(in-memory) clustering are one code path. Nothing is rebuilt.
"""

from __future__ import annotations

from kabar.archive.stores import IndexStores, StoryMember
from kabar.lang.analysed import AnalysedArticle, analyse_article
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.model import Article
from kabar.understand.story_cluster import ClusterOptions, assign, unassign
from kabar.understand.story_features import FeatureOptions, article_features


class StoryIndexer:
    """Keeps stories current: one article in, one story joined or opened."""

    name = "stories"

    def __init__(
        self,
        options: ClusterOptions | None = None,
        features: FeatureOptions | None = None,
        analyzer: Analyzer | None = None,
    ) -> None:
        self.options = options or ClusterOptions()
        self.features = features or FeatureOptions()
        self.analyzer = analyzer

    @property
    def text_analyzer(self) -> Analyzer:
        """The search index's analyser (the default one): story terms are search terms."""
        return self.analyzer or default_analyzer()

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        analysed = analyse_article(
            article.headline, article.paragraphs, self.text_analyzer, article.subheadings
        )
        self.index_analysed(stores, article_id, article, analysed)

    def index_analysed(
        self, stores: IndexStores, article_id: int, article: Article, analysed: AnalysedArticle
    ) -> None:
        """:meth:`index` with the article's text analysed already (by :attr:`text_analyzer`)."""
        f = article_features(article, self.features, analysed)
        if not f.terms and not f.entities:
            return  # nothing to compare on (an empty or non-text article): it joins no story
        store = stores.stories
        result = assign(store, f, self.options)
        store.set_member(
            StoryMember(
                story_id=result.story_id,
                article_id=article_id,
                published=article.published,
                score=result.score,
                features=f,
            )
        )

    def remove(self, stores: IndexStores, article_id: int) -> None:
        store = stores.stories
        member = store.member(article_id)
        if member is None:
            return
        store.remove_member(article_id)
        unassign(store, member.story_id, member.features, self.options)
        store.settle(member.story_id)


__all__ = ["StoryIndexer"]
