"""Extraction benchmark: kabar vs trafilatura vs newspaper4k, in one run.

    .venv/bin/python -m benchmarks.extraction [--no-newspaper] [--speed-repeat N] [--speed-only]

1. Zyte article-extraction benchmark (181 pages): body F1 with the benchmark's
   own shingle method (see ``extraction_score``), and pages per second.
2. The hand-checked Indonesian gold set (``tests/gold/id_gold.json``):
   headline, time to the minute with zone, authors, body F1, captions/credits.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from benchmarks._common import result
from benchmarks.extraction_gold import GoldScores, score_gold
from benchmarks.extraction_pages import zyte_pages
from benchmarks.extraction_readers import Reading, read_kabar, read_newspaper, trafilatura_reader
from benchmarks.extraction_score import CorpusScore, score_corpus, score_page

QUICK_ARGS = ["--no-newspaper"]
ANCHOR = "trafilatura (favor_precision)"

Reader = Callable[[str, str | None], Reading]


def zyte(reader: Reader) -> tuple[CorpusScore, float]:
    pages, truth = zyte_pages()
    scores = []
    start = time.perf_counter()
    readings = [reader(p.html, p.url) for p in pages]
    elapsed = time.perf_counter() - start
    for page, reading in zip(pages, readings, strict=True):
        scores.append(score_page(truth[page.key], reading.body))
    return score_corpus(scores), len(pages) / elapsed


def speed_interleaved(readers: dict[str, Reader], rounds: int = 1) -> dict[str, float]:
    """Pages per CPU-second per reader (the issues' measure), timing the readers page by page in
    turn so that other load on the machine (caches, frequency) weighs on all of them alike."""
    pages, _truth = zyte_pages()
    spent = dict.fromkeys(readers, 0.0)
    for _ in range(rounds):
        for page in pages:
            for name, reader in readers.items():
                start = time.process_time()
                reader(page.html, page.url)
                spent[name] += time.process_time() - start
    return {name: rounds * len(pages) / seconds for name, seconds in spent.items()}


def speed_only(rounds: int) -> None:
    speeds = speed_interleaved(
        {"kabar": read_kabar, ANCHOR: trafilatura_reader(favor_precision=True)}, rounds
    )
    anchor = speeds[ANCHOR]
    print(f"Speed, interleaved page by page ({rounds} round(s), pages per CPU-second)")
    for name, value in speeds.items():
        print(f"{name:32} {value:8.1f}  ({value / anchor:.2f}x {ANCHOR})")
    result("extraction speed (interleaved)", speeds["kabar"], "pages/s", anchor=ANCHOR, anchor_value=anchor)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-newspaper", action="store_true")
    parser.add_argument("--speed-repeat", type=int, default=1, help="rounds of the interleaved speed run")
    parser.add_argument("--speed-only", action="store_true", help="kabar against its anchor, speed alone")
    args = parser.parse_args()
    if args.speed_only:
        speed_only(args.speed_repeat)
        return
    readers: dict[str, Reader] = {
        "kabar": read_kabar,
        "trafilatura (favor_precision)": trafilatura_reader(favor_precision=True),
        "trafilatura (default)": trafilatura_reader(),
        "trafilatura (favor_recall)": trafilatura_reader(favor_recall=True),
    }
    if not args.no_newspaper:
        readers["newspaper4k"] = read_newspaper
    print("Zyte benchmark (181 pages; word 4-gram shingles, P/R averaged over pages)")
    print(f"{'reader':32} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8}")
    zyte_f1: dict[str, float] = {}
    for name, reader in readers.items():
        score, speed = zyte(reader)
        zyte_f1[name] = score.f1
        print(f"{name:32} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} {speed:8.1f}")
    result("Zyte body F1", zyte_f1["kabar"], "", anchor=ANCHOR, anchor_value=zyte_f1[ANCHOR])
    print()
    print("Speed, interleaved page by page (pages per CPU-second)")
    fast = {k: v for k, v in readers.items() if k != "newspaper4k"}
    speeds = speed_interleaved(fast, args.speed_repeat)
    anchor = speeds["trafilatura (favor_precision)"]
    for name, value in speeds.items():
        print(f"{name:32} {value:8.1f}  ({value / anchor:.2f}x trafilatura favor_precision)")
    result("extraction speed (interleaved)", speeds["kabar"], "pages/s", anchor=ANCHOR, anchor_value=anchor)
    print()
    print("Indonesian gold set (tests/gold/id_gold.json)")
    print(
        f"{'reader':32} {'pages':>5} {'head':>6} {'time':>6} {'author':>6} {'bodyF1':>6} {'capt':>6} {'ends':>6}"
    )
    gold: dict[str, GoldScores] = {}
    for name, reader in readers.items():
        if "default" in name or "recall" in name:
            continue
        g = gold[name] = score_gold(reader)
        print(
            f"{name:32} {g.pages:5d} {g.headline:6.3f} {g.time:6.3f} {g.authors:6.3f} {g.body_f1:6.3f} {g.captions:6.3f} {g.endpoints:6.3f}"
        )
    for figure in ("headline", "time", "body_f1"):
        result(f"Indonesian gold {figure}", getattr(gold["kabar"], figure), "", anchor=ANCHOR,
               anchor_value=getattr(gold[ANCHOR], figure))  # fmt: skip
    print("\ntime: trafilatura's metadata has a date only (no time, no zone), so it scores only where the")
    print("gold time is midnight; newspaper4k's publish_date is compared like kabar's.")


if __name__ == "__main__":
    main()
