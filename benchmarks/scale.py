"""Search and related-news latency at scale (issue 12): a synthetic archive on SQLite or PostgreSQL.

Build a 1M-article archive on either backend (bulk-loaded; ingest is ~10 articles/s),
then measure the archive's own search and related news on it::

    nice -n 10 .venv/bin/python -m benchmarks.scale build --count 1000000 --db /tmp/kabar-scale/1m.db
    nice -n 10 .venv/bin/python -m benchmarks.scale build --count 1000000 \\
        --db postgresql://postgres@127.0.0.1:5432/kabar_scale_1m
    .venv/bin/python -m benchmarks.scale measure --db /tmp/kabar-scale/1m.db \\
        --db postgresql://postgres@127.0.0.1:5432/kabar_scale_1m \\
        --anchor-db /tmp/kabar-scale/10k.db --anchor-db postgresql://…/kabar_scale_10k

Synthetic articles: each takes a corpus article (IndoSum, ../shared/corpus) as its base —
outlet, section, paragraph count, the sentence count of each paragraph — keeps about half
of its paragraphs and fills the rest with sentences drawn from articles of the same
section; its headline is the base's with about a third of its words swapped for words of
other headlines (drawn by frequency, so the headline vocabulary keeps its Zipf shape).
Lengths, vocabulary and term statistics are those of real Indonesian news; ids, URLs and
texts are new, dates run over four years in id order (ingest is roughly chronological).
Analysis is memoised per sentence — exact, since tokens never cross the space between
two sentences — and a sample of articles is checked against a full ``analyze``.

Rows are written by the archive's own bulk loader (:mod:`kabar.archive.bulk_load`: the
rows ``add`` writes, the backend's search index); then, where the backend keeps
related-news statistics apart from its search index, the archive rebuilds them.

Measured (``measure``), per archive, in one run: a reader's search as the API calls it
(``archive.search``, relevance, 10 hits) over ≥200 queries of 1–3 words taken from
corpus sentences (affixed forms as written), and "Berita terkait" as the API computes it
(:func:`kabar.serve.sections.related_articles`, newest mode, 10 items) for ≥200 random
articles: wall and CPU p50/p95 (PostgreSQL: the server's CPU per query beside the
client's). Anchors in the same run: the same queries on the ``--anchor-db`` archives
(10,000 articles), and the bare engine query (FTS5 ``MATCH`` / ``tsvector @@``, top 10 by
the engine's own rank, no kabar layer) on each archive.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import resource
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import partial
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from benchmarks._common import SHARED, percentile, result
from benchmarks.synth import load_corpus
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.bulk_load import BulkArticle, open_bulk_load
from kabar.archive.open import is_postgres, open_archive, sqlite_path
from kabar.archive.pg_tsvector import tsquery_text
from kabar.archive.search_parse import fts_expression
from kabar.archive.term_records import DocTerms, article_terms
from kabar.lang.analysis import Analyzer, default_analyzer, tokenize
from kabar.model import Article
from kabar.serve.sections import related_articles

QUICK_ARGS = ["all", "--count", "3000", "--anchor-count", "1000", "--queries", "60", "--related", "40"]
TIMEOUT_SECONDS = 7200
DEFAULT_PG = os.environ.get("KABAR_TEST_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
CORPUS = SHARED / "corpus" / "indosum-dev.jsonl"
_WIB = timezone(timedelta(hours=7))
_SENTENCE_END = re.compile(r"(?<=[.!?\"”])\s+(?=[A-Z0-9\"“'(])")


# -- the synthetic articles ------------------------------------------------------------------


@dataclass(slots=True, frozen=True)
class SynthOptions:
    count: int = 10_000
    seed: int = 20_161
    start: datetime = datetime(2016, 1, 1, tzinfo=UTC)
    span: timedelta = timedelta(days=4 * 365)
    keep_paragraph: float = 0.5  # share of the base's paragraphs kept as they are
    swap_headline_word: float = 0.35
    verify_every: int = 5_000  # every n-th article is analysed whole and compared


@dataclass(slots=True)
class _Base:
    article: Article
    sentences: list[list[int]]  # per paragraph: indices into the sentence table


@dataclass(slots=True)
class SentenceTable:
    """Every corpus sentence once, with its analysed terms (the per-sentence memo)."""

    texts: list[str] = field(default_factory=list)
    terms: list[list[str]] = field(default_factory=list)
    by_section: dict[str, list[int]] = field(default_factory=dict)


@dataclass(slots=True)
class Material:
    """What synthetic articles are made of: the corpus cut into sentences, analysed once."""

    bases: list[_Base]
    sentences: SentenceTable
    headline_words: list[str]  # every headline token, repeats kept (frequency-weighted draws)


def split_sentences(paragraph: str) -> list[str]:
    return [s for s in (p.strip() for p in _SENTENCE_END.split(paragraph)) if s]


def prepare(corpus: Sequence[Article], analyzer: Analyzer | None = None) -> Material:
    an = analyzer or default_analyzer()
    table = SentenceTable()
    index: dict[str, int] = {}
    bases = []
    headline_words: list[str] = []
    for a in corpus:
        if not a.paragraphs:
            continue
        section = a.section or a.outlet or ""
        per_paragraph = []
        for p in a.paragraphs:
            ids = []
            for s in split_sentences(p):
                i = index.get(s)
                if i is None:
                    i = index[s] = len(table.texts)
                    table.texts.append(s)
                    table.terms.append(an.analyze(s))
                    table.by_section.setdefault(section, []).append(i)
                ids.append(i)
            if ids:
                per_paragraph.append(ids)
        if per_paragraph:
            bases.append(_Base(a, per_paragraph))
            headline_words.extend(tokenize(a.headline or ""))
    return Material(bases, table, headline_words)


@dataclass(slots=True)
class Synthesizer:
    material: Material
    options: SynthOptions
    analyzer: Analyzer = field(default_factory=default_analyzer)

    def articles(self, first_id: int = 1) -> Iterator[BulkArticle]:
        """``options.count`` articles with ids from ``first_id``, deterministic for a seed, texts unique."""
        opts = self.options
        rng = random.Random(opts.seed)
        seen: set[str] = set()
        made = 0
        while made < opts.count:
            item = self._one(rng, made)
            digest = item.article.content_hash
            if digest in seen:
                continue
            seen.add(digest)
            article_id = first_id + made
            made += 1
            if opts.verify_every and made % opts.verify_every == 1:
                assert item.terms == article_terms(item.article, self.analyzer), (
                    f"the sentence memo drifted from analyze() at article {article_id}"
                )
            yield BulkArticle(article_id, item.article, item.terms, digest)

    def _one(self, rng: random.Random, n: int) -> BulkArticle:
        m, opts = self.material, self.options
        base = rng.choice(m.bases)
        pool = m.sentences.by_section[base.article.section or base.article.outlet or ""]
        paragraphs: list[str] = []
        body: list[str] = []
        for i, ids in enumerate(base.sentences):
            if i > 0 and rng.random() >= opts.keep_paragraph:  # the lead stays: it matches the headline
                ids = [rng.choice(pool) for _ in ids]
            paragraphs.append(" ".join(m.sentences.texts[s] for s in ids))
            for s in ids:
                body.extend(m.sentences.terms[s])
        words = tokenize(base.article.headline or "")
        headline = " ".join(
            rng.choice(m.headline_words) if rng.random() < opts.swap_headline_word else w for w in words
        )
        published = (
            opts.start
            + opts.span * (n / max(1, opts.count))
            + timedelta(seconds=rng.randint(-43_200, 43_200))
        ).astimezone(_WIB)
        outlet = base.article.outlet or "synth"
        url = f"https://{outlet.replace(' ', '-')}.synth.invalid/{published:%Y/%m/%d}/{n + 1}"
        article = Article(
            headline=headline,
            published=published,
            outlet=outlet,
            section=base.article.section,
            paragraphs=paragraphs,
            description=paragraphs[0],
            url=url,
            canonical_url=url,
            extractor="synth",
        )
        return BulkArticle(0, article, DocTerms(headline=self.analyzer.analyze(headline), body=body))


# -- building --------------------------------------------------------------------------------


@dataclass(slots=True)
class BuildFigures:
    url: str
    articles: int
    load_seconds: float
    finish_seconds: float
    related_seconds: float
    cpu_seconds: float  # this process (PostgreSQL's server work is not in it)
    bytes_on_disk: int
    related_note: str


def open_sql_archive(url: str, *, read_only: bool = False) -> CoreArchive:
    archive = open_archive(url, [], read_only=read_only)
    assert isinstance(archive, CoreArchive)
    return archive


def disk_bytes(archive: CoreArchive) -> int:
    """The SQLite file with its WAL, or the PostgreSQL database's size."""
    if is_postgres(archive.url):
        with archive.engine.connect() as conn:
            return int(conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one())
    path = Path(sqlite_path(archive.url.removeprefix("sqlite:///")))
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def build(
    url: str,
    options: SynthOptions,
    *,
    batch: int = 10_000,
    progress: bool = True,
    corpus: Sequence[Article] | None = None,
) -> BuildFigures:
    """Make a synthetic archive at ``url`` (a new SQLite path or an empty PostgreSQL database)."""
    corpus = corpus if corpus is not None else load_corpus(CORPUS)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    material = prepare(corpus)
    archive = open_sql_archive(url)
    loader = open_bulk_load(archive)
    pending: list[BulkArticle] = []
    done = 0
    for item in Synthesizer(material, options).articles():
        pending.append(item)
        if len(pending) >= batch:
            loader.add(pending)
            done += len(pending)
            pending = []
            if progress:
                rate = done / (time.perf_counter() - wall0)
                print(f"  {done:>9,} articles  {rate:,.0f}/s", flush=True)
    if pending:
        loader.add(pending)
        done += len(pending)
    load_s = time.perf_counter() - wall0
    finish = loader.finish()
    figures = BuildFigures(
        url=archive.url,
        articles=done,
        load_seconds=load_s,
        finish_seconds=finish.index_seconds,
        related_seconds=finish.related_seconds,
        cpu_seconds=time.process_time() - cpu0,
        bytes_on_disk=disk_bytes(archive),
        related_note=(
            "related_postings copied with the rows, its key and related_df/related_stats built at the end"
            if is_postgres(url)
            else "none apart from FTS5 (related reads the search index)"
        ),
    )
    archive.close()
    return figures


