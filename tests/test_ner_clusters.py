"""Word-class files: the shipped four-column form and the optional fifth, finer cut both load."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from pathlib import Path

from kabar.understand.ner.clusters import ClusterOptions, WordClass, build, load_clusters


def _corpus(tmp_path: Path) -> Path:
    bodies = [
        "Presiden Joko Widodo berkunjung ke Bandung dan Surabaya kemarin.",
        "Menteri Sri Mulyani berkunjung ke Medan dan Makassar pekan lalu.",
        "Gubernur Ridwan Kamil berkunjung ke Bogor dan Depok hari ini.",
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps({"body": b}) + "\n" for b in bodies * 3), encoding="utf-8")
    return path


def test_four_columns_load_with_an_unknown_finest_class(tmp_path: Path) -> None:
    path = tmp_path / "four.tsv.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("jakarta\t3\t17\talways\n")
    assert load_clusters(path) == {"jakarta": WordClass("3", "17", "always", "?")}


def test_a_finest_cut_is_a_fifth_column_and_leaves_the_others_alone(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    small = ClusterOptions(min_count=2, contexts=20, coarse_k=2, fine_k=4, iterations=3)
    plain, finer = tmp_path / "plain.tsv.gz", tmp_path / "finer.tsv.gz"
    build(corpus, plain, small)
    build(corpus, finer, replace(small, finest_k=6))
    four, five = load_clusters(plain), load_clusters(finer)
    assert four.keys() == five.keys()
    assert all(w.finest == "?" for w in four.values())
    assert {w: (c.coarse, c.fine, c.caps) for w, c in five.items()} == {
        w: (c.coarse, c.fine, c.caps) for w, c in four.items()
    }
    assert len({c.finest for c in five.values()}) > 1
