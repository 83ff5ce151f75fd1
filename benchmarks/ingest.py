"""Ingest rate into SQLite for the IndoSum corpus, and whether memory stays flat.

    .venv/bin/python -m benchmarks.ingest [--understand] [--repeat 2]

Anchor (same run): the same records written by a bare sqlite3 ``executemany`` of
their JSON into one table — the floor cost of storing them at all.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks._common import peak_rss_mb, rss_mb, shared
from benchmarks._common import result as print_result
from kabar.archive import open_archive
from kabar.ingest import IngestOptions, Ingestor, IngestSummary
from kabar.sources.files import InputItem
from kabar.wiring import default_indexers

QUICK_ARGS = ["--repeat", "1"]


def _grown_corpus(src: Path, dst: Path, repeat: int) -> int:
    """The corpus, and for repeat > 1 copies with altered ids/text so each copy is new content."""
    n = 0
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        lines = fin.readlines()
        for r in range(repeat):
            for line in lines:
                rec = json.loads(line)
                if r:
                    rec["url"] = f"{rec['url']}?copy={r}"
                    rec["body"] = f"(salinan {r}) " + rec["body"]
                fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    return n


def run_kabar(records: Path, db: Path, understand: bool, total: int) -> dict[str, float]:
    archive = open_archive(db, default_indexers())
    ingestor = Ingestor(archive, IngestOptions(understand=understand))
    summary = IngestSummary()
    marks: list[float] = []
    start = time.perf_counter()
    for i, outcome in enumerate(ingestor.ingest_item(InputItem(records, "records")), 1):
        summary.record(outcome)
        if i % max(1, total // 4) == 0:
            marks.append(rss_mb())
    elapsed = time.perf_counter() - start
    ingestor.close()
    archive.close()
    size = db.stat().st_size + sum(p.stat().st_size for p in db.parent.glob(db.name + "-*"))
    return {
        "articles": summary.added,
        "failed": summary.rejected,
        "seconds": elapsed,
        "rate": summary.added / elapsed,
        "rss_marks": marks,  # type: ignore[dict-item]
        "bytes_per_article": size / max(1, summary.added),
    }


def run_anchor(records: Path, db: Path) -> float:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    start = time.perf_counter()
    with records.open(encoding="utf-8") as fh:
        n = 0
        for line in fh:
            conn.execute(
                "INSERT INTO t (data) VALUES (?)", (json.dumps(json.loads(line), ensure_ascii=False),)
            )
            conn.commit()  # one transaction per article, as kabar does
            n += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return n / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--understand", action="store_true", help="also run entities and time expressions")
    parser.add_argument("--repeat", type=int, default=2, help="corpus copies, to see memory as input grows")
    args = parser.parse_args()
    src = shared("corpus", "indosum-dev.jsonl")
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "records.jsonl"
        total = _grown_corpus(src, records, args.repeat)
        anchor = run_anchor(records, Path(tmp) / "anchor.db")
        result = run_kabar(records, Path(tmp) / "kabar.db", args.understand, total)
    marks = ", ".join(f"{m:.0f}" for m in result["rss_marks"])  # type: ignore[attr-defined]
    print(f"records: {total} (IndoSum dev × {args.repeat}); understand={'on' if args.understand else 'off'}")
    print(
        f"kabar ingest: {result['articles']:.0f} articles in {result['seconds']:.1f} s = {result['rate']:.0f} articles/s"
    )
    print(f"anchor (bare sqlite3 insert of the JSON, one transaction each): {anchor:.0f} articles/s")
    print(f"archive size: {result['bytes_per_article'] / 1024:.1f} KiB per article")
    print(f"RSS at 25/50/75/100 % of the input: {marks} MB; peak {peak_rss_mb():.0f} MB")
    print_result("ingest rate (IndoSum dev)", result["rate"], "articles/s",
                 anchor="bare sqlite3 insert of the JSON", anchor_value=anchor)  # fmt: skip
    print_result("archive size", result["bytes_per_article"] / 1024, "KiB/article")
    print_result("peak memory", peak_rss_mb(), "MB", better="lower")


if __name__ == "__main__":
    main()