# -- measuring -------------------------------------------------------------------------------


def make_queries(corpus: Sequence[Article], count: int, analyzer: Analyzer, seed: int = 7) -> list[str]:
    """1–3 adjacent content words of a random corpus sentence, as written (affixes kept)."""
    rng = random.Random(seed)
    sentences = [s for a in corpus for p in a.paragraphs for s in split_sentences(p)]
    out: list[str] = []
    while len(out) < count:
        words = [
            w
            for w in tokenize(rng.choice(sentences))
            if len(w) > 3 and not any(c.isdigit() for c in w) and analyzer.analyze(w)
        ]
        n = rng.choice((1, 1, 2, 2, 3))
        if len(words) < n:
            continue
        i = rng.randrange(len(words) - n + 1)
        out.append(" ".join(words[i : i + n]).lower())
    return out


def describe_queries(queries: Sequence[str], analyzer: Analyzer) -> None:
    """What the query set is: its sizes, and how many hold an affixed form (stem ≠ word)."""
    sizes = Counter(len(q.split()) for q in queries)
    affixed = sum(1 for q in queries if any(analyzer.analyze(w) != [w] for w in q.split()))
    shown = ", ".join(f"{n} word{'s' if n > 1 else ''}: {sizes[n]}" for n in sorted(sizes))
    print(f"{len(queries)} queries ({shown}); {affixed} hold an affixed form; e.g. {', '.join(queries[:6])}")


