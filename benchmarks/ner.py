"""NER benchmark: the shipped model next to the plain CRF anchor, on each data set's test split.

Run: ``.venv/bin/python -m benchmarks.ner [--data ../shared/ner]``; ``--speed`` measures only speed:
the tagger (tokens/s) and ``find_entities`` (articles/s) on the fast path (per-form cached features
as attribute ids, :mod:`kabar.understand.ner.encoder` and :mod:`.crfmodel`) next to the reference
path (every feature string built afresh for pycrfsuite), in the same run, CPU time on one core,
checking on the way that both give identical output.

The anchor is the plain CRF the issue measures against (word, affix, shape and ±2-word window
features, :mod:`kabar.understand.ner.baseline`), trained here, in the same run, on each data set's
train split alone. kabar's figure is the shipped model file, as ``kabar tag`` and
``find_entities`` use it (it was trained on the train + dev splits of all three; test splits are
never trained on). Scores are entity-level (conlleval) F1, type-macro averaged over PER/LOC/ORG.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import result
from kabar.understand.ner.baseline import plain_features
from kabar.understand.ner.conll import Sentence, read_conll
from kabar.understand.ner.scoring import TYPES, Score
from kabar.understand.ner.tagger import MODEL_DIR, load_tagger
from kabar.understand.ner.train import DEFAULT_DATA

# data set → (convention, train file for the anchor, test file)
SETS = {
    "idner-news-2k": ("idner", "idner-news-2k/train.txt", "idner-news-2k/test.txt"),
    "NERGrit": ("nergrit", "nergrit/train_preprocess.txt", "nergrit/test_preprocess.txt"),
    "NER-UI fold 1": ("nerui", "nerui/train.01.tsv", "nerui/test.01.tsv"),
}
QUICK_ARGS = ["--articles", "100"]
GOALS = {"idner-news-2k": 88.0, "NERGrit": 75.0}


@dataclass(slots=True)
class Row:
    name: str
    anchor: Score
    kabar: Score
    tokens: int
    seconds: float


def _anchor(train: list[Sentence], test: list[Sentence]) -> Score:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for s in train:
        trainer.append(plain_features(s.tokens), s.tags)
    trainer.set_params({"c1": 0.1, "c2": 0.1, "max_iterations": 100})
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "anchor.crfsuite")
        trainer.train(path)
        tagger = pycrfsuite.Tagger()
        tagger.open(path)
        score = Score()
        for s in test:
            score.add(s.tags, tagger.tag(plain_features(s.tokens)))
        tagger.close()
    return score


def _kabar(convention: str, test: list[Sentence]) -> tuple[Score, int, float]:
    tagger = load_tagger(convention)
    tagger.tag(["Pemanasan"])  # open the model and load the word classes outside the timed loop
    score = Score()
    started = time.perf_counter()
    for s in test:
        score.add(s.tags, tagger.tag(s.tokens))
    return score, sum(len(s.tokens) for s in test), time.perf_counter() - started


def _fmt(score: Score) -> str:
    per_type = " ".join(f"{t} {score.f1(t):5.1f}" for t in TYPES)
    return f"{score.macro_f1():5.1f}  ({per_type}; micro {score.f1():5.1f})"


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _articles_per_second(corpus: Path, limit: int) -> str:
    """find_entities end to end (tokenising, tagging, roles, aliases) on real articles."""
    import json

    from kabar.model import Article
    from kabar.understand.entities import find_entities

    if not corpus.exists() or limit <= 0:
        return "find_entities: corpus absent, not measured"
    articles = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            paragraphs = [p for p in (record.get("body") or "").split("\n\n") if p.strip()]
            articles.append(Article(headline=record.get("title_from_slug"), paragraphs=paragraphs))
            if len(articles) >= limit:
                break
    find_entities(articles[0])
    started = time.perf_counter()
    entities = sum(len(find_entities(a)) for a in articles)
    seconds = time.perf_counter() - started
    words = sum(len(a.body.split()) for a in articles)
    return (
        f"find_entities: {len(articles) / seconds:,.1f} articles/s, {words / seconds:,.0f} words/s "
        f"({len(articles)} IndoSum articles, {entities} entities)"
    )


def _load_articles(corpus: Path, limit: int) -> list[object]:
    import json

    from kabar.model import Article

    articles = []
    with corpus.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            paragraphs = [p for p in (record.get("body") or "").split("\n\n") if p.strip()]
            articles.append(Article(headline=record.get("title_from_slug"), paragraphs=paragraphs))
            if len(articles) >= limit:
                break
    return articles


def _speed(data: Path, corpus: Path, limit: int) -> None:
    """Fast against reference path, same run, CPU seconds (the machine may be shared)."""
    from kabar.model import Article
    from kabar.understand.entities import EntityOptions, find_entities
    from kabar.understand.ner.tagger import NerTagger, TaggerOptions

    sents = [s.tokens for _, (_, _, test) in SETS.items() for s in read_conll(data / test)]
    tokens = sum(len(s) for s in sents)
    print(f"tagger, idner convention, {tokens} test-split tokens, one sentence a call:")
    outputs = {}
    for label, cached, passes in (("reference", False, 1), ("fast", True, 2)):
        tagger = NerTagger(TaggerOptions(cached_features=cached))
        tagger.tag(["Pemanasan"])  # open the model outside the timed loop
        for n in range(passes):
            started = time.process_time()
            outputs[label] = [tagger.tag(s) for s in sents]
            rate = tokens / (time.process_time() - started)
            note = "" if cached is False else (" (cold caches)" if n == 0 else " (warm caches)")
            print(f"  {label:9s} {rate:9,.0f} tokens/s{note}")
    print(f"  identical tags: {outputs['reference'] == outputs['fast']}")
    if not corpus.exists():
        print("find_entities: corpus absent, not measured")
        return
    articles = [a for a in _load_articles(corpus, limit) if isinstance(a, Article)]
    words = sum(len(a.body.split()) for a in articles)
    print(f"find_entities, {len(articles)} IndoSum articles ({words} words):")
    found = {}
    for label, cached, passes in (("reference", False, 1), ("fast", True, 2)):
        opts = EntityOptions(cached_features=cached)
        find_entities(articles[0], opts)
        for n in range(passes):
            started = time.process_time()
            found[label] = [find_entities(a, opts) for a in articles]
            seconds = time.process_time() - started
            note = "" if cached is False else (" (first pass)" if n == 0 else " (second pass)")
            print(
                f"  {label:9s} {len(articles) / seconds:7.1f} articles/s, {words / seconds:9,.0f} words/s{note}"
            )
    print(f"  identical entities: {found['reference'] == found['fast']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_DATA.parent / "corpus" / "indosum-dev.jsonl")
    parser.add_argument("--articles", type=int, default=300, help="articles for the find_entities speed")
    parser.add_argument(
        "--speed", action="store_true", help="only the speed section (fast vs reference path)"
    )
    args = parser.parse_args()
    if args.speed:
        _speed(args.data, args.corpus, args.articles)
        return
    rows: list[Row] = []
    for name, (convention, train, test) in SETS.items():
        test_sents = read_conll(args.data / test)
        anchor = _anchor(read_conll(args.data / train), test_sents)
        kabar, tokens, seconds = _kabar(convention, test_sents)
        rows.append(Row(name, anchor, kabar, tokens, seconds))
    print("type-macro F1 on the test splits (per-type F1 in brackets)")
    for row in rows:
        goal = GOALS.get(row.name)
        verdict = (
            ""
            if goal is None
            else f"  goal ≥ {goal:.0f}: {'met' if row.kabar.macro_f1() >= goal else 'NOT met'}"
        )
        print(f"\n{row.name}")
        print(f"  plain CRF (anchor) {_fmt(row.anchor)}")
        print(f"  kabar (shipped)    {_fmt(row.kabar)}{verdict}")
        result(f"NER type-macro F1, {row.name}", row.kabar.macro_f1(), "F1 %", anchor="plain CRF",
               anchor_value=row.anchor.macro_f1())  # fmt: skip
    tokens = sum(r.tokens for r in rows)
    seconds = sum(r.seconds for r in rows)
    ner_dir = MODEL_DIR.parent
    print(f"\ntagging speed: {tokens / seconds:,.0f} tokens/s ({tokens} tokens, features included, one core)")
    result("NER tagging speed", tokens / seconds, "tokens/s")
    print(
        f"model size on disk: {_size(MODEL_DIR) / 1e6:.1f} MB model dir, "
        f"{_size(ner_dir / 'data') / 1e6:.2f} MB word classes and gazetteers"
    )
    print(_articles_per_second(args.corpus, args.articles))


if __name__ == "__main__":
    main()
