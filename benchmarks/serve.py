"""The portal under load: 50 clients against `kabar serve --workers 2` over the example archive.

    .venv/bin/python -m benchmarks.serve [--workers 2] [--clients 50] [--seconds 8] [--db PATH]
                                         [--ingest-only] [--rounds 1]

The archive is what `make run` ingests (examples/indosum-sample.jsonl and the Tempo.co
page), built once into a temporary file unless ``--db`` names one. ``kabar serve`` runs
as its own process tree (``--workers N``, loopback, a free port); this process is the
load generator: ``--clients`` connections, each sending its next request as soon
as the last one is answered, for ``--seconds`` per scenario, bodies read whole.
Scenarios: article pages (ids at random over the whole archive), the front page,
search (a few queries), story pages, feeds, an API answer, and article pages while
``kabar ingest`` adds articles from ../shared/corpus/indosum-dev.jsonl (IndoSum records
the sample does not hold) in another process. Each scenario runs after one pass that
visits its addresses once (a reader arriving at a page someone has seen since the last
change); the ingest scenario is the cold case, every landed article invalidating the caches.

The ingest scenario runs once per cache invalidation mode, each on its own copy of the
archive and its own server, the same articles offered to the same ingest: ``stamp`` (every
commit drops every kept answer: the behaviour before the change log, the anchor) and
``targeted`` (only the answers the change log says were touched; serve/invalidation.py).
``--rounds N`` alternates them N times (anchor first); ``--ingest-only`` skips the other
scenarios. The share of answers served from a worker's cache (``x-kabar-cache``) is printed.

Anchor, in the same run and through the same server: the static stylesheet (the HTTP
stack's ceiling, no archive work). The server's own CPU time per request (user+system of
every server process, from /proc) and the load average are printed with each figure:
the load generator shares this machine's cores with the server.
Goals (issue 18): article pages ≥ 300 requests/s, p95 ≤ 250 ms, 0 errors; while an ingest
runs p95 ≤ 400 ms; front page, search, story, feeds p95 ≤ 250 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote_plus

import httpx

from benchmarks._common import ROOT, SHARED, median, percentile, result
from benchmarks._http_load import Connection, HttpError
from kabar.archive import open_archive

QUICK_ARGS = ["--seconds", "3"]
PathFor = Callable[[random.Random], str]
CLI = "from kabar.cli.main import main; main()"
EXAMPLES = [
    ROOT / "examples" / "tempo-putin-armenia-azerbaijan.txt",
    ROOT / "examples" / "indosum-sample.jsonl",
]
QUERIES = ["banjir", "presiden", "sepak bola", "gempa", "jakarta", "pemilihan gubernur", "harga", "polisi"]
START_SECONDS = 300  # a machine loaded by other work (a fuzz run) took more than 90 s to start two workers
GOALS = {"article": (300.0, 250.0), "ingest": (None, 400.0), "page": (None, 250.0)}


@dataclass(slots=True)
class Figure:
    scenario: str
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    rps: float
    server_cpu_ms: float  # server CPU (all its processes) per answered request
    client_cpu_ms: float  # the load generator's own CPU per request (it shares the cores)
    load: str  # the 1-minute load average before → after
    note: str = ""
    hits: float = 0.0  # share of answers the server took from a worker's cache


def _kabar(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CLI, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )


def build_archive(folder: Path) -> Path:
    db = folder / "examples.db"
    print(f"ingesting the examples into {db} (as `make run` does) …", flush=True)
    started = time.monotonic()
    _kabar("ingest", *map(str, EXAMPLES), "--db", str(db), "-q")
    print(f"  done in {time.monotonic() - started:.0f} s", flush=True)
    return db


def extra_articles(folder: Path, db_urls: set[str], count: int) -> Path | None:
    """IndoSum records the sample does not hold, for the ingest scenario (None without ../shared)."""
    corpus = SHARED / "corpus" / "indosum-dev.jsonl"
    if not corpus.exists():
        return None
    out = folder / "extra.jsonl"
    taken = 0
    with corpus.open(encoding="utf-8") as src, out.open("w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            if record.get("url") in db_urls:
                continue
            dst.write(line)
            taken += 1
            if taken >= count:
                break
    return out


def count_articles(db: Path) -> int:
    archive = open_archive(db, read_only=True)
    try:
        return archive.count()
    finally:
        archive.close()


def sample_urls() -> set[str]:
    with EXAMPLES[1].open(encoding="utf-8") as fh:
        return {json.loads(line).get("url") for line in fh}


def start_server(
    db: Path, workers: int, log: Path, extra: list[str], invalidation: str = "targeted"
) -> tuple[subprocess.Popen[str], str]:
    with log.open("w") as out:  # a file, not a pipe: a pipe nobody reads would stall the server
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                CLI,
                "serve",
                "--db",
                str(db),
                "--port",
                "0",
                "--workers",
                str(workers),
                *extra,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "KABAR_TOKEN": "", "KABAR_CACHE_INVALIDATION": invalidation},
        )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kabar serve exited: {log.read_text()[-2000:]}")
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", log.read_text())
        if found:
            base = f"http://127.0.0.1:{found.group(1)}"
            try:
                if httpx.get(base + "/static/kabar.css", timeout=2).status_code == 200:
                    return proc, base
            except httpx.TransportError:
                pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit(f"kabar serve did not start within {START_SECONDS} s")


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the server and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        todo += [child for child, parent in parents.items() if parent == current]
    return out


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the server process tree, so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in _tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def wait_idle(pid: int, limit: float = 90.0) -> float:
    """Wait until the server stops working on its own (each worker ranks related news for the
    newest articles at start-up); the seconds waited."""
    started = time.monotonic()
    last = cpu_seconds(pid)
    while time.monotonic() - started < limit:
        time.sleep(1.0)
        now = cpu_seconds(pid)
        if now - last < 0.05:
            break
        last = now
    return time.monotonic() - started


def _load() -> float:
    return os.getloadavg()[0]


async def run_load(base: str, path_for: PathFor, clients: int, seconds: float, seed: int) -> Figure:
    """``clients`` connections, each sending its next GET as soon as the last is answered."""
    latencies: list[float] = []
    errors = 0
    hits = 0
    host, _, port = base.removeprefix("http://").partition(":")
    deadline = time.perf_counter() + seconds

    async def worker(rng: random.Random) -> None:
        nonlocal errors, hits
        # gzip, as browsers ask; the body is read whole and kept as sent
        connection = Connection(host, int(port), {"Accept-Encoding": "gzip"})
        try:
            while time.perf_counter() < deadline:
                path = path_for(rng)
                started = time.perf_counter()
                try:
                    answer = await connection.get(path)
                except HttpError as exc:
                    errors += 1
                    if errors <= 3:
                        print(f"    transport error: {exc}", flush=True)
                    continue
                latencies.append((time.perf_counter() - started) * 1000)
                hits += answer.cache == "hit"
                if answer.status != 200:
                    errors += 1
                    if errors <= 3:
                        print(f"    {answer.status} on {path}", flush=True)
        finally:
            connection.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker(random.Random(seed + i)) for i in range(clients)))
    elapsed = time.perf_counter() - began
    return Figure("", len(latencies) + errors, errors, median(latencies), percentile(latencies, 95),
                  len(latencies) / elapsed, 0.0, 0.0, "", hits=hits / max(1, len(latencies)))  # fmt: skip


async def visit_once(base: str, paths: list[str], clients: int = 8) -> None:
    """Each address once, by a few clients (what a reader before this one caused).

    A new connection for each visit: the workers share one listening socket, and a kept-alive
    connection would leave every visit with the worker that happened to accept it.
    """
    queue = list(paths)
    host, _, port = base.removeprefix("http://").partition(":")

    async def worker() -> None:
        while queue:
            connection = Connection(host, int(port))
            try:
                await connection.get(queue.pop())
            finally:
                connection.close()

    await asyncio.gather(*(worker() for _ in range(clients)))


def measure(name: str, pid: int, base: str, path_for: PathFor, args: argparse.Namespace, seed: int) -> Figure:
    load_before, cpu_before, own_before = _load(), cpu_seconds(pid), time.process_time()
    fig = asyncio.run(run_load(base, path_for, args.clients, args.seconds, seed))
    cpu = cpu_seconds(pid) - cpu_before
    fig.client_cpu_ms = (time.process_time() - own_before) * 1000 / max(1, fig.requests)
    fig.scenario = name
    fig.server_cpu_ms = cpu * 1000 / max(1, fig.requests)
    fig.load = f"{load_before:.1f}→{_load():.1f}"
    print(
        f"  {name:34s} {fig.rps:7.0f} req/s  p50 {fig.p50_ms:7.1f} ms  p95 {fig.p95_ms:7.1f} ms  "
        f"errors {fig.errors}  CPU/req server {fig.server_cpu_ms:5.2f} ms, client {fig.client_cpu_ms:4.2f} ms  "
        f"cache hits {fig.hits:4.0%}  load {fig.load}",
        flush=True,
    )
    return fig


def copy_archive(db: Path, to: Path) -> Path:
    """A consistent copy of a SQLite archive (its WAL included), through SQLite's backup."""
    src, dst = sqlite3.connect(db), sqlite3.connect(to)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    return to


