"""Scoring methods for the extraction benchmark.

The Zyte (Scrapinghub) article-extraction benchmark scores an article body by
word 4-gram (shingle) multisets: per page, true/false positives and false
negatives are normalised to sum to one (so long pages weigh no more than short
ones); precision and recall are averaged over pages, and F1 is the harmonic
mean of the two averages. This mirrors the benchmark's own ``evaluate.py``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str | None, n: int = 4) -> Counter[str]:
    tokens = _TOKEN.findall(text or "")
    out: Counter[str] = Counter()
    for i in range(max(1, len(tokens) - n + 1)):
        shingle = " ".join(tokens[i : i + n])
        if shingle:
            out[shingle] += 1
    return out


@dataclass(slots=True)
class PageScore:
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fp == 0:
            return 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == 0 and self.fn == 0:
            return 1.0
        if self.tp == 0 and self.fn == 0:
            return 0.0
        return self.tp / (self.tp + self.fn)


def score_page(true: str | None, pred: str | None, n: int = 4) -> PageScore:
    t, p = shingles(true, n), shingles(pred, n)
    tp = fp = fn = 0
    for key in t.keys() | p.keys():
        tc, pc = t.get(key, 0), p.get(key, 0)
        tp += min(tc, pc)
        fp += max(0, pc - tc)
        fn += max(0, tc - pc)
    total = tp + fp + fn
    if total == 0:
        return PageScore(0.0, 0.0, 0.0)
    return PageScore(tp / total, fp / total, fn / total)


@dataclass(slots=True)
class CorpusScore:
    precision: float
    recall: float
    f1: float
    pages: int


def score_corpus(pages: list[PageScore]) -> CorpusScore:
    if not pages:
        return CorpusScore(0.0, 0.0, 0.0, 0)
    p = sum(s.precision for s in pages) / len(pages)
    r = sum(s.recall for s in pages) / len(pages)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return CorpusScore(p, r, f1, len(pages))


def body_f1(true: str | None, pred: str | None) -> float:
    """Per-page F1 of the same shingle overlap (used for the Indonesian gold set)."""
    s = score_page(true, pred)
    p, r = s.precision, s.recall
    return 2 * p * r / (p + r) if p + r else 0.0
