"""Berita terkait on SQLite and PostgreSQL over the same articles, in one run: latency and agreement.

The same IndoSum articles (../shared/corpus/indosum-dev.jsonl) are ingested into a fresh
SQLite archive and a fresh PostgreSQL database with the indexers related news reads
(search, near-duplicates). Then, for the same random articles, alternating between the
backends call by call (so both see the same machine load):

- ``related`` (relevant mode, 10 items, as the API asks): wall and client CPU p50/p95;
  PostgreSQL's server CPU per call beside it (its backends' /proc ticks, on this machine);
- the BM25 step alone (``term_stats.match_terms`` with the article's own profile query);
- agreement: the related lists (ids, order, scores) must be the same on both backends.

SQLite is the anchor of every PostgreSQL figure; ingest rate with these indexers is shown
too (PostgreSQL keeps BM25 statistics at ingest, SQLite's FTS5 its own).

    .venv/bin/python -m benchmarks.related_backends [--articles 2000] [--lookups 200] [--pg URL]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from benchmarks._common import percentile, result
from benchmarks._pg_scratch import add_server_option, scratch_database
from benchmarks.link_corpus import load_corpus
from benchmarks.scale import server_ticks
from kabar.archive import open_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.fts import FtsIndexer
from kabar.archive.term_records import MatchOptions
from kabar.link.dedup import DedupIndexer
from kabar.link.related import RelatedOptions, load_article, related
from kabar.link.related_profile import build_profile
from kabar.model import Article

QUICK_ARGS = ["--articles", "300", "--lookups", "60"]
TIMEOUT_SECONDS = 3600


@dataclass(slots=True)
class Timings:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)

    def add(self, call: Callable[[], object]) -> object:
        w, c = time.perf_counter(), time.process_time()
        out = call()
        self.cpu_ms.append((time.process_time() - c) * 1000)
        self.wall_ms.append((time.perf_counter() - w) * 1000)
        return out

    def line(self) -> str:
        return (
            f"wall p50 {percentile(self.wall_ms, 50):6.1f} p95 {percentile(self.wall_ms, 95):6.1f} ms; "
            f"client CPU p50 {percentile(self.cpu_ms, 50):5.1f} p95 {percentile(self.cpu_ms, 95):5.1f} ms"
        )


@dataclass(slots=True)
class Side:
    name: str
    archive: CoreArchive
    ingest_s: float = 0.0
    ingest_cpu_s: float = 0.0
    related: Timings = field(default_factory=Timings)
    bm25: Timings = field(default_factory=Timings)
    server_ticks: int = 0  # PostgreSQL backends' CPU over the timed calls


def _ingest(side: Side, articles: list[Article]) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    for article in articles:
        side.archive.add(article)
    side.ingest_s, side.ingest_cpu_s = time.perf_counter() - wall, time.process_time() - cpu


def _bm25_call(archive: CoreArchive, article_id: int) -> Callable[[], object]:
    profile = build_profile(archive.term_stats, article_id, load_article(archive, article_id))
    options = MatchOptions(limit=70, max_candidates=RelatedOptions().match_budget)
    return lambda: archive.term_stats.match_terms(profile.query, options)


def _measure(sides: list[Side], ids: list[int]) -> int:
    """Time both sides on every id, alternating which goes first; returns the disagreements."""
    options = RelatedOptions(limit=10)
    for side in sides:  # warm caches (the stemmer's, the database's)
        for i in ids[:10]:
            related(side.archive, i, options)
    differ = 0
    before = [server_ticks(s.archive) for s in sides]
    for n, article_id in enumerate(ids):
        order = sides if n % 2 == 0 else sides[::-1]
        lists = {}
        for side in order:
            hits = side.related.add(partial(related, side.archive, article_id, options))
            assert isinstance(hits, list)
            lists[side.name] = [(h.id, h.score) for h in hits]
        differ += len({tuple(v) for v in lists.values()}) > 1
    after = [server_ticks(s.archive) for s in sides]
    for side, b, a in zip(sides, before, after, strict=True):
        # None: SQLite, or a server on another machine whose CPU is not ours to read
        side.server_ticks = a - b if a is not None and b is not None else 0
    calls = {s.name: [_bm25_call(s.archive, i) for i in ids] for s in sides}
    for n in range(len(ids)):
        for side in sides if n % 2 == 0 else sides[::-1]:
            side.bm25.add(calls[side.name][n])
    return differ


def _report(sides: list[Side], n_articles: int, n_ids: int, differ: int) -> None:
    tick_ms = 1000 / os.sysconf("SC_CLK_TCK")
    print(f"\n{n_articles} IndoSum articles; {n_ids} lookups per backend, alternating backends call by call")
    for side in sides:
        print(f"\n{side.name}")
        print(
            f"  ingest (search + dedup indexers): {n_articles / side.ingest_s:.1f} articles/s "
            f"(client CPU {side.ingest_cpu_s / n_articles * 1000:.1f} ms/article)"
        )
        server = (
            f"; server CPU {side.server_ticks * tick_ms / n_ids:.1f} ms/call (mean)"
            if side.server_ticks
            else ""
        )
        print(f"  related (10 items):   {side.related.line()}{server}")
        print(f"  BM25 candidates only: {side.bm25.line()}")
    print(f"\nrelated lists differing between the backends: {differ} of {n_ids}")
    sqlite, pg = sides
    for name, value_of, unit in (
        ("related p95 wall", lambda s: percentile(s.related.wall_ms, 95), "ms"),
        ("related p50 wall", lambda s: percentile(s.related.wall_ms, 50), "ms"),
        ("related p95 client CPU", lambda s: percentile(s.related.cpu_ms, 95), "ms"),
        ("BM25 candidates p95 wall", lambda s: percentile(s.bm25.wall_ms, 95), "ms"),
        ("ingest (search + dedup)", lambda s: n_articles / s.ingest_s, "articles/s"),
    ):
        result(
            f"postgresql {name} ({n_articles} articles)",
            round(value_of(pg), 2),
            unit,
            anchor="sqlite",
            anchor_value=round(value_of(sqlite), 2),
            better="higher" if unit == "articles/s" else "lower",
        )
    result(
        f"related lists differing, sqlite vs postgresql ({n_ids} lookups)", differ, "lists", better="lower"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--lookups", type=int, default=200)
    add_server_option(parser)
    args = parser.parse_args(argv)
    articles = [c.article for c in load_corpus(limit=args.articles)]
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory(prefix="kabar-related-") as tmp, scratch_database(args.pg) as pg_url:
        sides = []
        for name, url in (("sqlite", str(Path(tmp) / "kabar.db")), ("postgresql", pg_url)):
            archive = open_archive(url, [FtsIndexer(), DedupIndexer()])
            assert isinstance(archive, CoreArchive)
            sides.append(Side(name, archive))
        try:
            for side in sides:
                _ingest(side, articles)
            n = sides[0].archive.count()
            ids = random.Random(7).sample(range(1, n + 1), min(n, args.lookups))
            differ = _measure(sides, ids)
        finally:
            for side in sides:
                side.archive.close()
    _report(sides, len(articles), len(ids), differ)
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
