"""Understanding of the whole IndoSum corpus, to check that a faster ``enrich`` finds exactly as before.

    PYTHONPATH=src:. .venv/bin/python -m benchmarks.understand_equality --out after.json
    PYTHONPATH=/path/to/old/src:. .venv/bin/python -m benchmarks.understand_equality --out before.json
    .venv/bin/python -m benchmarks.understand_equality --compare before.json after.json

Every record of ``../shared/corpus/indosum-dev.jsonl`` (3,463) is read as ingest reads a JSONL
record (:func:`kabar.prepare.prepare`) and enriched as the guard worker enriches it
(:func:`kabar.prepare.understand`). ``--out`` writes each article's entities and time expressions
as kabar JSON, one line per record in corpus order; ``--compare`` counts the records whose lines
differ and exits non-zero when any does. Either way the enrich time is printed as articles per
CPU-second (process time of the enrich calls only; the model is loaded before timing starts).
``--profile N`` prints the top of a cProfile of the first N records' enrich instead.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from dataclasses import asdict
from pathlib import Path

from benchmarks._common import shared
from kabar.guard import StageMark
from kabar.model import Article
from kabar.prepare import PageJob, prepare, understand, warm_up


def corpus_articles(path: Path, limit: int | None = None) -> list[Article]:
    """The corpus records, in file order, prepared as ingest prepares a JSONL record."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    mark = StageMark()
    return [
        prepare(PageJob(source=f"{path}:{k + 1}", record=json.loads(line)), mark)
        for k, line in enumerate(lines[:limit])
    ]


def understanding(article: Article) -> str:
    """What enrich added, as one JSON line."""
    return json.dumps(
        {
            "url": article.url,
            "entities": [asdict(e) for e in article.entities],
            "time_expressions": [asdict(t) for t in article.time_expressions],
        },
        ensure_ascii=False,
        sort_keys=True,
        default=str,
    )


def run(articles: list[Article]) -> float:
    """Enrich every article (in place); the process CPU seconds it took."""
    mark = StageMark()
    start = time.process_time()
    for article in articles:
        understand(article, mark)
    return time.process_time() - start


def compare(before: Path, after: Path) -> int:
    old = before.read_text(encoding="utf-8").splitlines()
    new = after.read_text(encoding="utf-8").splitlines()
    differ = [k for k, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    if len(old) != len(new):
        print(f"line counts differ: {len(old)} before, {len(new)} after")
    print(
        f"{len(differ)} of {len(old)} records differ" + (f" (first: line {differ[0] + 1})" if differ else "")
    )
    return 1 if differ or len(old) != len(new) else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="write each record's understanding here")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--profile", type=int, default=0, help="cProfile the first N records' enrich")
    args = parser.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    articles = corpus_articles(shared("corpus", "indosum-dev.jsonl"), args.profile or args.limit)
    warm_up()
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        run(articles)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
        return
    spent = run(articles)
    print(
        f"enrich: {len(articles)} articles in {spent:.2f} CPU-s = {len(articles) / spent:.1f} articles/CPU-s"
    )
    if args.out:
        args.out.write_text("".join(understanding(a) + "\n" for a in articles), encoding="utf-8")


if __name__ == "__main__":
    main()
