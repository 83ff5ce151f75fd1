"""Ingest rate of the IndoSum corpus in articles per CPU-second, one by one and in batches.

    .venv/bin/python -m benchmarks.ingest [--limit 400] [--understand-limit 150] [--repeat 4] [--workers 2]

The corpus (``../shared/corpus/indosum-dev.jsonl``) grown ``--repeat`` times (each copy new
content), of which the first ``--limit`` records are ingested — without understanding and,
over the first ``--understand-limit``, with it — in each way, into a fresh SQLite archive
with every indexer, in one run:

- **before**: :class:`~kabar.ingest.Ingestor`, one article per transaction (batch size 1: what
  ``kabar ingest`` did before batches);
- **after**: :class:`~kabar.ingest_batch.BatchIngest`, ``--batch`` articles per transaction
  (a savepoint each), one worker and ``--workers`` workers (the per-record guard as always).

The figure is articles per CPU-second: the CPU of this process and of every guard worker
(``resource.getrusage`` ``RUSAGE_SELF`` + ``RUSAGE_CHILDREN``; the workers are ended, so
counted, before each reading), because the machine may be loaded; wall seconds are printed
with the load average. Imports and the indexers' first-use loading are done before measuring
(a warm-up run into a throwaway archive); each worker's model loading is part of its run.

Anchor (same run): the same records' JSON written by a bare sqlite3 insert into one table,
one transaction per record and all in one transaction — the floor cost of storing them at all.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks._common import ROOT, cpu_with_children, peak_rss_mb, shared
from benchmarks._common import result as print_result
from kabar.archive import open_archive
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions, Ingestor, IngestOutcome, IngestSummary, item_jobs
from kabar.ingest_batch import BatchIngest, BatchOptions
from kabar.prepare import PageJob
from kabar.sources.files import InputItem, ReadOptions
from kabar.wiring import default_indexers

QUICK_ARGS = ["--limit", "150", "--understand-limit", "60"]
TIMEOUT_SECONDS = 3600


def grown_corpus(src: Path, dst: Path, repeat: int, limit: int) -> int:
    """The corpus, and for repeat > 1 copies with altered ids/text so each copy is new content;
    only the first ``limit`` records (0: all)."""
    n = 0
    with src.open(encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        lines = fin.readlines()
        for r in range(repeat):
            for line in lines:
                if limit and n >= limit:
                    return n
                rec = json.loads(line)
                if r:
                    rec["url"] = f"{rec['url']}?copy={r}"
                    rec["body"] = f"(salinan {r}) " + rec["body"]
                fout.write(json.dumps(rec, ensure_ascii=False) + "\n")
                n += 1
    return n


@dataclass(slots=True)
class Run:
    name: str
    stored: int
    rejected: int
    cpu: float
    wall: float

    @property
    def per_cpu_second(self) -> float:
        return self.stored / self.cpu if self.cpu else 0.0


Ingest = Callable[[Path, Path, IngestOptions], IngestSummary]


def one_by_one(records: Path, db: Path, options: IngestOptions) -> IngestSummary:
    summary = IngestSummary()
    archive = open_archive(db, default_indexers())
    with Ingestor(archive, options) as ingestor:
        for outcome in ingestor.ingest_item(InputItem(records, "records")):
            summary.record(outcome)
    archive.close()
    return summary


def batched(batch: int, workers: int) -> Ingest:
    def run(records: Path, db: Path, options: IngestOptions) -> IngestSummary:
        summary = IngestSummary()
        archive = open_archive(db, default_indexers())

        def entries() -> Iterator[PageJob | IngestOutcome]:
            yield from item_jobs(InputItem(records, "records"), ReadOptions())

        with BatchIngest(archive, options, BatchOptions(batch_size=batch, workers=workers)) as bulk:
            for outcome in bulk.run(entries()):
                summary.record(outcome)
        archive.close()
        return summary

    return run


def measure(name: str, ingest: Ingest, records: Path, folder: Path, options: IngestOptions) -> Run:
    db = folder / f"{name.replace(' ', '_').replace(',', '')}.db"
    cpu, wall = cpu_with_children(), time.perf_counter()
    summary = ingest(records, db, options)
    return Run(name, summary.stored, summary.rejected, cpu_with_children() - cpu, time.perf_counter() - wall)


def anchor(records: Path, db: Path, *, one_transaction: bool) -> Run:
    cpu, wall = cpu_with_children(), time.perf_counter()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # as kabar's archive
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    n = 0
    with records.open(encoding="utf-8") as fh:
        if one_transaction:
            conn.execute("BEGIN")
        for line in fh:
            if not one_transaction:
                conn.execute("BEGIN")
            conn.execute(
                "INSERT INTO t (data) VALUES (?)", (json.dumps(json.loads(line), ensure_ascii=False),)
            )
            if not one_transaction:
                conn.execute("COMMIT")
            n += 1
        if one_transaction:
            conn.execute("COMMIT")
    conn.close()
    name = "anchor: bare sqlite3, " + ("one transaction" if one_transaction else "a transaction per record")
    return Run(name, n, 0, cpu_with_children() - cpu, time.perf_counter() - wall)


def warm(folder: Path, records: Path) -> None:
    """Imports and first-use loading (datasketch, the stemmer's tables) outside every measurement."""
    sample = folder / "warm.jsonl"
    with records.open(encoding="utf-8") as fh:
        sample.write_text("".join(line for _, line in zip(range(5), fh, strict=False)), encoding="utf-8")
    one_by_one(sample, folder / "warm.db", IngestOptions(understand=False))


def show(run: Run, total: int) -> None:
    print(
        f"  {run.name:<48} {run.stored:>5}/{total} stored  {run.cpu:7.1f} CPU-s  {run.wall:7.1f} s wall  "
        f"{run.per_cpu_second:7.1f} articles/CPU-s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=4, help="corpus copies (each new content)")
    parser.add_argument(
        "--limit", type=int, default=400, help="records ingested without understanding (0: all)"
    )
    parser.add_argument(
        "--understand-limit", type=int, default=150, help="records ingested with understanding"
    )
    parser.add_argument("--batch", type=int, default=64, help="articles per transaction, after")
    parser.add_argument("--workers", type=int, default=2, help="workers of the parallel run")
    args = parser.parse_args()
    src = shared("corpus", "indosum-dev.jsonl")
    guard = GuardOptions(max_cpu_seconds=60.0)  # a loaded machine must not reject good records
    plain = IngestOptions(understand=False, guard=guard)
    understood = IngestOptions(understand=True, guard=guard)
    ways: list[tuple[str, Ingest]] = [
        ("before: one by one (batch 1)", one_by_one),
        (f"after: batch {args.batch}, 1 worker", batched(args.batch, 1)),
        (f"after: batch {args.batch}, {args.workers} workers", batched(args.batch, args.workers)),
    ]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records, records_u = folder / "records.jsonl", folder / "records_u.jsonl"
        total = grown_corpus(src, records, args.repeat, args.limit)
        total_u = grown_corpus(src, records_u, args.repeat, args.understand_limit)
        warm(folder, records)
        anchors = [anchor(records, folder / "a1.db", one_transaction=False)]
        anchors.append(anchor(records, folder / "a2.db", one_transaction=True))
        runs = [measure(f"{name}, no understanding", way, records, folder, plain) for name, way in ways]
        runs_u = [measure(f"{name}, understanding", way, records_u, folder, understood) for name, way in ways]
    load_after = os.getloadavg()
    print(f"IndoSum dev × {args.repeat}: first {total} records (no understanding), {total_u} (understanding)")
    print(f"load average {load[0]:.1f} at the start, {load_after[0]:.1f} at the end, {os.cpu_count()} cores")
    for run in anchors:
        show(run, total)
    for run in runs:
        show(run, total)
    for run in runs_u:
        show(run, total_u)
    print(f"peak memory of this process {peak_rss_mb():.0f} MB")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    figures = {
        "records": total,
        "records_understanding": total_u,
        "load_average": [load[0], load_after[0]],
        "runs": [
            {**asdict(r), "articles_per_cpu_second": r.per_cpu_second} for r in [*anchors, *runs, *runs_u]
        ],
    }
    (out / "ingest.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    bare = anchors[0].per_cpu_second
    print_result("ingest, no understanding, before (batch 1)", runs[0].per_cpu_second, "articles/CPU-s",
                 anchor="bare sqlite3 insert of the JSON", anchor_value=bare)  # fmt: skip
    print_result("ingest, no understanding, after (batched)", runs[1].per_cpu_second, "articles/CPU-s",
                 anchor="bare sqlite3 insert of the JSON", anchor_value=bare)  # fmt: skip
    print_result("ingest with understanding, before (batch 1)", runs_u[0].per_cpu_second, "articles/CPU-s")
    print_result("ingest with understanding, after (batched)", runs_u[1].per_cpu_second, "articles/CPU-s")


if __name__ == "__main__":
    main()
