"""PostgreSQL search at scale (issue 12): today's search against the ranking it replaced, in one run.

One command measures a bulk-loaded synthetic archive (:mod:`benchmarks.scale`'s articles)::

    nice -n 12 .venv/bin/python -m benchmarks.pg_search_scale --count 100000
    nice -n 12 .venv/bin/python -m benchmarks.pg_search_scale \\
        --db postgresql://postgres@127.0.0.1:5432/kabar_scale_x    # an archive built already

Without ``--db`` it builds the archive into a new database of its own and drops it after.
Per query (≥200 of 1–3 words from corpus sentences, as ``benchmarks.scale`` makes them), a
reader's search as the API calls it (relevance, 10 hits) two ways, interleaved so that load
and cache weigh on both alike:

- **kabar**: ``archive.search`` — the newest-matches window from related news' postings
  (plain words) or the GIN index, ranked by FTS5's BM25 from the postings;
- **anchor**: the same :func:`~kabar.archive.search_flow.run_search` over the index as it was
  before (:class:`BeforeIndex`: the window by ``tsv @@`` ordered by id, ranked by
  ``ts_rank``, totals counted on the GIN index).

Printed: wall and client-CPU p50/p95 of both, the PostgreSQL server's CPU per call (its
processes' ticks; the machine's load shows in wall only), overlap@10 of the two rankings
(how many of the anchor's first 10 kabar also returns first), whether totals agree, related
news p95 (:func:`kabar.serve.sections.related_articles`, as in ``benchmarks.scale``) and the
database's size per article with its largest tables.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from benchmarks._common import percentile, result
from benchmarks.scale import (
    CORPUS,
    DEFAULT_PG,
    SynthOptions,
    _server_ticks,
    build,
    create_database,
    disk_bytes,
    drop_database,
    make_queries,
    open_sql_archive,
)
from benchmarks.synth import load_corpus
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.open import is_postgres
from kabar.archive.pg_search import PgSearch, _where
from kabar.archive.search_flow import PhraseMatch, SearchOptions, run_search
from kabar.archive.sql_source import BoundSource
from kabar.archive.term_records import ScoredId
from kabar.lang.analysis import default_analyzer
from kabar.serve.sections import related_articles

QUICK_ARGS = ["--count", "3000", "--queries", "60", "--related", "40"]
TIMEOUT_SECONDS = 7200
_TS_RANK = "ts_rank(CAST('{0.1, 0.1, 0.25, 1.0}' AS float4[]), tsv, CAST(:q AS tsquery), 1)"


class BeforeIndex(PgSearch):
    """The PostgreSQL search index's three questions as they were answered before: the anchor."""

    def rank(self, match: PhraseMatch, candidates: int) -> list[ScoredId]:
        where = _where(match)
        sql = (
            f"WITH cand AS (SELECT id, tsv FROM search_docs WHERE {where.sql} ORDER BY id DESC LIMIT :cand) "
            f"SELECT id, {_TS_RANK} AS score FROM cand ORDER BY score DESC, id DESC"
        )
        with self.source.reading() as conn:
            rows = conn.execute(text(sql), {**where.params, "cand": candidates})
            return [ScoredId(int(r[0]), float(r[1])) for r in rows]

    def newest(self, match: PhraseMatch, want: int) -> list[ScoredId]:
        where = _where(match)
        sql = (
            f"SELECT id, {_TS_RANK} FROM search_docs WHERE {where.sql} "
            "ORDER BY published_utc DESC NULLS LAST, id DESC LIMIT :want"
        )
        with self.source.reading() as conn:
            rows = conn.execute(text(sql), {**where.params, "want": want})
            return [ScoredId(int(r[0]), float(r[1])) for r in rows]

    def count_upto(self, match: PhraseMatch, bound: int) -> int:
        where = _where(match)
        sql = f"SELECT count(*) FROM (SELECT 1 FROM search_docs WHERE {where.sql} LIMIT :bound) m"
        with self.source.reading() as conn:
            was = conn.execute(
                text("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            ).scalar_one()
            found = int(conn.execute(text(sql), {**where.params, "bound": max(0, bound)}).scalar_one())
            conn.execute(text("SELECT set_config('enable_seqscan', :was, true)"), {"was": was})
            return found


@dataclass(slots=True)
class Series:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # the server's CPU, in clock ticks (10 ms)
    matches: list[int] = field(default_factory=list)  # the search's total (searches only)

    def p95(self) -> float:
        return round(percentile(self.wall_ms, 95), 1)

    def line(self) -> str:
        server = sum(self.server_ms) / max(1, len(self.server_ms))
        return (
            f"wall p50 {percentile(self.wall_ms, 50):6.1f}  p95 {percentile(self.wall_ms, 95):6.1f} ms; "
            f"client CPU p50 {percentile(self.cpu_ms, 50):5.1f}  p95 {percentile(self.cpu_ms, 95):5.1f} ms; "
            f"server CPU mean {server:5.1f}  p95 {percentile(self.server_ms, 95):5.0f} ms"
        )

    def common(self) -> Series:
        """Only the searches with more than 4,000 matches (a full window: what every common
        word is at a million articles)."""
        keep = [i for i, n in enumerate(self.matches) if n > 4_000]
        return Series(
            [self.wall_ms[i] for i in keep],
            [self.cpu_ms[i] for i in keep],
            [self.server_ms[i] for i in keep],
            [self.matches[i] for i in keep],
        )


_MS_PER_TICK = 1000 / os.sysconf("SC_CLK_TCK")


def _timed(archive: CoreArchive, series: Series, call: Callable[[], object]) -> object:
    before = _server_ticks(archive) or 0
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    series.cpu_ms.append((time.process_time() - cpu) * 1000)
    series.wall_ms.append((time.perf_counter() - wall) * 1000)
    series.server_ms.append(((_server_ticks(archive) or 0) - before) * _MS_PER_TICK)
    if isinstance(out, SearchResult):
        series.matches.append(out.total)
    return out


@contextmanager
def _reading(archive: CoreArchive) -> Iterator[Connection]:
    with archive.engine.connect() as conn, conn.begin():
        yield conn


def before_search(archive: CoreArchive, query: SearchQuery) -> SearchResult:
    with _reading(archive) as conn:
        return run_search(conn, BeforeIndex(BoundSource(conn)), query, None, SearchOptions())


@dataclass(slots=True)
class Figures:
    articles: int
    kabar: Series
    anchor: Series
    related: Series
    overlap: list[float]  # per query with hits: |kabar top 10 ∩ anchor top 10| / |anchor top 10|
    same_order: int  # queries whose 10 hits came back in the very same order
    totals_agree: int  # queries whose (total, exact) agree
    queries: int
    bytes_on_disk: int
    tables: list[tuple[str, int]]


def _tables(archive: CoreArchive) -> list[tuple[str, int]]:
    with archive.engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY 2 DESC LIMIT 5"
            )
        )
        return [(str(r[0]), int(r[1])) for r in rows]


