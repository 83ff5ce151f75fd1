"""PostgreSQL search at scale (issue 12): today's search against the ranking it replaced, in one run.

One command measures a bulk-loaded synthetic archive (:mod:`benchmarks.scale`'s articles)::

    nice -n 12 .venv/bin/python -m benchmarks.pg_search_scale --count 100000
    nice -n 12 .venv/bin/python -m benchmarks.pg_search_scale \\
        --db postgresql://postgres@127.0.0.1:5432/kabar_scale_x    # an archive built already
    # a small archive with the window and the total bound scaled down alike (4,000 and
    # 10,000 are 13% and 33% of 30k articles), so that common words still fill the window:
    nice -n 12 .venv/bin/python -m benchmarks.pg_search_scale --count 3000 --candidates 400 \\
        --exact-total 1000 --queries 60 --related 0 --no-ts-rank

Without ``--db`` it builds the archive into a new database of its own and drops it after.
Per query (≥200 of 1–3 words from corpus sentences, as ``benchmarks.scale`` makes them), a
reader's search as the API calls it (relevance, 10 hits) up to four ways, interleaved so that
load and cache weigh on all alike:

- **kabar**: ``PgSearch`` as ``archive.search`` runs it — the newest-matches window from
  related news' postings (plain words: their postings merged, each article carrying every
  word's posting) or the GIN index, ranked by FTS5's BM25 from the postings — words on the
  server with no probe, a group of alternatives top-k (:mod:`kabar.archive.topk`) when its
  rarest clause is common — the total going on below the window's oldest article;
- **landed** (skip with ``--no-landed``): the search before the merge (:class:`LandedIndex`):
  the window by a probe of the other words per candidate of the rarest, top-k always, the
  total counted again from the newest match;
- **exhaustive**: that window, every article of it scored, the total counted again
  (:class:`ExhaustiveIndex`, the ranking before top-k): the anchor for probes and CPU, and
  the first 10 must be the very same (ids, scores, order);
- **ts_rank** (skip with ``--no-ts-rank``): the index as it was before both
  (:class:`BeforeIndex`: the window by ``tsv @@`` ordered by id, ranked by ``ts_rank``).

Printed per way, for all queries and split into common (more matches than the window,
4,000 unless ``--candidates``) and rare ones: the PostgreSQL server's CPU per search p50/p95 (its processes'
``schedstat`` run time, ns; the machine's load shows in wall only), client CPU, wall, and
the index probes per search (``related_postings``' index scans, from
``pg_stat_xact_user_tables``); whether kabar's first 10 equal the exhaustive ones;
overlap@10 with ts_rank; related news p95 (:func:`kabar.serve.sections.related_articles`)
and the database's size per article with its largest tables.
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
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url

from benchmarks._common import percentile, result
from benchmarks.scale import (
    CORPUS,
    DEFAULT_PG,
    SynthOptions,
    build,
    create_database,
    disk_bytes,
    drop_database,
    make_queries,
    open_sql_archive,
    server_pids,
    server_ticks,
)
from benchmarks.synth import load_corpus
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery, SearchResult
from kabar.archive.open import is_postgres
from kabar.archive.pg_related import PgRelatedStats
from kabar.archive.pg_search import PgSearch, _where
from kabar.archive.search_flow import PhraseMatch, Ranked, SearchOptions, ranked_prefix, run_search
from kabar.archive.sql_source import BoundSource, ConnectionSource
from kabar.archive.term_records import ScoredId
from kabar.lang.analysis import default_analyzer
from kabar.serve.sections import related_articles

QUICK_ARGS = [
    "--count",
    "3000",
    "--candidates",
    "400",
    "--exact-total",
    "1000",
    "--queries",
    "60",
    "--related",
    "40",
]
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

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        return ranked_prefix(self.rank(match, candidates), want)

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        return self.count_upto(match, bound)

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


class ProbeWindowStats(PgRelatedStats):
    """Related news' statistics with the window of words as it was before the merge: each
    posting of the rarest word probed for the others, top-k whatever the window's size."""

    merge_words = False
    topk_from = 0


class LandedIndex(PgSearch):
    """The search before the merge: probe window, top-k, the total counted again in full."""

    def __init__(self, source: ConnectionSource) -> None:
        super().__init__(source)
        self.related = ProbeWindowStats(source)

    def count_past(self, match: PhraseMatch, window: Ranked, bound: int) -> int:
        return self.count_upto(match, bound)


