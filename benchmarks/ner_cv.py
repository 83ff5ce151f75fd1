"""NER model selection by k-fold cross-validation over NERGrit train + valid (test never read).

Run: ``.venv/bin/python -m benchmarks.ner_cv [--folds 5] [--jobs 2] [--c1 …] [--save A.json]
[--against B.json]`` (``--load A.json --against B.json`` compares two saved runs). NERGrit's valid split has 209 sentences, so one dev figure moves by ±0.5 for
nothing; here its train and valid splits are pooled (1,881 sentences), shuffled with a fixed seed and
cut into ``--folds`` folds. Fold ``k``'s model is trained as ``make ner-model`` trains (the features and
gazetteers in the worktree, idner-news-2k and NER-UI fold 1 train splits, NERGrit twice) on every
NERGrit fold but ``k``, then scores NERGrit fold ``k`` and the idner-news-2k and NER-UI dev splits.

Printed: each fold's figures, then per data set the mean and sample standard deviation over folds and
NERGrit's pooled F1 (every held-out sentence scored once). ``--against`` a run saved with ``--save``
prints the paired per-fold differences (same folds, same seed): a change is worth keeping only when
its mean difference clears that spread. The word classes were built from the train splits' tokens
(never tags), so a held-out NERGrit train sentence's words have classes and a valid one's may not;
both configurations compared share that.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from kabar.understand.ner.conll import Sentence, read_conll
from kabar.understand.ner.scoring import Score
from kabar.understand.ner.tagger import NerTagger, TaggerOptions
from kabar.understand.ner.train import DEFAULT_DATA, SPLITS, TrainOptions, train_on

SETS = ("nergrit", "idner", "nerui")
Counts = dict[str, dict[str, dict[str, int]]]  # set → tp/fp/fn → type → count


@dataclass(slots=True, frozen=True)
class FoldJob:
    fold: int
    folds: int
    seed: int
    options: TrainOptions


def nergrit_folds(data: Path, folds: int, seed: int) -> list[list[Sentence]]:
    """NERGrit train + valid, shuffled with ``seed`` and dealt into ``folds`` folds."""
    train, dev = SPLITS["nergrit"]
    pool = [s for name in (*train, *dev) for s in read_conll(data / name)]
    order = list(range(len(pool)))
    random.Random(seed).shuffle(order)
    return [[pool[i] for i in order[k::folds]] for k in range(folds)]


def _score(model: Path, convention: str, sentences: list[Sentence]) -> Score:
    tagger = NerTagger(TaggerOptions(model=model, convention=convention))
    score = Score()
    tags = tagger.tag_batch([s.tokens for s in sentences], (convention,))
    for s, predicted in zip(sentences, tags, strict=True):
        score.add(s.tags, predicted[0])
    return score


def _counts(score: Score) -> dict[str, dict[str, int]]:
    return {"tp": dict(score.tp), "fp": dict(score.fp), "fn": dict(score.fn)}


def _from_counts(counts: dict[str, dict[str, int]]) -> Score:
    return Score(Counter(counts["tp"]), Counter(counts["fp"]), Counter(counts["fn"]))


def run_fold(job: FoldJob) -> Counts:
    """One fold's model, trained and scored; the scores as counts (they pool across folds)."""
    data = job.options.data
    held = nergrit_folds(data, job.folds, job.seed)
    training = {
        "idner": [s for name in SPLITS["idner"][0] for s in read_conll(data / name)],
        "nergrit": [s for k, fold in enumerate(held) if k != job.fold for s in fold],
        "nerui": [s for name in SPLITS["nerui"][0] for s in read_conll(data / name)],
    }
    with tempfile.TemporaryDirectory() as tmp:
        model = Path(tmp) / "ner.crfsuite"
        train_on(training, replace(job.options, out=model, include_dev=False))
        scored = {"nergrit": _score(model, "nergrit", held[job.fold])}
        for convention in ("idner", "nerui"):
            dev = [s for name in SPLITS[convention][1] for s in read_conll(data / name)]
            scored[convention] = _score(model, convention, dev)
    return {name: _counts(score) for name, score in scored.items()}


def _spread(values: list[float]) -> str:
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{statistics.fmean(values):6.2f} ± {sd:4.2f}"