def measure(url: str, query_count: int, related_count: int, seed: int = 11) -> Figures:
    archive = open_sql_archive(url, read_only=True)
    analyzer = default_analyzer()
    queries = make_queries(load_corpus(CORPUS), query_count, analyzer)
    n = archive.count()
    kabar, anchor, related = Series(), Series(), Series()
    overlap: list[float] = []
    same_order = totals_agree = 0
    for q in queries[:10]:  # warm both paths' pages alike
        archive.search(SearchQuery(text=q))
        before_search(archive, SearchQuery(text=q))
    for i, q in enumerate(queries):
        query = SearchQuery(text=q)
        runs: list[tuple[Series, Callable[[], object]]] = [
            (kabar, partial(archive.search, query)),
            (anchor, partial(before_search, archive, query)),
        ]
        got: dict[int, SearchResult] = {}
        for series, call in runs if i % 2 == 0 else runs[::-1]:  # who goes first alternates
            out = _timed(archive, series, call)
            assert isinstance(out, SearchResult)
            got[id(series)] = out
        new, old = got[id(kabar)], got[id(anchor)]
        new_ids, old_ids = [h.id for h in new.hits], [h.id for h in old.hits]
        if old_ids:
            overlap.append(len(set(new_ids) & set(old_ids)) / len(old_ids))
        same_order += new_ids == old_ids
        totals_agree += (new.total, new.total_exact) == (old.total, old.total_exact)
    ids = random.Random(seed).sample(range(1, n + 1), min(n, related_count))
    for article_id in ids:
        _timed(archive, related, partial(related_articles, archive, article_id, 10))
    figures = Figures(
        n,
        kabar,
        anchor,
        related,
        overlap,
        same_order,
        totals_agree,
        len(queries),
        disk_bytes(archive),
        _tables(archive),
    )
    archive.close()
    return figures


