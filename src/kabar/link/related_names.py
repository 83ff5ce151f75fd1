"""Shared people, places and organisations: the names signal of related news, unstemmed.

Names are compared as the archive's entities (:meth:`kabar.archive.stores.EntityStore.entities_of`):
one id per person, place or organisation across the archive, resolved at ingest from the
names as written, so ``Temanggung`` is never ``tanggung`` and ``Zidane`` is the same person
in every article. Each of the article's entities weighs by its type (``data/related_signals.json``),
how often the article names it, and how few articles of the archive do (idf). The outlets
and the dateline's place are not names the article shares with others (every article of
the outlet, or from that city, has them).

An archive whose article has no entities (ingested without understanding) falls back to
capitalised spans matched against the candidates' indexed terms — only spans the stemmer
leaves whole, so that a stemmed name cannot match a common word.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kabar.archive.stores import ArticleEntity
from kabar.lang.analysis import analyze, tokenize
from kabar.link.names import article_names
from kabar.link.related_noise import Noise
from kabar.model import Article

_SIGNALS_FILE = Path(__file__).parent / "data" / "related_signals.json"


@cache
def type_weights(path: Path = _SIGNALS_FILE) -> dict[str, float]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {str(k): float(v) for k, v in data["entity_types"].items()}


@dataclass(slots=True, frozen=True)
class SharedName:
    name: str
    weight: float
    entity_id: int | None = None  # None: a capitalised span (the fallback)
    terms: tuple[str, ...] = ()  # the fallback's index terms


@dataclass(slots=True)
class NameProfile:
    names: list[SharedName] = field(default_factory=list)
    by_entity: bool = False  # True: compared by entity id; False: by index terms
    # Summed and found once, not once per candidate (every candidate is scored against them).
    total: float = field(init=False, default=0.0)
    strongest: float = field(init=False, default=0.0)

    def __post_init__(self) -> None:
        self.total = sum(n.weight for n in self.names)
        self.strongest = max((n.weight for n in self.names), default=0.0)

    def shared(self, entity_ids: frozenset[int], terms: frozenset[str]) -> list[SharedName]:
        if self.by_entity:
            return [n for n in self.names if n.entity_id in entity_ids]
        return [n for n in self.names if n.terms and all(t in terms for t in n.terms)]


def _idf(n_docs: int, df: int) -> float:
    return math.log(1.0 + n_docs / max(1, df))


def _is_noise(name: str, noise: Noise) -> bool:
    low = " ".join(name.lower().split())
    return low in noise.outlet_names


def entity_profile(entities: Sequence[ArticleEntity], noise: Noise, n_docs: int) -> NameProfile:
    """The article's stored entities, weighted; the outlets and the dateline's place set aside."""
    weights = type_weights()
    names = []
    for e in entities:
        mentions = e.mentions
        if noise.dateline_place and e.name.lower() == noise.dateline_place:
            mentions -= 1  # the dateline's mention says where the outlet sits, not the subject
        if mentions <= 0 or _is_noise(e.name, noise):
            continue
        w = weights.get(e.type, 0.5) * (1.0 + math.log(mentions)) * _idf(n_docs, e.article_count)
        names.append(SharedName(name=e.name, weight=w, entity_id=e.entity_id))
    return NameProfile(names=names, by_entity=True)


def span_profile(
    article: Article, noise: Noise, n_docs: int, doc_frequency: Mapping[str, int], max_names: int
) -> NameProfile:
    """Fallback: capitalised spans whose words the stemmer leaves whole, matched by index term."""
    names = []
    for name, count in article_names(article).most_common(max_names):
        if _is_noise(name, noise) or name == noise.dateline_place:
            continue
        words = tokenize(name)
        terms = tuple(t for w in words for t in analyze(w))
        if not terms or tuple(terms) != tuple(w for w in words if analyze(w)):
            continue  # a stemmed name word would match a common word ("temanggung" → "tanggung")
        rarest = min(doc_frequency.get(t, 0) for t in terms)
        names.append(
            SharedName(name=name, weight=(1.0 + math.log(count)) * _idf(n_docs, rarest), terms=terms)
        )
    return NameProfile(names=names, by_entity=False)


def span_terms(article: Article, max_names: int) -> list[str]:
    """The index terms of the fallback's names (their document counts are looked up in one go)."""
    return [t for name, _ in article_names(article).most_common(max_names) for t in analyze(name)]


__all__ = ["NameProfile", "SharedName", "entity_profile", "span_profile", "span_terms", "type_weights"]