def stop(proc: subprocess.Popen[str], log: Path) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
    tail = log.read_text()[-2000:]
    if "Traceback" in tail or "Error" in tail:
        print(f"server log ({log}) tail:\n{tail}")


def batch_args(batch: int) -> list[str]:
    """``--batch N`` where this kabar's ingest stores in batches (one commit per batch); else none."""
    help_text = _kabar("ingest", "--help").stdout
    return ["--batch", str(batch)] if "--batch" in help_text else []


def ingest_scenario(
    db: Path, mode: str, extra: Path, n: int, args: argparse.Namespace, folder: Path, round_no: int
) -> Figure:
    """Article pages while `kabar ingest` adds articles, on a server in cache mode ``mode``."""
    log = folder / f"serve-{mode}-{round_no}.log"
    proc, base = start_server(db, args.workers, log, args.serve_arg, invalidation=mode)
    try:
        print(f"  [{mode}] kabar serve --workers {args.workers} at {base}; idle after "
              f"{wait_idle(proc.pid):.0f} s", flush=True)  # fmt: skip
        paths = [f"/artikel/{i}" for i in range(1, n + 1)]
        asyncio.run(visit_once(base, paths * 3 * args.workers))
        ingest_log = folder / f"ingest-{mode}-{round_no}.log"
        with ingest_log.open("w") as out:
            ingest = subprocess.Popen(
                [sys.executable, "-c", CLI, "ingest", str(extra), "--db", str(db), *batch_args(args.ingest_batch)],
                stdout=out, stderr=subprocess.STDOUT, text=True, cwd=ROOT,
                env={**os.environ, "KABAR_CACHE_INVALIDATION": mode},  # the writer notes reach in targeted mode
            )  # fmt: skip
        before = count_articles(db)
        deadline = time.monotonic() + 120
        while count_articles(db) == before and time.monotonic() < deadline and ingest.poll() is None:
            time.sleep(0.5)  # until it stores (its start-up loads the language models)
        before = count_articles(db)
        fig = measure(f"article pages, ingest running ({mode})", proc.pid, base, lambda r: r.choice(paths),
                      args, 99 + round_no)  # fmt: skip
        landed = count_articles(db) - before
        ingest.send_signal(signal.SIGINT)
        try:
            ingest.wait(timeout=30)
        except subprocess.TimeoutExpired:
            ingest.kill()
        fig.note = (f"{landed} articles landed during the {args.seconds:.0f} s ({landed / args.seconds:.1f}/s), "
                    f"ingest --batch {args.ingest_batch}")  # fmt: skip
        print(f"    ({fig.note})", flush=True)
        return fig
    finally:
        stop(proc, log)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, help="an archive to serve (default: the examples, ingested now)")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=8.0, help="seconds of load per scenario")
    ap.add_argument("--ingest-articles", type=int, default=400, help="articles the ingest scenario offers")
    ap.add_argument("--serve-arg", action="append", default=[], help="passed on to kabar serve (repeatable)")
    ap.add_argument(
        "--ingest-only", action="store_true", help="only the ingest scenario, in both cache modes"
    )
    ap.add_argument(
        "--rounds", type=int, default=1, help="times the two cache modes alternate while ingesting"
    )
    ap.add_argument(
        "--ingest-batch",
        type=int,
        default=1,
        help="articles per commit of the ingest (1: as the engine and POST /api/ingest store them)",
    )
    args = ap.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="kabar-bench-serve-"))
    db = args.db or build_archive(folder)
    archive = open_archive(db, read_only=True)
    try:
        n = archive.count()
        story_ids = [s.id for s in archive.stories.list_stories(limit=200)]
    finally:
        archive.close()
    print(f"archive: {n} articles, {len(story_ids)} stories; {db}")
    # The ingest scenarios each start from this state (the other scenarios write nothing).
    pristine = copy_archive(db, folder / "pristine.db")
    figures: list[tuple[str, Figure]] = []
    if not args.ingest_only:
        figures += serve_scenarios(db, n, story_ids, args, folder)
    extra = extra_articles(folder, sample_urls(), args.ingest_articles)
    if extra is None:
        print(f"  (no {SHARED}/corpus/indosum-dev.jsonl: the ingest scenario is left out)")
    else:
        for round_no in range(args.rounds):
            for mode in ("stamp", "targeted"):  # the anchor first in each round
                copy = copy_archive(pristine, folder / f"ingest-{mode}-{round_no}.db")
                figures.append(("ingest", ingest_scenario(copy, mode, extra, n, args, folder, round_no)))
    report(figures, n, args)
    shutil.rmtree(folder, ignore_errors=True)


