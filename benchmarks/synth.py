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

The build is the fastest honest path: the archive's own bulk loader
(:mod:`kabar.archive.bulk_load`: the rows ``add`` writes and the FTS5 index) takes batches
of one transaction each, and the index terms are :func:`kabar.lang.analysis.analyze`
output. Because a synthetic body is a concatenation of corpus paragraphs, and tokens never
span paragraphs, analysed terms are memoised per paragraph; a sample of articles is checked against a full ``analyze`` of
headline and body so the shortcut cannot drift from the real path.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from benchmarks._common import SHARED
from kabar.archive.bulk_load import BulkArticle, open_bulk_load
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.archive.term_records import DocTerms, article_terms
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
    optimize: bool = True  # the loader's finish: merge FTS5 segments, as a maintenance run would
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


def build_archive(options: BuildOptions, corpus: Sequence[Article] | None = None) -> BuildResult:
    if options.path.exists():
        raise SystemExit(f"{options.path} exists; remove it first (the builder never appends)")
    corpus = corpus if corpus is not None else load_corpus()
    archive = SqliteArchive(ArchiveOptions(path=options.path, indexers=[]))  # runs the migrations
    loader = open_bulk_load(archive)
    memo = _MemoAnalyzer(default_analyzer())
    started = time.perf_counter()
    made = 0
    with _progress(options) as bar:
        task = bar.add_task("building", total=options.synth.count)
        for batch in _batches(_bulk_articles(corpus, memo, options), options.batch):
            loader.add(batch)
            made += len(batch)
            bar.update(task, completed=made)
    build_s = time.perf_counter() - started
    # Without the finish the FTS5 segments stay unmerged; closing the archive checkpoints the WAL.
    opt_s = loader.finish().index_seconds if options.optimize else 0.0
    archive.close()
    size = sum(p.stat().st_size for p in options.path.parent.glob(options.path.name + "*"))
    return BuildResult(options.path, made, build_s, opt_s, size)


def _bulk_articles(
    corpus: Sequence[Article], memo: _MemoAnalyzer, options: BuildOptions
) -> Iterator[BulkArticle]:
    for article_id, article in enumerate(synth_articles(corpus, options.synth), start=1):
        article.id = article_id  # stored in the article's JSON too, as ingest stores it
        terms = memo.terms(article)
        if options.verify_every and article_id % options.verify_every == 1:
            assert terms == article_terms(article), f"paragraph memo drifted from analyze() at {article_id}"
        yield BulkArticle(article_id, article, terms)


def _batches(items: Iterable[BulkArticle], size: int) -> Iterator[list[BulkArticle]]:
    rest = iter(items)
    while batch := list(islice(rest, max(1, size))):
        yield batch


def _progress(options: BuildOptions) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        disable=not options.progress,
    )


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
