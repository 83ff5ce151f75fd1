"""What an article is about, as related news sees it: distinctive terms and weighted names.

Terms and document counts come from the search index (no re-analysis of stored text);
names are capitalised spans (or entities), each reduced to the analysed terms it would
leave in the index, so that a candidate shares a name when its indexed terms hold all of
the name's terms — no candidate text is read or parsed at query time.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

from kabar.archive.stores import TermStats
from kabar.archive.term_records import DocTerms, article_terms
from kabar.lang.analysis import analyze, tokenize
from kabar.link.names import article_names
from kabar.model import Article


@dataclass(slots=True, frozen=True)
class ProfileOptions:
    query_terms: int = 25  # the most distinctive terms, sent to BM25
    headline_boost: int = 3  # a headline term counts as this many body occurrences
    max_doc_share: float = 0.05  # terms in more of the archive than this are not distinctive …
    common_floor: int = 50  # … unless in this few articles (a small archive has no "common")
    max_lookups: int = 100  # document counts looked up for at most this many (most frequent) terms
    max_names: int = 20
    # The OR-query's terms together may match at most this many articles (sum of their
    # document counts), so that BM25 ranks the whole match set exactly and quickly; the
    # most distinctive ``min_query_terms`` are kept whatever they cost.
    max_postings: int = 3_000
    min_query_terms: int = 6


@dataclass(slots=True, frozen=True)
class WeightedName:
    name: str
    terms: tuple[str, ...]  # the analysed terms the name leaves in the index
    weight: float


@dataclass(slots=True)
class Profile:
    article: Article
    query: list[str]
    weights: dict[str, float] = field(default_factory=dict)  # query term → tf·idf
    names: list[WeightedName] = field(default_factory=list)


def _idf(n_docs: int, df: int) -> float:
    return math.log(1.0 + n_docs / max(1, df))


def _term_counts(terms: DocTerms, headline_boost: int) -> Counter[str]:
    tf = Counter(terms.body)
    for t in terms.headline:
        tf[t] += headline_boost
    return tf


def _name_terms(name: str, known: set[str]) -> tuple[str, ...]:
    """The index terms a name leaves, stemming only words the article's terms lack.

    Sastrawi takes ~1-2 ms on a word outside its dictionary (every prefix rule is tried),
    and most name words are exactly that and come out unchanged. A name word that is
    already one of the article's own index terms is therefore taken as is; only the
    rest (``Pembela`` → ``bela``) go through the analyser.
    """
    out: list[str] = []
    for token in tokenize(name):
        if token in known:
            out.append(token)
        else:
            out.extend(analyze(token))
    return tuple(dict.fromkeys(out))


def build_profile(
    stats: TermStats, article_id: int, article: Article, options: ProfileOptions | None = None
) -> Profile:
    opts = options or ProfileOptions()
    terms = stats.indexed_terms([article_id]).get(article_id) or article_terms(article)
    tf = _term_counts(terms, opts.headline_boost)
    looked = [t for t, _ in tf.most_common(opts.max_lookups)]
    names = article_names(article).most_common(opts.max_names)
    known = set(tf)
    name_terms = {n: _name_terms(n, known) for n, _ in names}
    n_docs = max(1, stats.collection_size())
    df = stats.doc_frequencies([*looked, *(t for ts in name_terms.values() for t in ts)])

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

    weighted = []
    for name, count in names:
        ts = name_terms[name]
        if not ts:
            continue
        rarest = min(df.get(t, 0) for t in ts)
        weighted.append(WeightedName(name, ts, (1.0 + math.log(count)) * _idf(n_docs, rarest)))
    return Profile(article=article, query=query, weights={t: weights[t] for t in query}, names=weighted)
