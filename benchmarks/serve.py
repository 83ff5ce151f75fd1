"""Serving latency: article page and API p50/p95 over a 100,000-article archive, 1 and 50 clients.

    .venv/bin/python -m benchmarks.serve [--db /tmp/kabar-serve-100k.db] [--count 100000]

The archive is synthesised once from the IndoSum corpus by :mod:`benchmarks.synth` (real
Indonesian text, search index built; kept outside the repository and reused on later
runs). ``kabar serve`` runs as its own process on 127.0.0.1 (one uvicorn worker, as
`make run` starts it); an httpx async client in this process sends a bounded number of
requests per scenario, ids drawn at random over the whole archive (cold: the related-news cache almost never hits;
one scenario repeats 50 popular ids to show the warm case), and times each one
end to end (connect reuse, full body read). Client and server share this machine's cores,
so the 50-client figures include the client's own CPU time.

Anchors, measured in the same run: the static stylesheet through the same server (the
HTTP stack's floor, no archive work) and ``archive.get`` in-process (the storage floor).
Goal: article page p95 ≤ 50 ms at 1 client.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks._common import median, percentile, result

PathFor = Callable[[random.Random], str]
QUICK_ARGS = ["--db", "/tmp/kabar-serve-10k.db", "--count", "10000", "--single", "100", "--concurrent", "500"]
QUERIES = [
    "banjir",
    "presiden jokowi",
    "sepak bola",
    "harga minyak",
    "gempa",
    "pemilihan gubernur",
    "teknologi",
]


@dataclass(slots=True)
class Figure:
    scenario: str
    clients: int
    requests: int
    errors: int
    p50_ms: float
    p95_ms: float
    rps: float


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ensure_archive(path: Path, count: int) -> int:
    from benchmarks.synth import BuildOptions, SynthOptions, build_archive
    from kabar.archive.sqlite import ArchiveOptions, SqliteArchive

    if not path.exists():
        print(f"building a {count:,}-article archive at {path} (once) …", flush=True)
        result = build_archive(BuildOptions(path=path, synth=SynthOptions(count=count)))
        print(f"built in {result.seconds:.0f} s ({result.rate:,.0f} articles/s)", flush=True)
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[]))
    try:
        return archive.count()
    finally:
        archive.close()


def start_server(db: Path, port: int, log: Path) -> subprocess.Popen[str]:
    cli = "from kabar.cli.main import main; main()"
    with log.open("w") as out:  # a file, not a pipe: a pipe nobody reads would stall the server
        proc = subprocess.Popen(
            # no start-up warming: the cold figures must be the ranking's own cost
            [sys.executable, "-c", cli, "serve", "--db", str(db), "--port", str(port), "--warm-latest", "0"],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, "KABAR_TOKEN": ""},
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"kabar serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx.get(base + "/static/kabar.css", timeout=1).status_code == 200:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("kabar serve did not start within 60 s")


async def run_load(base: str, path_for: PathFor, clients: int, total: int, seed: int) -> Figure:
    latencies: list[float] = []
    errors = 0
    remaining = total
    # uvicorn drops a keep-alive connection idle for 5 s; a client that keeps it as long
    # races the close and reads a reset (httpx.ReadError), so the client lets go sooner.
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients, keepalive_expiry=2.0)

    async def worker(client: httpx.AsyncClient, rng: random.Random) -> None:
        nonlocal remaining, errors
        while remaining > 0:
            remaining -= 1
            path = path_for(rng)
            started = time.perf_counter()
            try:
                response = await client.get(path)
                await response.aread()
            except httpx.TransportError as exc:
                errors += 1
                if errors <= 3:
                    print(f"    transport error on {path}: {exc!r}", flush=True)
                continue
            latencies.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        began = time.perf_counter()
        await asyncio.gather(*(worker(client, random.Random(seed + i)) for i in range(clients)))
        elapsed = time.perf_counter() - began
    return Figure(
        scenario="",
        clients=clients,
        requests=len(latencies) + errors,
        errors=errors,
        p50_ms=median(latencies),
        p95_ms=percentile(latencies, 95),
        rps=len(latencies) / elapsed,
    )


def storage_anchor(db: Path, n: int, samples: int) -> Figure:
    from kabar.archive.sqlite import ArchiveOptions, SqliteArchive

    archive = SqliteArchive(ArchiveOptions(path=db, indexers=[], migrate=False))
    rng = random.Random(7)
    times = []
    try:
        for _ in range(samples):
            started = time.perf_counter()
            archive.get(rng.randint(1, n))
            times.append((time.perf_counter() - started) * 1000)
    finally:
        archive.close()
    return Figure("anchor: archive.get in-process", 1, samples, 0, median(times), percentile(times, 95), 0.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--db", type=Path, default=Path("/tmp/kabar-serve-100k.db"))
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--single", type=int, default=300, help="requests per scenario at 1 client")
    ap.add_argument("--concurrent", type=int, default=1500, help="requests per scenario at 50 clients")
    ap.add_argument("--clients", type=int, default=50)
    args = ap.parse_args()

    n = ensure_archive(args.db, args.count)
    print(f"archive: {n:,} articles in {args.db}")
    port = _free_port()
    log = args.db.with_suffix(".serve.log")
    proc = start_server(args.db, port, log)
    base = f"http://127.0.0.1:{port}"
    scenarios: list[tuple[str, PathFor]] = [
        ("article page /artikel/{id}", lambda r: f"/artikel/{r.randint(1, n)}"),
        # Readers crowd onto few fresh articles: 50 "popular" ids, the related cache warm.
        ("article page, 50 popular ids (warm cache)", lambda r: f"/artikel/{r.randint(1, 50)}"),
        ("API article /api/articles/{id}", lambda r: f"/api/articles/{r.randint(1, n)}"),
        ("API list /api/articles", lambda r: f"/api/articles?limit=20&offset={r.randint(0, 5000)}"),
        ("API related /api/articles/{id}/related", lambda r: f"/api/articles/{r.randint(1, n)}/related"),
        ("API search /api/search", lambda r: f"/api/search?q={r.choice(QUERIES)}"),
        ("anchor: static CSS, same server", lambda r: "/static/kabar.css"),
    ]
    figures: list[Figure] = []
    try:
        asyncio.run(run_load(base, scenarios[0][1], 4, 100, 99))  # warm caches and connections
        # the popular ids are visited once first, so that scenario measures a warm cache
        asyncio.run(run_load(base, lambda r: f"/artikel/{r.randint(1, 50)}", 4, 400, 98))
        for clients, total in ((1, args.single), (args.clients, args.concurrent)):
            for index, (name, path_for) in enumerate(scenarios):
                # a seed per scenario and phase: no scenario replays ids another one warmed
                fig = asyncio.run(run_load(base, path_for, clients, total, seed=10_000 * index + clients))
                fig.scenario = name
                figures.append(fig)
                print(
                    f"  {name:42s} {clients:>3} clients: p50 {fig.p50_ms:7.1f} ms  p95 {fig.p95_ms:7.1f} ms",
                    flush=True,
                )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        tail = log.read_text()[-2000:]
        if "Traceback" in tail or "Error" in tail:
            print(f"server log ({log}) tail:\n{tail}")
    figures.append(storage_anchor(args.db, n, 2000))

    print(
        f"\nServing latency, {n:,} articles, one `kabar serve` process on loopback ({os.cpu_count()} cores)"
    )
    print(
        f"{'scenario':44s} {'clients':>7} {'requests':>8} {'errors':>6} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7}"
    )
    for f in figures:
        print(
            f"{f.scenario:44s} {f.clients:>7} {f.requests:>8} {f.errors:>6} {f.p50_ms:>8.1f} {f.p95_ms:>8.1f} {f.rps:>7.0f}"
        )
    page = next(f for f in figures if f.scenario.startswith("article page") and f.clients == 1)
    verdict = "meets" if page.p95_ms <= 50 else "misses"
    print(f"\ngoal: article page p95 ≤ 50 ms at 1 client — kabar {page.p95_ms:.1f} ms ({verdict} the goal)")
    for f in figures:
        if f.scenario.startswith("article page /") or f.scenario.startswith("API search"):
            css = next(
                a for a in figures if a.scenario.startswith("anchor: static") and a.clients == f.clients
            )
            result(f"{f.scenario}, {f.clients} clients, p95", f.p95_ms, "ms", anchor="static CSS, same server",
                   anchor_value=css.p95_ms, note=f"{f.errors} errors")  # fmt: skip
            result(f"{f.scenario}, {f.clients} clients, throughput", f.rps, "requests/s",
                   anchor="static CSS, same server", anchor_value=css.rps)  # fmt: skip


if __name__ == "__main__":
    main()
