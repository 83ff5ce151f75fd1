"""NER model selection on the dev splits: train on the train splits only, score each set's dev split.

Run: ``.venv/bin/python -m benchmarks.ner_dev [--out DIR] [--anchor]``. The model is trained with the
features and gazetteers in the worktree as they are (``make ner-model`` without the dev splits), into
``--out`` (a temporary folder by default), then tagged on idner-news-2k dev, NERGrit valid and NER-UI
fold 1 dev under each set's convention. ``--anchor`` adds the plain CRF trained on each train split,
in the same run. Test splits are never read: they are for the chosen configuration, once
(:mod:`benchmarks.ner`). NERGrit's valid split has 209 sentences (±0.5 F1 is noise): judge a change
by :mod:`benchmarks.ner_cv`'s cross-validated mean against its spread instead.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from benchmarks.ner import _anchor, _fmt
from kabar.understand.ner.conll import read_conll
from kabar.understand.ner.scoring import Score
from kabar.understand.ner.tagger import NerTagger, TaggerOptions
from kabar.understand.ner.train import DEFAULT_DATA, SPLITS, TrainOptions, train

NAMES = {"idner": "idner-news-2k", "nergrit": "NERGrit", "nerui": "NER-UI fold 1"}


def score_dev(model: Path, data: Path, anchor: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    for convention, (train_files, dev_files) in SPLITS.items():
        dev = [s for name in dev_files for s in read_conll(data / name)]
        tagger = NerTagger(TaggerOptions(model=model, convention=convention))
        score = Score()
        for s in dev:
            score.add(s.tags, tagger.tag(s.tokens))
        out[convention] = score.macro_f1()
        print(f"{NAMES[convention]:14s} dev  kabar {_fmt(score)}")
        if anchor:
            train_sents = [s for name in train_files for s in read_conll(data / name)]
            print(f"{'':14s}      plain {_fmt(_anchor(train_sents, dev))}")
    mean = sum(out.values()) / len(out)
    print(f"dev mean {mean:.2f} (NERGrit dev {out['nergrit']:.2f})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=None, help="folder for the train-only model")
    parser.add_argument("--anchor", action="store_true", help="also the plain CRF on each dev split")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.out or Path(tmp)
        model = folder / "ner.crfsuite"
        started = time.process_time()
        result = train(TrainOptions(data=args.data, out=model, include_dev=False))
        print(f"trained on {result.sentences} sentences, {time.process_time() - started:.0f} CPU-s")
        score_dev(model, args.data, args.anchor)


if __name__ == "__main__":
    main()
