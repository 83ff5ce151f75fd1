""" "Berita terkait": articles related to one article, never itself or its reprints.

``relevant`` — candidates come from the search index (BM25 OR-match of the article's
most distinctive terms), then each is re-scored by a hybrid of text similarity (BM25
over the article's own self-match score, so 1.0 is "as close as the article is to
itself"), shared names (capitalised spans, or entities once the understanding stage
fills them) and closeness in time. ``newest`` — what a portal's related box shows:
candidates whose hybrid score clears a floor, newest first.

Duplicates are excluded twice: the article's own near-duplicate group, and among the
candidates only the best of each group is kept, so one agency story reprinted five
times fills one slot, not five.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from kabar.archive.base import Archive
from kabar.archive.term_records import MatchOptions
from kabar.link.related_profile import Profile, ProfileOptions, build_profile
from kabar.model import Article

RelatedMode = Literal["relevant", "newest"]
MAX_LIMIT = 100
_MAX_ID = 2**63 - 1  # the largest id any backend stores (64-bit integers)


class RelatedError(ValueError):
    """A request related news cannot answer; the message is fit to show a reader."""


class UnknownArticle(RelatedError):
    pass


class NoText(RelatedError):
    pass


@dataclass(slots=True, frozen=True)
class RelatedWeights:
    # Set on benchmarks/data/related_judged.json (nDCG@10; see benchmarks/related.py).
    text: float = 0.7
    names: float = 0.2
    recency: float = 0.1
    recency_days: float = 30.0  # closeness in time halves at this many days apart


@dataclass(slots=True, frozen=True)
class RelatedOptions:
    mode: RelatedMode = "relevant"
    limit: int = 10
    candidates: int = 60  # BM25 candidates re-scored
    match_budget: int = 3_000  # BM25 is computed for at most this many matches (fts.MatchOptions)
    relevant_floor: float = 0.1  # `relevant`: below this text+names similarity is noise, not news
    newest_pool: int = 3  # `newest`: the best this many by relevance are always on the subject …
    newest_floor: float = 0.25  # … and the rest only with at least this text+names similarity
    profile: ProfileOptions = field(default_factory=ProfileOptions)
    weights: RelatedWeights = field(default_factory=RelatedWeights)


@dataclass(slots=True)
class RelatedHit:
    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    score: float
    reason: str  # why it is related, for a reader or a log: shared names and terms


@dataclass(slots=True)
class _Candidate:
    id: int
    bm25: float
    headline: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    url: str | None = None
    terms: frozenset[str] = frozenset()
    shared_names: list[str] = field(default_factory=list)
    subject: float = 0.0  # text and names only: "is this the same subject?"
    score: float = 0.0


def related(archive: Archive, article_id: int, options: RelatedOptions | None = None) -> list[RelatedHit]:
    """Related articles for ``article_id``; raises :class:`RelatedError` with a reader's message."""
    opts = options or RelatedOptions()
    if isinstance(article_id, bool) or not isinstance(article_id, int):
        raise UnknownArticle(f"article id must be a whole number, not {article_id!r}")
    limit = max(0, min(opts.limit, MAX_LIMIT))
    article = load_article(archive, article_id)
    stats = archive.term_stats
    profile = build_profile(stats, article_id, article, opts.profile)
    if limit == 0 or not profile.query:
        return []
    excluded = frozenset({article_id, *archive.duplicates.members_of(article_id)})
    # The article stays in the match (not excluded) so that its self-score normalises the rest.
    scored = stats.match_terms(
        profile.query,
        MatchOptions(limit=opts.candidates + len(excluded), max_candidates=opts.match_budget),
    )
    self_score = next((s.score for s in scored if s.id == article_id), 0.0)
    pool = [s for s in scored if s.id not in excluded][: opts.candidates]
    if not pool:
        return []
    top = max(self_score, pool[0].score) or 1.0
    cands = _fill(archive, [_Candidate(id=s.id, bm25=s.score) for s in pool])
    for c in cands:
        _score(c, profile, top, opts.weights)
    cands = _collapse_duplicates(archive, cands)
    cands = [c for c in cands if c.subject >= opts.relevant_floor]
    cands.sort(key=lambda c: (c.score, c.id), reverse=True)
    if opts.mode == "newest":
        # Time must not decide what counts as the same subject, only the order: the best
        # few by relevance always qualify, the rest only above the stricter floor.
        cands = [c for n, c in enumerate(cands) if n < opts.newest_pool or c.subject >= opts.newest_floor]
        cands.sort(key=lambda c: (c.published or datetime.min.replace(tzinfo=UTC), c.id), reverse=True)
    return [_hit(c, profile) for c in cands[:limit]]


