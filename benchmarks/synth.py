"""A large synthetic archive made from the IndoSum corpus, for latency figures at scale.

    .venv/bin/python -m benchmarks.synth --count 1000000 --db /tmp/kabar-1m.db

Each synthetic article takes a corpus article as its base (headline, outlet, length) and
recombines paragraphs: about half from the base, the rest from other articles of the
same outlet, shuffled — so its vocabulary and term statistics are those of real
Indonesian news, with new ids, new URLs and dates spread over 2016–2018 in id order.

Function API (reused by the related-news benchmarks)::

    corpus = load_corpus()
    for article in synth_articles(corpus, SynthOptions(count=1000)): ...
    build_archive(BuildOptions(path=Path("/tmp/x.db"), synth=SynthOptions(count=1000)))

The build is the fastest honest path: rows go into the very same schema
(``articles`` via :func:`kabar.archive.sqlite.article_row`, ``search_fts``/``search_docs`` via
:meth:`FtsIndexer.index_many`) in batches of one transaction each, and the index terms
are :func:`kabar.lang.analysis.analyze` output. Because a synthetic body is a
concatenation of corpus paragraphs, and tokens never span paragraphs, analysed terms are
memoised per paragraph; a sample of articles is checked against a full ``analyze`` of
headline and body so the shortcut cannot drift from the real path.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from sqlalchemy.engine import Connection

from benchmarks._common import SHARED
from kabar.archive.base import Indexer
from kabar.archive.fts import DocTerms, FtsIndexer, FtsSearch, IndexedDoc, article_terms
from kabar.archive.sql_source import BoundSource
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive, article_row
from kabar.archive.store_access import sql_stores
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.model import Article
from kabar.sources.records import map_record

CORPUS = SHARED / "corpus" / "indosum-dev.jsonl"
_START = datetime(2016, 1, 1, tzinfo=UTC)
_SPAN = timedelta(days=3 * 365)


def load_corpus(path: Path = CORPUS, limit: int | None = None) -> list[Article]:
    """The corpus JSONL as Articles (through kabar's own record mapping)."""
    if not path.exists():
        raise SystemExit(f"corpus not found at {path} (the shared data is needed here)")
    out: list[Article] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            mapped = map_record(json.loads(line), str(path))
            if mapped.article is not None:
                out.append(mapped.article)
            if limit is not None and len(out) >= limit:
                break
    return out


@dataclass(slots=True, frozen=True)
class SynthOptions:
    count: int = 10_000
    seed: int = 20161
    start: datetime = _START
    span: timedelta = _SPAN
    url_prefix: str = "https://synth.kabar.invalid"


def _pools(corpus: Sequence[Article]) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    for a in corpus:
        pools.setdefault(a.outlet or "", []).extend(p for p in a.paragraphs if p.strip())
    return pools


def synth_articles(corpus: Sequence[Article], options: SynthOptions) -> Iterator[Article]:
    """``options.count`` new articles, deterministic for a seed, unique by content hash."""
    rng = random.Random(options.seed)
    pools = _pools(corpus)
    bases = [a for a in corpus if a.paragraphs]
    seen: set[str] = set()
    made = 0
    while made < options.count:
        base = rng.choice(bases)
        pool = pools[base.outlet or ""]
        n = len(base.paragraphs)
        keep = rng.sample(base.paragraphs, max(1, n // 2))
        paragraphs = keep + [rng.choice(pool) for _ in range(max(1, n - len(keep)))]
        rng.shuffle(paragraphs)
        paragraphs.insert(0, base.paragraphs[0])  # a lead that matches the headline
        article = Article(
            headline=base.headline,
            published=options.start
            + options.span * (made / max(1, options.count))
            + timedelta(seconds=rng.randint(-86_400, 86_400)),
            outlet=base.outlet,
            paragraphs=paragraphs,
            url=f"{options.url_prefix}/{base.outlet or 'x'}/{made + 1}",
            extractor="synth",
        )
        article.canonical_url = article.url
        digest = article.content_hash
        if digest in seen:
            continue
        seen.add(digest)
        made += 1
        yield article


@dataclass(slots=True)
class _MemoAnalyzer:
    """analyze() per paragraph, remembered: exact because tokens never cross paragraphs."""

    analyzer: Analyzer
    memo: dict[str, list[str]] = field(default_factory=dict)

    def terms(self, article: Article) -> DocTerms:
        body: list[str] = []
        for p in article.paragraphs:
            got = self.memo.get(p)
            if got is None:
                got = self.memo[p] = self.analyzer.analyze(p)
            body.extend(got)
        head = article.headline or ""
        got = self.memo.get(head)
        if got is None:
            got = self.memo[head] = self.analyzer.analyze(head)
        return DocTerms(headline=list(got), body=body)


@dataclass(slots=True)
class BuildOptions:
    path: Path
    synth: SynthOptions = field(default_factory=SynthOptions)
    batch: int = 2_000
    optimize: bool = True  # merge FTS5 segments at the end, as a maintenance run would
    extra_indexers: Sequence[Indexer] = ()  # e.g. DedupIndexer(): run per article, slower
    progress: bool = True
    verify_every: int = 5_000


@dataclass(slots=True)
class BuildResult:
    path: Path
    articles: int
    seconds: float
    optimize_seconds: float
    bytes_on_disk: int

    @property
    def rate(self) -> float:
        return self.articles / self.seconds if self.seconds else float("nan")


def _insert_sql() -> str:
    cols = [
        "id",
        "canonical_url",
        "content_hash",
        "headline",
        "published",
        "published_utc",
        "outlet",
        "url",
        "language",
        "description",
        "captured_at",
        "ingested_at",
        "data",
    ]
    return f"INSERT INTO articles({', '.join(cols)}) VALUES ({', '.join(':' + c for c in cols)})"


def build_archive(options: BuildOptions, corpus: Sequence[Article] | None = None) -> BuildResult:
    if options.path.exists():
        raise SystemExit(f"{options.path} exists; remove it first (the builder never appends)")
    corpus = corpus if corpus is not None else load_corpus()
    archive = SqliteArchive(ArchiveOptions(path=options.path, indexers=[]))  # runs the migrations
    fts = FtsIndexer()
    memo = _MemoAnalyzer(default_analyzer())
    sql = _insert_sql()
    started = time.perf_counter()
    made = 0
    with archive.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.execute("PRAGMA cache_size=-262144")  # 256 MB page cache for the bulk load
        batch: list[Article] = []
        with _progress(options) as bar:
            task = bar.add_task("building", total=options.synth.count)
            for article in synth_articles(corpus, options.synth):
                batch.append(article)
                if len(batch) >= options.batch:
                    _write_batch(conn, raw, sql, batch, made, fts, memo, options)
                    made += len(batch)
                    bar.update(task, completed=made)
                    batch = []
            if batch:
                _write_batch(conn, raw, sql, batch, made, fts, memo, options)
                made += len(batch)
                bar.update(task, completed=made)
        build_s = time.perf_counter() - started
        opt_started = time.perf_counter()
        if options.optimize:
            raw.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        opt_s = time.perf_counter() - opt_started
    archive.close()
    size = sum(p.stat().st_size for p in options.path.parent.glob(options.path.name + "*"))
    return BuildResult(options.path, made, build_s, opt_s, size)


def _progress(options: BuildOptions) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        disable=not options.progress,
    )


def _write_batch(
    conn: Connection,
    raw: sqlite3.Connection,
    sql: str,
    batch: list[Article],
    offset: int,
    fts: FtsIndexer,
    memo: _MemoAnalyzer,
    options: BuildOptions,
) -> None:
    rows = []
    docs = []
    for i, article in enumerate(batch):
        article.id = offset + i + 1
        row = article_row(article, article.content_hash)
        row["id"] = article.id
        rows.append(row)
        terms = memo.terms(article)
        if options.verify_every and article.id % options.verify_every == 1:
            assert terms == article_terms(article), f"paragraph memo drifted from analyze() at {article.id}"
        docs.append(IndexedDoc(article.id, terms, row["published_utc"], article.outlet))
    # conn.begin() issues the archive's BEGIN IMMEDIATE; one batch is one transaction.
    with conn.begin():
        raw.executemany(sql, rows)
        stores = sql_stores(BoundSource(conn), FtsSearch(BoundSource(conn)))
        fts.index_many(stores, docs)
        for ix in options.extra_indexers:
            for article in batch:
                assert article.id is not None
                ix.index(stores, article.id, article)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=10_000)
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--seed", type=int, default=20161)
    ap.add_argument("--batch", type=int, default=2_000)
    ap.add_argument("--no-optimize", action="store_true")
    ap.add_argument("--no-progress", action="store_true")
    ap.add_argument("--ready-file", type=Path, help="write the db path here when done")
    args = ap.parse_args()
    result = build_archive(
        BuildOptions(
            path=args.db,
            synth=SynthOptions(count=args.count, seed=args.seed),
            batch=args.batch,
            optimize=not args.no_optimize,
            progress=not args.no_progress,
        )
    )
    print(
        f"built {result.articles:,} articles in {result.seconds:,.1f} s "
        f"({result.rate:,.0f} articles/s; FTS optimize {result.optimize_seconds:,.1f} s) → {result.path}, "
        f"{result.bytes_on_disk / 1e9:.2f} GB ({result.bytes_on_disk / max(1, result.articles):,.0f} bytes/article)"
    )
    if args.ready_file:
        args.ready_file.write_text(
            f"{result.path}\n{result.articles} articles, built {datetime.now(UTC).isoformat()}\n"
            f"tables: articles, search_fts/search_docs (FTS only; no dedup/entity/story tables)\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