def serve_scenarios(
    db: Path, n: int, story_ids: list[int], args: argparse.Namespace, folder: Path
) -> list[tuple[str, Figure]]:
    log = folder / "serve.log"
    proc, base = start_server(db, args.workers, log, args.serve_arg)
    print(f"kabar serve --workers {args.workers} at {base} (pid {proc.pid}); {os.cpu_count()} cores here")
    print(f"  server idle after its start-up work: {wait_idle(proc.pid):.0f} s", flush=True)
    story_ids = story_ids or [1]
    feeds = ["/feed/rss/terbaru", "/feed/atom/terbaru", *(f"/feed/rss/cerita/{s}" for s in story_ids[:20])]
    scenarios: list[tuple[str, str, list[str]]] = [
        ("anchor: static CSS, same server", "anchor", ["/static/kabar.css"]),
        ("article pages /artikel/{id}", "article", [f"/artikel/{i}" for i in range(1, n + 1)]),
        ("front page /", "page", ["/"]),
        ("search /cari?q=", "page", [f"/cari?q={quote_plus(q)}" for q in QUERIES]),
        ("story pages /cerita/{id}", "page", [f"/cerita/{s}" for s in story_ids]),
        ("feeds /feed/…", "page", feeds),
        ("API /api/articles/{id}", "api", [f"/api/articles/{i}" for i in range(1, n + 1)]),
    ]
    figures: list[tuple[str, Figure]] = []
    try:
        for index, (name, kind, paths) in enumerate(scenarios):
            # Every worker keeps its own cache and a connection lands on either: three visits
            # each leave few addresses unseen by a worker.
            asyncio.run(visit_once(base, paths * 3 * args.workers))
            fig = measure(name, proc.pid, base, lambda r, p=paths: r.choice(p), args, 1000 * index)  # type: ignore[misc]
            figures.append((kind, fig))
    finally:
        stop(proc, log)
    return figures


