"""Bulk ingest (``kabar ingest --bulk``) against the normal batched path, in articles per CPU-second.

    .venv/bin/python -m benchmarks.bulk_ingest [--limit 300] [--understand-limit 100] [--backend both]

The IndoSum corpus (``../shared/corpus/indosum-dev.jsonl``, grown ``--repeat`` times, each copy
new content) is ingested, in one run, into fresh archives with every indexer:

- **normal (anchor)**: :class:`~kabar.ingest_batch.BatchIngest`, ``--batch`` articles a
  transaction, each indexed as it is stored (what ``kabar ingest`` does);
- **bulk**: the same with ``defer_indexes`` — rows first, then every derived index built once
  at the end (:mod:`kabar.archive.bulk_index`); its figure includes that build;
- **bare sqlite3 insert (floor)**: the same records parsed and inserted as JSON text into one
  table of a fresh SQLite file, one transaction, nothing read or indexed: what storing the input
  costs at the least, printed beside the figures without understanding.

Each without understanding (the first ``--limit`` records) and with it (the first
``--understand-limit``), on SQLite and/or PostgreSQL (a scratch database on ``--pg``).

The figure is articles per CPU-second: this process and its guard workers (``RUSAGE_SELF`` +
``RUSAGE_CHILDREN``, the workers ended before the reading) plus, on PostgreSQL, the CPU of
the server backends serving the scratch database (``/proc/PID/stat``, read before the
archive's connections close). Imports and first-use loading are done before measuring.

The issue's goals (issue 13): 300 articles per CPU-second without understanding, 100 with.
A bigger run (about 20 CPU-minutes; not for a loaded machine)::

    .venv/bin/python -m benchmarks.bulk_ingest --repeat 4 --limit 3000 --understand-limit 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from benchmarks._common import ROOT, cpu_with_children, shared
from benchmarks._common import result as print_result
from benchmarks._pg_scratch import add_server_option, scratch_database
from benchmarks.ingest import grown_corpus, warm
from kabar.archive import open_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.batch_write import BatchArchive
from kabar.archive.open import is_postgres
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions, IngestOutcome, IngestSummary, item_jobs
from kabar.ingest_batch import BatchIngest, BatchOptions
from kabar.prepare import PageJob
from kabar.sources.files import InputItem, ReadOptions
from kabar.wiring import default_indexers

QUICK_ARGS = ["--limit", "120", "--understand-limit", "40", "--backend", "sqlite"]
TIMEOUT_SECONDS = 3600
_TICK = os.sysconf("SC_CLK_TCK")


@dataclass(slots=True)
class Run:
    backend: str
    way: str
    understand: bool
    stored: int
    cpu: float  # this process, its workers, the server backends
    server_cpu: float  # of which the PostgreSQL backends
    build_seconds: float  # wall of the bulk build at the end (0 for the normal path)
    wall: float

    @property
    def per_cpu_second(self) -> float:
        return self.stored / self.cpu if self.cpu else 0.0


def _server_ticks(archive: CoreArchive) -> dict[int, int]:
    """CPU ticks per PostgreSQL backend serving the archive's database ({} on SQLite)."""
    if not is_postgres(archive.url):
        return {}
    from benchmarks.scale import server_pids

    out: dict[int, int] = {}
    for pid in server_pids(archive):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended, or another machine's server
        out[pid] = int(fields[11]) + int(fields[12])  # utime, stime
    return out


def _server_seconds(before: dict[int, int], after: dict[int, int]) -> float:
    return sum(t - before.get(pid, 0) for pid, t in after.items()) / _TICK


@dataclass(slots=True, frozen=True)
class Ingested:
    stored: int
    build_seconds: float  # wall of the bulk build at the end (0 for the normal path)


def ingest(archive: BatchArchive, records: Path, options: IngestOptions, batch: BatchOptions) -> Ingested:
    summary = IngestSummary()

    def entries() -> Iterator[PageJob | IngestOutcome]:
        yield from item_jobs(InputItem(records, "records"), ReadOptions())

    built = 0.0
    with BatchIngest(archive, options, batch) as bulk:
        for outcome in bulk.run(entries()):
            summary.record(outcome)
        if batch.defer_indexes:
            built = bulk.build_indexes().seconds
    return Ingested(summary.stored, built)


Place = Callable[[], AbstractContextManager[str]]


def measure(backend: str, place: Place, way: str, records: Path, options: IngestOptions, size: int) -> Run:
    bulk = way == "bulk"
    with place() as url:
        archive = open_archive(url, default_indexers())
        assert isinstance(archive, BatchArchive)
        try:
            server = _server_ticks(archive)
            cpu, wall = cpu_with_children(), time.perf_counter()
            done = ingest(archive, records, options, BatchOptions(batch_size=size, defer_indexes=bulk))
            server_cpu = _server_seconds(server, _server_ticks(archive))
            spent = cpu_with_children() - cpu + server_cpu
            wall = time.perf_counter() - wall
        finally:
            archive.close()
    return Run(backend, way, options.understand, done.stored, spent, server_cpu, done.build_seconds, wall)


