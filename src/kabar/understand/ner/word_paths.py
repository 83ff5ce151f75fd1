"""Hierarchical word classes (Brown-style bit strings) from the topics words occur in.

:mod:`.clusters` groups words by their immediate neighbours, which mostly says what part of speech a
word is. Names of one kind share more than that: bands, TV channels and clubs are written near the
same words a few places away (``konser``, ``album``; ``tayang``, ``siaran``; ``laga``, ``pelatih``).
Here each word gets a vector from a wider window (PPMI over ±``window`` word counts, reduced by SVD, as
in Levy & Goldberg's analysis of word2vec) and the vectors are split in two again and again (spherical
2-means), so every word has a path of bits like a Brown cluster: its prefixes of a few lengths are
coarse and fine classes at once, and a word's neighbours' short prefixes say what the text is about.

Brown clustering itself would do, but no maintained Python package builds it and a pure-Python run
over a million tokens takes hours; this takes about a minute with numpy alone.

Build: ``python -m kabar.understand.ner.word_paths CORPUS.jsonl OUT.tsv.gz [EXTRA.conll …]`` (the
same corpus and training texts as :mod:`.clusters`; the shipped file is built by ``make ner-model``).
"""

from __future__ import annotations

import gzip
import sys
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

DATA = Path(__file__).resolve().parent / "data"
PATH_FILE = DATA / "word_paths.tsv.gz"


@dataclass(slots=True, frozen=True)
class PathOptions:
    min_count: int = 2
    contexts: int = 3000  # most frequent words that make up the context columns
    window: int = 4  # words on each side counted as context
    dims: int = 100
    depth: int = 14  # longest path; a node this deep or smaller than 2 * min_leaf is a leaf
    min_leaf: int = 3
    iterations: int = 12
    seed: int = 13
    smoothing: float = 0.75  # context-distribution smoothing of the PPMI (Levy et al. 2015)


@lru_cache(maxsize=2)
def load_paths(path: Path = PATH_FILE) -> dict[str, str]:
    """Lowercased word → its bit path; an absent file (a build without it) gives no paths."""
    out: dict[str, str] = {}
    if not path.exists():
        return out
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            word, _, bits = line.rstrip("\n").partition("\t")
            if bits:
                out[word] = bits
    return out


