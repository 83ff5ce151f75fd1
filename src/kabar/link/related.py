""" "Berita terkait": articles related to one article, never itself or its reprints.

``relevant`` — candidates come from the search index (BM25 OR-match of the article's
most distinctive terms, its dateline and outlet names counted out) and from the article's
story, then each is re-scored by a hybrid of text similarity (BM25 over the article's own
self-match score, so 1.0 is "as close as the article is to itself"), shared people,
places and organisations (the archive's entities, unstemmed; :mod:`kabar.link.related_names`),
membership of the article's story, and closeness in time. ``newest`` — what a portal's
related box shows: candidates whose subject score clears a floor, newest first.

In both modes the list stops where the evidence does (:mod:`kabar.link.related_floor`): a
candidate far below the best, or sharing only a word or two, is not shown, so an article
with four related articles gets four, not four and six unrelated. :func:`candidate_pool`
scores the candidates once; :func:`choose` applies the floor, the mode and the limit.

Duplicates are excluded twice: the article's own near-duplicate group, and among the
candidates only the best of each group is kept, so one agency story reprinted five
times fills one slot, not five.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal

from kabar.archive.base import Archive
from kabar.archive.stores import ArticleEntity, TermStats
from kabar.archive.term_records import MatchOptions
from kabar.link.related_floor import NO_FLOOR, Evidence, RelevanceFloor, clears, relevance_floor
from kabar.link.related_names import NameProfile, entity_profile, span_profile, span_terms
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
    # Set on benchmarks/data/related_judged.json, the tune set (nDCG@10; see benchmarks/related.py).
    text: float = 0.7
    names: float = 0.2
    story: float = 0.1  # a member of the article's story (kabar.understand's clustering)
    recency: float = 0.1
    # Closeness in time halves at this many days apart: a season, a case, a campaign run for
    # months (90 beat 30 and 7 on the tune set).
    recency_days: float = 90.0


@dataclass(slots=True, frozen=True)
class RelatedOptions:
    mode: RelatedMode = "relevant"
    limit: int = 10
    candidates: int = 60  # BM25 candidates re-scored
    match_budget: int = 3_000  # BM25 is computed for at most this many matches (fts.MatchOptions)
    relevant_floor: float = 0.1  # `relevant`: below this text+names similarity is noise, not news
    newest_pool: int = 3  # `newest`: the best this many by relevance are always on the subject …
    newest_floor: float = 0.25  # … and the rest only with at least this text+names similarity
    story_members: int = 50  # a story's members join the candidates when it has at most this many
    # Where the list stops, by the candidate's evidence (data/related_signals.json): fewer
    # than ``limit`` related articles rather than unrelated fill. NO_FLOOR: always ``limit``.
    floor: RelevanceFloor = field(default_factory=relevance_floor)
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
class Candidate:
    """One scored candidate, with what the relevance floor reads (:mod:`kabar.link.related_floor`)."""

    id: int
    bm25: float
    headline: str | None = None
    published: datetime | None = None
    outlet: str | None = None
    url: str | None = None
    terms: frozenset[str] = frozenset()
    entity_ids: frozenset[int] = frozenset()
    same_story: bool = False
    shared_names: list[str] = field(default_factory=list)
    shared_terms: int = 0  # the article's query terms it has
    subject: float = 0.0  # text, names and story, not time: "is this the same subject?"
    score: float = 0.0

    @property
    def evidence(self) -> Evidence:
        return Evidence(
            subject=self.subject,
            same_story=self.same_story,
            shared_names=len(self.shared_names),
            shared_terms=self.shared_terms,
        )


@dataclass(slots=True)
class CandidatePool:
    """Every candidate of one article, scored, best first: before the floor, the mode and the limit."""

    profile: Profile
    candidates: list[Candidate] = field(default_factory=list)


def related(
    archive: Archive, article_id: int, options: RelatedOptions | None = None, *, known: Article | None = None
) -> list[RelatedHit]:
    """Related articles for ``article_id``; raises :class:`RelatedError` with a reader's message.

    ``known``: the stored article, when the caller has just read it (the portal's page), so
    that it is not read and rebuilt from its JSON a second time.
    """
    opts = options or RelatedOptions()
    if max(0, min(opts.limit, MAX_LIMIT)) == 0:
        load_article(archive, _checked_id(article_id), known)  # an unknown article is still an error
        return []
    return choose(candidate_pool(archive, article_id, opts, known=known), opts)


def choose(pool: CandidatePool, options: RelatedOptions) -> list[RelatedHit]:
    """The list a reader sees: candidates that clear the floor, in the mode's order, up to the limit."""
    limit = max(0, min(options.limit, MAX_LIMIT))
    cands = pool.candidates
    if cands:
        best = max(c.subject for c in cands)
        floor = options.floor
        cands = [c for c in cands if clears(floor, c.evidence, best)]
    if options.mode == "newest":
        # Time must not decide what counts as the same subject, only the order: the best
        # few by relevance always qualify, the rest only above the stricter floor.
        cands = [
            c for n, c in enumerate(cands) if n < options.newest_pool or c.subject >= options.newest_floor
        ]
        cands = sorted(
            cands, key=lambda c: (c.published or datetime.min.replace(tzinfo=UTC), c.id), reverse=True
        )
    return [_hit(c, pool.profile) for c in cands[:limit]]


def candidate_pool(
    archive: Archive, article_id: int, options: RelatedOptions | None = None, *, known: Article | None = None
) -> CandidatePool:
    """The article's candidates scored by relevance, best first, above ``relevant_floor`` only."""
    opts = options or RelatedOptions()
    article = load_article(archive, _checked_id(article_id), known)
    stats = archive.term_stats
    # The entity store holds only what understanding put in the article: without entities in
    # the article, the names are capitalised spans, whose document counts are looked up with
    # the profile's (one read), and the entity store is not read at all.
    fallback = [] if article.entities else span_terms(article, opts.profile.max_names)
    profile = build_profile(stats, article_id, article, opts.profile, extra_terms=fallback)
    if not profile.query:
        return CandidatePool(profile=profile)
    excluded = frozenset({article_id, *archive.duplicates.members_of(article_id)})
    story = _story_members(archive, article_id, opts.story_members)
    # The article stays in the match (not excluded) so that its self-score normalises the rest.
    scored = stats.match_terms(
        profile.query,
        MatchOptions(limit=opts.candidates + len(excluded) + len(story), max_candidates=opts.match_budget),
    )
    self_score = next((s.score for s in scored if s.id == article_id), 0.0)
    ranked = [s for s in scored if s.id not in excluded]
    pool = {s.id: s.score for s in ranked[: opts.candidates]}
    # The story's members are candidates wherever BM25 put them: the clustering has said they
    # are the same event, whatever words they use.
    bm25 = {s.id: s.score for s in ranked}
    for member in sorted(story - excluded):
        pool.setdefault(member, bm25.get(member, 0.0))
    if not pool:
        return CandidatePool(profile=profile)
    top = max(self_score, max(pool.values())) or 1.0
    own = archive.entities.entities_of([article_id]).get(article_id, []) if article.entities else []
    names = _names(stats, article, profile, own, opts.profile.max_names)
    # The candidates' entity ids only: their names and counts are never read.
    entities = archive.entities.entity_ids_of(list(pool)) if names.by_entity else {}
    cands = _fill(
        archive, [Candidate(id=i, bm25=b, same_story=i in story) for i, b in pool.items()], entities
    )
    for c in cands:
        _score(c, profile, names, top, opts.weights)
    cands = _collapse_duplicates(archive, cands)
    cands = [c for c in cands if c.subject >= opts.relevant_floor]
    cands.sort(key=lambda c: (c.score, c.id), reverse=True)
    return CandidatePool(profile=profile, candidates=cands)


def _checked_id(article_id: object) -> int:
    if isinstance(article_id, bool) or not isinstance(article_id, int):
        raise UnknownArticle(f"article id must be a whole number, not {article_id!r}")
    return article_id


def _story_members(archive: Archive, article_id: int, most: int) -> frozenset[int]:
    """The other members of the article's story, when the story is small enough to be one event."""
    story_id = archive.stories.article_story(article_id)
    if story_id is None:
        return frozenset()
    members = archive.stories.story_article_ids(story_id)
    if len(members) > most:
        return frozenset()
    return frozenset(members) - {article_id}


def load_article(archive: Archive, article_id: int, known: Article | None = None) -> Article:
    """The stored article (``known`` when it is that article), or :class:`UnknownArticle` / :class:`NoText`."""
    if known is not None and known.id == article_id:
        article: Article | None = known
    else:
        article = archive.get(article_id) if 0 < article_id <= _MAX_ID else None
    if article is None:
        raise UnknownArticle(f"no article with id {article_id} in this archive")
    if not article.paragraphs and not (article.headline or "").strip():
        raise NoText(f"article {article_id} has no text to find related news by")
    return article


def _names(
    stats: TermStats, article: Article, profile: Profile, own: list[ArticleEntity], max_names: int
) -> NameProfile:
    """The article's names as stored entities, or (none stored) its capitalised spans."""
    if own:
        return entity_profile(own, profile.noise, profile.n_docs)
    missing = [t for t in span_terms(article, max_names) if t not in profile.df]
    if missing:  # the article has entities the store does not (an archive without the entity indexer)
        profile.df.update(stats.doc_frequencies(missing))
    return span_profile(article, profile.noise, profile.n_docs, profile.df, max_names)


def _fill(archive: Archive, cands: list[Candidate], entities: dict[int, frozenset[int]]) -> list[Candidate]:
    """Light columns, indexed terms and entities of the candidates (never their stored JSON: cost)."""
    ids = [c.id for c in cands]
    rows = {s.id: s for s in archive.summaries(ids)}
    terms = archive.term_stats.indexed_terms(ids)
    out = []
    for c in cands:
        row = rows.get(c.id)
        if row is None:
            continue
        c.headline, c.outlet, c.url, c.published = row.headline, row.outlet, row.url, row.published
        t = terms.get(c.id)
        c.terms = frozenset(t.headline) | frozenset(t.body) if t is not None else frozenset()
        c.entity_ids = entities.get(c.id, frozenset())
        out.append(c)
    return out


def _score(c: Candidate, profile: Profile, names: NameProfile, top: float, w: RelatedWeights) -> None:
    text = min(1.0, c.bm25 / top)
    c.shared_terms = sum(1 for t in profile.query if t in c.terms)
    shared_weight = 0.0
    total = names.total
    if total > 0:
        shared = names.shared(c.entity_ids, c.terms)
        # The reason names only the telling ones: "Riedl", not every place mentioned in passing.
        telling = [n for n in shared if n.weight >= 0.4 * names.strongest]
        c.shared_names = [n.name for n in sorted(telling, key=lambda n: -n.weight)]
        shared_weight = sum(n.weight for n in shared) / total
    story = 1.0 if c.same_story else 0.0
    recency = 0.0
    published = profile.article.published
    if published is not None and c.published is not None:
        days = abs((c.published - published).total_seconds()) / 86400.0
        recency = 1.0 / (1.0 + days / w.recency_days)
    subject = w.text * text + w.names * shared_weight + w.story * story
    c.subject = subject / ((w.text + w.names + w.story) or 1.0)
    c.score = subject + w.recency * recency


def _collapse_duplicates(archive: Archive, cands: list[Candidate]) -> list[Candidate]:
    group_of = archive.duplicates.groups_of([c.id for c in cands])
    best: dict[int, Candidate] = {}
    for c in cands:
        key = group_of.get(c.id, -c.id)
        if key not in best or c.score > best[key].score:
            best[key] = c
    return list(best.values())


def _hit(c: Candidate, profile: Profile) -> RelatedHit:
    shared_terms = [t for t in profile.query if t in c.terms][:5]
    parts = []
    if c.same_story:
        parts.append("same story")
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
    "NO_FLOOR",
    "Candidate",
    "CandidatePool",
    "NoText",
    "RelatedError",
    "RelatedHit",
    "RelatedMode",
    "RelatedOptions",
    "RelatedWeights",
    "UnknownArticle",
    "candidate_pool",
    "choose",
    "load_article",
    "related",
]
