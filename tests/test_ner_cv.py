"""The NER cross-validation deals NERGrit train + valid into disjoint, repeatable folds and never a test split."""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.ner_cv import _save, load_runs, nergrit_folds, report

from kabar.understand.ner.train import SPLITS


def _write(tmp_path: Path, name: str, words: list[str]) -> None:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{w}\tB-PER\n\n" for w in words), encoding="utf-8")


def _data(tmp_path: Path) -> Path:
    train, dev = SPLITS["nergrit"]
    _write(tmp_path, train[0], [f"Train{i}" for i in range(17)])
    _write(tmp_path, dev[0], [f"Valid{i}" for i in range(6)])
    _write(tmp_path, "nergrit/test_preprocess.txt", ["Test0"])
    return tmp_path


def test_folds_partition_train_and_valid(tmp_path: Path) -> None:
    folds = nergrit_folds(_data(tmp_path), 5, 0)
    words = [s.tokens[0] for fold in folds for s in fold]
    assert sorted(words) == sorted([f"Train{i}" for i in range(17)] + [f"Valid{i}" for i in range(6)])
    assert [len(f) for f in folds] == [5, 5, 5, 4, 4]


def test_folds_repeat_with_the_seed_and_move_with_another(tmp_path: Path) -> None:
    data = _data(tmp_path)
    first = [[s.tokens for s in f] for f in nergrit_folds(data, 5, 0)]
    assert first == [[s.tokens for s in f] for f in nergrit_folds(data, 5, 0)]
    assert first != [[s.tokens for s in f] for f in nergrit_folds(data, 5, 1)]


def test_report_pairs_folds(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    def run(tp: int) -> dict[str, dict[str, dict[str, int]]]:
        counts = {"tp": {"PER": tp, "LOC": tp, "ORG": tp}, "fp": {"PER": 1}, "fn": {"ORG": 1}}
        return {name: counts for name in ("nergrit", "idner", "nerui")}

    base = tmp_path / "base.json"
    base.write_text(json.dumps({"folds": [run(3), run(3), run(3)]}), encoding="utf-8")
    report({0: run(9), 2: run(9)}, base)
    out = capsys.readouterr().out
    assert "paired difference vs base.json over folds [0, 2]" in out
    # PER and ORG F1 6/7 → 18/19, LOC 100 → 100: the type-macro mean rises 90.48 → 96.49.
    assert "nergrit   6.02 ± 0.00" in out


def test_saved_folds_accumulate_under_the_same_settings(tmp_path: Path) -> None:
    path = tmp_path / "run.json"
    counts = {"nergrit": {"tp": {"PER": 1}, "fp": {}, "fn": {}}}
    _save(path, {"c2": 0.1}, {1: counts})
    _save(path, {"c2": 0.1}, {3: counts})
    assert sorted(load_runs(path)) == [1, 3]
    _save(path, {"c2": 0.02}, {0: counts})  # other settings: the old folds are not theirs
    assert sorted(load_runs(path)) == [0]
