"""What an article is about, as related news sees it: its distinctive terms.

Terms and document counts come from the search index (no re-analysis of stored text),
less what says nothing about the subject (:mod:`kabar.link.related_noise`: the dateline,
outlet names, proper names the stemmer turns into other words). Names are compared
unstemmed, by :mod:`kabar.link.related_names`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from kabar.archive.stores import TermStats
from kabar.archive.term_records import DocTerms, article_terms
from kabar.link.related_noise import Noise, article_noise
from kabar.model import Article


@dataclass(slots=True, frozen=True)
class ProfileOptions:
    query_terms: int = 25  # the most distinctive terms, sent to BM25
    headline_boost: int = 3  # a headline term counts as this many body occurrences
    max_doc_share: float = 0.05  # terms in more of the archive than this are not distinctive …
    common_floor: int = 50  # … unless in this few articles (a small archive has no "common")
    max_lookups: int = 100  # document counts looked up for at most this many (most frequent) terms
    max_names: int = 20  # names compared (the fallback's capitalised spans)
    # The OR-query's terms together may match at most this many articles (sum of their
    # document counts), so that BM25 ranks the whole match set exactly and quickly; the
    # most distinctive ``min_query_terms`` are kept whatever they cost.
    max_postings: int = 3_000
    min_query_terms: int = 6
    # False: the indexed terms as they are (the plain more-like-this query benchmarks compare with).
    count_out_noise: bool = True


@dataclass(slots=True)
class Profile:
    article: Article
    query: list[str]
    weights: dict[str, float] = field(default_factory=dict)  # query term → tf·idf
    noise: Noise = field(default_factory=Noise)
    n_docs: int = 1
    df: dict[str, int] = field(default_factory=dict)  # document counts looked up, query terms and extra


def _idf(n_docs: int, df: int) -> float:
    return math.log(1.0 + n_docs / max(1, df))


def _term_counts(terms: DocTerms, noise: Noise, headline_boost: int) -> Counter[str]:
    tf = Counter(terms.body)
    tf.subtract(noise.body)
    for t in terms.headline:
        tf[t] += headline_boost
    for t, n in noise.headline.items():
        tf[t] -= headline_boost * n
    return +tf  # counted out entirely: no longer a term of the article


def build_profile(
    stats: TermStats,
    article_id: int,
    article: Article,
    options: ProfileOptions | None = None,
    extra_terms: Sequence[str] = (),
) -> Profile:
    """The article's distinctive terms; ``extra_terms`` get their document counts looked up in
    the same round trip (:attr:`Profile.df`), for the names signal's fallback."""
    opts = options or ProfileOptions()
    terms = stats.indexed_terms([article_id]).get(article_id) or article_terms(article)
    noise = article_noise(article) if opts.count_out_noise else Noise()
    tf = _term_counts(terms, noise, opts.headline_boost)
    looked = [t for t, _ in tf.most_common(opts.max_lookups)]
    n_docs = max(1, stats.collection_size())
    df = stats.doc_frequencies([*looked, *extra_terms])

    weights: dict[str, float] = {}
    for term in looked:
        d = df.get(term, 0)
        # d <= 1: only this article has it, so it finds nothing; too common: not distinctive.
        if d <= 1 or d > max(opts.common_floor, opts.max_doc_share * n_docs):
            continue
        weights[term] = (1.0 + math.log(tf[term])) * _idf(n_docs, d)
    query: list[str] = []
    postings = 0
    for term in sorted(weights, key=lambda t: (-weights[t], t)):
        if len(query) >= opts.query_terms:
            break
        if len(query) >= opts.min_query_terms and postings + df[term] > opts.max_postings:
            continue
        query.append(term)
        postings += df[term]

    return Profile(
        article=article,
        query=query,
        weights={t: weights[t] for t in query},
        noise=noise,
        n_docs=n_docs,
        df=df,
    )
