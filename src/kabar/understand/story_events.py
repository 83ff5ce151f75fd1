"""Event signatures: what tells two events of the same actors apart where their words cannot.

Two matches of one club share the club, its coach, its stadium and most of their words; what
differs is the opponent and the score. The lead (headline and first paragraphs) names both:
"Persija akan menjamu Sriwijaya FC", "kalah 0 - 2 dari Bhayangkara FC". A fixture is the pair of
teams a match cue joins, a score line is two small numbers joined by a dash. Cues, generic club
words and limits are data (``data/story_events.json``).

The clusterer compares an article's signature with its candidate story's accumulated signature
(:func:`compare`): different fixtures sharing one team, or disjoint score lines, are evidence of
two events, which the story model weighs like any other feature. A lead that names both teams of
the story's match and one of its score lines reports that match, whatever fixture its cue words
parsed ("tim Maung Bandung menaklukkan Persipura", the club by its nickname): no conflict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "story_events.json"
# A capitalised run of up to three words, never across punctuation ("Persija Jakarta", "Sriwijaya FC").
_NAME = r"[A-Z][\w'-]*(?:[ \t]+[A-Z][\w'-]*){0,2}"
# One capitalised word: a team key the lead may name.
_CAPITALISED = re.compile(r"(?<![\w'-])[A-Z][\w'-]*")
# "0 - 2", "2-1", "1:0"; not a date (19/5), a time (19.30), a range of years or a "ke-11".
_SCORE = r"(?<![\w/.,:-])(\d{1,2})[ \t]?[-–:][ \t]?(\d{1,2})(?![\w/:-]|[.,]\d)"


@dataclass(slots=True, frozen=True)
class EventLexicon:
    fixture: re.Pattern[str]
    score: re.Pattern[str]
    generic: frozenset[str]
    max_score: int
    lead_paragraphs: int
    lead_chars: int


@lru_cache(maxsize=1)
def lexicon() -> EventLexicon:
    doc = json.loads(_DATA.read_text(encoding="utf-8"))
    cues = sorted((str(c) for c in doc["cues"]), key=len, reverse=True)  # longest cue first
    cue = "|".join(re.escape(c).replace(r"\ ", r"[ \t]+") for c in cues)
    between = int(doc["max_between"])
    # words between the cue and the second team that are not part of it ("membantai tuan rumah Real Betis")
    fillers = "|".join(re.escape(str(w)).replace(r"\ ", r"[ \t]+") for w in doc.get("after_cue", []))
    skip = rf"(?:(?:{fillers})[ \t]+)?" if fillers else ""
    fixture = re.compile(
        rf"(?<![\w'-])({_NAME})[ \t]+(?:[a-z][\w-]*[ \t]+){{0,{between}}}?(?:{cue})[ \t]+{skip}({_NAME})"
    )
    return EventLexicon(
        fixture=fixture,
        score=re.compile(_SCORE),
        generic=frozenset(str(w) for w in doc["generic_team_words"]),
        max_score=int(doc["max_score"]),
        lead_paragraphs=int(doc["lead_paragraphs"]),
        lead_chars=int(doc["lead_chars"]),
    )


@dataclass(slots=True, frozen=True)
class EventSignature:
    fixtures: list[str] = field(default_factory=list)  # "persib|persija": the two teams, sorted
    # "0-2": the two goals, sorted (a win and a loss read alike)
    scores: list[str] = field(default_factory=list)
    # every team key the lead's capitalised words could be ("persib", "maung", "persipura"): a lead
    # naming both teams of a story's match and its score reports that match
    named: frozenset[str] = frozenset()


def team_key(name: str, generic: frozenset[str]) -> str:
    """A team by its first distinctive word: "Persib Bandung" and "Persib" are one team."""
    words = [w for w in re.sub(r"[^\w\s]", " ", name.casefold()).split() if w not in generic]
    return words[0] if words else ""


def event_signature(headline: str, paragraphs: list[str]) -> EventSignature:
    lex = lexicon()
    lead = "\n".join([headline, *paragraphs[: lex.lead_paragraphs]])[: lex.lead_chars]
    fixtures: set[str] = set()
    for m in lex.fixture.finditer(lead):
        a, b = team_key(m.group(1), lex.generic), team_key(m.group(2), lex.generic)
        if a and b and a != b:
            fixtures.add("|".join(sorted((a, b))))
    scores: set[str] = set()
    for m in lex.score.finditer(lead):
        x, y = int(m.group(1)), int(m.group(2))
        if x <= lex.max_score and y <= lex.max_score:
            scores.add(f"{min(x, y)}-{max(x, y)}")
    named = frozenset(w.casefold() for w in _CAPITALISED.findall(lead)) - lex.generic
    return EventSignature(fixtures=sorted(fixtures), scores=sorted(scores), named=named)


@dataclass(slots=True, frozen=True)
class EventConflict:
    # a different fixture of a team both name (not the story's match with its score): another
    # match of the same club
    fixture: bool
    score: bool  # both report scores and none agrees: another match


def _teams(fixture: str) -> set[str]:
    return set(fixture.split("|"))


def compare(
    article: EventSignature, fixtures: Mapping[str, float], scores: Mapping[str, float]
) -> EventConflict:
    """The article's signature against a story's (its members' fixtures and scores, counted)."""
    ours, theirs = set(article.fixtures), {k for k, v in fixtures.items() if v > 0}
    their_scores = {k for k, v in scores.items() if v > 0}
    # the story's match by its two teams and its score: the lead reports it, whatever fixture its
    # cue words parsed ("tim Maung Bandung menaklukkan Persipura ... Persib menang 1 - 0")
    same_match = bool(set(article.scores) & their_scores) and any(_teams(b) <= article.named for b in theirs)
    fixture_conflict = (
        bool(ours and theirs and not ours & theirs)
        and any(len(_teams(a) & _teams(b)) == 1 for a in ours for b in theirs)
        and not same_match
    )
    score_conflict = bool(article.scores and their_scores and not set(article.scores) & their_scores)
    return EventConflict(fixture=fixture_conflict, score=score_conflict)
