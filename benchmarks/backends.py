"""SQLite and PostgreSQL side by side, in one run: ingest rate, search and related latency, storage.

For each backend, on the IndoSum corpus (../shared/corpus/indosum-dev.jsonl):
- ingest articles/s with kabar's indexers (search, near-duplicates, entities, stories),
  one writer in-process, then two writer processes over the two halves at once;
  anchor: the same articles stored with no indexers (what the bare row costs);
- search p50/p95 over queries drawn from the corpus's headlines (words and pairs);
- related ("Berita terkait") p50/p95 for random articles;
- storage per article: the SQLite file (+WAL), or the PostgreSQL database's size less
  that of an empty migrated one.
Wall time is measured (latency is what a reader waits) and CPU time beside it, since the
machine's load varies; SQLite is the anchor of each PostgreSQL figure.

    .venv/bin/python -m benchmarks.backends [--articles 600] [--queries 200] [--pg URL]

Not measured here: the figures at 1M articles of issue 12 (benchmarks/scale.py builds a
synthetic archive of that size on either backend and measures search and related on it).
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from sqlalchemy import text

from benchmarks._common import percentile, result
from benchmarks._pg_scratch import add_server_option, scratch_database
from benchmarks.link_corpus import load_corpus
from kabar.archive import open_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.lang.analysis import tokenize
from kabar.link.related import RelatedOptions, related
from kabar.model import Article
from kabar.wiring import default_indexers

QUICK_ARGS = ["--articles", "200", "--queries", "60"]
TIMEOUT_SECONDS = 3600


@dataclass(slots=True)
class Figures:
    backend: str
    ingest_1: float = 0.0  # articles/s, wall
    ingest_1_cpu_ms: float = 0.0  # CPU ms per article
    ingest_2: float = 0.0
    ingest_2_cpu_ms: float = 0.0
    store_only: float = 0.0  # anchor: articles/s with no indexers
    search_ms: list[float] = field(default_factory=list)
    related_ms: list[float] = field(default_factory=list)
    bytes_per_article: float = 0.0


def _articles(n: int) -> list[Article]:
    return [c.article for c in load_corpus(limit=n)]


def _open(url: str, indexers: bool) -> CoreArchive:
    archive = open_archive(url, default_indexers() if indexers else [])
    assert isinstance(archive, CoreArchive)
    return archive


# -- places to put an archive ------------------------------------------------------------------


@contextmanager
def _sqlite_place(folder: Path) -> Iterator[str]:
    yield str(folder / f"{uuid.uuid4().hex[:8]}.db")


def _size(url: str) -> int:
    if url.startswith("postgresql"):
        archive = _open(url, False)
        with archive.engine.connect() as conn:
            size = int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
        archive.close()
        return size
    return sum(Path(url + suffix).stat().st_size for suffix in ("", "-wal") if Path(url + suffix).exists())


# -- ingest ------------------------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class Spent:
    wall: float  # seconds
    cpu: float  # seconds, of every process that wrote


def _ingest_here(url: str, articles: list[Article], indexers: bool) -> Spent:
    archive = _open(url, indexers)
    wall, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        archive.add(article)
    spent = Spent(time.perf_counter() - wall, time.process_time() - cpu)
    archive.close()
    return spent


def _child(url: str, start: int, step: int, n: int) -> None:
    """A writer process: load, say ready, wait for go, ingest every ``step``-th article."""
    articles = _articles(n)[start::step]
    archive = _open(url, True)
    print("ready", flush=True)
    sys.stdin.readline()
    began, cpu = time.time(), time.process_time()
    for article in articles:
        archive.add(article)
    print(json.dumps({"start": began, "end": time.time(), "cpu": time.process_time() - cpu}), flush=True)
    archive.close()


def _ingest_two(url: str, n: int) -> Spent:
    """Two writer processes at once over the two halves; the time of the writing alone."""
    _open(url, True).close()  # migrated before the race
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "benchmarks.backends", "--child", url, str(i), "2", str(n)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(2)
    ]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    done = [json.loads(p.communicate(timeout=TIMEOUT_SECONDS)[0].strip().splitlines()[-1]) for p in procs]
    return Spent(max(d["end"] for d in done) - min(d["start"] for d in done), sum(d["cpu"] for d in done))


# -- reading -----------------------------------------------------------------------------------


def _queries(articles: list[Article], count: int) -> list[str]:
    rng = random.Random(12)
    words = [w for a in articles for w in tokenize(a.headline or "") if len(w) > 3 and not w.isdigit()]
    out = []
    for _ in range(count):
        out.append(" ".join(rng.sample(words, rng.choice([1, 1, 2]))))
    return out


def _timed(calls: list[Callable[[], object]]) -> list[float]:
    for call in calls[:10]:  # warm caches (the stemmer's, the database's)
        call()
    out = []
    for call in calls:
        t = time.perf_counter()
        call()
        out.append((time.perf_counter() - t) * 1000)
    return out


def measure(
    backend: str, place: Callable[[], AbstractContextManager[str]], articles: list[Article], queries: int
) -> Figures:
    figures = Figures(backend)
    n = len(articles)
    with place() as url:
        figures.store_only = n / _ingest_here(url, articles, indexers=False).wall
    with place() as empty:
        _open(empty, False).close()
        baseline = _size(empty) if backend == "postgresql" else 0
    with place() as url:
        one = _ingest_here(url, articles, indexers=True)
        figures.ingest_1, figures.ingest_1_cpu_ms = n / one.wall, one.cpu / n * 1000
        figures.bytes_per_article = (_size(url) - baseline) / n
        archive = _open(url, True)
        rng = random.Random(5)
        figures.search_ms = _timed(
            [partial(archive.search, SearchQuery(text=q)) for q in _queries(articles, queries)]
        )
        ids = [rng.randint(1, n) for _ in range(max(20, queries // 2))]
        figures.related_ms = _timed([partial(related, archive, i, RelatedOptions(limit=5)) for i in ids])
        archive.close()
    with place() as url:
        two = _ingest_two(url, n)
        figures.ingest_2, figures.ingest_2_cpu_ms = n / two.wall, two.cpu / n * 1000
    return figures


def _report(sq: Figures, pg: Figures, n: int) -> None:
    print(f"\n{n} IndoSum articles, kabar's indexers; CPU per article beside the wall-time rate")
    print(f"{'':28}{'SQLite':>18}{'PostgreSQL':>18}")
    rows = [
        ("ingest, 1 writer (art/s)", lambda f: f"{f.ingest_1:.1f} ({f.ingest_1_cpu_ms:.0f} ms)"),
        ("ingest, 2 writers (art/s)", lambda f: f"{f.ingest_2:.1f} ({f.ingest_2_cpu_ms:.0f} ms)"),
        ("anchor: rows only (art/s)", lambda f: f"{f.store_only:.0f}"),
        (
            "search p50 / p95 (ms)",
            lambda f: f"{percentile(f.search_ms, 50):.1f} / {percentile(f.search_ms, 95):.1f}",
        ),
        (
            "related p50 / p95 (ms)",
            lambda f: f"{percentile(f.related_ms, 50):.1f} / {percentile(f.related_ms, 95):.1f}",
        ),
        ("storage (KB / article)", lambda f: f"{f.bytes_per_article / 1024:.1f}"),
    ]
    for label, show in rows:
        print(f"{label:28}{show(sq):>18}{show(pg):>18}")
    for name, value_of, unit, better in (
        ("ingest 1 writer", lambda f: f.ingest_1, "articles/s", "higher"),
        ("ingest 2 writers", lambda f: f.ingest_2, "articles/s", "higher"),
        ("search p95", lambda f: percentile(f.search_ms, 95), "ms", "lower"),
        ("related p95", lambda f: percentile(f.related_ms, 95), "ms", "lower"),
        ("storage per article", lambda f: f.bytes_per_article / 1024, "KB", "lower"),
    ):
        result(
            f"postgresql {name} ({n} articles)",
            round(value_of(pg), 2),
            unit,
            anchor="sqlite",
            anchor_value=round(value_of(sq), 2),
            better=better,
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=600)
    parser.add_argument("--queries", type=int, default=200)
    add_server_option(parser)
    parser.add_argument("--child", nargs=4, metavar=("URL", "START", "STEP", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        url, start, step, n = args.child
        _child(url, int(start), int(step), int(n))
        return
    articles = _articles(args.articles)
    with tempfile.TemporaryDirectory(prefix="kabar-backends-") as tmp:
        sq = measure("sqlite", lambda: _sqlite_place(Path(tmp)), articles, args.queries)
        pg = measure("postgresql", lambda: scratch_database(args.pg), articles, args.queries)
    _report(sq, pg, len(articles))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthis process: {usage.ru_utime + usage.ru_stime:.1f} s CPU")


if __name__ == "__main__":
    main()
