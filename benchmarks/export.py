"""``kabar export`` to Parquet: articles per CPU-second and peak memory at two archive sizes.

    .venv/bin/python -m benchmarks.export [--sizes 5000 50000] [--folder /tmp/kabar-export-bench]

Each archive is built once (kept in ``--folder``; ``--rebuild`` to make it again) from
:func:`benchmarks.synth.synth_articles` (IndoSum articles recombined), each article given
entities and time expressions of the size real understanding gives (15 entities, 30
mentions, 3 time expressions: measured on the shipped sample), stored by a bulk insert
into the archive's own ``articles`` table (no search index: export does not read it).

Every measurement runs in a fresh child process, so each peak RSS (``ru_maxrss``) is that
run's own; memory is flat when the peak at the large size is that at the small one. In the
same run, the anchors:
- a bare ``sqlite3`` SELECT of the same rows (id, JSON, hash), in pages — the read's floor;
- a bare pyarrow write of the same rows from memory (``Table.from_pylist`` + ``ParquetWriter``
  per 500 rows, the rows built beforehand and not timed) — the write's floor.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks._common import result, rss_mb
from kabar.model import Article, Entity, EntityType, Mention, TimeExpression

QUICK_ARGS = ["--sizes", "2000", "20000"]
TIMEOUT_SECONDS = 3600
PAGE = 500

_PEOPLE = [
    "Joko Widodo",
    "Prabowo Subianto",
    "Anies Baswedan",
    "Sri Mulyani",
    "Ganjar Pranowo",
    "Ma'ruf Amin",
]
_PLACES = ["Jakarta", "Bandung", "Surabaya", "Papua", "Yogyakarta", "Medan", "Makassar", "Bali"]
_ORGS = ["KPK", "DPR", "Polri", "Bank Indonesia", "Kementerian Keuangan", "PSSI", "KPU"]


@dataclass(slots=True, frozen=True)
class Measured:
    articles: int
    cpu_s: float
    wall_s: float
    peak_rss_mb: float
    start_rss_mb: float  # after imports and opening the archive, before the work

    @property
    def rate(self) -> float:
        return self.articles / self.cpu_s if self.cpu_s else float("nan")


def _understood(article: Article, rng: random.Random) -> None:
    names: list[tuple[str, EntityType]] = [(n, "person") for n in rng.sample(_PEOPLE, 4)]
    names += [(n, "place") for n in rng.sample(_PLACES, 6)]
    names += [(n, "organization") for n in rng.sample(_ORGS, 5)]
    article.entities = [
        Entity(
            name=name,
            type=kind,
            mentions=[
                Mention(start=k * 40, end=k * 40 + len(name), text=name, field=f"body:{k}") for k in (1, 2)
            ],
        )
        for name, kind in names
    ]
    article.time_expressions = [
        TimeExpression(text="kemarin", value="2017-03-02", start=10, end=17),
        TimeExpression(text="pekan lalu", value="2017-W08", start=50, end=60),
        TimeExpression(text="Senin dan Selasa", value=["2017-02-27", "2017-02-28"], start=90, end=106),
    ]


def build(path: Path, count: int) -> None:
    """``count`` synthetic, understood articles in a new archive at ``path`` (bulk insert, one batch a transaction)."""
    from benchmarks.synth import SynthOptions, load_corpus, synth_articles
    from kabar.archive.schema import articles
    from kabar.archive.sqlite import ArchiveOptions, SqliteArchive, article_row

    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[]))  # migrates: the archive's schema
    rng = random.Random(7)
    started = time.perf_counter()
    batch: list[dict[str, object]] = []
    with archive.engine.connect() as conn:
        for n, article in enumerate(synth_articles(load_corpus(), SynthOptions(count=count)), 1):
            _understood(article, rng)
            row = article_row(article, article.content_hash)
            row["id"] = n
            batch.append(row)
            if len(batch) == 2_000 or n == count:
                with conn.begin():
                    conn.execute(articles.insert(), batch)
                batch = []
    archive.close()
    print(f"  built {count:,} articles in {time.perf_counter() - started:,.0f} s → {path}", flush=True)


# -- the measured runs (each in its own process) ------------------------------------------------


def _measure_export(db: Path, out: Path, with_entities: bool) -> Measured:
    from kabar.archive import open_archive
    from kabar.export.options import RecordOptions
    from kabar.export.run import ExportOptions, export_articles

    archive = open_archive(db, read_only=True)
    start_rss = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    report = export_articles(
        archive, ExportOptions(out=out, records=RecordOptions(with_entities=with_entities))
    )
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    archive.close()
    return Measured(report.articles, cpu, wall, _peak(), start_rss)


def _rows(db: Path) -> Iterator[list[tuple[int, str, str]]]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    after = 0
    while True:
        rows = conn.execute(
            "SELECT id, data, content_hash FROM articles WHERE id > ? ORDER BY id LIMIT ?", (after, PAGE)
        ).fetchall()
        if not rows:
            break
        yield rows
        after = rows[-1][0]
    conn.close()


def _measure_select(db: Path) -> Measured:
    start_rss = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    count = sum(len(page) for page in _rows(db))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Measured(count, cpu, wall, _peak(), start_rss)


def _measure_pyarrow(db: Path, out: Path, with_entities: bool) -> Measured:
    """The same rows, built beforehand (not timed), written by pyarrow alone."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from kabar.archive.article_stream import StreamedArticle
    from kabar.export.options import RecordOptions
    from kabar.export.records import article_record, export_schema

    options = RecordOptions(with_entities=with_entities)
    schema = export_schema(options)
    pages = [
        [article_record(StreamedArticle(i, data, digest), options) for i, data, digest in page]
        for page in _rows(db)
    ]
    start_rss = rss_mb()
    cpu, wall = time.process_time(), time.perf_counter()
    with pq.ParquetWriter(str(out), schema, compression="zstd") as writer:
        for page in pages:
            writer.write_table(pa.Table.from_pylist(page, schema=schema))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return Measured(sum(map(len, pages)), cpu, wall, _peak(), start_rss)


