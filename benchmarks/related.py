""" "Berita terkait": nDCG@10 on the judged set and latency, next to plain BM25 in the same run.

Two judged sets of IndoSum query articles with graded candidates (2 same story, 1 related,
0 unrelated), scored with graded gains 2^g − 1, unjudged results counting 0: the tune set
(benchmarks/data/related_judged.json, 38 queries; weights and floors are set on it) and the
held-out set (related_judged_fresh.json, 46 queries; only measured). The corpus is understood
and stored with the default indexers.

Rankings compared:
- kabar ``relevant`` and kabar ``newest`` (kabar.link.related), each with the shipped
  relevance floor and without one (``floor=NO_FLOOR``: always ten), from one candidate pool;
- anchor "BM25 more-like-this": the article's most distinctive indexed terms as they are
  (nothing counted out), ranked by FTS5 BM25 alone;
- anchor "BM25 headline (OR)": the article's headline as a search query (kabar search).

Besides nDCG@10: same-story recall@10 (the share of grade-2 judged articles in the top 10),
related recall@10 (grade ≥ 1), and the CPU time of one ``related`` call per judged query.

Latency p50/p95 of ``related`` on the corpus archive, and on a synthetic 1M archive when
``--synth PATH`` is given (or /tmp/issues/SYNTH_1M_READY names one).

    .venv/bin/python -m benchmarks.related [--synth PATH] [--queries 200] [--corpus-size N] [--tune-floor]

The corpus archive is built once per version of the code that builds it and cached under
benchmarks/out/related-archive/ (benchmarks/related_archive.py); the first run costs minutes
of CPU, later runs only the ranking. ``--corpus-size N`` builds a smaller archive (every
judged article and a sample of the rest): quicker, but with fewer unjudged distractors, so
its figures are not the full corpus's.

nDCG@10 divides by the ideal DCG of the judged pool (every judged candidate of the query),
not of the returned list, so a list cut short by the relevance floor is not scored as if
what it left out did not exist. Precision is the share of the shown items judged related
(grade >= 1, unjudged counted as not related); shown/query is the list's mean length.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import json
import math
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks._common import result
from benchmarks.related_archive import corpus_archive
from kabar.archive.base import Archive
from kabar.archive.fts import MatchOptions
from kabar.archive.sqlite import SqliteArchive, open_archive
from kabar.lang.analysis import analyze
from kabar.link import related as rel
from kabar.link.related_floor import ClassFloor, RelevanceFloor
from kabar.link.related_profile import ProfileOptions, build_profile

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


@dataclass(slots=True)
class SetFigures:
    ndcg: float
    same_story_recall: float
    related_recall: float
    precision: float  # share of the shown items judged related (grade >= 1); unjudged count as not
    shown: float  # items shown per query
    unjudged: float  # share of the shown items never judged
    cpu_ms: list[float]


def score_set(
    judged: list[dict[str, Any]], ids: dict[str, int], run: Callable[[int], list[int]]
) -> SetFigures:
    back = {v: k for k, v in ids.items()}
    scores, cpu = [], []
    shown = unjudged = good = 0
    found = {1: 0, 2: 0}
    wanted = {1: 0, 2: 0}
    for q in judged:
        grades = {c["id"]: int(c["grade"]) for c in q["candidates"]}
        c0 = time.process_time()
        ranked = [back[i] for i in run(ids[q["id"]]) if i in back]
        cpu.append((time.process_time() - c0) * 1000)
        scores.append(ndcg_at(ranked, grades))
        shown += len(ranked[:10])
        unjudged += sum(r not in grades for r in ranked[:10])
        good += sum(grades.get(r, 0) >= 1 for r in ranked[:10])
        top = set(ranked[:10])
        for g in (1, 2):
            relevant = {d for d, x in grades.items() if x >= g}
            wanted[g] += len(relevant)
            found[g] += len(relevant & top)
    return SetFigures(
        ndcg=statistics.mean(scores),
        same_story_recall=found[2] / max(1, wanted[2]),
        related_recall=found[1] / max(1, wanted[1]),
        precision=good / max(1, shown),
        shown=shown / len(judged),
        unjudged=unjudged / max(1, shown),
        cpu_ms=cpu,
    )


def judged_ids(sets: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {
        i for judged in sets.values() for q in judged for i in (q["id"], *(c["id"] for c in q["candidates"]))
    }


class Pools:
    """Each query's candidate pool, computed once: kabar's lists with and without the floor are
    chosen from the same pool (:func:`kabar.link.related.choose`), as ``related`` does."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._pools: dict[int, rel.CandidatePool] = {}

    def get(self, article_id: int) -> rel.CandidatePool:
        pool = self._pools.get(article_id)
        if pool is None:
            pool = self._pools[article_id] = rel.candidate_pool(self._archive, article_id)
        return pool

    def ranked(self, article_id: int, options: rel.RelatedOptions) -> list[int]:
        return [h.id for h in rel.choose(self.get(article_id), options)]


