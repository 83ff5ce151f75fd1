"""Choose the IndoSum sample shipped in examples/ so a first `make run` shows stories, outlets and entities.

    .venv/bin/python -m benchmarks.make_sample [--count 300] [--out examples/indosum-sample.jsonl]

A random sample of the corpus would hold almost no story of several articles (3,463 articles over 18
months). So the sample starts from the stories judged by reading the corpus (benchmarks/data/
stories_judged*.json): every judged story of three or more articles from two or more outlets, whole,
biggest first, while they fit. The rest is filled, evenly through the corpus in time order, from the
outlets the stories leave thin, so the front page has sections and every outlet shows. Records are
copied unchanged (whole lines, the licence asks for changes to be marked; there are none), in time
order. Deterministic: the same corpus gives the same file.

The corpus is CC BY-SA 4.0 (IndoSum, Kurniawan & Louvan 2018; the articles' copyright stays with their
publishers): examples/LICENSE-indosum-CC-BY-SA-4.0.txt travels with the sample.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import ROOT, shared

JUDGED = [
    ROOT / "benchmarks" / "data" / "stories_judged.json",
    ROOT / "benchmarks" / "data" / "stories_judged_fresh.json",
]
MIN_STORY_ARTICLES = 3
MIN_STORY_OUTLETS = 2


@dataclass(slots=True)
class Record:
    id: str
    source: str
    published: str
    line: str  # the corpus line, unchanged


@dataclass(slots=True)
class Sample:
    records: list[Record]
    stories: list[str]  # the judged stories taken whole


def load_corpus(path: Path) -> dict[str, Record]:
    out: dict[str, Record] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                data = json.loads(line)
                out[data["id"]] = Record(data["id"], data["source"], data["published_utc"], line.rstrip("\n"))
    return out


def judged_stories(corpus: dict[str, Record]) -> list[tuple[str, list[str]]]:
    """(key, ids) of every judged story big and varied enough, biggest and most varied first."""
    stories: list[tuple[str, list[str]]] = []
    for path in JUDGED:
        for story in json.loads(path.read_text(encoding="utf-8"))["stories"]:
            ids = [i for i in story["ids"] if i in corpus]
            outlets = {corpus[i].source for i in ids}
            if len(ids) >= MIN_STORY_ARTICLES and len(outlets) >= MIN_STORY_OUTLETS:
                stories.append((story["key"], ids))
    stories.sort(key=lambda s: (-len({corpus[i].source for i in s[1]}), -len(s[1]), s[0]))
    return stories


def choose(corpus: dict[str, Record], count: int) -> Sample:
    chosen: dict[str, Record] = {}
    taken: list[str] = []
    for key, ids in judged_stories(corpus):
        if len(chosen) + len(ids) > count * 2 // 3:  # leave a third for the sections and thin outlets
            continue
        taken.append(key)
        chosen.update((i, corpus[i]) for i in ids)
    rest = sorted((r for r in corpus.values() if r.id not in chosen), key=lambda r: (r.published, r.id))
    outlets = sorted({r.source for r in corpus.values()})
    while len(chosen) < count and rest:
        have = Counter(r.source for r in chosen.values())
        thin = min(outlets, key=lambda o: (have[o], o))
        pool = [r for r in rest if r.source == thin]
        if not pool:
            outlets.remove(thin)
            continue
        # spread through time: the golden-ratio sequence visits the pool (in time order) evenly
        pick = pool[int((have[thin] * 0.6180339887) % 1.0 * len(pool))]
        chosen[pick.id] = pick
        rest.remove(pick)
    records = sorted(chosen.values(), key=lambda r: (r.published, r.id))
    return Sample(records=records, stories=taken)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus", type=Path, default=None, help="default: ../shared/corpus/indosum-dev.jsonl"
    )
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "examples" / "indosum-sample.jsonl")
    args = parser.parse_args(argv)
    corpus = load_corpus(args.corpus or shared("corpus", "indosum-dev.jsonl"))
    sample = choose(corpus, args.count)
    args.out.write_text("".join(r.line + "\n" for r in sample.records), encoding="utf-8")
    outlets = Counter(r.source for r in sample.records)
    print(f"wrote {len(sample.records)} articles to {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
    print(f"judged stories taken whole: {len(sample.stories)} ({', '.join(sample.stories)})")
    print("outlets: " + ", ".join(f"{o} {n}" for o, n in outlets.most_common()))


if __name__ == "__main__":
    main()