def report(f: Figures) -> None:
    print(f"\n== postgresql, {f.articles:,} articles; load average {os.getloadavg()[0]:.1f}")
    print(f"  search ({f.queries} queries), kabar (postings window, BM25)  {f.kabar.line()}")
    print(f"  search, anchor (before: tsv window, ts_rank)           {f.anchor.line()}")
    common = f.kabar.common()
    print(f"  the {len(common.wall_ms)} searches with > 4,000 matches: kabar  {common.line()}")
    print(f"                                        anchor {f.anchor.common().line()}")
    print(f"  related ({len(f.related.wall_ms)} ids)  {f.related.line()}")
    mean_overlap = sum(f.overlap) / len(f.overlap) if f.overlap else float("nan")
    print(
        f"  rankings: overlap@10 mean {mean_overlap:.3f} over {len(f.overlap)} queries with hits "
        f"(min {min(f.overlap, default=float('nan')):.1f}); same 10 in the same order: "
        f"{f.same_order}/{f.queries}; totals agree: {f.totals_agree}/{f.queries}"
    )
    print(f"  disk {f.bytes_on_disk / 1e9:.2f} GB ({f.bytes_on_disk / f.articles:,.0f} B/article); largest:")
    for name, size in f.tables:
        print(f"    {name:20} {size / 1e6:8.0f} MB  ({size / f.articles:,.0f} B/article)")
    at = f"{f.articles:,}"
    result(
        f"postgresql search p95 at {at} articles",
        f.kabar.p95(),
        "ms",
        anchor="the search before (tsv window ordered by id, ts_rank), same queries, same run",
        anchor_value=f.anchor.p95(),
        better="lower",
    )
    result(
        f"postgresql search server CPU p95 at {at} articles",
        round(percentile(f.kabar.server_ms, 95)),
        "ms",
        anchor="the search before, same queries, same run",
        anchor_value=round(percentile(f.anchor.server_ms, 95)),
        better="lower",
    )
    result(f"postgresql search overlap@10 with the ts_rank ranking at {at}", round(mean_overlap, 3), "")
    result(f"postgresql related p95 at {at} articles", f.related.p95(), "ms", better="lower")
    result(
        f"postgresql storage per article at {at}", round(f.bytes_on_disk / f.articles), "B", better="lower"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="a built archive's postgresql:// URL (else one is built and dropped)")
    parser.add_argument("--count", type=int, default=100_000, help="articles to build (without --db)")
    parser.add_argument("--pg", default=DEFAULT_PG, help="a server URL whose user may create databases")
    parser.add_argument("--keep", action="store_true", help="keep the database built (its URL is printed)")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--related", type=int, default=200)
    args = parser.parse_args(argv)
    url = args.db
    made = False
    if url is None:
        name = f"kabar_scale_search_{args.count}_{os.getpid()}"
        url = make_url(args.pg).set(database=name).render_as_string(hide_password=False)
        create_database(url)
        made = True
        started = datetime.now(UTC)
        built = build(url, SynthOptions(count=args.count), progress=False)
        print(
            f"built {built.articles:,} articles (started {started:%H:%M:%S} UTC): load {built.load_seconds:,.0f} s, "
            f"index {built.finish_seconds:,.0f} s, related statistics {built.related_seconds:,.0f} s"
        )
    elif not is_postgres(url):
        parser.error("--db must be a postgresql:// URL")
    try:
        report(measure(url, args.queries, args.related))
    finally:
        if made and not args.keep:
            drop_database(url)
        elif made:
            print(f"kept {url}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthis process: {usage.ru_utime + usage.ru_stime:.1f} s CPU")


if __name__ == "__main__":
    main()