def report(figures: list[tuple[str, Figure]], n: int, args: argparse.Namespace) -> None:
    print(f"\nkabar serve --workers {args.workers}, {args.clients} clients, {args.seconds:.0f} s per scenario, "
          f"{n} articles, {os.cpu_count()} cores shared with the load generator")  # fmt: skip
    print(
        f"{'scenario':44s} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'errors':>6} {'server CPU ms/req':>17} "
        f"{'client CPU ms/req':>17} {'hits':>5} {'load':>9}"
    )
    for _, f in figures:
        print(f"{f.scenario:44s} {f.rps:>7.0f} {f.p50_ms:>8.1f} {f.p95_ms:>8.1f} {f.errors:>6} "
              f"{f.server_cpu_ms:>17.2f} {f.client_cpu_ms:>17.2f} {f.hits:>5.0%} {f.load:>9}")  # fmt: skip
    anchors = {"": figures[0][1]} if figures and figures[0][0] == "anchor" else {}
    stamp_runs = [f for kind, f in figures if kind == "ingest" and "(stamp)" in f.scenario]
    for kind, f in figures:
        if kind == "anchor":
            continue
        goal_rps, goal_p95 = GOALS.get(kind, (None, 250.0))
        met = f.errors == 0 and f.p95_ms <= goal_p95 and (goal_rps is None or f.rps >= goal_rps)
        goal = f"p95 ≤ {goal_p95:.0f} ms" + (f", ≥ {goal_rps:.0f} req/s" if goal_rps else "") + ", 0 errors"
        print(f"  {f.scenario:44s} goal {goal}: {'met' if met else 'MISSED'}")
        note = (f"{f.errors} errors, server CPU {f.server_cpu_ms:.2f} ms/request, cache hits {f.hits:.0%}, "
                f"load {f.load}")  # fmt: skip
        if f.note:
            note += f"; {f.note}"
        if kind == "ingest" and stamp_runs:
            # the anchor of the ingest scenario: the same ingest against a server that drops
            # every kept answer on each commit (the median of the stamp runs of this invocation)
            anchor_name = "same ingest, stamp invalidation (every commit drops every answer)"
            anchor_p95 = median([a.p95_ms for a in stamp_runs])
            anchor_rps = median([a.rps for a in stamp_runs])
        elif "" in anchors:
            anchor_name, anchor_p95, anchor_rps = (
                "static CSS, same server",
                anchors[""].p95_ms,
                anchors[""].rps,
            )
        else:
            continue
        result(f"{f.scenario}, {args.clients} clients, p95", f.p95_ms, "ms", anchor=anchor_name,
               anchor_value=anchor_p95, note=note)  # fmt: skip
        result(f"{f.scenario}, {args.clients} clients, throughput", f.rps, "requests/s",
               anchor=anchor_name, anchor_value=anchor_rps)  # fmt: skip


if __name__ == "__main__":
    main()
