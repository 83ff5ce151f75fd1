"""Shared pieces of the story benchmark: the corpus as Articles, the judged set, and the scores.

BCubed (Bagga & Baldwin 1998; Amigó et al. 2009) and pairwise precision/recall/F1, computed over
the judged articles only after the whole corpus was clustered.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from kabar.model import Article

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus" / "indosum-dev.jsonl"
JUDGED = Path(__file__).resolve().parent / "data" / "stories_judged.json"
# Judged later, by another reader, from the corpus alone (never from kabar's output), after the
# join-or-open model was fitted: never read by story_train, so it is a clean test set.
FRESH = Path(__file__).resolve().parent / "data" / "stories_judged_fresh.json"


@dataclass(slots=True)
class CorpusArticle:
    key: str  # the corpus id
    article: Article


def load_corpus(path: Path = CORPUS, time_order: bool = True) -> list[CorpusArticle]:
    """The corpus as Articles (it has no headlines), in time order (ties by id) or, with
    ``time_order=False``, in the file's own order, as ``kabar ingest`` of the JSONL meets it."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if time_order:
        rows.sort(key=lambda r: (r["published_utc"], r["id"]))
    out = []
    for r in rows:
        paragraphs = [p.strip() for p in r["body"].split("\n\n") if p.strip()]
        out.append(
            CorpusArticle(
                key=r["id"],
                article=Article(
                    headline=None,
                    published=datetime.fromisoformat(r["published_utc"]),
                    paragraphs=paragraphs,
                    url=r["url"],
                    canonical_url=f"{r['url']}#{r['id']}",  # the corpus repeats a few URLs
                    outlet=r["source"],
                    section=r.get("category"),
                ),
            )
        )
    return out


@dataclass(slots=True)
class Judged:
    gold: dict[str, str]  # corpus id → story key
    stories: list[dict[str, object]]
    hard_negatives: list[tuple[str, str]]


def load_judged(path: Path = JUDGED) -> Judged:
    return _judged(json.loads(path.read_text(encoding="utf-8")))


def load_fresh(path: Path = FRESH) -> Judged | None:
    """The fresh test set, or None where it is absent."""
    return _judged(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else None


def _judged(doc: dict[str, list[dict[str, Any]]]) -> Judged:
    gold = {str(i): str(s["key"]) for s in doc["stories"] for i in s["ids"]}
    negs = [(str(n["a"]), str(n["b"])) for n in doc["hard_negatives"]]
    return Judged(gold=gold, stories=list(doc["stories"]), hard_negatives=negs)


@dataclass(slots=True, frozen=True)
class Halves:
    first: dict[str, str]  # corpus id → story key, the earlier stories (weights are fitted here)
    second: dict[str, str]  # the later stories: held out


def halves(judged: Judged) -> Halves:
    """The judged stories split in two by time (each story by its earliest article)."""
    order = sorted(judged.stories, key=lambda s: min(str(i) for i in s["ids"]))  # type: ignore[attr-defined]
    half = len(order) // 2
    first = {str(i): str(s["key"]) for s in order[:half] for i in s["ids"]}  # type: ignore[attr-defined]
    second = {str(i): str(s["key"]) for s in order[half:] for i in s["ids"]}  # type: ignore[attr-defined]
    return Halves(first=first, second=second)


@dataclass(slots=True)
class Scores:
    bcubed_p: float
    bcubed_r: float
    bcubed_f: float
    pair_p: float
    pair_r: float
    pair_f: float
    items: int
    merged_hard_negatives: int = 0

    def line(self) -> str:
        return (
            f"BCubed P {self.bcubed_p:.3f} R {self.bcubed_r:.3f} F1 {self.bcubed_f:.3f} | "
            f"pairwise P {self.pair_p:.3f} R {self.pair_r:.3f} F1 {self.pair_f:.3f} | "
            f"{self.items} judged articles, hard negatives merged: {self.merged_hard_negatives}"
        )


def _f(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def score(
    gold: Mapping[str, str], predicted: Mapping[str, object], negatives: Iterable[tuple[str, str]] = ()
) -> Scores:
    items = [i for i in gold if i in predicted]
    by_gold: dict[str, set[str]] = defaultdict(set)
    by_pred: dict[object, set[str]] = defaultdict(set)
    for i in items:
        by_gold[gold[i]].add(i)
        by_pred[predicted[i]].add(i)
    p_sum = r_sum = 0.0
    for i in items:
        same_pred = by_pred[predicted[i]]
        same_gold = by_gold[gold[i]]
        both = len(same_pred & same_gold)
        p_sum += both / len(same_pred)
        r_sum += both / len(same_gold)
    n = max(1, len(items))
    bp, br = p_sum / n, r_sum / n
    tp = sum(c * (c - 1) // 2 for c in Counter((gold[i], predicted[i]) for i in items).values())
    pred_pairs = sum(len(s) * (len(s) - 1) // 2 for s in by_pred.values())
    gold_pairs = sum(len(s) * (len(s) - 1) // 2 for s in by_gold.values())
    pp = tp / pred_pairs if pred_pairs else 1.0
    pr = tp / gold_pairs if gold_pairs else 1.0
    merged = 0
    for a, b in negatives:
        clusters_a = {predicted[i] for i in by_gold.get(a, ())}
        clusters_b = {predicted[i] for i in by_gold.get(b, ())}
        merged += bool(clusters_a & clusters_b)
    return Scores(bp, br, _f(bp, br), pp, pr, _f(pp, pr), len(items), merged)
