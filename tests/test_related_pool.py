"""A blind pooling round of the related judged sets (benchmarks.related_pool, related_rounds).

- the pairs to judge are every unjudged (query, candidate) of the dumps, once, with the texts
  of both sides and nothing that tells which ranking proposed a candidate or at which rank;
- merged grades carry the round's name, and the figures on the pool before the round leave
  them out (what was unjudged then counts 0 again).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from benchmarks import related_pool, related_rounds
from benchmarks.related import ndcg_at

QUERIES = [
    {
        "id": "q1",
        "headline": "Q1",
        "candidates": [{"id": "a", "grade": 1, "label": "related", "headline": "A", "pool": "tfidf"}],
    }
]


@pytest.fixture
def judged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "judged.json"
    data.write_text(json.dumps({"_about": "x", "queries": QUERIES}), encoding="utf-8")
    corpus = tmp_path / "corpus.jsonl"
    rows = [{"id": i, "title_from_slug": i.upper(), "body": f"lead of {i}"} for i in ("q1", "a", "b", "c")]
    corpus.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    monkeypatch.setitem(related_pool.SETS, "tune", data)
    monkeypatch.setattr(related_pool, "CORPUS", corpus)
    return data


def _dump(path: Path, rankings: dict[str, list[str]]) -> Path:
    doc = {"set": "tune", "code": "x", "rankings": {name: {"q1": r} for name, r in rankings.items()}}
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_the_pairs_are_the_unjudged_ones_once_without_their_source(judged: Path, tmp_path: Path) -> None:
    one = _dump(tmp_path / "one.json", {"kabar relevant": ["a", "b", "c"], "BM25 more-like-this": ["c", "b"]})
    two = _dump(tmp_path / "two.json", {"kabar relevant": ["q1", "b"]})
    out = tmp_path / "pairs.json"
    related_pool.pairs("tune", [one, two], out, seed=1)
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(r["candidate"] for r in rows) == ["b", "c"]  # judged "a" and the query itself left out
    assert all(set(r) == {"query", "q", "candidate", "c"} for r in rows)
    assert rows[0]["c"]["lead"].startswith("lead of")


def test_merged_grades_are_one_round_that_the_figures_can_leave_out(judged: Path, tmp_path: Path) -> None:
    pairs = tmp_path / "judged_pairs.json"
    pairs.write_text(
        json.dumps([{"query": "q1", "candidate": "b", "c": {"headline": "B"}, "grade": 2}]), encoding="utf-8"
    )
    related_pool.merge("tune", pairs, "round2")
    queries = json.loads(judged.read_text(encoding="utf-8"))["queries"]
    added = [c for c in queries[0]["candidates"] if c["id"] == "b"]
    assert added == [{"id": "b", "grade": 2, "label": "same story", "headline": "B", "pool": "round2"}]
    ranking = {"q1": ["b", "a"]}
    before = related_rounds.figures(queries, ranking, leave_out="round2")
    after = related_rounds.figures(queries, ranking, leave_out=None)
    assert "unjudged 0.50" in before and "unjudged 0.00" in after
    assert math.isclose(ndcg_at(["b", "a"], {"a": 1}), 1 / math.log2(3))
    assert f"nDCG@10 {1 / math.log2(3):.3f}" in before and "nDCG@10 1.000" in after
