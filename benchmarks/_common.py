"""What the benchmarks share: where the data is, timing, memory readings."""

from __future__ import annotations

import json
import math
import os
import resource
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("KABAR_SHARED", ROOT.parent / "shared")).resolve()


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        sys.exit(f"benchmark needs {path} (the shared data set); not found")
    return path


def rss_mb() -> float:
    """Current resident set size in MB (Linux)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def cpu_with_children() -> float:
    """CPU seconds (user + system) of this process and of its children that have ended and
    been waited for (``RUSAGE_CHILDREN``): a guard worker counts once it is joined."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- figures for the summary table (benchmarks/run_all.py) -------------------------------------
# A benchmark prints its figures for people; beside each headline figure it may also print one line
#   RESULT {"name": ..., "value": ..., "unit": ..., "anchor": ..., "anchor_value": ...}
# which run_all collects into benchmarks/out/summary.{md,json}. A module may also set
#   QUICK_ARGS = ["--count", "1000"]   (arguments for `run_all --quick`: a smaller run, same figures)
#   TIMEOUT_SECONDS = 3600             (its own limit, when the runner's default is too short)
# as plain literals at module level: run_all reads them without importing the module.
RESULT_PREFIX = "RESULT "


def result(
    name: str,
    value: float | int | str | None,
    unit: str = "",
    *,
    anchor: str | None = None,
    anchor_value: float | int | str | None = None,
    better: str | None = None,
    note: str | None = None,
) -> None:
    """Print one figure for the summary: kabar's ``value`` and, measured in the same run, the anchor's.

    ``better`` is "higher" or "lower" where the direction is not obvious from the unit."""

    def clean(x: float | int | str | None) -> float | int | str | None:
        # JSON has no NaN/inf; a figure that could not be measured is null, not a fake number
        return None if isinstance(x, float) and not math.isfinite(x) else x

    record = {"name": name, "value": clean(value), "unit": unit}
    if anchor is not None:
        record |= {"anchor": anchor, "anchor_value": clean(anchor_value)}
    if better is not None:
        record["better"] = better
    if note is not None:
        record["note"] = note
    print(RESULT_PREFIX + json.dumps(record, ensure_ascii=False), flush=True)
