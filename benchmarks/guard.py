"""What the per-record guard costs: the same pages extracted unguarded, guarded in-process, and guarded in a worker.

    .venv/bin/python -m benchmarks.guard [--pages DIR] [--limit 200] [--understand] [--rounds 2] [--micro 3000]

Anchor (same run): the unguarded loop, ``read_page`` → ``extract`` (→ ``enrich``) in this process,
which is what every batch did before the guard. The guarded rows run the very steps of the one
ingest path (:func:`kabar.prepare.prepare`, :func:`kabar.prepare.understand`) through
:class:`kabar.guard.Guard`; the worker row is what ``kabar extract``/``kabar ingest`` use.
CPU time counts this process and the worker (``RUSAGE_CHILDREN`` once it has been joined), so
the load of other processes on the machine does not count; wall time is printed beside it.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import cpu_with_children, shared
from benchmarks._common import result as print_result
from kabar.extract import extract
from kabar.guard import Guard, GuardOptions, StageMark
from kabar.prepare import PageJob, prepare, understand, warm_up
from kabar.sources.files import read_page
from kabar.understand import enrich

QUICK_ARGS = ["--limit", "60", "--rounds", "1"]


@dataclass(slots=True)
class Run:
    name: str
    pages: int
    ok: int
    cpu: float
    wall: float

    @property
    def rate(self) -> float:
        return self.pages / self.wall if self.wall else float("nan")

    @property
    def cpu_ms(self) -> float:
        return 1000 * self.cpu / max(1, self.pages)


def unguarded(paths: list[Path], with_understanding: bool) -> Run:
    cpu0, wall0 = cpu_with_children(), time.perf_counter()
    ok = 0
    for path in paths:
        try:
            article = extract(read_page(path))
            if with_understanding:
                enrich(article)
            ok += 1
        except Exception:  # the anchor counts what the guard would reject, and goes on
            pass
    return Run("unguarded (anchor)", len(paths), ok, cpu_with_children() - cpu0, time.perf_counter() - wall0)


def guarded(paths: list[Path], with_understanding: bool, isolate: bool) -> Run:
    cpu0, wall0 = cpu_with_children(), time.perf_counter()
    ok = 0
    guard = Guard(GuardOptions(isolate=isolate), warm=warm_up if with_understanding and isolate else None)
    try:
        for path in paths:
            verdict = guard.run(prepare, PageJob(source=str(path), path=path), source=str(path))
            if verdict.value is not None and with_understanding:
                verdict = guard.run(understand, verdict.value, source=str(path), spent=verdict.cpu_seconds)
            ok += verdict.value is not None
    finally:
        guard.close()  # joins the worker, so its CPU time is in RUSAGE_CHILDREN
    name = "guarded, worker process" if isolate else "guarded, in-process"
    return Run(name, len(paths), ok, cpu_with_children() - cpu0, time.perf_counter() - wall0)


def _noop(payload: int, mark: StageMark) -> int:
    mark.enter("noop")
    return payload


def fixed_cost(records: int) -> dict[str, float]:
    """CPU per record of the guard alone: a record whose work is nothing, unguarded and guarded."""
    cpu0 = cpu_with_children()
    mark = StageMark()
    for i in range(records):
        _noop(i, mark)
    bare = cpu_with_children() - cpu0
    costs = {"bare": bare / records * 1000}
    for isolate in (False, True):
        guard = Guard(GuardOptions(isolate=isolate))
        guard.run(_noop, 0, source="noop")  # the worker's start is a once-per-batch cost
        cpu0, wall0 = cpu_with_children(), time.perf_counter()
        try:
            for i in range(records):
                guard.run(_noop, i, source="noop")
            wall = time.perf_counter() - wall0
        finally:
            guard.close()
        name = "worker" if isolate else "in-process"
        costs[name] = (cpu_with_children() - cpu0) / records * 1000
        costs[f"{name} wall"] = wall / records * 1000
    return costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pages", type=Path, default=None, help="a folder of pages (default: ../shared Zyte pages)"
    )
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--understand", action="store_true", help="add entities and times (the costly step)")
    parser.add_argument("--rounds", type=int, default=2, help="best of this many rounds per row")
    parser.add_argument("--micro", type=int, default=3000, help="no-op records for the guard's fixed cost")
    args = parser.parse_args()
    folder = args.pages or shared("pages", "zyte", "html")
    paths = sorted(p for p in folder.iterdir() if p.name.endswith((".html", ".html.gz", ".txt")))[
        : args.limit
    ]
    if args.understand:
        warm_up()  # the anchor's model loads before timing, as the worker's does in warm_up
    extract(read_page(paths[0]))  # imports and first-use caches, for every row alike

    rows: dict[str, Run] = {}
    for _ in range(args.rounds):
        for run in (
            unguarded(paths, args.understand),
            guarded(paths, args.understand, isolate=False),
            guarded(paths, args.understand, isolate=True),
        ):
            best = rows.get(run.name)
            if best is None or run.cpu < best.cpu:
                rows[run.name] = run

    what = "extract + understand" if args.understand else "extract"
    print(f"{len(paths)} pages from {folder} ({what}), best of {args.rounds} rounds by CPU time")
    print(f"{'':28} {'ok':>5} {'CPU s':>8} {'CPU ms/page':>12} {'wall s':>8} {'pages/s':>8}")
    for run in rows.values():
        print(
            f"{run.name:28} {run.ok:>5} {run.cpu:>8.2f} {run.cpu_ms:>12.2f} {run.wall:>8.2f} {run.rate:>8.1f}"
        )
    anchor = rows["unguarded (anchor)"]
    worker = rows["guarded, worker process"]
    overhead_cpu = (worker.cpu - anchor.cpu) / len(paths) * 1000
    overhead_wall = (worker.wall - anchor.wall) / len(paths) * 1000
    print(
        f"guard overhead per page (worker vs unguarded): {overhead_cpu:+.2f} ms CPU, {overhead_wall:+.2f} ms wall "
        f"({100 * (worker.cpu / anchor.cpu - 1):+.1f} % CPU)"
    )
    fixed = fixed_cost(args.micro)
    print(
        f"fixed cost of the guard per record ({args.micro} records doing nothing): "
        f"{fixed['worker']:.3f} ms CPU ({fixed['worker wall']:.3f} ms wall) in a worker, "
        f"{fixed['in-process']:.3f} ms CPU in-process, {fixed['bare']:.4f} ms unguarded; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall figures suffer from it)"
    )
    print_result(
        "guard fixed cost per record (worker)",
        round(fixed["worker"], 4),
        "ms CPU",
        anchor="the same no-op record unguarded",
        anchor_value=round(fixed["bare"], 4),
        better="lower",
    )
    print_result(
        f"guard overhead per page ({what})",
        round(overhead_cpu, 3),
        "ms CPU",
        anchor="unguarded CPU per page",
        anchor_value=round(anchor.cpu_ms, 3),
        better="lower",
    )


if __name__ == "__main__":
    main()