def load_runs(path: Path) -> dict[int, Counts]:
    """A ``--save`` file's folds by number (an older file lists them in order)."""
    folds = json.loads(path.read_text(encoding="utf-8"))["folds"]
    if isinstance(folds, list):
        return dict(enumerate(folds))
    return {int(k): v for k, v in folds.items()}


def _f1s(runs: dict[int, Counts], folds: list[int]) -> dict[str, list[float]]:
    return {name: [_from_counts(runs[k][name]).macro_f1() for k in folds] for name in SETS}


def report(runs: dict[int, Counts], against: Path | None) -> None:
    folds = sorted(runs)
    f1 = _f1s(runs, folds)
    for i, k in enumerate(folds):
        print(f"fold {k}: " + "  ".join(f"{name} {f1[name][i]:6.2f}" for name in SETS))
    pooled = Score()
    for k in folds:
        one = _from_counts(runs[k]["nergrit"])
        pooled.tp.update(one.tp), pooled.fp.update(one.fp), pooled.fn.update(one.fn)
    print("mean ± sd over folds: " + "  ".join(f"{name} {_spread(f1[name])}" for name in SETS))
    means = [statistics.fmean(v) for v in zip(*f1.values(), strict=True)]
    print(f"three-set mean {_spread(means)}; NERGrit pooled {pooled.macro_f1():.2f}")
    if against is None:
        return
    base = load_runs(against)
    common = [k for k in folds if k in base]
    if not common:
        print(f"{against.name} shares no fold with this run: no paired comparison")
        return
    mine, theirs = _f1s(runs, common), _f1s(base, common)
    diffs = {n: [a - b for a, b in zip(mine[n], theirs[n], strict=True)] for n in SETS}
    both = [statistics.fmean(v) for v in zip(*diffs.values(), strict=True)]
    print(f"paired difference vs {against.name} over folds {common}: ")
    print("  " + "  ".join(f"{n} {_spread(diffs[n])}" for n in SETS) + f"; three-set mean {_spread(both)}")


def _save(path: Path, settings: dict[str, float], runs: dict[int, Counts]) -> None:
    """Folds already in ``path`` under the same settings are kept (a run may add the missing ones)."""
    kept = load_runs(path) if path.exists() else {}
    if path.exists() and json.loads(path.read_text(encoding="utf-8")).get("settings") != settings:
        kept = {}
    merged = {str(k): v for k, v in sorted({**kept, **runs}.items())}
    path.write_text(json.dumps({"settings": settings, "folds": merged}, indent=1), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--only", default="", help="comma-separated fold numbers to run (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=1, help="folds trained side by side")
    defaults = TrainOptions()
    parser.add_argument("--c1", type=float, default=defaults.c1)
    parser.add_argument("--c2", type=float, default=defaults.c2)
    parser.add_argument("--iterations", type=int, default=defaults.iterations)
    parser.add_argument("--min-freq", type=float, default=defaults.min_freq)
    parser.add_argument(
        "--save", type=Path, default=None, help="keep the fold counts here (JSON), fold by fold"
    )
    parser.add_argument("--against", type=Path, default=None, help="a --save file to pair with")
    parser.add_argument("--load", type=Path, default=None, help="report a --save file, train nothing")
    args = parser.parse_args()
    if args.load:
        report(load_runs(args.load), args.against)
        return
    options = replace(
        defaults, data=args.data, c1=args.c1, c2=args.c2, iterations=args.iterations, min_freq=args.min_freq
    )
    settings = {"c1": args.c1, "c2": args.c2, "iterations": args.iterations, "min_freq": args.min_freq}
    wanted = [int(k) for k in args.only.split(",") if k] or list(range(args.folds))
    started = time.time()
    runs: dict[int, Counts] = {}
    with ProcessPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        pending = {pool.submit(run_fold, FoldJob(k, args.folds, args.seed, options)): k for k in wanted}
        for done in as_completed(pending):
            runs[pending[done]] = done.result()
            print(f"fold {pending[done]} done, {time.time() - started:.0f}s wall", flush=True)
            if args.save:
                _save(args.save, settings, runs)
    print(f"{len(wanted)} of {args.folds} folds, {settings}, {time.time() - started:.0f}s wall")
    report(runs, args.against)


if __name__ == "__main__":
    main()
