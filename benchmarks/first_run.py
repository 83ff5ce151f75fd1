"""A new user's first `make run`: seconds from the command to a front page with stories.

A fresh copy of the working tree (what a clone of it would hold: no venv, no archive) runs
`make run` as a new user types it: a venv is made, the engine's packages installed (from
the package indexes pip is configured with), then `kabar run` serves the portal while the
sample loads in the background. kabar itself is kept offline: it gets a configuration whose
only source is a closed loopback port (benchmarks/offline_run.py), so no news site is polled;
pip keeps whatever network it has. Measured from the command's start, polling GET / every
0.2 s:

- first page: GET / answers 200 listing at least one article;
- stories: the front page lists at least one story (a cluster of the sample's articles);
- loaded: the loading notice is gone (every sample record ingested).

Anchors from the same run: the install step alone (the time `make` reached the line after
`pip install`), and a bare ``python -c 'import kabar'`` in the new venv. Wall times depend on
the machine's load (printed); the CPU time of the whole run is given beside them.

    .venv/bin/python -m benchmarks.first_run [--keep] [--baseline HEAD]

``--baseline REV`` first times the Makefile of a git revision the same way, on another fresh
copy (its `kabar run` line given the same offline configuration): the anchor is then that
revision's first page, in the same run.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks._common import ROOT, result
from benchmarks.offline_run import free_port, fresh_copy, start_make_run

TIMEOUT_SECONDS = 900
LIMIT_SECONDS = 600  # give up on a run that has shown nothing by then

_HEADLINE = re.compile(r'<a class="judul"')
_STORY = re.compile(r'<section class="cerita-utama"')
_NOTICE = re.compile(r'class="pemberitahuan"')


@dataclass(slots=True)
class Marks:
    first_page: float | None = None
    stories: float | None = None
    loaded: float | None = None
    installed: float | None = None  # the line after `pip install` in make's output
    first_page_cpu: float | None = None  # CPU of every process of the run until the first page


def session_cpu(session: int) -> float:
    """CPU seconds of the processes in a session (the run: make, pip, kabar, its workers), with
    their finished children: a figure the machine's load barely moves, unlike wall time."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        if int(fields[3]) == session:  # field 6 of stat(5): the session id
            total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
    return total / tick


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _watch(base: str, started: float, marks: Marks, session: int, alive: Callable[[], bool]) -> None:
    with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
        while marks.loaded is None:
            if time.monotonic() - started > LIMIT_SECONDS or not alive():
                return
            try:
                response = client.get("/")
            except httpx.TransportError:
                time.sleep(0.2)
                continue
            now = time.monotonic() - started
            text = response.text if response.status_code == 200 else ""
            if marks.first_page is None and _HEADLINE.search(text):
                marks.first_page = now
                marks.first_page_cpu = session_cpu(session)
            if marks.stories is None and _STORY.search(text):
                marks.stories = now
            if marks.first_page is not None and marks.stories is not None and not _NOTICE.search(text):
                marks.loaded = now
            time.sleep(0.2)


def _import_seconds(python: Path) -> tuple[float, float]:
    before = _children_cpu()
    start = time.monotonic()
    subprocess.run([str(python), "-c", "import kabar"], check=True)
    return time.monotonic() - start, _children_cpu() - before


@dataclass(slots=True)
class Measured:
    marks: Marks
    cpu: float  # every process of the run, start to stop
    load: float  # load average (1 min) when it started
    workdir: Path


def measure(workdir: Path) -> Measured:
    """`make run` in ``workdir`` until the sample has loaded (or LIMIT_SECONDS), then Ctrl-C."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KABAR_", "VIRTUAL_ENV"))}
    env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p)
    load = os.getloadavg()[0]
    cpu_before = _children_cpu()
    run = start_make_run(workdir, [], port=free_port(), env=env, namespace=False)
    marks = Marks()
    try:
        _watch(run.base, run.started, marks, run.proc.pid, lambda: run.proc.poll() is None)
    finally:
        status = run.stop()
    cpu = _children_cpu() - cpu_before
    for line in run.lines:
        if marks.installed is None and "/bin/kabar " in line.text:
            marks.installed = line.seconds  # make's first kabar command: the install step is over
    if marks.first_page is None:
        print(run.output()[-4000:])
        raise SystemExit(f"no front page within {LIMIT_SECONDS} s (make exited {status})")
    return Measured(marks=marks, cpu=cpu, load=load, workdir=workdir)


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.1f} s"


def _print(title: str, m: Measured) -> None:
    print(f"{title}: {m.workdir}; load average at the start: {m.load:.2f} on {os.cpu_count()} cores")
    print(f"  install step (venv + pip install) ....... {_fmt(m.marks.installed)}")
    print(f"  first page listing articles ............. {_fmt(m.marks.first_page)}")
    print(f"    CPU of the run until then ............. {_fmt(m.marks.first_page_cpu)}")
    print(f"  front page listing stories .............. {_fmt(m.marks.stories)}")
    print(f"  sample loaded (notice gone) ............. {_fmt(m.marks.loaded)}")
    print(f"  CPU time of the whole run ............... {m.cpu:.1f} s")


def _old_makefile(workdir: Path, rev: str) -> None:
    """The Makefile of ``rev`` in the copy, told to use the offline configuration too."""
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:Makefile"], capture_output=True, text=True, check=True
    ).stdout
    text = re.sub(r"^(\t\$\(BIN\)/kabar run .*)$", r"\1 $(RUN_ARGS)", text, flags=re.MULTILINE)
    (workdir / "Makefile").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="keep the fresh copies (their paths are printed)")
    parser.add_argument(
        "--baseline",
        metavar="REV",
        help="also time the Makefile of this git revision (e.g. HEAD) on another fresh copy, first",
    )
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="kabar-first-run-"))
    baseline: Measured | None = None
    if args.baseline:
        old = fresh_copy(ROOT, folder / "baseline")
        _old_makefile(old, args.baseline)
        baseline = measure(old)
        shutil.rmtree(old / ".venv", ignore_errors=True)  # 100s of MB; the figures are taken
    m = measure(fresh_copy(ROOT, folder / "kabar"))
    import_wall, import_cpu = _import_seconds(m.workdir / ".venv" / "bin" / "python")
    if baseline is not None:
        _print(f"baseline (Makefile of {args.baseline})", baseline)
    _print("make run", m)
    print(f"bare `python -c 'import kabar'` (anchor) .. {import_wall:.2f} s wall, {import_cpu:.2f} s CPU")
    anchor = "install step alone (venv + pip, same run)"
    if baseline is not None:
        anchor, installed = f"make run of {args.baseline}, same run", baseline.marks.first_page
    else:
        installed = m.marks.installed
    result("first_run_first_page", m.marks.first_page, "s", anchor=anchor, anchor_value=installed)
    result("first_run_stories", m.marks.stories, "s", anchor=anchor, anchor_value=installed)
    result(
        "first_run_loaded", m.marks.loaded, "s", anchor="python -c 'import kabar'", anchor_value=import_wall
    )
    result(
        "first_run_first_page_cpu",
        m.marks.first_page_cpu,
        "s CPU",
        anchor="python -c 'import kabar' (CPU)",
        anchor_value=round(import_cpu, 2),
        note="every process of the run until the first page: venv, pip, kabar and its workers",
    )
    result("first_run_cpu", round(m.cpu, 1), "s CPU", note="venv, install, serving and the sample's ingest")
    if args.keep:
        print(f"kept: {folder}")
    else:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