def _cooccurrence(sents: list[list[str]], index: dict[str, int], opts: PathOptions) -> np.ndarray:
    """(row, context, count) triples of the sparse word × context count matrix."""
    import numpy as np

    rows: list[int] = []
    cols: list[int] = []
    for toks in sents:
        ids = [index.get(t, -1) for t in toks]
        for i, row in enumerate(ids):
            if row < 0:
                continue
            for j in range(max(0, i - opts.window), min(len(ids), i + opts.window + 1)):
                if j != i and 0 <= ids[j] < opts.contexts:
                    rows.append(row)
                    cols.append(ids[j])
    keys = np.asarray(rows, dtype=np.int64) * opts.contexts + np.asarray(cols, dtype=np.int64)
    uniq, counts = np.unique(keys, return_counts=True)
    return np.stack([uniq // opts.contexts, uniq % opts.contexts, counts]).astype(np.int64)


def embed(sents: list[list[str]], vocab: list[str], opts: PathOptions) -> np.ndarray:
    """Unit vectors (len(vocab) × dims): rows of U·√S of the SVD of the words' PPMI matrix."""
    import numpy as np

    index = {w: i for i, w in enumerate(vocab)}
    trip = _cooccurrence(sents, index, opts)
    row, col, cnt = trip[0], trip[1], trip[2].astype(np.float64)
    row_sum = np.bincount(row, weights=cnt, minlength=len(vocab))
    col_mass = np.bincount(col, weights=cnt, minlength=opts.contexts) ** opts.smoothing
    pmi = np.log(cnt * col_mass.sum() / (row_sum[row] * col_mass[col]))
    keep = pmi > 0
    row, col, val = row[keep], col[keep], pmi[keep].astype(np.float32)
    # SVD through the contexts' Gram matrix (contexts × contexts), built a block of rows at a time so
    # the dense word × context matrix never exists whole.
    block = 4096
    gram = np.zeros((opts.contexts, opts.contexts), dtype=np.float64)
    order = np.argsort(row, kind="stable")
    row, col, val = row[order], col[order], val[order]
    bounds = np.searchsorted(row, np.arange(0, len(vocab) + block, block))
    for b in range(len(bounds) - 1):
        dense = _dense(row, col, val, bounds[b], bounds[b + 1], b * block, block, opts).astype(np.float64)
        gram += dense.T @ dense
    eigval, eigvec = np.linalg.eigh(gram)
    top = np.argsort(eigval)[::-1][: opts.dims]
    sing = np.sqrt(np.maximum(eigval[top], 1e-12))
    proj = (eigvec[:, top] / np.sqrt(sing)).astype(np.float32)  # U·S·S^-1/2 = U·√S
    out = np.zeros((len(vocab), opts.dims), dtype=np.float32)
    for b in range(len(bounds) - 1):
        dense = _dense(row, col, val, bounds[b], bounds[b + 1], b * block, block, opts)
        out[b * block : b * block + len(dense)] = dense[: len(vocab) - b * block] @ proj
    out /= np.linalg.norm(out, axis=1, keepdims=True) + 1e-9
    return out


def _dense(
    row: np.ndarray,
    col: np.ndarray,
    val: np.ndarray,
    lo: int,
    hi: int,
    first: int,
    block: int,
    opts: PathOptions,
) -> np.ndarray:
    import numpy as np

    dense = np.zeros((block, opts.contexts), dtype=np.float32)
    dense[row[lo:hi] - first, col[lo:hi]] = val[lo:hi]
    return dense


def bisect(vectors: np.ndarray, opts: PathOptions) -> list[str]:
    """Each row's bit path from recursive spherical 2-means (deterministic for a seed)."""
    import numpy as np

    rng = np.random.default_rng(opts.seed)
    paths = [""] * len(vectors)
    stack: list[tuple[np.ndarray, str]] = [(np.arange(len(vectors)), "")]
    while stack:
        members, prefix = stack.pop()
        for m in members.tolist():
            paths[m] = prefix
        if len(prefix) >= opts.depth or len(members) < 2 * opts.min_leaf:
            continue
        x = vectors[members]
        centres = x[rng.choice(len(x), size=2, replace=False)].copy()
        side = np.zeros(len(x), dtype=bool)
        for _ in range(opts.iterations):
            side = (x @ centres[1]) > (x @ centres[0])
            if side.all() or not side.any():
                break
            for k, part in enumerate((~side, side)):
                c = x[part].sum(0)
                centres[k] = c / (np.linalg.norm(c) + 1e-9)
        if side.all() or not side.any():
            continue
        stack.append((members[~side], prefix + "0"))
        stack.append((members[side], prefix + "1"))
    return paths


def build(corpus: Path, out: Path, options: PathOptions | None = None, extra: tuple[Path, ...] = ()) -> int:
    """Paths for the words of ``corpus`` (IndoSum-style JSONL) and of ``extra`` CoNLL files' tokens."""
    from kabar.understand.ner.clusters import _corpus_sentences
    from kabar.understand.ner.conll import read_conll

    opts = options or PathOptions()
    sents = [[t.lower() for t in s] for s in _corpus_sentences(corpus)]
    for path in extra:
        sents.extend([t.lower() for t in s.tokens] for s in read_conll(path))
    counts = Counter(t for s in sents for t in s)
    vocab = [w for w, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])) if c >= opts.min_count]
    paths = bisect(embed(sents, vocab, opts), opts)
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for word, bits in zip(vocab, paths, strict=True):
            handle.write(f"{word}\t{bits or '-'}\n")
    return len(vocab)


if __name__ == "__main__":  # pragma: no cover - training-time tool
    n = build(
        Path(sys.argv[1]),
        Path(sys.argv[2]) if len(sys.argv) > 2 else PATH_FILE,
        extra=tuple(Path(p) for p in sys.argv[3:]),
    )
    print(f"{n} words given paths")
