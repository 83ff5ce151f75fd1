"""Search that knows Indonesian: recall@10 and nDCG@10 on judged queries, plain analysis vs expanded.

    .venv/bin/python -m benchmarks.search_id [--pg postgresql://postgres@127.0.0.1:5432/postgres]

The IndoSum dev corpus (3,463 articles) is ingested into a fresh SQLite archive with the
search indexer (the index holds plain ``analyze`` output either way: the expansion is
query-side). Each judged query of ``benchmarks/data/search_id_judged.json`` (compounds,
reduplication, abbreviations short→long and long→short, plain control queries; a tuning
half and a held-out half) is run twice in the same process:

- **plain** (the anchor: today's behaviour): ``parse_query`` without expansion;
- **new**: ``parse_query`` with the shipped dictionary and the compound/reduplication rules.

Both go through the same relevance path a reader's search takes (``search_flow``): all
words required, BM25 over the newest candidates, any-word fallback when nothing has all of
them; the top 10 are scored. recall@10 is capped (hits in the top 10 over min(10, relevant)),
nDCG@10 uses grades 2/1. Query cost is CPU time of this process (``time.process_time``:
parse + rank), the median and 95th percentile over all queries, each query run ``--repeat``
times; the load average is printed because the machine may be shared. With ``--pg`` the same
queries also run on PostgreSQL (a scratch database created and dropped), and the top-10 sets of
the two backends are compared.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks._common import ROOT, percentile, result, shared
from benchmarks.synth import load_corpus
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer, fts5_phrases
from kabar.archive.query_expansion import QueryExpander, default_expander, plain_expander
from kabar.archive.search_flow import PhraseIndex, PhraseMatch
from kabar.archive.search_parse import parse_query
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive

QUICK_ARGS = ["--repeat", "1"]
JUDGED = ROOT / "benchmarks" / "data" / "search_id_judged.json"
OUT = ROOT / "benchmarks" / "out" / "search_id.json"
CANDIDATES = 4_000  # search_flow's SearchOptions().candidates
K = 10


@dataclass(slots=True)
class Run:
    """One analysis's scores and costs over the judged queries."""

    recall: dict[str, float] = field(default_factory=dict)
    ndcg: dict[str, float] = field(default_factory=dict)
    top: dict[str, list[str]] = field(default_factory=dict)
    cpu_ms: list[float] = field(default_factory=list)


def ranked_ids(index: PhraseIndex, text: str, expander: QueryExpander) -> list[int]:
    """The top 10 a reader's relevance search returns (search_flow's _page for order="relevance")."""
    parsed = parse_query(text, expander=expander)
    if not parsed.phrases:
        return []
    rows = index.rank(PhraseMatch(tuple(parsed.phrases), "AND"), CANDIDATES)
    if not rows and len(parsed.phrases) > 1:
        rows = index.rank(PhraseMatch(tuple(parsed.phrases), "OR"), CANDIDATES)
    return [r.id for r in rows[:K]]


def dcg(gains: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gains))


def score(top: list[str], grades: dict[str, int]) -> tuple[float, float]:
    hits = sum(1 for d in top if d in grades)
    recall = hits / min(K, len(grades)) if grades else 0.0
    ideal = dcg(sorted(grades.values(), reverse=True)[:K])
    ndcg = dcg([grades.get(d, 0) for d in top]) / ideal if ideal else 0.0
    return recall, ndcg


def run_queries(
    index: PhraseIndex,
    judged: dict[str, Any],
    expander: QueryExpander,
    id_of: Callable[[int], str],
    repeat: int,
) -> Run:
    out = Run()
    for q in judged["queries"]:
        grades = judged["needs"][q["need"]]["grades"]
        start = time.process_time()
        for _ in range(repeat):
            top = ranked_ids(index, q["text"], expander)
        out.cpu_ms.append((time.process_time() - start) * 1000 / repeat)
        names = [id_of(i) for i in top]
        out.top[q["id"]] = names
        out.recall[q["id"]], out.ndcg[q["id"]] = score(names, grades)
    return out


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")


