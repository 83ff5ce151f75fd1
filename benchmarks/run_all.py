"""Run every benchmark, one subprocess each, and write one table of kabar's figures beside their anchors.

    .venv/bin/python -m benchmarks.run_all [--quick] [--only NAME ...] [--timeout SECONDS] [--list]

A benchmark is a module of benchmarks/ with a ``__main__`` block (helpers such as ``_common`` or
``story_eval`` have none; tools that build or fit rather than measure are listed in ``TOOLS``). Each runs
as ``python -m benchmarks.NAME`` with its own time limit; a failure, a time-out or a missing data set is
recorded and the run goes on. Figures come from the ``RESULT {json}`` lines a benchmark prints
(``benchmarks._common.result``); a benchmark that prints none is still listed with its exit status and the
tail of its output. ``--quick`` passes each module's ``QUICK_ARGS`` (a smaller run of the same figures).

Writes benchmarks/out/summary.md and summary.json (after every benchmark, so an interrupted run keeps what
it measured) and each benchmark's full output in benchmarks/out/logs/NAME.log.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from benchmarks._common import RESULT_PREFIX, ROOT

# modules with a __main__ block that make or fit things rather than measure them
TOOLS = {
    "run_all": "this runner",
    "synth": "builds the large synthetic archive other benchmarks read",
    "story_train": "fits the story model (run by hand; --write changes the package)",
    "make_sample": "chooses the IndoSum sample shipped in examples/",
}
FULL_TIMEOUT = 3600.0
QUICK_TIMEOUT = 900.0
TAIL_LINES = 12
MISSING_DATA = "benchmark needs "  # the message of _common.shared() when the shared data set is absent


@dataclass(slots=True)
class Benchmark:
    name: str
    quick_args: list[str]
    timeout: float | None  # the module's own TIMEOUT_SECONDS


@dataclass(slots=True)
class Outcome:
    name: str
    command: list[str]
    status: str  # ok | failed | timed out | skipped
    exit_code: int | None
    wall_seconds: float
    cpu_seconds: float  # user + system of the benchmark and the children it waited for
    results: list[dict[str, object]] = field(default_factory=list)
    tail: list[str] = field(default_factory=list)
    log: str = ""


@dataclass(slots=True)
class RunOptions:
    root: Path = ROOT
    package: str = "benchmarks"
    quick: bool = False
    only: list[str] = field(default_factory=list)
    timeout: float | None = None
    out: Path = ROOT / "benchmarks" / "out"


def _literal(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            try:
                return ast.literal_eval(value)
            except ValueError:
                return None
    return None


def _has_main(tree: ast.Module) -> bool:
    return any(
        isinstance(node, ast.If)
        and "__main__" in ast.unparse(node.test)
        and "__name__" in ast.unparse(node.test)
        for node in tree.body
    )


def discover(options: RunOptions) -> list[Benchmark]:
    """The benchmark modules, read (not imported: importing one may load models or data sets)."""
    folder = options.root / options.package.replace(".", "/")
    found: list[Benchmark] = []
    for path in sorted(folder.glob("*.py")):
        name = path.stem
        if name.startswith("_") or name in TOOLS:
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"))
        except SyntaxError:
            tree = None
        if tree is not None and not _has_main(tree):
            continue
        quick = _literal(tree, "QUICK_ARGS") if tree is not None else None
        timeout = _literal(tree, "TIMEOUT_SECONDS") if tree is not None else None
        found.append(
            Benchmark(
                name=name,
                quick_args=[str(a) for a in quick] if isinstance(quick, list) else [],
                timeout=float(timeout) if isinstance(timeout, int | float) else None,
            )
        )
    return found


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _parse(lines: list[str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for line in lines:
        if not line.startswith(RESULT_PREFIX):
            continue
        try:
            record = json.loads(line[len(RESULT_PREFIX) :])
        except json.JSONDecodeError:
            continue  # a half-written line from a killed benchmark
        if isinstance(record, dict) and "name" in record and "value" in record:
            out.append(record)
    return out


def run_one(bench: Benchmark, options: RunOptions) -> Outcome:
    args = bench.quick_args if options.quick else []
    command = [sys.executable, "-m", f"{options.package}.{bench.name}", *args]
    limit = options.timeout or (QUICK_TIMEOUT if options.quick else (bench.timeout or FULL_TIMEOUT))
    log_path = options.out / "logs" / f"{bench.name}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cpu0, t0 = _children_cpu(), time.perf_counter()
    exit_code: int | None
    with log_path.open("w", encoding="utf-8", errors="replace") as log:
        # a session of its own, so a time-out also ends the servers and workers the benchmark started
        proc = subprocess.Popen(
            command, cwd=options.root, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            exit_code = proc.wait(timeout=limit)
            status = "ok" if exit_code == 0 else "failed"
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            exit_code, status = None, f"timed out after {limit:.0f} s"
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
    plain = [line for line in lines if not line.startswith(RESULT_PREFIX)]
    if status == "failed" and any(line.startswith(MISSING_DATA) for line in plain[-3:]):
        status = "skipped"  # the shared data set is absent here: not a failure of kabar
    return Outcome(
        name=bench.name,
        command=[Path(command[0]).name, *command[1:]],
        status=status,
        exit_code=exit_code,
        wall_seconds=round(wall, 2),
        cpu_seconds=round(cpu, 2),
        results=_parse(lines),
        tail=plain[-TAIL_LINES:],
        log=str(log_path.relative_to(options.root))
        if log_path.is_relative_to(options.root)
        else str(log_path),
    )


def _fmt(value: object) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != 0 and (abs(value) >= 1000 or abs(value) < 0.001):
            return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_markdown(outcomes: list[Outcome], meta: dict[str, object]) -> str:
    lines = [
        "# kabar benchmarks — summary",
        "",
        f"Generated {meta['generated']} by `python -m benchmarks.run_all"
        + (" --quick" if meta["quick"] else "")
        + f"` on {meta['cpus']} cores (load average at start {meta['load_start']}).",
        "Each figure is kabar's, with the anchor measured in the same run beside it; full output in "
        "`benchmarks/out/logs/`.",
        "",
        "| benchmark | figure | kabar | anchor | anchor's figure | unit | note |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        for r in o.results:
            note = ", ".join(str(r[k]) for k in ("better", "note") if r.get(k))
            lines.append(
                f"| {o.name} | {_cell(str(r['name']))} | {_fmt(r.get('value'))} | "
                f"{_cell(str(r.get('anchor') or '–'))} | {_fmt(r.get('anchor_value'))} | "
                f"{_cell(str(r.get('unit', '')))} | {_cell(note)} |"
            )
        if not o.results:
            last = next((line.strip() for line in reversed(o.tail) if line.strip()), "no output")
            lines.append(
                f"| {o.name} | *(no RESULT lines; last output)* | {_cell(last[:160])} | – | – | – | {o.status} |"
            )
    lines += [
        "",
        "| benchmark | status | exit | wall s | CPU s | command |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for o in outcomes:
        lines.append(
            f"| {o.name} | {o.status} | {_fmt(o.exit_code)} | {o.wall_seconds:.1f} | {o.cpu_seconds:.1f} | "
            f"`{_cell(' '.join(o.command))}` |"
        )
    troubled = [o for o in outcomes if o.status != "ok"]
    for o in troubled:
        lines += ["", f"## {o.name}: {o.status}", "", "```", *o.tail, "```"]
    return "\n".join(lines) + "\n"


def write_summary(outcomes: list[Outcome], meta: dict[str, object], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    payload = {**meta, "benchmarks": [asdict(o) for o in outcomes]}
    (out / "summary.json").write_text(
        json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "summary.md").write_text(render_markdown(outcomes, meta), encoding="utf-8")


def run_all(options: RunOptions) -> list[Outcome]:
    benches = discover(options)
    if options.only:
        known = {b.name for b in benches}
        unknown = [n for n in options.only if n not in known]
        if unknown:
            raise SystemExit(
                f"run_all: no benchmark {', '.join(unknown)}; there are: {', '.join(sorted(known))}"
            )
        benches = [b for b in benches if b.name in options.only]
    meta: dict[str, object] = {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "quick": options.quick,
        "cpus": os.cpu_count(),
        "load_start": round(os.getloadavg()[0], 1),
    }
    outcomes: list[Outcome] = []
    for bench in benches:
        print(f"== {bench.name} …", flush=True)
        outcome = run_one(bench, options)
        outcomes.append(outcome)
        print(
            f"   {outcome.status} in {outcome.wall_seconds:.0f} s wall, {outcome.cpu_seconds:.0f} s CPU; "
            f"{len(outcome.results)} figures",
            flush=True,
        )
        write_summary(outcomes, meta, options.out)
    return outcomes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller runs (each module's QUICK_ARGS)")
    parser.add_argument(
        "--only", action="append", default=[], metavar="NAME", help="run only this one (repeatable)"
    )
    parser.add_argument(
        "--timeout", type=float, help="seconds per benchmark (default: 3600, 900 with --quick)"
    )
    parser.add_argument("--out", type=Path, default=RunOptions().out, help="where summary.md/.json go")
    parser.add_argument("--list", action="store_true", help="list the benchmarks and their quick arguments")
    args = parser.parse_args(argv)
    options = RunOptions(quick=args.quick, only=args.only, timeout=args.timeout, out=args.out)
    if args.list:
        for b in discover(options):
            print(f"{b.name:20} quick: {' '.join(b.quick_args) or '(same as full)'}")
        return 0
    outcomes = run_all(options)
    print(f"summary: {options.out / 'summary.md'} and summary.json")
    return 0 if all(o.status in ("ok", "skipped") for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
