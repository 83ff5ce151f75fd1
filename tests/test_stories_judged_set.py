"""The judged story set of benchmarks/ is well formed and names real corpus articles."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import ROOT, shared_path

_JUDGED = ROOT / "benchmarks" / "data" / "stories_judged.json"


def test_judged_set_shape() -> None:
    doc = json.loads(_JUDGED.read_text(encoding="utf-8"))
    stories = doc["stories"]
    assert sum(len(s["ids"]) >= 3 for s in stories) >= 20
    ids = [i for s in stories for i in s["ids"]]
    assert len(ids) == len(set(ids)), "an article is judged into two stories"
    keys = {s["key"] for s in stories}
    assert len(keys) == len(stories)
    assert doc["hard_negatives"] and all(n["a"] in keys and n["b"] in keys for n in doc["hard_negatives"])


def test_judged_ids_are_in_the_corpus() -> None:
    corpus: Path = shared_path("corpus", "indosum-dev.jsonl")
    known = {
        json.loads(line)["id"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    }
    doc = json.loads(_JUDGED.read_text(encoding="utf-8"))
    missing = [i for s in doc["stories"] for i in s["ids"] if i not in known]
    assert not missing
