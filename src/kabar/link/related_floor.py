"""When "Berita terkait" stops: a relevance floor by the kind of evidence a candidate has.

A reader prefers four good related articles to four good ones and six unrelated, so the
list is not filled to its limit with whatever scored next. Each candidate falls in one
class by its strongest evidence, and each class has its own floor relative to the best
candidate's subject score (text, names and story; not time):

- ``same_story``: the story clustering put it in the article's event;
- ``shared_name``: it names a telling person, place or organisation of the article;
- ``text_only``: only words in common — it must also share at least ``min_shared_terms``
  of the article's distinctive (query) terms, since BM25 alone on one or two rare words
  is how an unrelated article gets in.

The floors are data (``data/related_signals.json``, key ``floor``, with why each is set).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

EvidenceClass = Literal["same_story", "shared_name", "text_only"]
_SIGNALS_FILE = Path(__file__).parent / "data" / "related_signals.json"


@dataclass(slots=True, frozen=True)
class ClassFloor:
    relative: float = 0.0  # subject at least this share of the best candidate's subject
    min_shared_terms: int = 0  # and at least this many of the article's query terms in common


@dataclass(slots=True, frozen=True)
class RelevanceFloor:
    same_story: ClassFloor = ClassFloor()
    shared_name: ClassFloor = ClassFloor()
    text_only: ClassFloor = ClassFloor()

    def of(self, evidence: EvidenceClass) -> ClassFloor:
        if evidence == "same_story":
            return self.same_story
        if evidence == "shared_name":
            return self.shared_name
        return self.text_only


@dataclass(slots=True, frozen=True)
class Evidence:
    """What a candidate has in common with the article, as the floor reads it."""

    subject: float
    same_story: bool
    shared_names: int  # telling names (see kabar.link.related) in common
    shared_terms: int  # the article's query terms in common

    @property
    def kind(self) -> EvidenceClass:
        if self.same_story:
            return "same_story"
        if self.shared_names > 0:
            return "shared_name"
        return "text_only"


NO_FLOOR = RelevanceFloor()


def clears(floor: RelevanceFloor, evidence: Evidence, best_subject: float) -> bool:
    """Whether a candidate is shown, given the best subject score among the article's candidates."""
    bar = floor.of(evidence.kind)
    if evidence.shared_terms < bar.min_shared_terms:
        return False
    return evidence.subject >= bar.relative * best_subject


def _class_floor(raw: Any) -> ClassFloor:
    if not isinstance(raw, dict):
        raise ValueError(f"a class floor is an object, not {raw!r}")
    relative = float(raw.get("relative", 0.0))
    shared = int(raw.get("min_shared_terms", 0))
    # A relative floor above 1 would hide even the best candidate; NaN compares false everywhere.
    if not (math.isfinite(relative) and 0.0 <= relative <= 1.0) or shared < 0:
        raise ValueError(f"a class floor needs 0 <= relative <= 1 and min_shared_terms >= 0: {raw!r}")
    return ClassFloor(relative=relative, min_shared_terms=shared)


def parse_floor(data: Any) -> RelevanceFloor:
    """The ``floor`` object of the signals file; a missing class has no floor."""
    if not isinstance(data, dict):
        raise ValueError(f"the relevance floor is an object, not {data!r}")
    return RelevanceFloor(
        same_story=_class_floor(data.get("same_story", {})),
        shared_name=_class_floor(data.get("shared_name", {})),
        text_only=_class_floor(data.get("text_only", {})),
    )


@cache
def relevance_floor(path: Path = _SIGNALS_FILE) -> RelevanceFloor:
    """The shipped floor (``data/related_signals.json``); none when the file has no ``floor``."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return parse_floor(data["floor"]) if "floor" in data else NO_FLOOR


__all__ = [
    "NO_FLOOR",
    "ClassFloor",
    "Evidence",
    "EvidenceClass",
    "RelevanceFloor",
    "clears",
    "parse_floor",
    "relevance_floor",
]
