"""TempEval-3's timex scores over TimeML documents: recognition strict (same span) and relaxed
(overlapping span) precision, recall and F1; over relaxed matches, type and value accuracy and
the value's precision, recall and F1 (a value counts when its span matched and its value agrees).

Each system TIMEX3 matches at most one gold TIMEX3 (an exact span first, else the first
overlapping one not yet taken), so one long span over two gold ones counts once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kabar.understand.timeml.document import TimemlDoc, Timex3


@dataclass(slots=True)
class Counts:
    gold: int = 0
    system: int = 0
    strict: int = 0
    relaxed: int = 0
    type_right: int = 0
    value_right: int = 0
    missing_docs: list[str] = field(default_factory=list)

    def add(self, other: Counts) -> None:
        self.gold += other.gold
        self.system += other.system
        self.strict += other.strict
        self.relaxed += other.relaxed
        self.type_right += other.type_right
        self.value_right += other.value_right
        self.missing_docs.extend(other.missing_docs)


@dataclass(slots=True, frozen=True)
class Prf:
    precision: float
    recall: float
    f1: float


def prf(hits: int, system: int, gold: int) -> Prf:
    p = hits / system if system else 0.0
    r = hits / gold if gold else 0.0
    return Prf(p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass(slots=True, frozen=True)
class Scores:
    counts: Counts
    strict: Prf
    relaxed: Prf
    value: Prf
    type_accuracy: float
    value_accuracy: float

    def lines(self) -> list[str]:
        c = self.counts
        return [
            f"gold {c.gold}, system {c.system}, strict matches {c.strict}, relaxed matches {c.relaxed}",
            f"strict   P {self.strict.precision:.3f} R {self.strict.recall:.3f} F1 {self.strict.f1:.3f}",
            f"relaxed  P {self.relaxed.precision:.3f} R {self.relaxed.recall:.3f} F1 {self.relaxed.f1:.3f}",
            f"type accuracy {self.type_accuracy:.3f}, value accuracy {self.value_accuracy:.3f} (of relaxed matches)",
            f"value    P {self.value.precision:.3f} R {self.value.recall:.3f} F1 {self.value.f1:.3f}",
        ]


def _same_value(a: str, b: str) -> bool:
    return a.strip().upper() == b.strip().upper()


def count_doc(gold: TimemlDoc, system: TimemlDoc) -> Counts:
    c = Counts(gold=len(gold.timexes), system=len(system.timexes))
    taken: set[int] = set()
    for s in system.timexes:
        match: Timex3 | None = None
        for i, g in enumerate(gold.timexes):
            if i not in taken and (g.start, g.end) == (s.start, s.end):
                match, index = g, i
                break
        else:
            for i, g in enumerate(gold.timexes):
                if i not in taken and g.start < s.end and s.start < g.end:
                    match, index = g, i
                    break
        if match is None:
            continue
        taken.add(index)
        c.relaxed += 1
        c.strict += (match.start, match.end) == (s.start, s.end)
        c.type_right += match.type == s.type
        c.value_right += _same_value(match.value, s.value)
    return c


def scores(counts: Counts) -> Scores:
    matched = counts.relaxed
    return Scores(
        counts=counts,
        strict=prf(counts.strict, counts.system, counts.gold),
        relaxed=prf(counts.relaxed, counts.system, counts.gold),
        value=prf(counts.value_right, counts.system, counts.gold),
        type_accuracy=counts.type_right / matched if matched else 0.0,
        value_accuracy=counts.value_right / matched if matched else 0.0,
    )


def score_docs(pairs: list[tuple[TimemlDoc, TimemlDoc | None]]) -> Scores:
    """Scores over (gold, system) documents; a gold document the run lacks counts all its TIMEX3 missed."""
    total = Counts()
    for gold, system in pairs:
        if system is None:
            total.add(Counts(gold=len(gold.timexes), missing_docs=[gold.docid]))
            continue
        total.add(count_doc(gold, system))
    return scores(total)
