"""Entity-level scoring in the manner of conlleval: a span counts only if type and both ends match."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

TYPES = ("PER", "LOC", "ORG")


def spans(tags: Sequence[str]) -> set[tuple[int, int, str]]:
    """IOB tags → (start, end, type) spans; an I- after O or another type opens a span (conlleval)."""
    out: set[tuple[int, int, str]] = set()
    start = -1
    kind = ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        continues = prefix == "I" and typ == kind and start >= 0
        if not continues:
            if start >= 0:
                out.add((start, i, kind))
            start, kind = (i, typ) if prefix in ("B", "I") else (-1, "")
    return out


@dataclass(slots=True)
class Score:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Sequence[str], predicted: Sequence[str]) -> None:
        g, p = spans(gold), spans(predicted)
        for s in p & g:
            self.tp[s[2]] += 1
        for s in p - g:
            self.fp[s[2]] += 1
        for s in g - p:
            self.fn[s[2]] += 1

    def f1(self, kind: str | None = None) -> float:
        if kind is None:
            tp, fp, fn = sum(self.tp.values()), sum(self.fp.values()), sum(self.fn.values())
        else:
            tp, fp, fn = self.tp[kind], self.fp[kind], self.fn[kind]
        return 200.0 * tp / (2 * tp + fp + fn) if tp else 0.0

    def macro_f1(self) -> float:
        """Type-macro F1 (IndoNLU reports this): the mean of the per-type F1s."""
        return sum(self.f1(t) for t in TYPES) / len(TYPES)
