"""Saved rankings of "Berita terkait" scored on a judged set before and after a pooling round.

A pooling round (benchmarks/related_pool.py) adds judgements with ``"pool": <round>``; the
figures on the pool before it leave those out (what was unjudged then counts as 0, and the
ideal DCG is that pool's), the figures on the completed pool count them. Every dump given
is scored in the same run on the same judgements, e.g. kabar before a change, kabar after
it and BM25 more-like-this, all dumped from one corpus archive.

    .venv/bin/python -m benchmarks.related_rounds --set held-out --round blind-2 before.json after.json
"""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path
from typing import Any

from benchmarks.related import ndcg_at
from benchmarks.related_pool import SETS

SYSTEMS = ("kabar relevant", "kabar relevant, no floor", "kabar newest", "BM25 more-like-this")


def _grades(query: dict[str, Any], leave_out: str | None) -> dict[str, int]:
    return {
        c["id"]: int(c["grade"])
        for c in query["candidates"]
        if leave_out is None or c.get("pool") != leave_out
    }


def figures(queries: list[dict[str, Any]], ranking: dict[str, list[str]], leave_out: str | None) -> str:
    ndcg, shown, unjudged, good = [], 0, 0, 0
    for q in queries:
        grades = _grades(q, leave_out)
        ranked = ranking[q["id"]][:10]
        ndcg.append(ndcg_at(ranked, grades))
        shown += len(ranked)
        unjudged += sum(r not in grades for r in ranked)
        good += sum(grades.get(r, 0) >= 1 for r in ranked)
    return (
        f"nDCG@10 {statistics.mean(ndcg):.3f}  precision {good / max(1, shown):.3f}  "
        f"shown/query {shown / len(queries):.1f}  unjudged {unjudged / max(1, shown):.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--set", choices=tuple(SETS), required=True)
    ap.add_argument("--round", required=True, help="the pooling round's 'pool' value")
    ap.add_argument("dumps", type=Path, nargs="+", help="rankings of benchmarks.related_pool dump")
    args = ap.parse_args(argv)
    queries = json.loads(SETS[args.set].read_text(encoding="utf-8"))["queries"]
    added = sum(c.get("pool") == args.round for q in queries for c in q["candidates"])
    print(f"{args.set} set: {len(queries)} queries; round {args.round!r} added {added} judgements")
    seen: set[tuple[str, str]] = set()
    for path in args.dumps:
        doc = json.loads(path.read_text(encoding="utf-8"))
        for system in SYSTEMS:
            if system not in doc["rankings"] or (system.startswith("BM25") and (system, "") in seen):
                continue
            seen.add((system if system.startswith("BM25") else system + doc["code"], ""))
            name = system if system.startswith("BM25") else f"{system} [{doc['code']}]"
            for pool, leave_out in (("before the round", args.round), ("completed", None)):
                print(f"  {name:48} {pool:16} {figures(queries, doc['rankings'][system], leave_out)}")


if __name__ == "__main__":
    main()
