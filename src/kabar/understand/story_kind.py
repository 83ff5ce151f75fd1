"""The kind of event an article reports: a case, a disaster, a match, politics, business, ….

Stories of different kinds live for different times. A corruption case or an eruption is
followed for weeks, with quiet days between the suspect's summons and the arrest; a match's
story is over in days, and the club's next match is another story. The clusterer asks the kind
how long a story may stay warm (:func:`carry_days`). The kind is read from cue words in the lead
(headline and first paragraphs), counted; the cues and each kind's carry-over are data
(``data/story_kinds.json``).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "story_kinds.json"


@dataclass(slots=True, frozen=True)
class KindProfile:
    kind: str
    carry_scale: float  # the clusterer's carry-over times this, with a shared name
    kind_carry_scale: float  # the same with no shared name, the story's subject leading the article


@dataclass(slots=True, frozen=True)
class KindLexicon:
    cue: re.Pattern[str]  # every kind's cues in one alternation; `kind_of` tells a match's kind
    kind_of: dict[str, str]  # cue (casefolded, spaces single) → kind
    profiles: dict[str, KindProfile]
    lead_paragraphs: int
    lead_chars: int
    headline_weight: int
    min_hits: int
    subject_rank: int
    subject_max_share: float


@lru_cache(maxsize=1)
def lexicon() -> KindLexicon:
    doc = json.loads(_DATA.read_text(encoding="utf-8"))
    kind_of: dict[str, str] = {}
    profiles: dict[str, KindProfile] = {}
    for k in doc["kinds"]:
        kind = str(k["kind"])
        profiles[kind] = KindProfile(
            kind, float(k.get("carry_scale", 1.0)), float(k.get("kind_carry_scale", 0.0))
        )
        for c in k["cues"]:
            kind_of.setdefault(" ".join(str(c).casefold().split()), kind)
    words = sorted(kind_of, key=len, reverse=True)  # longest first: "korban jiwa" before "korban"
    alternation = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words)
    return KindLexicon(
        cue=re.compile(rf"(?<![\w-])(?:{alternation})(?![\w-])"),
        kind_of=kind_of,
        profiles=profiles,
        lead_paragraphs=int(doc["lead_paragraphs"]),
        lead_chars=int(doc["lead_chars"]),
        headline_weight=int(doc["headline_weight"]),
        min_hits=int(doc["min_hits"]),
        subject_rank=int(doc["subject_rank"]),
        subject_max_share=float(doc["subject_max_share"]),
    )


def _hits(text: str, lex: KindLexicon, weight: int, into: Counter[str]) -> None:
    for m in lex.cue.finditer(text.casefold()):
        into[lex.kind_of[" ".join(m.group(0).split())]] += weight


def event_kind(headline: str, paragraphs: list[str]) -> str:
    """The kind of event the lead reports, or "" when its cues are too few or tied."""
    lex = lexicon()
    counts: Counter[str] = Counter()
    _hits(headline, lex, lex.headline_weight, counts)
    _hits("\n".join(paragraphs[: lex.lead_paragraphs])[: lex.lead_chars], lex, 1, counts)
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < lex.min_hits:
        return ""
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return ""  # a tie says nothing: a trial of a footballer is neither kind for sure
    return ranked[0][0]


def story_kind(kinds: Mapping[str, float]) -> str:
    """A story's kind: the kind most of its members report ("" when none or tied)."""
    ranked = sorted(((v, k) for k, v in kinds.items() if k and v > 0), reverse=True)
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return ""
    return ranked[0][1]


def carry_days(
    article_kind: str, kinds: Mapping[str, float], name_agree: bool, subject_agree: bool, default: float
) -> float:
    """The days without decay an article grants a story, given the clusterer's carry-over
    (``default``, granted for a shared name). An article of the story's kind gets the kind's
    share of it: a case's longer one for a shared name, and one for leading with the story's
    subject (its main actor) where the kind runs for weeks; no carry-over without either."""
    profile = lexicon().profiles.get(story_kind(kinds))
    if profile is None or article_kind != profile.kind:
        return default if name_agree else 0.0
    if name_agree:
        return default * profile.carry_scale
    return default * profile.kind_carry_scale if subject_agree else 0.0


def runs_long(article_kind: str) -> bool:
    """Whether stories of this kind carry over on their subject alone (cases, disasters)."""
    profile = lexicon().profiles.get(article_kind)
    return profile is not None and profile.kind_carry_scale > 0


def subject_rank() -> int:
    """How high among the article's entities the story's subject must stand to carry it over."""
    return lexicon().subject_rank


def subject_min_idf() -> float:
    """The rarity (idf, as the clusterer weighs entities) a story's subject must have: an
    investigator or a league in every other story ("KPK", "Liga Champions") is no one's subject."""
    return 1.0 + math.log(1.0 / lexicon().subject_max_share)
