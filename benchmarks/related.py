""" "Berita terkait": nDCG@10 on the judged set and latency, next to plain BM25 in the same run.

The judged set (benchmarks/data/related_judged.json, 38 query articles of the IndoSum
corpus with graded candidates: 2 same story, 1 related, 0 unrelated) is scored with
graded gains 2^g − 1; unjudged results count 0. The corpus is ingested into a fresh
archive with the search and dedup indexers.

Rankings compared:
- kabar ``relevant`` and kabar ``newest`` (kabar.link.related);
- anchor "BM25 more-like-this": the same distinctive-term query, ranked by FTS5 BM25 alone;
- anchor "BM25 headline (OR)": the article's headline as a search query (kabar search).

Latency p50/p95 of ``related`` on the corpus archive, and on a synthetic 1M archive when
``--synth PATH`` is given (or /tmp/issues/SYNTH_1M_READY names one).

    .venv/bin/python -m benchmarks.related [--synth PATH] [--queries 200]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._common import result
from benchmarks.link_corpus import load_corpus
from kabar.archive.base import Archive
from kabar.archive.fts import FtsIndexer, MatchOptions
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.lang.analysis import analyze
from kabar.link import related as rel
from kabar.link.dedup import DedupIndexer
from kabar.link.related_profile import build_profile

QUICK_ARGS = ["--queries", "50", "--only-corpus"]
JUDGED = Path(__file__).resolve().parent / "data" / "related_judged.json"
READY = Path("/tmp/issues/SYNTH_1M_READY")


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def bm25_more_like_this(archive: SqliteArchive, article_id: int, limit: int) -> list[int]:
    article = rel.load_article(archive, article_id)
    seed = build_profile(archive.term_stats, article_id, article)
    hits = archive.term_stats.match_terms(
        seed.query, MatchOptions(limit=limit, exclude_ids=frozenset({article_id}))
    )
    return [h.id for h in hits]


def bm25_headline(archive: SqliteArchive, article_id: int, limit: int) -> list[int]:
    """The headline's words OR-matched with BM25 (an AND search mostly finds only the article)."""
    article = archive.get(article_id)
    assert article is not None
    hits = archive.term_stats.match_terms(
        analyze(article.headline or ""),
        MatchOptions(limit=limit, exclude_ids=frozenset({article_id})),
    )
    return [h.id for h in hits]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


@dataclass(slots=True)
class Latency:
    wall_p50: float
    wall_p95: float
    cpu_p50: float
    cpu_p95: float

    def __str__(self) -> str:
        return (
            f"p50 {self.wall_p50:.1f} ms, p95 {self.wall_p95:.1f} ms wall; "
            f"CPU p50 {self.cpu_p50:.1f} ms, p95 {self.cpu_p95:.1f} ms"
        )


def latency(source: Archive, ids: list[int], mode: rel.RelatedMode) -> Latency:
    """Wall time, and this process's CPU time (the one-core cost, steadier on a busy machine)."""
    wall, cpu = [], []
    opts = rel.RelatedOptions(mode=mode, limit=10)
    for i in ids[:5]:
        rel.related(source, i, opts)  # warm the page cache and the stemmer
    for i in ids:
        t, c = time.perf_counter(), time.process_time()
        rel.related(source, i, opts)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return Latency(
        statistics.median(wall), percentile(wall, 0.95), statistics.median(cpu), percentile(cpu, 0.95)
    )


def build(path: Path) -> tuple[SqliteArchive, dict[str, int]]:
    archive = open_archive(path, indexers=[FtsIndexer(), DedupIndexer()])
    ids: dict[str, int] = {}
    t = time.perf_counter()
    corpus = load_corpus()
    for c in corpus:
        ids[c.corpus_id] = archive.add(c.article).id
    print(f"ingested {len(corpus)} articles (search + dedup indexers) in {time.perf_counter() - t:.1f} s")
    return archive, ids


def corpus_figures(judged: list[dict[str, Any]], queries: int) -> None:
    """nDCG@10 of every ranking on the judged set, and latency on the corpus archive."""
    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build(Path(tmp) / "related.db")
        back = {v: k for k, v in ids.items()}
        systems: dict[str, Callable[[int], list[int]]] = {
            "kabar relevant": lambda i: [h.id for h in rel.related(archive, i, rel.RelatedOptions(limit=10))],
            "kabar newest": lambda i: [
                h.id for h in rel.related(archive, i, rel.RelatedOptions(mode="newest", limit=10))
            ],
            "BM25 more-like-this": lambda i: bm25_more_like_this(archive, i, 10),
            "BM25 headline (OR)": lambda i: bm25_headline(archive, i, 10),
        }
        print(f"nDCG@10 over {len(judged)} judged query articles (gains 2^g-1; unjudged = 0):")
        ndcg: dict[str, float] = {}
        for name, run in systems.items():
            scores, shown, related_shown, unjudged = [], 0, 0, 0
            for q in judged:
                grades = {c["id"]: int(c["grade"]) for c in q["candidates"]}
                ranked = [back[i] for i in run(ids[q["id"]]) if i in back]
                scores.append(ndcg_at(ranked, grades))
                shown += len(ranked)
                related_shown += sum(grades.get(r, 0) > 0 for r in ranked)
                unjudged += sum(r not in grades for r in ranked)
            ndcg[name] = statistics.mean(scores)
            print(
                f"  {name:22} {statistics.mean(scores):.3f}   (shown/query {shown / len(judged):.1f}, "
                f"judged related {related_shown / max(1, shown):.2f}, unjudged {unjudged / max(1, shown):.2f})"
            )
        result("related nDCG@10 (judged set)", ndcg["kabar relevant"], "", anchor="BM25 more-like-this",
               anchor_value=ndcg["BM25 more-like-this"])  # fmt: skip

        print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        rng = random.Random(3)
        sample = rng.sample(sorted(ids.values()), min(queries, len(ids)))
        for mode in ("relevant", "newest"):
            lat = latency(archive, sample, mode)
            print(f"latency corpus ({len(ids)} articles) {mode:8}: {lat}")
            result(f"related latency, corpus, {mode}, CPU p95", lat.cpu_p95, "ms", better="lower")
        archive.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synth", type=Path, default=None, help="a synthetic archive (default: SYNTH_1M_READY)")
    ap.add_argument("--queries", type=int, default=200, help="articles timed per archive")
    ap.add_argument("--only-synth", action="store_true", help="skip the corpus part (judged set, latency)")
    ap.add_argument("--only-corpus", action="store_true", help="skip the synthetic archive's latency")
    args = ap.parse_args(argv)
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))["queries"]

    if not args.only_synth:
        corpus_figures(judged, args.queries)

    if args.only_corpus:
        return
    synth = args.synth
    if synth is None and READY.exists():
        synth = Path(READY.read_text().strip().splitlines()[0])
    if synth is None or not synth.exists():
        print("latency 1M: no synthetic archive (pass --synth PATH or wait for SYNTH_1M_READY)")
        return
    # Read-only: the shared synthetic archive must not be migrated or locked by a benchmark.
    big = open_archive(synth, read_only=True)
    top = big.term_stats.collection_size()
    sample = random.Random(5).sample(range(1, top + 1), min(args.queries, top))
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for mode in ("relevant", "newest"):
        lat = latency(big, sample, mode)
        print(f"latency {top:,} articles {mode:8}: {lat}")
        result(f"related latency, {top:,} articles, {mode}, CPU p95", lat.cpu_p95, "ms", better="lower")
    big.close()


if __name__ == "__main__":
    main()
