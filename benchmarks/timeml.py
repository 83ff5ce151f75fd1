"""TimeML time expressions, TempEval-3 scores: kabar next to dateparser, on the hand-made TIMEX3 gold.

    .venv/bin/python -m benchmarks.timeml [--part tune|test|both] [--gold-dir DIR] [--no-baseline] [--errors]

Gold: ``benchmarks.timeml_gold.write_gold`` (TIMEX3 over IndoSum articles, docs/TIMEML.md) materialised
per part into a temporary folder; ``--gold-dir DIR`` reads DIR/tune and DIR/test instead; without either,
the small hand-made fixture of tests/fixtures/timeml/gold stands in (part "fixture"). kabar runs through
``kabar.understand.timeml.annotate`` (what ``kabar timex`` writes); the anchor is dateparser's
``search_dates(text, languages=['id'])`` with the DCT as its relative base, each match typed DATE with
the day as its value. Both are scored by ``kabar.understand.timeml.score`` (strict and relaxed
recognition, type and value over relaxed matches). ``--errors`` lists kabar's misses — use it on
``tune`` only: ``test`` is measured, never looked at. Speed: ``find_time_expressions`` articles per
CPU-second over the first 300 articles of ../shared/corpus/indosum-dev.jsonl.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

from benchmarks._common import ROOT, SHARED, result
from kabar.model import Article
from kabar.understand.timeml.annotate import annotate
from kabar.understand.timeml.document import TimemlDoc, Timex3
from kabar.understand.timeml.folders import read_folder
from kabar.understand.timeml.score import Scores, score_docs
from kabar.understand.timex import find_time_expressions

FIXTURE = ROOT / "tests" / "fixtures" / "timeml" / "gold"
WIB = timezone(timedelta(hours=7))


def _gold_parts(part: str, gold_dir: Path | None, tmp: Path) -> dict[str, Path]:
    parts = ["tune", "test"] if part == "both" else [part]
    if gold_dir is not None:
        return {p: gold_dir / p for p in parts}
    try:
        from benchmarks.timeml_gold import write_gold  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        print("benchmarks.timeml_gold not found: scoring the small fixture of tests/fixtures/timeml instead")
        return {"fixture": FIXTURE}
    out = {}
    for p in parts:
        write_gold(tmp / p, p)
        out[p] = tmp / p
    return out


def run_kabar(gold: dict[str, TimemlDoc]) -> dict[str, TimemlDoc]:
    return {name: annotate(g.text, g.dct, g.docid) for name, g in gold.items()}


def run_dateparser(gold: dict[str, TimemlDoc]) -> dict[str, TimemlDoc]:
    from dateparser.search import search_dates

    out = {}
    for name, g in gold.items():
        base = datetime.combine(g.dct, datetime.min.time()).replace(hour=12) if g.dct else datetime.now()
        found = search_dates(g.text, languages=["id"], settings={"RELATIVE_BASE": base}) or []
        timexes, pos = [], 0
        for said, when in found:
            at = g.text.find(said, pos)
            if at < 0:
                continue
            timexes.append(Timex3(at, at + len(said), "DATE", when.date().isoformat(), text=said))
            pos = at + len(said)
        out[name] = TimemlDoc(g.docid, g.text, g.dct, timexes)
    return out


def _score(gold: dict[str, TimemlDoc], run: dict[str, TimemlDoc]) -> Scores:
    return score_docs([(g, run.get(name)) for name, g in gold.items()])


def _errors(gold: dict[str, TimemlDoc], run: dict[str, TimemlDoc]) -> None:
    for name, g in gold.items():
        s = run[name]
        for t in g.timexes:
            hit = [x for x in s.timexes if x.start < t.end and t.start < x.end]
            if not hit:
                print(
                    f"  MISS {t.type:8} {t.value:18} {t.text!r} :: …{g.text[max(0, t.start - 40) : t.end + 30]!r}"
                )
            elif (hit[0].type, hit[0].value.upper()) != (t.type, t.value.upper()) or (
                hit[0].start,
                hit[0].end,
            ) != (
                t.start,
                t.end,
            ):
                print(
                    f"  DIFF gold {t.type} {t.value} {t.text!r} / kabar {hit[0].type} {hit[0].value} {hit[0].text!r}"
                )
        for x in s.timexes:
            if not any(x.start < t.end and t.start < x.end for t in g.timexes):
                print(
                    f"  FALSE {x.type:8} {x.value:18} {x.text!r} :: …{g.text[max(0, x.start - 40) : x.end + 30]!r}"
                )


def speed(count: int = 300) -> float:
    articles = []
    with (SHARED / "corpus" / "indosum-dev.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            if len(articles) >= count:
                break
            d = json.loads(line)
            published = datetime.fromisoformat(d["published_utc"]).astimezone(WIB)
            articles.append(
                Article(paragraphs=[p for p in d["body"].split("\n\n") if p.strip()], published=published)
            )
    find_time_expressions(articles[0])  # patterns compiled outside the clock
    t0 = time.process_time()
    for a in articles:
        find_time_expressions(a)
    return len(articles) / (time.process_time() - t0)


def _figures(part: str, ours: Scores, anchor: Scores | None) -> None:
    name = "dateparser search_dates" if anchor else None
    rows = [
        ("recognition relaxed F1", ours.relaxed.f1, anchor.relaxed.f1 if anchor else None),
        ("recognition strict F1", ours.strict.f1, anchor.strict.f1 if anchor else None),
        ("normalisation value accuracy", ours.value_accuracy, anchor.value_accuracy if anchor else None),
        ("normalisation value F1", ours.value.f1, anchor.value.f1 if anchor else None),
        ("type accuracy", ours.type_accuracy, anchor.type_accuracy if anchor else None),
    ]
    for label, value, anchor_value in rows:
        unit = "F1" if "F1" in label else "accuracy"
        result(f"TimeML {label}, {part}", round(value, 3), unit, anchor=name,
               anchor_value=None if anchor_value is None else round(anchor_value, 3))  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", default="both", choices=["tune", "test", "both"])
    ap.add_argument("--gold-dir", type=Path, default=None)
    ap.add_argument(
        "--no-baseline", action="store_true", help="skip dateparser (its figures are then absent)"
    )
    ap.add_argument("--errors", action="store_true", help="list kabar's misses (tune part only)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for part, folder in _gold_parts(args.part, args.gold_dir, Path(tmp)).items():
            gold = read_folder(folder)
            n = sum(len(g.timexes) for g in gold.values())
            print(f"{part}: {len(gold)} documents, {n} gold TIMEX3")
            t0 = time.process_time()
            ours = _score(gold, kabar_run := run_kabar(gold))
            kabar_cpu = time.process_time() - t0
            print(f"  kabar ({kabar_cpu:.2f} CPU s)")
            print("\n".join("    " + line for line in ours.lines()))
            anchor: Scores | None = None
            if not args.no_baseline:
                t0 = time.process_time()
                anchor = _score(gold, run_dateparser(gold))
                print(f"  dateparser search_dates ({time.process_time() - t0:.2f} CPU s)")
                print("\n".join("    " + line for line in anchor.lines()))
            if args.errors and part == "tune":
                _errors(gold, kabar_run)
            _figures(part, ours, anchor)
    rate = speed()
    print(f"speed: find_time_expressions {rate:.0f} articles per CPU-second (300 corpus articles)")
    result("TimeML find_time_expressions speed", round(rate, 1), "articles/CPU-s", better="higher")


if __name__ == "__main__":
    main()
