""" "Berita terkait": nDCG@10 on the judged set and latency, next to plain BM25 in the same run.

The judged set (benchmarks/data/related_judged.json, 38 query articles of the IndoSum
corpus with graded candidates: 2 same story, 1 related, 0 unrelated) is scored with
graded gains 2^g − 1; unjudged results count 0. The corpus is ingested into a fresh
archive with the search and dedup indexers.

Rankings compared:
- kabar ``relevant`` and kabar ``newest`` (kabar.link.related);
- anchor "BM25 more-like-this": the article's most distinctive indexed terms as they are
  (nothing counted out), ranked by FTS5 BM25 alone;
- anchor "BM25 headline (OR)": the article's headline as a search query (kabar search).

Besides nDCG@10: same-story recall@10 (the share of grade-2 judged articles in the top 10),
related recall@10 (grade ≥ 1), and the CPU time of one ``related`` call per judged query.

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
from kabar.archive.fts import MatchOptions
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.lang.analysis import analyze
from kabar.link import related as rel
from kabar.link.related_profile import ProfileOptions, build_profile
from kabar.understand import enrich
from kabar.wiring import default_indexers

QUICK_ARGS = ["--queries", "50", "--only-corpus"]
JUDGED = Path(__file__).resolve().parent / "data" / "related_judged.json"
JUDGED_FRESH = Path(__file__).resolve().parent / "data" / "related_judged_fresh.json"
READY = Path("/tmp/issues/SYNTH_1M_READY")


def ndcg_at(ranked: list[str], grades: dict[str, int], k: int = 10) -> float:
    dcg = sum((2 ** grades.get(doc, 0) - 1) / math.log2(i + 2) for i, doc in enumerate(ranked[:k]))
    ideal = sorted(grades.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def bm25_more_like_this(archive: SqliteArchive, article_id: int, limit: int) -> list[int]:
    article = rel.load_article(archive, article_id)
    seed = build_profile(archive.term_stats, article_id, article, ProfileOptions(count_out_noise=False))
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
    """The corpus understood and ingested with the default indexers (or the archive kept at ``path``)."""
    ids_file = path.with_name(path.name + ".ids.json")
    if path.exists() and ids_file.exists():
        print(f"reusing the archive at {path}")
        return open_archive(path, read_only=True), json.loads(ids_file.read_text(encoding="utf-8"))
    archive = open_archive(path, indexers=default_indexers())
    ids: dict[str, int] = {}
    t, c = time.perf_counter(), time.process_time()
    corpus = load_corpus()
    for item in corpus:
        ids[item.corpus_id] = archive.add(enrich(item.article)).id
    print(
        f"understood and ingested {len(corpus)} articles (default indexers) in "
        f"{time.perf_counter() - t:.1f} s, {time.process_time() - c:.1f} CPU-s"
    )
    ids_file.write_text(json.dumps(ids), encoding="utf-8")
    return archive, ids


@dataclass(slots=True)
class SetFigures:
    ndcg: float
    same_story_recall: float
    related_recall: float
    shown: float
    unjudged: float
    cpu_ms: list[float]


def score_set(
    judged: list[dict[str, Any]], ids: dict[str, int], run: Callable[[int], list[int]]
) -> SetFigures:
    back = {v: k for k, v in ids.items()}
    scores, cpu = [], []
    shown = unjudged = 0
    found = {1: 0, 2: 0}
    wanted = {1: 0, 2: 0}
    for q in judged:
        grades = {c["id"]: int(c["grade"]) for c in q["candidates"]}
        c0 = time.process_time()
        ranked = [back[i] for i in run(ids[q["id"]]) if i in back]
        cpu.append((time.process_time() - c0) * 1000)
        scores.append(ndcg_at(ranked, grades))
        shown += len(ranked)
        unjudged += sum(r not in grades for r in ranked)
        top = set(ranked[:10])
        for g in (1, 2):
            relevant = {d for d, x in grades.items() if x >= g}
            wanted[g] += len(relevant)
            found[g] += len(relevant & top)
    return SetFigures(
        ndcg=statistics.mean(scores),
        same_story_recall=found[2] / max(1, wanted[2]),
        related_recall=found[1] / max(1, wanted[1]),
        shown=shown / len(judged),
        unjudged=unjudged / max(1, shown),
        cpu_ms=cpu,
    )


def corpus_figures(sets: dict[str, list[dict[str, Any]]], queries: int, keep: Path | None) -> None:
    """nDCG@10 of every ranking on each judged set, and latency on the corpus archive."""
    with tempfile.TemporaryDirectory() as tmp:
        archive, ids = build(keep or Path(tmp) / "related.db")
        systems: dict[str, Callable[[int], list[int]]] = {
            "kabar relevant": lambda i: [h.id for h in rel.related(archive, i, rel.RelatedOptions(limit=10))],
            "kabar newest": lambda i: [
                h.id for h in rel.related(archive, i, rel.RelatedOptions(mode="newest", limit=10))
            ],
            "BM25 more-like-this": lambda i: bm25_more_like_this(archive, i, 10),
            "BM25 headline (OR)": lambda i: bm25_headline(archive, i, 10),
        }
        for set_name, judged in sets.items():
            print(
                f"{set_name}: nDCG@10 over {len(judged)} judged query articles (gains 2^g-1; unjudged = 0):"
            )
            figures: dict[str, SetFigures] = {}
            for name, run in systems.items():
                f = figures[name] = score_set(judged, ids, run)
                print(
                    f"  {name:22} nDCG@10 {f.ndcg:.3f}  same-story R@10 {f.same_story_recall:.3f}  "
                    f"related R@10 {f.related_recall:.3f}  (shown/query {f.shown:.1f}, unjudged {f.unjudged:.2f}; "
                    f"CPU/query mean {statistics.mean(f.cpu_ms):.1f} ms, p50 {percentile(f.cpu_ms, 0.5):.1f}, "
                    f"p95 {percentile(f.cpu_ms, 0.95):.1f})"
                )
            ours, anchor = figures["kabar relevant"], figures["BM25 more-like-this"]
            result(f"related nDCG@10 ({set_name})", ours.ndcg, "", anchor="BM25 more-like-this",
                   anchor_value=anchor.ndcg)  # fmt: skip
            result(f"related same-story recall@10 ({set_name})", ours.same_story_recall, "",
                   anchor="BM25 more-like-this", anchor_value=anchor.same_story_recall)  # fmt: skip

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
    ap.add_argument("--archive", type=Path, default=None, help="keep the corpus archive here and reuse it")
    args = ap.parse_args(argv)
    sets = {
        "tune set": json.loads(JUDGED.read_text(encoding="utf-8"))["queries"],
        "held-out set": json.loads(JUDGED_FRESH.read_text(encoding="utf-8"))["queries"],
    }

    if not args.only_synth:
        corpus_figures(sets, args.queries, args.archive)

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
