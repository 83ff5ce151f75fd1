"""benchmarks.related's figures when kabar shows fewer than ten related articles (the relevance floor).

- nDCG@10 divides by the ideal DCG of the judged pool, not of what was shown: a list cut
  short scores below one when it leaves out judged related articles;
- precision is the share of what is shown that is judged related; an empty list shows nothing
  and so has no precision to lower;
- the archive's cache key changes with the code that builds the archive and not with the
  ranking's code.
"""

from __future__ import annotations

import math
from pathlib import Path

from benchmarks.related import ndcg_at, score_set
from benchmarks.related_archive import cache_key, code_files

GRADES = {"a": 2, "b": 2, "c": 1, "d": 0}


def test_ndcg_of_a_short_list_is_over_the_judged_pool() -> None:
    ideal = 3 + 3 / math.log2(3) + 1 / 2
    assert math.isclose(ndcg_at(["a"], GRADES), 3 / ideal)
    assert ndcg_at(["a"], GRADES) < 1.0  # not 1.0, as an IDCG over the shown list would give
    assert math.isclose(ndcg_at(["a", "b", "c"], GRADES), 1.0)
    assert ndcg_at([], GRADES) == 0.0
    # An unrelated or unjudged item shown adds nothing but costs no gain either.
    assert math.isclose(ndcg_at(["a", "d", "x"], GRADES), ndcg_at(["a"], GRADES))


def test_precision_and_length_of_what_is_shown() -> None:
    judged = [
        {"id": "q1", "candidates": [{"id": k, "grade": g} for k, g in GRADES.items()]},
        {"id": "q2", "candidates": [{"id": "a", "grade": 1}]},
    ]
    ids = {"q1": 1, "q2": 2, "a": 10, "b": 11, "c": 12, "d": 13, "x": 14}
    shown = {1: [10, 13, 14], 2: []}  # q1: one related, one judged unrelated, one unjudged
    f = score_set(judged, ids, lambda i: shown[i])
    assert math.isclose(f.precision, 1 / 3)
    assert math.isclose(f.shown, 1.5)
    assert math.isclose(f.unjudged, 1 / 3)


def test_the_cache_key_follows_the_code_that_builds_the_archive(tmp_path: Path) -> None:
    built = {p.as_posix() for p in code_files()}
    assert any(p.endswith("understand/__init__.py") for p in built)
    assert any(p.endswith("archive/fts.py") for p in built)
    assert not any("/link/related" in p or "/serve/" in p for p in built), built
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("{}\n", encoding="utf-8")
    builder = tmp_path / "indexer.py"
    builder.write_text("x = 1\n", encoding="utf-8")
    before = cache_key(None, set(), corpus, [builder])
    assert cache_key(None, set(), corpus, [builder]) == before
    builder.write_text("x = 2\n", encoding="utf-8")
    assert cache_key(None, set(), corpus, [builder]) != before
    assert cache_key(100, {"a"}, corpus, [builder]) != cache_key(100, {"b"}, corpus, [builder])