def load_article(archive: Archive, article_id: int) -> Article:
    """The stored article, or :class:`UnknownArticle` / :class:`NoText`."""
    article = archive.get(article_id) if 0 < article_id <= _MAX_ID else None
    if article is None:
        raise UnknownArticle(f"no article with id {article_id} in this archive")
    if not article.paragraphs and not (article.headline or "").strip():
        raise NoText(f"article {article_id} has no text to find related news by")
    return article


def _fill(archive: Archive, cands: list[_Candidate]) -> list[_Candidate]:
    """Light columns and indexed terms of the candidates (never their stored JSON: cost)."""
    rows = {s.id: s for s in archive.summaries([c.id for c in cands])}
    terms = archive.term_stats.indexed_terms([c.id for c in cands])
    out = []
    for c in cands:
        row = rows.get(c.id)
        if row is None:
            continue
        c.headline, c.outlet, c.url, c.published = row.headline, row.outlet, row.url, row.published
        t = terms.get(c.id)
        c.terms = frozenset(t.headline) | frozenset(t.body) if t is not None else frozenset()
        out.append(c)
    return out


def _score(c: _Candidate, profile: Profile, top: float, w: RelatedWeights) -> None:
    text = min(1.0, c.bm25 / top)
    names = 0.0
    total = sum(n.weight for n in profile.names)
    if total > 0:
        shared = [n for n in profile.names if all(t in c.terms for t in n.terms)]
        # The reason names only the telling ones: "Riedl", not the outlet's "CNN Indonesia".
        strongest = max(n.weight for n in profile.names)
        telling = [n for n in shared if n.weight >= 0.4 * strongest]
        c.shared_names = [n.name for n in sorted(telling, key=lambda n: -n.weight)]
        names = sum(n.weight for n in shared) / total
    recency = 0.0
    published = profile.article.published
    if published is not None and c.published is not None:
        days = abs((c.published - published).total_seconds()) / 86400.0
        recency = 1.0 / (1.0 + days / w.recency_days)
    c.subject = (w.text * text + w.names * names) / ((w.text + w.names) or 1.0)
    c.score = w.text * text + w.names * names + w.recency * recency


def _collapse_duplicates(archive: Archive, cands: list[_Candidate]) -> list[_Candidate]:
    group_of = archive.duplicates.groups_of([c.id for c in cands])
    best: dict[int, _Candidate] = {}
    for c in cands:
        key = group_of.get(c.id, -c.id)
        if key not in best or c.score > best[key].score:
            best[key] = c
    return list(best.values())


def _hit(c: _Candidate, profile: Profile) -> RelatedHit:
    shared_terms = [t for t in profile.query if t in c.terms][:5]
    parts = []
    if c.shared_names:
        parts.append("names: " + ", ".join(c.shared_names[:4]))
    if shared_terms:
        parts.append("terms: " + ", ".join(shared_terms))
    return RelatedHit(
        id=c.id,
        headline=c.headline,
        published=c.published,
        outlet=c.outlet,
        url=c.url,
        score=round(c.score, 4),
        reason="; ".join(parts) or "similar text",
    )


__all__ = [
    "NoText",
    "RelatedError",
    "RelatedHit",
    "RelatedMode",
    "RelatedOptions",
    "RelatedWeights",
    "UnknownArticle",
    "load_article",
    "related",
]