class ExhaustiveIndex(LandedIndex):
    """The search before top-k: every window ranked whole: the anchor for probes and CPU."""

    def best(self, match: PhraseMatch, candidates: int, want: int) -> Ranked:
        return ranked_prefix(self.rank(match, candidates), want)


@dataclass(slots=True)
class Series:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)  # the server's CPU (schedstat, else ticks)
    matches: list[int] = field(default_factory=list)  # the search's total (searches only)
    probes: list[int] = field(default_factory=list)  # related_postings index scans (searches only)

    def p95(self) -> float:
        return round(percentile(self.wall_ms, 95), 1)

    def line(self) -> str:
        server = sum(self.server_ms) / max(1, len(self.server_ms))
        probes = (
            f"; probes p50 {percentile([float(p) for p in self.probes], 50):5.0f}  "
            f"p95 {percentile([float(p) for p in self.probes], 95):5.0f}  "
            f"mean {sum(self.probes) / len(self.probes):6.0f}"
            if self.probes
            else ""
        )
        return (
            f"server CPU p50 {percentile(self.server_ms, 50):5.1f}  p95 {percentile(self.server_ms, 95):5.1f}  "
            f"mean {server:5.1f} ms; client CPU p50 {percentile(self.cpu_ms, 50):5.1f}  "
            f"p95 {percentile(self.cpu_ms, 95):5.1f} ms; wall p95 {percentile(self.wall_ms, 95):6.1f} ms{probes}"
        )

    def _only(self, keep: list[int]) -> Series:
        return Series(
            [self.wall_ms[i] for i in keep],
            [self.cpu_ms[i] for i in keep],
            [self.server_ms[i] for i in keep],
            [self.matches[i] for i in keep],
            [self.probes[i] for i in keep] if self.probes else [],
        )

    def common(self, window: int) -> Series:
        """Only the searches with more matches than the window (a full window: what every
        common word is at a million articles)."""
        return self._only([i for i, n in enumerate(self.matches) if n > window])

    def rare(self, window: int) -> Series:
        """The searches with no more matches than the window (every match ranked)."""
        return self._only([i for i, n in enumerate(self.matches) if n <= window])


_MS_PER_TICK = 1000 / os.sysconf("SC_CLK_TCK")


def _server_ns(archive: CoreArchive) -> int | None:
    """Run time of every server process serving this database, in ns (``schedstat``: exact,
    where clock ticks are 10 ms); None when the server is not this machine's."""
    total = 0
    for pid in server_pids(archive):
        try:
            total += int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return None
    return total


def _server_ms(archive: CoreArchive) -> Callable[[], float]:
    """A reading of the server's CPU in ms: schedstat where it can be read, else clock ticks."""
    if _server_ns(archive) is not None:
        return lambda: (_server_ns(archive) or 0) / 1e6
    return lambda: (server_ticks(archive) or 0) * _MS_PER_TICK


@dataclass(slots=True, frozen=True)
class Probed:
    result: SearchResult
    probes: int


def _timed(series: Series, server: Callable[[], float], call: Callable[[], object]) -> object:
    before = server()
    wall, cpu = time.perf_counter(), time.process_time()
    out = call()
    series.cpu_ms.append((time.process_time() - cpu) * 1000)
    series.wall_ms.append((time.perf_counter() - wall) * 1000)
    series.server_ms.append(server() - before)
    if isinstance(out, Probed):
        series.matches.append(out.result.total)
        series.probes.append(out.probes)
    return out


@contextmanager
def _reading(archive: CoreArchive) -> Iterator[Connection]:
    with archive.engine.connect() as conn, conn.begin():
        yield conn


# Index scans of related_postings so far in this transaction (each probe is one): pending
# backend-local counts, so they are current without waiting for a statistics flush.
_PROBES = "SELECT coalesce(sum(idx_scan), 0) FROM pg_stat_xact_user_tables WHERE relname = 'related_postings'"


def indexed_search(
    archive: CoreArchive, index: type[PgSearch], query: SearchQuery, options: SearchOptions
) -> Probed:
    """A reader's search over ``index`` in one transaction, and the probes it made."""
    with _reading(archive) as conn:
        before = int(conn.execute(text(_PROBES)).scalar_one())
        got = run_search(conn, index(BoundSource(conn)), query, None, options)
        return Probed(got, int(conn.execute(text(_PROBES)).scalar_one()) - before)