def kabar_systems(pools: Pools) -> dict[str, Callable[[int], list[int]]]:
    floor, none = rel.RelatedOptions(limit=10), rel.RelatedOptions(limit=10, floor=rel.NO_FLOOR)
    newest = rel.RelatedOptions(mode="newest", limit=10)
    newest_none = rel.RelatedOptions(mode="newest", limit=10, floor=rel.NO_FLOOR)
    return {
        "kabar relevant": lambda i: pools.ranked(i, floor),
        "kabar relevant, no floor": lambda i: pools.ranked(i, none),
        "kabar newest": lambda i: pools.ranked(i, newest),
        "kabar newest, no floor": lambda i: pools.ranked(i, newest_none),
    }


def print_figures(name: str, f: SetFigures) -> None:
    print(
        f"  {name:26} nDCG@10 {f.ndcg:.3f}  precision {f.precision:.3f}  shown/query {f.shown:.1f}  "
        f"unjudged {f.unjudged:.2f}  same-story R@10 {f.same_story_recall:.3f}  "
        f"related R@10 {f.related_recall:.3f}  (CPU/query p50 {percentile(f.cpu_ms, 0.5):.1f} ms)"
    )


def set_figures(sets: dict[str, list[dict[str, Any]]], ids: dict[str, int], archive: SqliteArchive) -> None:
    pools = Pools(archive)
    systems: dict[str, Callable[[int], list[int]]] = {
        **kabar_systems(pools),
        "BM25 more-like-this": lambda i: bm25_more_like_this(archive, i, 10),
        "BM25 headline (OR)": lambda i: bm25_headline(archive, i, 10),
    }
    for set_name, judged in sets.items():
        print(
            f"{set_name}: {len(judged)} judged query articles (gains 2^g-1, IDCG over the judged pool; unjudged = 0):"
        )
        figures: dict[str, SetFigures] = {}
        for name, run in systems.items():
            print_figures(name, figures.setdefault(name, score_set(judged, ids, run)))
        ours, anchor = figures["kabar relevant"], figures["BM25 more-like-this"]
        for what, value, anchor_value in (
            ("nDCG@10", ours.ndcg, anchor.ndcg),
            ("precision of shown", ours.precision, anchor.precision),
            ("same-story recall@10", ours.same_story_recall, anchor.same_story_recall),
        ):
            result(f"related {what} ({set_name})", value, "", anchor="BM25 more-like-this",
                   anchor_value=anchor_value)  # fmt: skip


def latency_figures(archive: SqliteArchive, ids: dict[str, int], queries: int) -> None:
    print(f"load average while timing: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    rng = random.Random(3)
    sample = rng.sample(sorted(ids.values()), min(queries, len(ids)))
    for mode in ("relevant", "newest"):
        lat = latency(archive, sample, mode)
        print(f"latency corpus ({len(ids)} articles) {mode:8}: {lat}")
        result(f"related latency, corpus, {mode}, CPU p95", lat.cpu_p95, "ms", better="lower")


# The floors tried on the tune set (benchmarks/data/related_judged.json) only: a relative floor
# per evidence class and the text-only class's shared-term count. Coarse on purpose: 38 queries.
FLOOR_STORY = (0.0, 0.3)  # relative floors of a story member …
FLOOR_NAME = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)  # … of a candidate sharing a telling name …
FLOOR_TEXT = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)  # … of one sharing only words,
FLOOR_TEXT_TERMS = (0, 2, 3, 4)  # and how many of the article's query terms it must share
# The floor chosen: the most precise lists (share of shown items judged related) whose nDCG@10
# is at most this below no floor's. (Removing an unrelated item can also raise nDCG@10: what
# follows it moves up.)
NDCG_SLACK = 0.01


def floor_of(story: float, name: float, text: float, terms: int) -> RelevanceFloor:
    return RelevanceFloor(
        same_story=ClassFloor(relative=story),
        shared_name=ClassFloor(relative=name),
        text_only=ClassFloor(relative=text, min_shared_terms=terms),
    )


