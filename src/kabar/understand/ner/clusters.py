"""Word classes learned from unlabelled news text, the NER model's main help with unseen words.

Each word of the corpus (lowercased, seen at least ``min_count`` times) gets a coarse and a fine
cluster id from spherical k-means over its left/right neighbour counts (PPMI-weighted), plus how
often it is written capitalised away from a sentence start. Brown clusters would do the same job,
but no maintained Python package builds them and a pure-Python Brown run over a million tokens takes
hours; k-means over context vectors with numpy takes about a minute (the shipped file is plain text).

Build: ``python -m kabar.understand.ner.clusters CORPUS.jsonl OUT.tsv.gz [EXTRA.conll …]``. The shipped
file was built with ``min_count=2`` from IndoSum and the tokens (never the tags) of the three NER
training splits (``TRAIN_TEXTS``): NERGrit's Wikipedia vocabulary is mostly absent from news, and
giving its words classes of their own raised NER dev-split F1 by about 0.7 points on average.
"""

from __future__ import annotations

import gzip
import json
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kabar.understand.ner.tokenize import tokenize

DATA = Path(__file__).resolve().parent / "data"
CLUSTER_FILE = DATA / "clusters.tsv.gz"


@dataclass(slots=True, frozen=True)
class WordClass:
    coarse: str
    fine: str
    caps: str  # "always" | "mostly" | "mixed" | "rarely" | "never": capitalised mid-sentence
    finest: str = "?"  # a third, finer k-means cut (fifth column; "?" in a four-column file)


@dataclass(slots=True, frozen=True)
class ClusterOptions:
    min_count: int = 2
    contexts: int = 600
    coarse_k: int = 48
    fine_k: int = 384
    finest_k: int = 0  # 0: no finest layer (a four-column file)
    iterations: int = 25
    seed: int = 13
    window: int = 1  # neighbours on each side that make up a word's context vector


@lru_cache(maxsize=2)
def load_clusters(path: Path = CLUSTER_FILE) -> dict[str, WordClass]:
    out: dict[str, WordClass] = {}
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            parts = line.rstrip("\n").split("\t")
            if len(parts) in (4, 5):
                out[parts[0]] = WordClass(*parts[1:])
    return out


def _caps_bucket(ratio: float) -> str:
    if ratio >= 0.95:
        return "always"
    if ratio >= 0.6:
        return "mostly"
    if ratio >= 0.2:
        return "mixed"
    return "rarely" if ratio > 0.02 else "never"


def _corpus_sentences(path: Path) -> list[list[str]]:
    out: list[list[str]] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            body = json.loads(line).get("body") or ""
            for para in body.split("\n\n"):
                toks = [t.text for t in tokenize(para)]
                if toks:
                    out.append(toks)
    return out


def build(
    corpus: Path, out: Path, options: ClusterOptions | None = None, extra: tuple[Path, ...] = ()
) -> int:
    """Cluster the words of ``corpus`` (IndoSum-style JSONL) and of ``extra`` CoNLL files (their tokens only)."""
    import numpy as np  # training-time only

    from kabar.understand.ner.conll import read_conll

    opts = options or ClusterOptions()
    sents = _corpus_sentences(corpus)
    for path in extra:
        sents.extend(s.tokens for s in read_conll(path))
    counts: Counter[str] = Counter()
    caps: Counter[str] = Counter()
    mid: Counter[str] = Counter()
    for toks in sents:
        prev = "."
        for tok in toks:
            low = tok.lower()
            counts[low] += 1
            if prev not in {".", "!", "?", '"', ":"} and tok[:1].isalpha():
                mid[low] += 1
                caps[low] += tok[:1].isupper()
            prev = tok
    vocab = [w for w, c in counts.most_common() if c >= opts.min_count]
    index = {w: i for i, w in enumerate(vocab)}
    ctx = {w: i for i, w in enumerate(vocab[: opts.contexts])}
    offsets = [o for o in range(-opts.window, opts.window + 1) if o]
    mat = np.zeros((len(vocab), len(offsets) * len(ctx)), dtype=np.float32)
    for toks in sents:
        lows = [t.lower() for t in toks]
        for i, w in enumerate(lows):
            row = index.get(w)
            if row is None:
                continue
            for block, off in enumerate(offsets):
                j = i + off
                if 0 <= j < len(lows) and (c := ctx.get(lows[j])) is not None:
                    mat[row, block * len(ctx) + c] += 1
    total = mat.sum()
    pmi = np.log((mat * total + 1e-9) / (mat.sum(1, keepdims=True) * mat.sum(0, keepdims=True) + 1e-9))
    mat = np.maximum(pmi, 0) * (mat > 0)
    mat /= np.linalg.norm(mat, axis=1, keepdims=True) + 1e-9
    coarse = _kmeans(mat, opts.coarse_k, opts)
    fine = _kmeans(mat, opts.fine_k, opts)
    finest = _kmeans(mat, opts.finest_k, opts) if opts.finest_k else []
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for i, w in enumerate(vocab):
            ratio = caps[w] / mid[w] if mid[w] else 0.0
            bucket = _caps_bucket(ratio) if mid[w] >= 2 else "unknown"
            last = f"\t{finest[i]}" if finest else ""
            handle.write(f"{w}\t{coarse[i]}\t{fine[i]}\t{bucket}{last}\n")
    return len(vocab)


def _kmeans(mat: object, k: int, opts: ClusterOptions) -> list[int]:
    import numpy as np

    x = np.asarray(mat)
    rng = np.random.default_rng(opts.seed)
    centres = x[rng.choice(len(x), size=k, replace=False)].copy()
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(opts.iterations):
        labels = np.argmax(x @ centres.T, axis=1)
        for j in range(k):
            members = x[labels == j]
            if len(members):
                c = members.sum(0)
                centres[j] = c / (np.linalg.norm(c) + 1e-9)
    return [int(v) for v in labels]


# Relative to the NER data directory: the training splits only, so no dev or test text shapes a class.
TRAIN_TEXTS = ("idner-news-2k/train.txt", "nergrit/train_preprocess.txt", "nerui/train.01.tsv")

if __name__ == "__main__":  # pragma: no cover - training-time tool
    # ``--finest K`` (first) adds a fifth column, a K-class cut, for experiments (benchmarks.ner_cv).
    args = sys.argv[1:]
    finest = int(args[1]) if args[:1] == ["--finest"] else 0
    args = args[2:] if finest else args
    n = build(
        Path(args[0]),
        Path(args[1]) if len(args) > 1 else CLUSTER_FILE,
        ClusterOptions(finest_k=finest),
        extra=tuple(Path(p) for p in args[2:]),
    )
    print(f"{n} words clustered")
