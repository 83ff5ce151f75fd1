"""Topical bit paths (:mod:`kabar.understand.ner.word_paths`) and the features made of them."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from kabar.understand.ner.features import (
    FeatureResources,
    default_resources,
    path_features,
    sentence_features,
)
from kabar.understand.ner.word_paths import PathOptions, build, load_paths

# Two kinds of name that the words right beside them do not tell apart ("X tampil", "X menang" read
# alike), but the words a few places away do: bands sit among concert words, clubs among match words.
BANDS = ("slank", "noah", "gigi", "padi", "dewa", "ungu")
CLUBS = ("persija", "persib", "arema", "persebaya", "psm", "persela")
MUSIC = "konser album lagu panggung penonton vokalis gitar"
FOOTBALL = "laga gol pelatih stadion liga wasit suporter"


def _corpus(path: Path) -> None:
    lines = []
    for k in range(240):
        band, club = BANDS[k % len(BANDS)], CLUBS[(k * 5) % len(CLUBS)]
        music, football = MUSIC.split(), FOOTBALL.split()
        m = " ".join(music[(k + j) % len(music)] for j in range(3))
        f = " ".join(football[(k + j) % len(football)] for j in range(3))
        lines.append({"body": f"{m} {band.title()} tampil malam ini {m}"})
        lines.append({"body": f"{f} {club.title()} tampil malam ini {f}"})
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")


def _shared(a: str, b: str) -> int:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def test_names_of_one_topic_share_longer_path_prefixes(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus.jsonl")
    out = tmp_path / "paths.tsv.gz"
    opts = PathOptions(contexts=40, window=3, dims=8, depth=8, min_leaf=1)
    assert build(tmp_path / "corpus.jsonl", out, opts) > len(BANDS) + len(CLUBS)
    paths = load_paths(out)
    assert set(BANDS) | set(CLUBS) <= set(paths)
    within = min(_shared(paths[a], paths[b]) for group in (BANDS, CLUBS) for a in group for b in group)
    across = max(_shared(paths[a], paths[b]) for a in BANDS for b in CLUBS)
    assert within > across


def test_build_is_deterministic(tmp_path: Path) -> None:
    _corpus(tmp_path / "corpus.jsonl")
    opts = PathOptions(contexts=40, window=3, dims=8, depth=8, min_leaf=1)
    build(tmp_path / "corpus.jsonl", tmp_path / "a.tsv.gz", opts)
    build(tmp_path / "corpus.jsonl", tmp_path / "b.tsv.gz", opts)
    with gzip.open(tmp_path / "a.tsv.gz", "rt") as a, gzip.open(tmp_path / "b.tsv.gz", "rt") as b:
        assert a.read() == b.read()


def test_features_carry_own_path_prefixes() -> None:
    base = default_resources()
    res = FeatureResources(
        base.clusters, base.gazetteer, base.lexicon, {"slank": "0110101", "konser": "1100"}
    )
    feats = sentence_features(["Konser", "Slank", "ditunda"], res)
    assert set(path_features("0110101")) <= set(feats[1])
    assert "bp4=0110" in feats[1] and "bp6=011010" in feats[1]
    assert "bp4=1100" in feats[0] and not any(f.startswith("bp[") for f in feats[1])
    assert not any(f.startswith("bp4=") for f in feats[2])  # no path, no own-path features


def test_shipped_paths_cover_news_words() -> None:
    paths = load_paths()
    assert {"jakarta", "persija", "golkar", "konser"} <= set(paths)