@dataclass(slots=True)
class Timings:
    wall_ms: list[float] = field(default_factory=list)
    cpu_ms: list[float] = field(default_factory=list)
    server_cpu_ms: float | None = None  # PostgreSQL backends' CPU per call (mean), None on SQLite

    def line(self) -> str:
        server = f", server CPU {self.server_cpu_ms:.1f} ms/call" if self.server_cpu_ms is not None else ""
        return (
            f"wall p50 {percentile(self.wall_ms, 50):7.1f}  p95 {percentile(self.wall_ms, 95):7.1f} ms;"
            f"  CPU p50 {percentile(self.cpu_ms, 50):6.1f}  p95 {percentile(self.cpu_ms, 95):6.1f} ms{server}"
        )


def server_pids(archive: CoreArchive) -> list[int]:
    """The process ids of every PostgreSQL backend serving this database."""
    with archive.engine.connect() as conn:
        return [
            int(r[0])
            for r in conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"))
        ]


def server_ticks(archive: CoreArchive) -> int | None:
    """CPU ticks of every server process serving this database (PostgreSQL on this machine)."""
    if not is_postgres(archive.url):
        return None
    ticks = 0
    for pid in server_pids(archive):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None  # another machine's server: its CPU is not ours to read
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks


def timed(archive: CoreArchive, calls: Sequence[Callable[[], object]], warm: int = 10) -> Timings:
    for call in calls[:warm]:
        call()
    out = Timings()
    before = server_ticks(archive)
    for call in calls:
        w, c = time.perf_counter(), time.process_time()
        call()
        out.cpu_ms.append((time.process_time() - c) * 1000)
        out.wall_ms.append((time.perf_counter() - w) * 1000)
    after = server_ticks(archive)
    if before is not None and after is not None:
        out.server_cpu_ms = (after - before) * 1000 / os.sysconf("SC_CLK_TCK") / len(calls)
    return out