def _peak() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def _child(args: argparse.Namespace) -> None:
    db, out = Path(args.db), Path(args.out)
    if args.child == "export":
        measured = _measure_export(db, out, args.with_entities)
    elif args.child == "select":
        measured = _measure_select(db)
    else:
        measured = _measure_pyarrow(db, out, args.with_entities)
    print(json.dumps({f: getattr(measured, f) for f in Measured.__slots__}))


def _run_child(kind: str, db: Path, out: Path, with_entities: bool) -> Measured:
    command = [sys.executable, "-m", "benchmarks.export", "--child", kind, "--db", str(db), "--out", str(out)]
    if with_entities:
        command.append("--with-entities")
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"the {kind} run failed (status {done.returncode}):\n{done.stderr[-3000:]}")
    return Measured(**json.loads(done.stdout.strip().splitlines()[-1]))


def _line(label: str, m: Measured) -> None:
    print(
        f"  {label:<44} {m.articles:>7,} rows  {m.rate:>9,.0f}/CPU-s  {m.articles / m.wall_s:>9,.0f}/s wall  "
        f"CPU {m.cpu_s:6.2f} s  peak RSS {m.peak_rss_mb:6.0f} MB (start {m.start_rss_mb:4.0f})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[5_000, 50_000], metavar=("SMALL", "LARGE"))
    parser.add_argument("--folder", type=Path, default=Path("/tmp/kabar-export-bench"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--child", choices=["export", "select", "pyarrow"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--with-entities", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args)
        return
    args.folder.mkdir(parents=True, exist_ok=True)
    small, large = sorted(args.sizes)
    runs: dict[str, Measured] = {}
    for size in (small, large):
        db = args.folder / f"export-{size}.db"
        if args.rebuild or not db.exists():
            for stale in args.folder.glob(db.name + "*"):
                stale.unlink()
            build(db, size)
        out = args.folder / f"export-{size}.parquet"
        print(f"archive of {size:,} articles ({db.stat().st_size / 1e6:,.0f} MB):", flush=True)
        for label, kind, entities in (
            ("kabar export → Parquet", "export", False),
            ("kabar export → Parquet, --with-entities", "export", True),
            ("anchor: bare sqlite3 SELECT of the rows", "select", False),
        ):
            runs[f"{kind}{'+e' if entities else ''}@{size}"] = m = _run_child(kind, db, out, entities)
            _line(label, m)
        if size == small:  # the rows of the large archive, all in memory, would be ~1 GB
            m = runs[f"pyarrow@{size}"] = _run_child("pyarrow", db, out, True)
            _line("anchor: bare pyarrow write from memory (+ent.)", m)
    big, little = runs[f"export@{large}"], runs[f"export@{small}"]
    big_e, little_e = runs[f"export+e@{large}"], runs[f"export+e@{small}"]
    bare_write = runs[f"pyarrow@{small}"]
    print(
        f"memory: peak RSS {little.peak_rss_mb:,.0f} MB at {small:,} → {big.peak_rss_mb:,.0f} MB at {large:,} "
        f"(×{big.peak_rss_mb / little.peak_rss_mb:.2f} for ×{large / small:.0f} the articles); with entities "
        f"{little_e.peak_rss_mb:,.0f} → {big_e.peak_rss_mb:,.0f} MB"
    )
    result(
        f"export to Parquet ({large:,}-article archive)",
        round(big.rate),
        "articles/CPU-s",
        anchor=f"bare sqlite3 SELECT of the same rows ({large:,})",
        anchor_value=round(runs[f"select@{large}"].rate),
    )
    result(
        f"export to Parquet with entities ({large:,})",
        round(big_e.rate),
        "articles/CPU-s",
        anchor=f"bare pyarrow write of the same rows from memory ({small:,})",
        anchor_value=round(bare_write.rate),
    )
    result(
        f"export peak RSS at {large:,} articles",
        round(big_e.peak_rss_mb),
        "MB",
        anchor=f"peak RSS at {small:,} articles",
        anchor_value=round(little_e.peak_rss_mb),
        better="lower",
    )


if __name__ == "__main__":
    main()