def tune_floor(judged: list[dict[str, Any]], ids: dict[str, int], pools: Pools) -> None:
    """Every floor of the FLOOR_* grid on the tune set; prints the best and the runners-up."""
    base = score_set(judged, ids, lambda i: pools.ranked(i, rel.RelatedOptions(floor=rel.NO_FLOOR)))
    print_figures("no floor", base)
    tried: list[tuple[RelevanceFloor, SetFigures]] = []
    for story, name, text, terms in itertools.product(FLOOR_STORY, FLOOR_NAME, FLOOR_TEXT, FLOOR_TEXT_TERMS):
        floor = floor_of(story, name, text, terms)
        run = functools.partial(pools.ranked, options=rel.RelatedOptions(floor=floor))
        tried.append((floor, score_set(judged, ids, run)))
    fit = [t for t in tried if t[1].ndcg >= base.ndcg - NDCG_SLACK]
    fit.sort(key=lambda t: (t[1].precision, t[1].ndcg), reverse=True)
    print(
        f"tune set: {len(fit)} of {len(tried)} floors keep nDCG@10 within {NDCG_SLACK} of no floor; best first:"
    )
    for floor, f in fit[:5]:
        print_figures(_floor_name(floor), f)
    # The whole trade-off: every floor no other beats on both nDCG@10 and precision.
    front = [t for t in tried if not any(_beats(o[1], t[1]) for o in tried)]
    print("tune set: the floors no other beats on both nDCG@10 and precision, by nDCG@10:")
    for floor, f in sorted(front, key=lambda t: -t[1].ndcg):
        print_figures(_floor_name(floor), f)


def _beats(a: SetFigures, b: SetFigures) -> bool:
    return a.ndcg >= b.ndcg and a.precision >= b.precision and (a.ndcg, a.precision) != (b.ndcg, b.precision)


def _floor_name(floor: RelevanceFloor) -> str:
    return (
        f"s{floor.same_story.relative:.1f} n{floor.shared_name.relative:.1f} "
        f"t{floor.text_only.relative:.1f}/{floor.text_only.min_shared_terms}"
    )


def corpus_figures(sets: dict[str, list[dict[str, Any]]], args: argparse.Namespace) -> None:
    """nDCG@10, precision and length of every ranking on each judged set; latency on the archive."""
    built = corpus_archive(judged_ids(sets), args.corpus_size, args.archive, args.workers)
    if args.build_only:
        built.archive.close()
        return
    try:
        if args.tune_floor:
            tune_floor(sets["tune set"], built.ids, Pools(built.archive))
            return
        set_figures(sets, built.ids, built.archive)
        if args.queries > 0:
            latency_figures(built.archive, built.ids, args.queries)
    finally:
        built.archive.close()


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--synth", type=Path, default=None, help="a synthetic archive (default: SYNTH_1M_READY)")
    ap.add_argument("--queries", type=int, default=200, help="articles timed per archive")
    ap.add_argument("--only-synth", action="store_true", help="skip the corpus part (judged set, latency)")
    ap.add_argument("--only-corpus", action="store_true", help="skip the synthetic archive's latency")
    ap.add_argument(
        "--archive", type=Path, default=None,
        help="keep the corpus archive here and reuse it (default: benchmarks/out/related-archive/<code key>/)",
    )  # fmt: skip
    ap.add_argument(
        "--corpus-size", type=int, default=None,
        help="articles in the archive: every judged one and a seeded sample of the rest (default: all 3,463)",
    )  # fmt: skip
    ap.add_argument(
        "--workers", type=int, default=1, help="processes that understand the corpus when building"
    )
    ap.add_argument("--build-only", action="store_true", help="build (or find) the corpus archive, then stop")
    ap.add_argument(
        "--set", choices=("tune", "held-out", "both"), default="both",
        help="the judged sets scored (and, with --corpus-size, the judged articles kept)",
    )  # fmt: skip
    ap.add_argument(
        "--tune-floor", action="store_true", help="sweep the relevance floor on the tune set only"
    )
    args = ap.parse_args(argv)
    sets = {
        name: json.loads(path.read_text(encoding="utf-8"))["queries"]
        for name, path, key in (("tune set", JUDGED, "tune"), ("held-out set", JUDGED_FRESH, "held-out"))
        if args.set in (key, "both")
    }
    if args.tune_floor and "tune set" not in sets:
        ap.error("--tune-floor sweeps the tune set only: not with --set held-out")

    if not args.only_synth:
        corpus_figures(sets, args)

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
