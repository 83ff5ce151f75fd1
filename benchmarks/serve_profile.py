"""Where the portal's server-side CPU goes while articles land: cProfile of request handling, in-process.

    .venv/bin/python -m benchmarks.serve_profile [--articles 80] [--ingests 10] [--per-ingest 8]
                                                 [--mode both|stamp|targeted] [--top 20] [--no-profile]

An archive is built from the first ``--articles`` records of examples/indosum-sample.jsonl
(mapped as `kabar ingest` maps a record that carries its text; no extraction, no NER), with
every indexer a targeted-mode writer runs. Then, per cache invalidation mode, on its own
copy of that archive: the app (kabar.serve.app, the response cache included) is called
through httpx.ASGITransport, every article page is visited once, and ``--ingests`` times
one IndoSum record the sample does not hold is stored by a writer on another connection and
``--per-ingest`` article pages, drawn at random (same seed in both modes), are requested.
Only the request handling is profiled and timed (time.process_time); the writer's CPU is not.
The app's thread-pool calls (endpoints, the change-log reading) run inline on the event loop's
thread while profiling, so the profile (on a CPU clock, not wall time: the machine may be
loaded) sees all of a request's work in one thread.

Printed per mode: CPU per request, the share of cache hits, related-news rankings run, and
the profile's functions by cumulative time. ``stamp`` is the anchor, in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import pstats
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import anyio.to_thread
import httpx

from benchmarks._common import ROOT, SHARED
from benchmarks.serve import copy_archive
from kabar.archive import open_archive
from kabar.link import related
from kabar.model import Article
from kabar.serve.app import create_app
from kabar.serve.state import ServeOptions
from kabar.sources.records import map_record
from kabar.wiring import default_indexers

SAMPLE = ROOT / "examples" / "indosum-sample.jsonl"
CORPUS = SHARED / "corpus" / "indosum-dev.jsonl"
NOW = datetime(2018, 3, 1, tzinfo=UTC)


@dataclass(slots=True)
class ModeFigure:
    mode: str
    requests: int
    cpu_ms: float  # request handling CPU per request
    hits: float
    rankings: int  # related.related calls while requests were handled
    arrivals_ranked: int | None  # of which new articles ranked once to place them (None: no patcher)
    profile: str


def records(path: Path, limit: int, skip_urls: set[str] | None = None) -> list[Article]:
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if skip_urls is not None and record.get("url") in skip_urls:
                continue
            mapped = map_record(record, str(path))
            if mapped.article is not None:
                out.append(mapped.article)
            if len(out) >= limit:
                break
    return out


def build(folder: Path, articles: list[Article]) -> Path:
    db = folder / "profile.db"
    archive = open_archive(db, default_indexers(note_reach=True))
    try:
        for article in articles:
            archive.add(article)
    finally:
        archive.close()
    return db


class RankCounter:
    """Counts related.related calls (the ranking the suspected cause is about)."""

    def __init__(self) -> None:
        self.calls = 0
        self._original = related.related

    def __enter__(self) -> RankCounter:
        original = self._original

        def counted(*args: object, **kwargs: object) -> list[related.RelatedHit]:
            self.calls += 1
            return original(*args, **kwargs)  # type: ignore[arg-type]

        related.related = counted
        return self

    def __exit__(self, *exc: object) -> None:
        related.related = self._original


class InlineThreads:
    """anyio.to_thread.run_sync calls the function on the calling thread (what cProfile sees)."""

    def __init__(self) -> None:
        self._original = anyio.to_thread.run_sync

    def __enter__(self) -> InlineThreads:
        async def inline(func: Callable[..., object], *args: object, **_: object) -> object:
            return func(*args)

        anyio.to_thread.run_sync = inline  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        anyio.to_thread.run_sync = self._original


async def run_mode(db: Path, mode: str, extra: list[Article], args: argparse.Namespace) -> ModeFigure:
    reader = open_archive(db, read_only=True)
    writer = open_archive(db, default_indexers(note_reach=True))
    # Kept rankings and pages live as long as the run: on a loaded machine its wall time passes
    # their 300 s lifetimes, and what expires would be ranked again in one mode and not the other.
    day = 86_400.0
    options = ServeOptions(db=db, archive=reader, clock=lambda: NOW, warm_latest=0, cache_invalidation=mode,
                           related_cache_seconds=day, article_cache_seconds=day)  # fmt: skip
    app = create_app(options)
    n = reader.count()
    paths = [f"/artikel/{i}" for i in range(1, n + 1)]
    rng = random.Random(7)
    profiler = cProfile.Profile(time.process_time)
    cpu = 0.0
    hits = requests = 0
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://localhost") as client:
            for path in paths:  # each page seen once: what a reader before caused
                await client.get(path)
            with RankCounter() as ranks, InlineThreads():
                for article in extra:
                    writer.add(article)
                    for _ in range(args.per_ingest):
                        path = rng.choice(paths)
                        started = time.process_time()
                        if args.profile:
                            profiler.enable()
                        answer = await client.get(path)
                        if args.profile:
                            profiler.disable()
                        cpu += time.process_time() - started
                        requests += 1
                        hits += answer.headers.get("x-kabar-cache") == "hit"
    finally:
        writer.close()
        reader.close()
    out = io.StringIO()
    if args.profile:
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("cumulative").print_stats("kabar", args.top)  # kabar's own functions
        stats.sort_stats("tottime").print_stats(args.top // 2)  # where the time itself is spent
    patcher = getattr(app.state.kabar.related_cache, "patcher", None)
    placed = getattr(patcher, "rankings", None)
    return ModeFigure(mode, requests, cpu * 1000 / max(1, requests), hits / max(1, requests), ranks.calls,
                      placed, out.getvalue())  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--articles", type=int, default=80, help="sample records in the archive")
    ap.add_argument("--ingests", type=int, default=10, help="articles stored between requests")
    ap.add_argument("--per-ingest", type=int, default=8, help="article pages requested after each")
    ap.add_argument("--mode", choices=("both", "stamp", "targeted"), default="both")
    ap.add_argument("--top", type=int, default=25, help="profile lines printed per mode")
    ap.add_argument(
        "--no-profile",
        dest="profile",
        action="store_false",
        help="time only (the profiler's own cost, a clock read per call, inflates CPU per request)",
    )
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kabar-serve-profile-"))
    try:
        base = records(SAMPLE, args.articles)
        extra = records(CORPUS, args.ingests, skip_urls={a.url for a in records(SAMPLE, 10_000) if a.url})
        started = time.process_time()
        db = build(folder, base)
        print(f"archive: {len(base)} articles, built in {time.process_time() - started:.1f} CPU s; "
              f"{len(extra)} to ingest, {args.per_ingest} requests after each")  # fmt: skip
        modes = ["stamp", "targeted"] if args.mode == "both" else [args.mode]
        figures = [asyncio.run(run_mode(copy_archive(db, folder / f"{m}.db"), m, extra, args)) for m in modes]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for f in figures:
        print(f"\n=== {f.mode}: {f.requests} requests, {f.cpu_ms:.2f} ms CPU per request, "
              f"hits {f.hits:.0%}, related rankings {f.rankings} (of which new articles placed in kept "
              f"lists: {'n/a' if f.arrivals_ranked is None else f.arrivals_ranked})")  # fmt: skip
        print(f.profile)
    if len(figures) == 2:
        stamp, targeted = figures
        print(
            f"targeted {targeted.cpu_ms:.2f} ms/request against stamp (anchor, same run) {stamp.cpu_ms:.2f} ms"
        )


if __name__ == "__main__":
    main()