def bare_insert(records: Path, db: Path) -> Run:
    """The floor: each record parsed and its JSON inserted by sqlite3, in one transaction."""
    cpu, wall = cpu_with_children(), time.perf_counter()
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA journal_mode=WAL")  # as kabar's archives
        conn.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, url TEXT, data TEXT NOT NULL)")
        with conn, records.open(encoding="utf-8") as fh:
            rows = ((rec.get("url"), json.dumps(rec, ensure_ascii=False)) for rec in map(json.loads, fh))
            conn.executemany("INSERT INTO articles (url, data) VALUES (?, ?)", rows)
        stored = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
    finally:
        conn.close()
    spent, wall = cpu_with_children() - cpu, time.perf_counter() - wall
    return Run("sqlite", "bare sqlite3 insert", False, stored, spent, 0.0, 0.0, wall)


def places(backends: list[str], folder: Path, pg: str) -> dict[str, Place]:
    counter = iter(range(1_000_000))

    @contextmanager
    def sqlite_place() -> Iterator[str]:
        yield str(folder / f"a{next(counter)}.db")

    out: dict[str, Place] = {}
    if "sqlite" in backends:
        out["sqlite"] = sqlite_place
    if "postgresql" in backends:
        out["postgresql"] = lambda: scratch_database(pg)
    return out


def show(run: Run) -> None:
    mode = "understanding" if run.understand else "no understanding"
    print(
        f"  {run.backend:<10} {run.way:<16} {mode:<16} {run.stored:>5} stored  {run.cpu:7.2f} CPU-s "
        f"(server {run.server_cpu:5.2f})  build {run.build_seconds:6.2f} s  {run.wall:7.1f} s wall  "
        f"{run.per_cpu_second:7.1f} articles/CPU-s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=4, help="corpus copies (each new content)")
    parser.add_argument("--limit", type=int, default=300, help="records without understanding (0: skip)")
    parser.add_argument(
        "--understand-limit", type=int, default=100, help="records with understanding (0: skip)"
    )
    parser.add_argument("--batch", type=int, default=64, help="articles per transaction")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    add_server_option(parser)
    args = parser.parse_args()
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    guard = GuardOptions(max_cpu_seconds=60.0)  # a loaded machine must not reject good records
    src = shared("corpus", "indosum-dev.jsonl")
    load = os.getloadavg()
    runs: list[Run] = []
    floor: Run | None = None
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        records, records_u = folder / "records.jsonl", folder / "records_u.jsonl"
        total = grown_corpus(src, records, args.repeat, args.limit) if args.limit else 0
        total_u = (
            grown_corpus(src, records_u, args.repeat, args.understand_limit) if args.understand_limit else 0
        )
        warm(folder, records if total else records_u)
        modes: list[tuple[Path, IngestOptions]] = []
        if total:
            modes.append((records, IngestOptions(understand=False, guard=guard)))
        if total_u:
            modes.append((records_u, IngestOptions(understand=True, guard=guard)))
        for backend, place in places(backends, folder, args.pg).items():
            for path, options in modes:
                for way in ("normal (anchor)", "bulk"):
                    runs.append(measure(backend, place, way, path, options, args.batch))
        if total:
            floor = bare_insert(records, folder / "bare.db")
    print(f"IndoSum dev × {args.repeat}: {total} records without understanding, {total_u} with")
    print(
        f"load average {load[0]:.1f} at the start, {os.getloadavg()[0]:.1f} at the end, {os.cpu_count()} cores"
    )
    for run in runs:
        show(run)
    if floor is not None:
        show(floor)
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    figures = [{**asdict(r), "articles_per_cpu_second": r.per_cpu_second} for r in runs]
    (out / "bulk_ingest.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for i in range(0, len(runs), 2):
        anchor, bulk = runs[i], runs[i + 1]
        mode = "with understanding" if bulk.understand else "no understanding"
        print_result(
            f"bulk ingest, {mode}, {bulk.backend}",
            bulk.per_cpu_second,
            "articles/CPU-s",
            anchor=f"normal batched ingest (batch {args.batch}), same run",
            anchor_value=anchor.per_cpu_second,
            better="higher",
        )
    bulk_plain = [r for r in runs if r.backend == "sqlite" and r.way == "bulk" and not r.understand]
    if floor is not None and bulk_plain:
        print_result(
            "bulk ingest, no understanding, sqlite, against the floor",
            bulk_plain[0].per_cpu_second,
            "articles/CPU-s",
            anchor="bare sqlite3 insert of the same JSON (no reading, no index), same run",
            anchor_value=floor.per_cpu_second,
            better="higher",
        )


if __name__ == "__main__":
    main()