def report(judged: dict[str, Any], plain: Run, new: Run, backend: str) -> dict[str, Any]:
    queries = judged["queries"]
    print(f"\n== {backend}: per query (recall@10 / nDCG@10; plain → new) ==")
    for q in queries:
        n_rel = len(judged["needs"][q["need"]]["grades"])
        i = q["id"]
        print(
            f"  {i} {q['half']:<4} {q['cls']:<13} {q['text']!r:<32} rel={n_rel:<3} "
            f"R {plain.recall[i]:.2f} → {new.recall[i]:.2f}   nDCG {plain.ndcg[i]:.3f} → {new.ndcg[i]:.3f}"
        )
    table: dict[str, Any] = {}
    print(f"\n== {backend}: mean over queries (plain anchor → new) ==")
    print(f"  {'half':<5} {'class':<14} {'n':>3}  {'recall@10':>19}  {'nDCG@10':>19}")
    groups: list[tuple[str, str]] = [(h, c) for h in ("tune", "held") for c in _classes(queries)]
    groups += [(h, "all") for h in ("tune", "held")] + [("both", "all")]
    for half, cls in groups:
        ids = [
            q["id"]
            for q in queries
            if (half == "both" or q["half"] == half) and (cls == "all" or q["cls"] == cls)
        ]
        if not ids:
            continue
        row = {
            "n": len(ids),
            "recall_plain": mean([plain.recall[i] for i in ids]),
            "recall_new": mean([new.recall[i] for i in ids]),
            "ndcg_plain": mean([plain.ndcg[i] for i in ids]),
            "ndcg_new": mean([new.ndcg[i] for i in ids]),
        }
        table[f"{half}/{cls}"] = row
        print(
            f"  {half:<5} {cls:<14} {row['n']:>3}  {row['recall_plain']:.3f} → {row['recall_new']:.3f}"
            f"      {row['ndcg_plain']:.3f} → {row['ndcg_new']:.3f}"
        )
    worse = [
        q["id"]
        for q in queries
        if q["cls"] == "control"
        and (new.ndcg[q["id"]] < plain.ndcg[q["id"]] - 1e-9 or new.recall[q["id"]] < plain.recall[q["id"]])
    ]
    print(f"  control queries worse with the new analysis: {worse or 'none'}")
    lat = {
        "plain_median_ms": statistics.median(plain.cpu_ms),
        "plain_p95_ms": percentile(plain.cpu_ms, 95),
        "new_median_ms": statistics.median(new.cpu_ms),
        "new_p95_ms": percentile(new.cpu_ms, 95),
    }
    print(
        f"  query CPU (parse + rank), median / p95: plain {lat['plain_median_ms']:.2f} / "
        f"{lat['plain_p95_ms']:.2f} ms, new {lat['new_median_ms']:.2f} / {lat['new_p95_ms']:.2f} ms"
    )
    return {"groups": table, "latency": lat, "control_worse": worse}


def _classes(queries: list[dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(q["cls"] for q in queries))


def build_sqlite(path: Path, articles: list[Any]) -> tuple[SqliteArchive, dict[int, str]]:
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[FtsIndexer()]))
    return archive, _ingest(archive, articles)


def _ingest(archive: Any, articles: list[Any]) -> dict[int, str]:
    ids: dict[int, str] = {}
    for corpus_id, article in articles:
        got = archive.add(article)
        ids.setdefault(got.id, corpus_id)  # a copy keeps the first article's id
    return ids


def corpus_articles() -> list[tuple[str, Any]]:
    """(corpus id, Article) in corpus order (load_corpus maps every line, in order)."""
    path = shared("corpus", "indosum-dev.jsonl")
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    articles = load_corpus(path)
    if len(rows) != len(articles):
        sys.exit("corpus lines and mapped articles differ; cannot match ids")
    return [(r["id"], a) for r, a in zip(rows, articles, strict=True)]