@dataclass(slots=True)
class Figures:
    articles: int
    options: SearchOptions
    kabar: Series
    landed: Series  # empty when not run
    exhaustive: Series
    anchor: Series  # ts_rank (empty when not run)
    related: Series
    identical: int  # queries whose 10 hits (ids, scores, order) and totals equal the exhaustive ones
    overlap: list[float]  # per query with hits: |kabar top 10 ∩ ts_rank top 10| / |ts_rank top 10|
    same_order: int  # queries whose 10 hits came back in the very same order as ts_rank's
    totals_agree: int  # queries whose (total, exact) agree with ts_rank's
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


def _page(r: SearchResult) -> tuple[object, ...]:
    return (r.total, r.total_exact, r.message, [(h.id, h.score) for h in r.hits])


@dataclass(slots=True, frozen=True)
class Ways:
    """Which searches besides kabar's and the exhaustive anchor run, and with what window."""

    ts_rank: bool = True
    landed: bool = True
    options: SearchOptions = field(default_factory=SearchOptions)


def measure(
    url: str, query_count: int, related_count: int, run: Ways | None = None, seed: int = 11
) -> Figures:
    run = run or Ways()
    archive = open_sql_archive(url, read_only=True)
    analyzer = default_analyzer()
    queries = make_queries(load_corpus(CORPUS), query_count, analyzer)
    n = archive.count()
    server = _server_ms(archive)
    kabar, landed, exhaustive, anchor, related = Series(), Series(), Series(), Series(), Series()
    ways: list[tuple[Series, type[PgSearch]]] = [(kabar, PgSearch), (exhaustive, ExhaustiveIndex)]
    if run.landed:
        ways.append((landed, LandedIndex))
    if run.ts_rank:
        ways.append((anchor, BeforeIndex))
    overlap: list[float] = []
    identical = same_order = totals_agree = 0
    for q in queries[:10]:  # warm every path's pages alike
        for _, index in ways:
            indexed_search(archive, index, SearchQuery(text=q), run.options)
    for i, q in enumerate(queries):
        query = SearchQuery(text=q)
        got: dict[int, SearchResult] = {}
        shift = i % len(ways)  # who goes first rotates
        for series, index in ways[shift:] + ways[:shift]:
            out = _timed(series, server, partial(indexed_search, archive, index, query, run.options))
            assert isinstance(out, Probed)
            got[id(series)] = out.result
        new = got[id(kabar)]
        identical += _page(new) == _page(got[id(exhaustive)])
        if run.ts_rank:
            old = got[id(anchor)]
            new_ids, old_ids = [h.id for h in new.hits], [h.id for h in old.hits]
            if old_ids:
                overlap.append(len(set(new_ids) & set(old_ids)) / len(old_ids))
            same_order += new_ids == old_ids
            totals_agree += (new.total, new.total_exact) == (old.total, old.total_exact)
    ids = random.Random(seed).sample(range(1, n + 1), min(n, related_count))
    for article_id in ids:
        _timed(related, server, partial(related_articles, archive, article_id, 10))
    figures = Figures(
        n,
        run.options,
        kabar,
        landed,
        exhaustive,
        anchor,
        related,
        identical,
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
    cand = f.options.candidates
    print(f"  window {cand:,} articles, totals exact up to {f.options.exact_total_up_to:,}")
    ways = [("kabar (merged)", f.kabar), ("exhaustive", f.exhaustive)]
    if f.landed.wall_ms:
        ways.append(("landed (probes)", f.landed))
    if f.anchor.wall_ms:
        ways.append(("ts_rank", f.anchor))
    common, rare = f.kabar.common(cand), f.kabar.rare(cand)
    for label, part in (
        (f"all {f.queries} searches", None),
        (f"{len(common.wall_ms)} common (> {cand:,} matches)", partial(Series.common, window=cand)),
        (f"{len(rare.wall_ms)} rare (<= {cand:,} matches)", partial(Series.rare, window=cand)),
    ):
        print(f"  {label}:")
        for name, series in ways:
            shown = series if part is None else part(series)
            print(f"    {name:15} {shown.line()}")
    print(
        f"  first 10 (ids, scores, order) and totals equal to the exhaustive ranking: {f.identical}/{f.queries}"
    )
    print(f"  related ({len(f.related.wall_ms)} ids)  {f.related.line()}")
    if f.overlap:
        mean_overlap = sum(f.overlap) / len(f.overlap)
        print(
            f"  vs ts_rank: overlap@10 mean {mean_overlap:.3f} over {len(f.overlap)} queries with hits "
            f"(min {min(f.overlap):.1f}); same 10 in the same order: "
            f"{f.same_order}/{f.queries}; totals agree: {f.totals_agree}/{f.queries}"
        )
    print(f"  disk {f.bytes_on_disk / 1e9:.2f} GB ({f.bytes_on_disk / f.articles:,.0f} B/article); largest:")
    for name, size in f.tables:
        print(f"    {name:20} {size / 1e6:8.0f} MB  ({size / f.articles:,.0f} B/article)")
    at = f"{f.articles:,}" + ("" if cand == 4_000 else f" (window {cand:,})")
    whole = (
        "the search before top-k (a probe a candidate for the window, every window article scored, "
        "the total counted again), same queries, same run"
    )
    common, common_whole = f.kabar.common(cand), f.exhaustive.common(cand)
    result(
        f"postgresql search server CPU p95 at {at} articles",
        round(percentile(f.kabar.server_ms, 95), 1),
        "ms",
        anchor=whole,
        anchor_value=round(percentile(f.exhaustive.server_ms, 95), 1),
        better="lower",
    )
    result(
        f"postgresql common-word search server CPU p95 at {at} articles",
        round(percentile(common.server_ms, 95), 1),
        "ms",
        anchor=whole,
        anchor_value=round(percentile(common_whole.server_ms, 95), 1),
        better="lower",
    )
    result(
        f"postgresql common-word search probes per query (mean) at {at} articles",
        round(sum(common.probes) / max(1, len(common.probes))),
        "",
        anchor=whole,
        anchor_value=round(sum(common_whole.probes) / max(1, len(common_whole.probes))),
        better="lower",
    )
    if f.landed.wall_ms:
        landed = f.landed.common(cand)
        before = (
            "the search before the merge (probe window, top-k, total counted again), same queries, same run"
        )
        result(
            f"postgresql common-word search server CPU p95 against the landed top-k at {at} articles",
            round(percentile(common.server_ms, 95), 1),
            "ms",
            anchor=before,
            anchor_value=round(percentile(landed.server_ms, 95), 1),
            better="lower",
        )
        result(
            f"postgresql common-word search probes per query (mean) against the landed top-k at {at}",
            round(sum(common.probes) / max(1, len(common.probes))),
            "",
            anchor=before,
            anchor_value=round(sum(landed.probes) / max(1, len(landed.probes))),
            better="lower",
        )
    result(
        f"postgresql search first 10 equal to the exhaustive ranking at {at}",
        f.identical,
        f"of {f.queries}",
    )
    if f.anchor.wall_ms:
        result(
            f"postgresql search server CPU p95 against ts_rank at {at} articles",
            round(percentile(f.kabar.server_ms, 95), 1),
            "ms",
            anchor="the search before (tsv window ordered by id, ts_rank), same queries, same run",
            anchor_value=round(percentile(f.anchor.server_ms, 95), 1),
            better="lower",
        )
    if f.related.wall_ms:
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
    parser.add_argument("--no-ts-rank", action="store_true", help="leave out the ts_rank anchor (slow)")
    parser.add_argument("--no-landed", action="store_true", help="leave out the search before the merge")
    parser.add_argument("--candidates", type=int, default=4_000, help="the window (scale it with --count)")
    parser.add_argument("--exact-total", type=int, default=10_000, help="totals exact up to this many")
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
        options = SearchOptions(candidates=args.candidates, exact_total_up_to=args.exact_total)
        ways = Ways(ts_rank=not args.no_ts_rank, landed=not args.no_landed, options=options)
        report(measure(url, args.queries, args.related, ways))
    finally:
        if made and not args.keep:
            drop_database(url)
        elif made:
            print(f"kept {url}")
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthis process: {usage.ru_utime + usage.ru_stime:.1f} s CPU")


if __name__ == "__main__":
    main()
