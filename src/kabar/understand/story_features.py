"""What the story clusterer sees of one article: term counts, headline terms, entity keys, time.

Text goes through :func:`kabar.lang.analysis.analyze` (the search index's tokeniser, stopwords
and cached Sastrawi stemmer), so "perdamaian" and "damai" count as one term here as in search.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache

from kabar.lang.analysed import AnalysedArticle
from kabar.model import Article
from kabar.understand.story_events import EventSignature, event_signature
from kabar.understand.story_kind import event_kind
from kabar.understand.story_signature import NamesSignature, names_signature

# Capitalised runs ("Presiden Joko Widodo", "Persija Jakarta"): the stand-in for NER when an
# article carries no entities yet. Connectors inside names ("Bank of", "bin") are allowed.
_CAPS = re.compile(r"\b[A-Z][\w'-]*+(?:[ \t]++(?:(?:bin|binti|van|de|of|al)[ \t]+)?[A-Z][\w'-]*+)*+")
_SENTENCE_START = re.compile(r"(?:^|[.!?:\"“”]\s*|\n\s*)$")
_SLUG = re.compile(r"[-_/]+")


@dataclass(slots=True, frozen=True)
class FeatureOptions:
    max_chars: int = 3_000  # the lead carries the event (and bounds the work); page furniture sits at the end
    max_terms: int = 400
    max_entities: int = 40
    lead_paragraphs: int = 2
    lead_days_back: int = 10
    name_spans_with_ner: bool = True  # capitalised name spans next to the NER entities, not only without them


@dataclass(slots=True)
class ArticleFeatures:
    terms: dict[str, float] = field(default_factory=dict)  # body+headline term counts
    title: dict[str, float] = field(default_factory=dict)  # headline term counts
    entities: dict[str, float] = field(default_factory=dict)  # normalised entity key → weight
    entity_names: dict[str, str] = field(default_factory=dict)  # key → a display name
    published: datetime | None = None
    headline: str = ""
    days: list[str] = field(default_factory=list)  # ISO days the lead says things happened on
    event: EventSignature = field(default_factory=EventSignature)  # the lead's fixtures and scores
    # the lead's distinguishing names (tournament, race, cup, case) and stage
    names: NamesSignature = field(default_factory=NamesSignature)
    kind: str = ""  # the kind of event the lead reports (case, disaster, sports, …): how long it runs


@lru_cache(maxsize=1)
def _stopwords() -> frozenset[str]:
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    extra = {
        "kata",  # reporting verbs and news furniture that join unrelated stories
        "ujar",
        "ucap",
        "jelas",
        "tutur",
        "menurut",
        "baca",
        "juga",
        "foto",
        "jakarta",
        "cnn",
        "indonesia",
        "com",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "ahad",
        "wib",
        "tahun",
        "hari",
        "bulan",
    }
    from kabar.understand.timex_patterns import vocabulary

    # month and weekday names are capitalised but name no one: keep them out of entity keys
    calendar = set(vocabulary().months) | set(vocabulary().weekdays)
    return frozenset(StopWordRemoverFactory().get_stop_words()) | extra | calendar


def _has_letter(term: str) -> bool:
    # most terms are letters only: one C call answers them without the per-character loop
    return term.isalpha() or any(ch.isalpha() for ch in term)


def tokens(text: str) -> list[str]:
    """The search index's terms (kabar.lang.analysis: stopwords out, Sastrawi stems), minus
    numbers and very short terms: years, scores and counts join unrelated stories more than
    they separate them."""
    from kabar.lang.analysis import analyze

    return _kept(analyze(text))


def _kept(terms: list[str]) -> list[str]:
    stop = _stopwords()
    return [t for t in terms if len(t) > 2 and t not in stop and _has_letter(t)]


# Names recur across a load's articles (people, places, clubs): their key and untitled form are
# made once. Bounded: a long run's memory stays flat.
@lru_cache(maxsize=1 << 16)
def _entity_key(name: str) -> str:
    return " ".join(w for w in re.sub(r"[^\w\s]", " ", name.casefold()).split())


@lru_cache(maxsize=1 << 16)
def _strip_title(span: str) -> str:
    """ "Ketua DPR Setya Novanto" → "Setya Novanto": titles would split one person into many keys.

    The NER work's role lexicon knows the titles; without it the span stays as it is.
    """
    words = span.split()
    if len(words) < 2:
        return span
    try:
        from kabar.understand.ner.roles import split_leading_title
    except ImportError:  # pragma: no cover - the NER package is part of kabar
        return span
    try:
        start = split_leading_title(words, 0, len(words))
    except Exception:
        return span
    return " ".join(words[start:])


_DATELINE = re.compile(r"\s(?:--|—|–)\s")


def _ner_entities(article: Article, weights: Counter[str], names: dict[str, str]) -> None:
    stop = _stopwords()
    for e in article.entities:
        # "CNN Indonesia -- Persija Jakarta": a tagger may run a name across the dateline's dash
        name = _DATELINE.split(e.name)[-1].strip()
        key = _entity_key(name)
        if key and key not in stop:
            weights[key] += max(1, len(e.mentions))
            names.setdefault(key, name)


def _span_entities(text: str, weights: Counter[str], names: dict[str, str]) -> None:
    stop = _stopwords()
    for m in _CAPS.finditer(text):
        span = m.group(0).strip(" .-'")
        if _SENTENCE_START.search(text[max(0, m.start() - 3) : m.start()]):
            first, _, rest = span.partition(" ")
            if not rest:
                continue  # one capitalised word opening a sentence is just a sentence opening
            if first.lower() in stop:
                span = rest  # "Kata Presiden Joko Widodo": the opening word is not part of the name
        span = _strip_title(span)
        key = _entity_key(span)
        if not key or key in stop or len(key) < 3:
            continue
        weights[key] += 1
        names.setdefault(key, span)


def _entities(
    article: Article, text: str, options: FeatureOptions
) -> tuple[dict[str, float], dict[str, str]]:
    weights: Counter[str] = Counter()
    names: dict[str, str] = {}
    if article.entities:
        _ner_entities(article, weights, names)
    if not article.entities or options.name_spans_with_ner:
        _span_entities(text, weights, names)
    top = dict(weights.most_common(options.max_entities))
    return {k: float(v) for k, v in top.items()}, {k: names[k] for k in top}


def headline_of(article: Article) -> str:
    """The headline, else words of the URL slug (some corpora carry no title)."""
    if article.headline:
        return article.headline
    url = article.canonical_url or article.url or ""
    slug = url.rstrip("/").rsplit("/", 1)[-1]
    slug = re.sub(r"\.\w{2,5}$", "", slug)
    return _SLUG.sub(" ", slug).strip()


def _story_paragraphs(article: Article) -> list[int]:
    """The paragraphs that tell the story (their places): a paragraph after the lead that names
    the outlet itself ("DailySocial.id adalah portal berita startup …", "Baca juga di CNN
    Indonesia") is the outlet's furniture, repeated under every article, and would glue its
    unrelated articles together."""
    outlet = (article.outlet or "").lower().strip()
    # a bare outlet name may be a common word ("Merdeka", "Suara"): only a domain-like
    # ("dailysocial.id", "tempo.co") or several-word name is matched
    if len(outlet) < 5 or not ("." in outlet or " " in outlet):
        return list(range(len(article.paragraphs)))
    return [i for i, p in enumerate(article.paragraphs) if i < 2 or outlet not in p.lower()]


def _body_terms(article: Article, kept: list[int], analysed: AnalysedArticle, max_chars: int) -> list[str]:
    """The analysed terms of the kept paragraphs joined by blank lines and cut at ``max_chars``:
    whole paragraphs' terms as analysed, the one the cut falls in analysed as cut (its last
    word may be cut short)."""
    out: list[str] = []
    at = 0  # where the next paragraph starts in the joined text
    for n, i in enumerate(kept):
        if n:
            at += 2  # the blank line between paragraphs
        room = max_chars - at
        if room <= 0:
            break
        paragraph = article.paragraphs[i]
        if len(paragraph) > room:
            out.extend(analysed.analyzer.analyze(paragraph[:room]))
            break
        out.extend(analysed.paragraphs[i])
        at += len(paragraph)
    return out


def article_features(
    article: Article, options: FeatureOptions | None = None, analysed: AnalysedArticle | None = None
) -> ArticleFeatures:
    """The story features of an article; ``analysed``: its text analysed already (by the search
    index's analyser, as the features always read it), else it is analysed here."""
    opts = options or FeatureOptions()
    headline = headline_of(article)
    kept = _story_paragraphs(article)
    body = "\n\n".join(article.paragraphs[i] for i in kept)[: opts.max_chars]
    if analysed is None:
        title_counts = Counter(tokens(headline))
        counts = Counter(tokens(body))
    else:
        # headline_of reads the URL slug where there is no headline: that text was not analysed
        title_terms = analysed.headline if article.headline else analysed.analyzer.analyze(headline)
        title_counts = Counter(_kept(title_terms))
        counts = Counter(_kept(_body_terms(article, kept, analysed, opts.max_chars)))
    for term, n in title_counts.items():
        counts[term] += 2 * n  # a headline word says more about the event than a body word
    entities, names = _entities(article, f"{headline}\n{body}", opts)
    days = _lead_days(article, headline, opts)
    event = event_signature(headline, article.paragraphs)
    return ArticleFeatures(
        terms={k: float(v) for k, v in counts.most_common(opts.max_terms)},
        title={k: float(v) for k, v in title_counts.items()},
        entities=entities,
        entity_names=names,
        published=article.published,
        headline=headline,
        days=days,
        event=event,
        names=names_signature(headline, article.paragraphs, article.published),
        kind=event_kind(headline, article.paragraphs),
    )


def _lead_days(article: Article, headline: str, options: FeatureOptions) -> list[str]:
    """The days the headline and lead paragraphs date the event to (within the days before publication).

    A match report says "Sabtu (10/10)", the next week's says "Sabtu (17/10)": the days tell two
    events of the same actors apart where the words cannot.
    """
    if article.published is None:
        return []
    from kabar.understand import timex_resolve
    from kabar.understand.timex import find_in_text

    anchor = timex_resolve.Anchor(today=article.published.date(), hour=article.published.hour)
    today = article.published.date()
    days: set[str] = set()
    for i, text in enumerate([headline, *article.paragraphs[: options.lead_paragraphs]]):
        for t in find_in_text(text[:2000], "headline" if i == 0 else f"body:{i - 1}", anchor):
            for v in t.value if isinstance(t.value, list) else [t.value] if t.value else []:
                try:
                    day = date.fromisoformat(v)
                except ValueError:
                    continue  # weeks, months, ranges: not a day
                if -options.lead_days_back <= (day - today).days <= 1:
                    days.add(day.isoformat())
    return sorted(days)
