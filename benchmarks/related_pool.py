"""A blind pooling round for the judged sets of "Berita terkait" (benchmarks/related.py).

Judged sets are pooled from some rankers; articles another ranker shows that were never
judged count as 0, which under-rates any ranking that finds what the pool missed. A pooling
round judges them, blind:

1. ``dump``: the top 10 of each ranking on one judged set, from the code as it is now
   (kabar ``relevant`` without a floor, kabar ``newest``, BM25 more-like-this), written as
   JSON ``{"code": <git revision>, "rankings": {system: {query id: [candidate ids]}}}``.
   Run it with an older checkout's ``src`` first in ``PYTHONPATH`` to dump that code's lists.
2. ``pairs``: every (query, candidate) pair of one or more dumps that the set has not judged,
   merged, de-duplicated and shuffled, with the headline and lead of each side and nothing
   else: not which ranker proposed it nor at which rank, so the judge cannot lean on either.
3. ``merge``: the judged pairs (the same file with a ``grade`` on each) added to the set as
   candidates with ``"pool": <round name>``, so a figure on the pool before the round can
   still be computed (benchmarks/related_rounds.py).

    .venv/bin/python -m benchmarks.related_pool dump --set tune --out /tmp/kabar.json
    .venv/bin/python -m benchmarks.related_pool pairs --set tune /tmp/kabar.json --out /tmp/pairs.json
    .venv/bin/python -m benchmarks.related_pool merge --set tune /tmp/pairs.json --round blind-2
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
from pathlib import Path
from typing import Any

from benchmarks.link_corpus import CORPUS
from benchmarks.related import JUDGED, JUDGED_FRESH, Pools, bm25_more_like_this, judged_ids
from benchmarks.related_archive import corpus_archive
from kabar.link import related as rel

SETS = {"tune": JUDGED, "held-out": JUDGED_FRESH}
LABELS = {0: "unrelated", 1: "related", 2: "same story"}
LEAD_CHARS = 400


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _revision() -> str:
    done = subprocess.run(
        ["git", "describe", "--always", "--dirty"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def dump(set_name: str, out: Path, archive: Path | None, code: str | None) -> None:
    sets = {name: _load(path)["queries"] for name, path in SETS.items()}
    built = corpus_archive(judged_ids(sets), None, archive)
    back = {v: k for k, v in built.ids.items()}
    pools = Pools(built.archive)
    systems = {
        "kabar relevant, no floor": rel.RelatedOptions(limit=10, floor=rel.NO_FLOOR),
        "kabar relevant": rel.RelatedOptions(limit=10),
        "kabar newest": rel.RelatedOptions(mode="newest", limit=10),
    }
    rankings: dict[str, dict[str, list[str]]] = {name: {} for name in [*systems, "BM25 more-like-this"]}
    try:
        for q in sets[set_name]:
            aid = built.ids[q["id"]]
            for name, options in systems.items():
                rankings[name][q["id"]] = [back[i] for i in pools.ranked(aid, options) if i in back]
            mlt = bm25_more_like_this(built.archive, aid, 10)
            rankings["BM25 more-like-this"][q["id"]] = [back[i] for i in mlt if i in back]
    finally:
        built.archive.close()
    doc = {"set": set_name, "code": code or _revision(), "rankings": rankings}
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}: {len(sets[set_name])} queries, {len(rankings)} rankings")


def _texts() -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with CORPUS.open(encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            lead = " ".join(str(r.get("body") or "").split())[:LEAD_CHARS]
            out[str(r["id"])] = {
                "headline": str(r.get("title_from_slug") or ""),
                "published": str(r.get("published_utc") or "")[:10],
                "lead": lead,
            }
    return out


def pairs(set_name: str, dumps: list[Path], out: Path, seed: int) -> None:
    queries = {q["id"]: q for q in _load(SETS[set_name])["queries"]}
    wanted: set[tuple[str, str]] = set()
    for path in dumps:
        doc = _load(path)
        if doc["set"] != set_name:
            raise SystemExit(f"{path} is a dump of the {doc['set']} set, not {set_name}")
        for ranking in doc["rankings"].values():
            for qid, ranked in ranking.items():
                judged = {c["id"] for c in queries[qid]["candidates"]}
                wanted.update((qid, cid) for cid in ranked[:10] if cid not in judged and cid != qid)
    texts = _texts()
    listed = sorted(wanted)
    random.Random(seed).shuffle(listed)
    rows = [{"query": qid, "q": texts[qid], "candidate": cid, "c": texts[cid]} for qid, cid in listed]
    out.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"wrote {out}: {len(rows)} unjudged pairs over {len({q for q, _ in listed})} queries, shuffled")


def merge(set_name: str, judged_pairs: Path, round_name: str) -> None:
    path = SETS[set_name]
    data = _load(path)
    queries = {q["id"]: q for q in data["queries"]}
    added = 0
    for row in _load(judged_pairs):
        grade = int(row["grade"])
        q = queries[row["query"]]
        if any(c["id"] == row["candidate"] for c in q["candidates"]):
            continue
        q["candidates"].append(
            {
                "id": row["candidate"],
                "grade": grade,
                "label": LABELS[grade],
                "headline": row["c"]["headline"],
                "pool": round_name,
            }
        )
        added += 1
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"added {added} candidates to {path.name} as pool {round_name!r}")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    sub = ap.add_subparsers(dest="step", required=True)
    d = sub.add_parser("dump", help="the top 10 of each ranking of the code as it is now")
    d.add_argument("--set", choices=tuple(SETS), required=True)
    d.add_argument("--out", type=Path, required=True)
    d.add_argument("--archive", type=Path, default=None, help="the corpus archive (default: the cached one)")
    d.add_argument("--code", default=None, help="what code made the lists (default: git describe)")
    p = sub.add_parser("pairs", help="the unjudged pairs of the dumps, merged and shuffled")
    p.add_argument("--set", choices=tuple(SETS), required=True)
    p.add_argument("dumps", type=Path, nargs="+")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--seed", type=int, default=17)
    m = sub.add_parser("merge", help="add judged pairs to the set as one pooling round")
    m.add_argument("--set", choices=tuple(SETS), required=True)
    m.add_argument("judged", type=Path)
    m.add_argument("--round", required=True, help="the candidates' 'pool' value")
    args = ap.parse_args(argv)
    if args.step == "dump":
        dump(args.set, args.out, args.archive, args.code)
    elif args.step == "pairs":
        pairs(args.set, args.dumps, args.out, args.seed)
    else:
        merge(args.set, args.judged, args.round)


if __name__ == "__main__":
    main()