def bare_query(archive: CoreArchive, analyzer: Analyzer) -> Callable[[str], object]:
    """The engine's own top 10 for the analysed words (AND), with no kabar layer (the anchor)."""

    def phrases(q: str) -> list[tuple[str, ...]]:
        return [(t,) for t in analyzer.analyze(q)]

    if is_postgres(archive.url):
        sql = text(
            "SELECT id FROM search_docs WHERE tsv @@ CAST(:q AS tsquery) "
            "ORDER BY ts_rank(CAST('{0.1, 0.1, 0.25, 1.0}' AS float4[]), tsv, CAST(:q AS tsquery), 1) DESC "
            "LIMIT 10"
        )

        def pg(q: str) -> object:
            with archive.engine.connect() as conn:
                return conn.execute(sql, {"q": tsquery_text(phrases(q))}).all()

        return pg

    def lite(q: str) -> object:
        with archive.engine.connect() as conn:
            raw = conn.connection.driver_connection
            assert isinstance(raw, sqlite3.Connection)
            return raw.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY bm25(search_fts, 4.0, 1.0) "
                "LIMIT 10",
                (fts_expression(phrases(q), "AND"),),
            ).fetchall()

    return lite


@dataclass(slots=True)
class ArchiveFigures:
    url: str
    articles: int
    bytes_on_disk: int
    search: Timings
    bare: Timings
    related: Timings
    empty_related: int  # lookups that found no related article


def measure(url: str, queries: Sequence[str], related_count: int, seed: int = 11) -> ArchiveFigures:
    archive = open_sql_archive(url, read_only=True)
    analyzer = default_analyzer()
    n = archive.count()
    ids = random.Random(seed).sample(range(1, n + 1), min(n, related_count))
    search = timed(archive, [partial(archive.search, SearchQuery(text=q)) for q in queries])
    bare = timed(archive, [partial(bare_query(archive, analyzer), q) for q in queries])
    found: list[int] = []

    def related_call(article_id: int) -> None:
        found.append(len(related_articles(archive, article_id, 10)))

    related = timed(archive, [partial(related_call, i) for i in ids], warm=0)
    figures = ArchiveFigures(
        url=archive.url,
        articles=n,
        bytes_on_disk=disk_bytes(archive),
        search=search,
        bare=bare,
        related=related,
        empty_related=sum(1 for f in found if f == 0),
    )
    archive.close()
    return figures