def run_backend(
    label: str, index_of: Callable[[], PhraseIndex], ids: dict[int, str], judged: dict[str, Any], repeat: int
) -> tuple[dict[str, Any], Run, Run]:
    index = index_of()
    new_ex = default_expander()
    plain_ex = plain_expander()
    # one warm-up pass each (stem caches, SQLite pages), then the measured passes
    run_queries(index, judged, plain_ex, lambda i: ids.get(i, "?"), 1)
    run_queries(index, judged, new_ex, lambda i: ids.get(i, "?"), 1)
    plain = run_queries(index, judged, plain_ex, lambda i: ids.get(i, "?"), repeat)
    new = run_queries(index, judged, new_ex, lambda i: ids.get(i, "?"), repeat)
    return report(judged, plain, new, label), plain, new


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--repeat", type=int, default=5, help="runs of each query for its CPU time")
    ap.add_argument("--pg", default=None, help="a PostgreSQL server URL: also run on PostgreSQL")
    args = ap.parse_args(argv)
    judged = json.loads(JUDGED.read_text(encoding="utf-8"))
    print(f"load average at start: {os.getloadavg()}")
    print(
        f"queries: {len(judged['queries'])} ({sum(q['half'] == 'held' for q in judged['queries'])} held out)"
    )
    articles = corpus_articles()
    out: dict[str, Any] = {"dictionary_entries": len(default_expander().dictionary)}
    with tempfile.TemporaryDirectory() as tmp:
        start = time.process_time()
        archive, ids = build_sqlite(Path(tmp) / "kabar.db", articles)
        print(f"ingested {len(articles)} articles into SQLite in {time.process_time() - start:.1f} CPU s")
        conns = []

        def sqlite_index() -> PhraseIndex:
            conn = archive.engine.connect()
            conns.append(conn)
            return fts5_phrases(conn)

        out["sqlite"], _, new_sqlite = run_backend("SQLite FTS5", sqlite_index, ids, judged, args.repeat)
        # the real reader's path once per query, new analysis (snippets included): its cost
        start = time.process_time()
        for q in judged["queries"]:
            archive.search(SearchQuery(text=q["text"]))
        full_ms = (time.process_time() - start) * 1000 / len(judged["queries"])
        print(f"  archive.search (new analysis, with snippets and totals): {full_ms:.2f} CPU ms a query")
        out["sqlite"]["archive_search_ms"] = full_ms
        for c in conns:
            c.close()
        archive.close()
    if args.pg:
        out["postgresql"] = run_pg(args.pg, articles, judged, args.repeat, new_sqlite)
    both = out["sqlite"]["groups"]
    for half in ("tune", "held"):
        row = both.get(f"{half}/all")
        if row:
            result(
                f"search_id {half} nDCG@10",
                round(row["ndcg_new"], 3),
                anchor="plain analysis",
                anchor_value=round(row["ndcg_plain"], 3),
                better="higher",
            )
            result(
                f"search_id {half} recall@10",
                round(row["recall_new"], 3),
                anchor="plain analysis",
                anchor_value=round(row["recall_plain"], 3),
                better="higher",
            )
    lat = out["sqlite"]["latency"]
    result(
        "search_id query CPU median",
        round(lat["new_median_ms"], 2),
        "ms",
        anchor="plain analysis",
        anchor_value=round(lat["plain_median_ms"], 2),
    )
    OUT.parent.mkdir(parents=True, exist_ok=True)
    out["load_average_end"] = os.getloadavg()
    OUT.write_text(json.dumps(out, indent=1), encoding="utf-8")
    print(f"\nwritten: {OUT}   load average at end: {os.getloadavg()}")
    return 0


def run_pg(
    server: str, articles: list[Any], judged: dict[str, Any], repeat: int, sqlite_new: Run
) -> dict[str, Any]:
    """The same queries on PostgreSQL (a scratch database, dropped after)."""
    import psycopg  # only with --pg
    from sqlalchemy.engine import make_url

    from kabar.archive.pg_search import PgSearch
    from kabar.archive.postgres import PostgresArchive, PostgresOptions
    from kabar.archive.sql_source import BoundSource

    name = f"kabar_search_id_{uuid.uuid4().hex[:8]}"
    base = make_url(server)
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = base.set(database=name).render_as_string(hide_password=False)
    try:
        archive = PostgresArchive(PostgresOptions(url=url, indexers=[FtsIndexer()]))
        start = time.process_time()
        ids = _ingest(archive, articles)
        print(f"\ningested into PostgreSQL in {time.process_time() - start:.1f} CPU s (this process)")
        conns = []

        def pg_index() -> PhraseIndex:
            conn = archive.engine.connect()
            conns.append(conn)
            return PgSearch(BoundSource(conn))

        res, _, new_pg = run_backend("PostgreSQL tsvector", pg_index, ids, judged, repeat)
        same = sum(set(new_pg.top[q]) == set(sqlite_new.top[q]) for q in new_pg.top)
        print(f"  top-10 sets equal to SQLite's (new analysis): {same} of {len(new_pg.top)} queries")
        res["top10_sets_equal_to_sqlite"] = same
        for c in conns:
            c.close()
        archive.close()
        return res
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
