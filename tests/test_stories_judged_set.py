"""The judged story sets of benchmarks/ are well formed, disjoint and name real corpus articles."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import ROOT, shared_path

_DATA = ROOT / "benchmarks" / "data"
_SETS = ["stories_judged.json", "stories_judged_fresh.json"]


def _load(name: str) -> dict[str, list[dict[str, object]]]:
    doc: dict[str, list[dict[str, object]]] = json.loads((_DATA / name).read_text(encoding="utf-8"))
    return doc


@pytest.mark.parametrize("name", _SETS)
def test_judged_set_shape(name: str) -> None:
    doc = _load(name)
    stories = doc["stories"]
    assert sum(len(s["ids"]) >= 3 for s in stories) >= 20  # type: ignore[arg-type]
    ids = [i for s in stories for i in s["ids"]]  # type: ignore[attr-defined]
    assert len(ids) == len(set(ids)), "an article is judged into two stories"
    keys = {s["key"] for s in stories}
    assert len(keys) == len(stories)
    assert doc["hard_negatives"] and all(n["a"] in keys and n["b"] in keys for n in doc["hard_negatives"])


def test_the_fresh_set_shares_no_article_or_story() -> None:
    old, fresh = (_load(name) for name in _SETS)
    old_ids = {i for s in old["stories"] for i in s["ids"]}  # type: ignore[attr-defined]
    fresh_ids = {i for s in fresh["stories"] for i in s["ids"]}  # type: ignore[attr-defined]
    assert not old_ids & fresh_ids
    assert not {s["key"] for s in old["stories"]} & {s["key"] for s in fresh["stories"]}


@pytest.mark.parametrize("name", _SETS)
def test_judged_ids_are_in_the_corpus(name: str) -> None:
    corpus: Path = shared_path("corpus", "indosum-dev.jsonl")
    known = {
        json.loads(line)["id"] for line in corpus.read_text(encoding="utf-8").splitlines() if line.strip()
    }
    missing = [i for s in _load(name)["stories"] for i in s["ids"] if i not in known]  # type: ignore[attr-defined]
    assert not missing
