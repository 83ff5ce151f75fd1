"""What starting a guard worker costs by start method: fork (the anchor), forkserver, spawn.

    .venv/bin/python -m benchmarks.guard_start [--warm] [--workers 2]

The API server's guard workers come from a forkserver (:mod:`kabar.guard_start`) since forking
the threaded server is unsafe; ``kabar.guard.Guard`` forks. Each method runs in a fresh process
that has imported kabar's ingest modules (as the server has), starts ``--workers`` guards one
after the other and runs one no-op record through each. Per worker it reports the CPU time of
the caller's side, of the worker itself (its own ``getrusage``: start, imports and, with
``--warm``, loading the models) and, for the forkserver, of the forkserver process, which the
first worker's start pays for (``/proc/<pid>/stat``); wall time to the first record's answer
beside it. CPU time, so the load of other processes does not count.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing.forkserver
import os
import resource
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

from benchmarks._common import ROOT
from benchmarks._common import result as print_result
from kabar.guard import GuardOptions, StageMark
from kabar.guard_start import StartMethod

METHODS: tuple[StartMethod, ...] = ("fork", "forkserver", "spawn")
ANCHOR: StartMethod = "fork"
QUICK_ARGS = ["--workers", "2"]


def worker_cpu(payload: int, mark: StageMark) -> float:
    """Run in the worker: its own CPU seconds so far (start, imports, warm-up, this record)."""
    mark.enter("cpu")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


@dataclass(slots=True)
class Start:
    method: str
    worker: int  # 1: the first worker of the process, 2: the next one
    caller_cpu: float  # this process, from the guard's creation to the record's answer
    worker_cpu: float  # the worker's own, up to and with the record
    server_cpu: float  # the forkserver's own, when this worker started it (0 otherwise)
    wall: float

    @property
    def cpu(self) -> float:
        return self.caller_cpu + self.worker_cpu + self.server_cpu


def _forkserver_cpu() -> float:
    pid = multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined]
    if pid is None:
        return 0.0
    with open(f"/proc/{pid}/stat") as fh:
        fields = fh.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return ticks / os.sysconf("SC_CLK_TCK")


def one_method(method: StartMethod, workers: int, warm: bool) -> list[Start]:
    """In a fresh process: ``workers`` guards started by ``method``, one no-op record each."""
    import kabar.guard_start as guard_start
    from benchmarks import guard_start as me  # the work by its module's name, not __main__'s
    from kabar.prepare import warm_up

    guard_start.START_METHOD = method
    starts = []
    guards = []
    for n in range(1, workers + 1):
        server_before = _forkserver_cpu()
        cpu0, wall0 = time.process_time(), time.perf_counter()
        guard = guard_start.StartedGuard(GuardOptions(max_cpu_seconds=600), warm=warm_up if warm else None)
        verdict = guard.run(me.worker_cpu, n, source="start")
        wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
        assert verdict.value is not None, verdict.reject
        starts.append(Start(method, n, cpu, verdict.value, _forkserver_cpu() - server_before, wall))
        guards.append(guard)  # kept open: the next worker starts beside it, as in the pool
    for guard in guards:
        guard.close()
    return starts


def _run_fresh(method: StartMethod, workers: int, warm: bool) -> list[Start]:
    command = [sys.executable, "-m", "benchmarks.guard_start", "--one", method, "--workers", str(workers)]
    out = subprocess.run(
        [*command, *(["--warm"] if warm else [])], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [Start(**row) for row in json.loads(out.strip().splitlines()[-1])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="guards started one after the other")
    parser.add_argument("--warm", action="store_true", help="each worker loads the models first (warm_up)")
    parser.add_argument("--one", choices=METHODS, help=argparse.SUPPRESS)  # a fresh process's own part
    args = parser.parse_args()
    if args.one:
        print(json.dumps([asdict(s) for s in one_method(args.one, args.workers, args.warm)]))
        return
    rows = {method: _run_fresh(method, args.workers, args.warm) for method in METHODS}
    print(f"guard worker start by method ({'with' if args.warm else 'without'} warm_up), CPU seconds")
    print(f"{'method':12} {'worker':>6} {'caller':>8} {'worker':>8} {'server':>8} {'total':>8} {'wall s':>8}")
    for starts in rows.values():
        for s in starts:
            print(
                f"{s.method:12} {s.worker:>6} {s.caller_cpu:>8.3f} {s.worker_cpu:>8.3f} "
                f"{s.server_cpu:>8.3f} {s.cpu:>8.3f} {s.wall:>8.2f}"
            )
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall suffers from it, CPU not)")
    what = "with warm_up" if args.warm else "no warm_up"
    for n, label in ((0, "first"), (-1, "next")):
        print_result(
            f"guard {label} worker start, forkserver ({what})",
            round(rows["forkserver"][n].cpu, 3),
            "s CPU",
            anchor=f"fork (same run); spawn {rows['spawn'][n].cpu:.3f} s",
            anchor_value=round(rows[ANCHOR][n].cpu, 3),
            better="lower",
        )


if __name__ == "__main__":
    main()