def backend_name(url: str) -> str:
    return "postgresql" if is_postgres(url) else "sqlite"


def report(measured: Sequence[ArchiveFigures], anchors: Sequence[ArchiveFigures], queries: int) -> None:
    for f in [*measured, *anchors]:
        shown = make_url(f.url).render_as_string(hide_password=True) if is_postgres(f.url) else f.url
        print(f"\n== {backend_name(f.url)}, {f.articles:,} articles ({shown})")
        print(
            f"  disk                {f.bytes_on_disk / 1e9:.2f} GB  ({f.bytes_on_disk / f.articles:,.0f} B/article)"
        )
        print(f"  search  ({queries} q)    {f.search.line()}")
        print(f"  bare engine query   {f.bare.line()}")
        print(f"  related ({len(f.related.wall_ms)} ids)  {f.related.line()}  (empty: {f.empty_related})")
    anchor_of = {backend_name(a.url): a for a in anchors}
    for f in measured:
        backend = backend_name(f.url)
        size = f"{f.articles:,}"
        anchor = anchor_of.get(backend)
        for what, ours, bare in (("search", f.search, f.bare), ("related", f.related, None)):
            p95 = round(percentile(ours.wall_ms, 95), 1)
            if anchor is not None:
                theirs = anchor.search if what == "search" else anchor.related
                result(
                    f"{backend} {what} p95 at {size} articles",
                    p95,
                    "ms",
                    anchor=f"same calls at {anchor.articles:,} articles",
                    anchor_value=round(percentile(theirs.wall_ms, 95), 1),
                    better="lower",
                )
            if bare is not None:
                result(
                    f"{backend} search p95 at {size} articles (vs bare engine query)",
                    p95,
                    "ms",
                    anchor="bare FTS5/tsvector top-10, no kabar layer",
                    anchor_value=round(percentile(bare.wall_ms, 95), 1),
                    better="lower",
                )
        result(
            f"{backend} storage per article at {size}",
            round(f.bytes_on_disk / f.articles),
            "B",
            better="lower",
        )


# -- the command -----------------------------------------------------------------------------


def _shown(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True) if is_postgres(url) else url


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(url: str, tablespace: str | None = None) -> bool:
    """Create the PostgreSQL database ``url`` names, unless it exists; True if it was made."""
    import psycopg
    from psycopg import sql

    name = make_url(url).database
    assert name, "the URL names no database"
    admin = _libpq(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if tablespace:
            stmt = sql.SQL("{} TABLESPACE {}").format(stmt, sql.Identifier(tablespace))
        conn.execute(stmt)
    return True


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = make_url(url).database
    assert name and name.startswith("kabar_"), "drops only the databases this benchmark made"
    admin = _libpq(make_url(url).set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _print_build(figures: BuildFigures, started: datetime) -> None:
    print(
        f"built {figures.articles:,} articles into {backend_name(figures.url)} at {_shown(figures.url)} "
        f"(started {started:%H:%M:%S} UTC)\n"
        f"  load {figures.load_seconds:,.0f} s ({figures.articles / figures.load_seconds:,.0f} articles/s), "
        f"search index build/optimize {figures.finish_seconds:,.0f} s, "
        f"related statistics {figures.related_seconds:,.0f} s: {figures.related_note}\n"
        f"  this process {figures.cpu_seconds:,.0f} s CPU; on disk {figures.bytes_on_disk / 1e9:.2f} GB "
        f"({figures.bytes_on_disk / max(1, figures.articles):,.0f} B/article)",
        flush=True,
    )
    result(
        f"{backend_name(figures.url)} bulk build of {figures.articles:,} synthetic articles",
        round(figures.load_seconds + figures.finish_seconds + figures.related_seconds),
        "s",
        better="lower",
    )


def _build_cmd(args: argparse.Namespace) -> None:
    url = args.db[0]
    if is_postgres(url):
        create_database(url, args.tablespace)
    started = datetime.now(UTC)
    figures = build(
        url, SynthOptions(count=args.count, seed=args.seed), batch=args.batch, progress=not args.quiet
    )
    _print_build(figures, started)


def _finish_cmd(args: argparse.Namespace) -> None:
    """Finish an interrupted build with what it loaded (the archive's own resume of a bulk load)."""
    archive = open_sql_archive(args.db[0])
    finish = open_bulk_load(archive, resume=True).finish()
    print(
        f"finished {archive.count():,} articles at {_shown(archive.url)}: search index "
        f"{finish.index_seconds:,.0f} s, related statistics {finish.related_seconds:,.0f} s; "
        f"on disk {disk_bytes(archive) / 1e9:.2f} GB"
    )
    archive.close()


def _measure_cmd(args: argparse.Namespace) -> None:
    corpus = load_corpus(CORPUS)
    queries = make_queries(corpus, args.queries, default_analyzer())
    describe_queries(queries, default_analyzer())
    measured = [measure(url, queries, args.related) for url in args.db]
    anchors = [measure(url, queries, args.related) for url in args.anchor_db or []]
    report(measured, anchors, len(queries))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthis process: {usage.ru_utime + usage.ru_stime:.1f} s CPU")


def _all_cmd(args: argparse.Namespace) -> None:
    """Build the archive and its anchor on each backend, measure all in one run, remove them."""
    corpus = load_corpus(CORPUS)
    with contextlib.ExitStack() as stack:
        folder = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="kabar-scale-", dir=args.workdir))
        )
        big: list[str] = []
        small: list[str] = []
        for backend in args.backend:
            for count, into in ((args.count, big), (args.anchor_count, small)):
                if backend == "sqlite":
                    url = str(folder / f"scale-{count}.db")
                else:
                    url = (
                        make_url(args.pg)
                        .set(database=f"kabar_scale_{count}_{os.getpid()}")
                        .render_as_string(hide_password=False)
                    )
                    create_database(url, args.tablespace)
                    stack.callback(drop_database, url)
                started = datetime.now(UTC)
                options = SynthOptions(count=count, seed=args.seed)
                _print_build(
                    build(url, options, batch=args.batch, progress=not args.quiet, corpus=corpus), started
                )
                into.append(url)
        queries = make_queries(corpus, args.queries, default_analyzer())
        describe_queries(queries, default_analyzer())
        measured = [measure(url, queries, args.related) for url in big]
        anchors = [measure(url, queries, args.related) for url in small]
        report(measured, anchors, len(queries))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"\nthis process: {usage.ru_utime + usage.ru_stime:.1f} s CPU")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "command",
        nargs="?",
        default="all",
        choices=("all", "build", "finish", "measure"),
        help="all (default): build both sizes on each backend in a temporary place, measure, remove",
    )
    parser.add_argument(
        "--db", action="append", help="build/measure: a path or postgresql:// URL (repeatable)"
    )
    parser.add_argument("--anchor-db", action="append", help="measure: the same on a small archive (anchor)")
    parser.add_argument("--count", type=int, default=None, help="articles (build: 10,000; all: 200,000)")
    parser.add_argument("--anchor-count", type=int, default=10_000, help="all: the anchor archive's size")
    parser.add_argument("--backend", action="append", choices=("sqlite", "postgresql"), help="all: (both)")
    parser.add_argument(
        "--pg", default=DEFAULT_PG, help="all: a PostgreSQL server URL whose user may create databases"
    )
    parser.add_argument("--tablespace", help="PostgreSQL: create the databases in this tablespace")
    parser.add_argument("--workdir", type=Path, default=None, help="all: where the SQLite files go")
    parser.add_argument("--seed", type=int, default=20_161)
    parser.add_argument("--batch", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--related", type=int, default=200)
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "all":
        args.count = args.count or 200_000
        args.backend = args.backend or ["sqlite", "postgresql"]
        _all_cmd(args)
        return
    if not args.db:
        parser.error(f"{args.command} needs --db")
    args.count = args.count or 10_000
    if args.command == "build":
        _build_cmd(args)
    elif args.command == "finish":
        _finish_cmd(args)
    else:
        _measure_cmd(args)


if __name__ == "__main__":
    main()
