"""Concurrent batch writers on PostgreSQL: reruns after a deadlock, with and without the write turn.

    .venv/bin/python -m benchmarks.pg_writers [--writers 3] [--batches 4] [--batch-size 6] [--pg URL]

Each writer is a thread with its own archive (engine, connections) and the default indexers;
all start together and store different articles over one shared vocabulary (the same people,
places and topics), writer 0 in order, writer 1 in reverse, the others rotated. Two runs on
two fresh scratch databases in one process: the anchor without the write turn (how writers met
before :mod:`kabar.archive.write_turn`: each lock in whatever order its article came), then
kabar as it is. Printed per run: batches rerun after a deadlock (``write_retries``), errors
that reached the caller, articles stored, wall time and this process's CPU time (the
writers' threads; the server's CPU is not counted).
"""

from __future__ import annotations

import argparse
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from sqlalchemy.engine import Connection

from benchmarks._common import result
from benchmarks._pg_scratch import add_server_option, scratch_database
from kabar.archive.postgres import PostgresArchive, PostgresOptions
from kabar.model import Article, Entity, Mention
from kabar.wiring import default_indexers

QUICK_ARGS = ["--batches", "2", "--batch-size", "4"]
WIB = timezone(timedelta(hours=7))
PEOPLE = ["Joko Widodo", "Sri Mulyani", "Prabowo Subianto", "Ridwan Kamil", "Retno Marsudi", "Anies Baswedan"]
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Semarang", "Denpasar", "Padang"]
TOPICS = ["banjir", "harga beras", "jalan tol", "vaksinasi", "gempa bumi", "pemilu", "subsidi", "ekspor"]
VOCABULARY = len(PEOPLE) * len(PLACES)


def shared_article(writer: int, n: int, order: list[int]) -> Article:
    """Article ``n`` of ``writer``: its own URL and number, the shared words in ``order``."""
    k = order[n % len(order)]
    person, place, topic = PEOPLE[k % len(PEOPLE)], PLACES[k % len(PLACES)], TOPICS[k % len(TOPICS)]
    return Article(
        headline=f"{person} meninjau {topic} di {place} ({writer}-{n})",
        paragraphs=[
            f"{place} - {person} meninjau penanganan {topic} di {place} pada hari Senin.",
            f"Menurut {person}, pemerintah menambah anggaran {topic} tahun ini (laporan {writer}-{n}).",
        ],
        published=datetime(2023, 3, 1, 8, tzinfo=WIB) + timedelta(minutes=n),
        outlet=f"outlet-{writer}.test",
        url=f"https://outlet-{writer}.test/{n}",
        canonical_url=f"https://outlet-{writer}.test/{n}",
        entities=[
            Entity(person, "person", role="menteri", mentions=[Mention(0, len(person), person, "headline")]),
            Entity(place, "place", mentions=[Mention(0, len(place), place)]),
        ],
    )


def writer_order(writer: int) -> list[int]:
    """The vocabulary in writer 0's order, reversed for writer 1, rotated for the others."""
    forwards = list(range(VOCABULARY))
    if writer == 1:
        return forwards[::-1]
    shift = (writer * VOCABULARY) // 3
    return forwards[shift:] + forwards[:shift]


class WithoutTurn(PostgresArchive):
    """The archive as it was before the write turn: each writer locks rows as its articles come."""

    def _begin_write(self, conn: Connection) -> None:
        pass


@dataclass(slots=True, frozen=True)
class WritersPlan:
    writers: int = 3
    batches: int = 4
    batch_size: int = 6
    busy_timeout: float = 600.0  # a waiting writer waits for whole batches; a loaded machine is slow

    @property
    def articles(self) -> int:
        return self.writers * self.batches * self.batch_size


@dataclass(slots=True)
class WritersRun:
    retries: int = 0  # batches run again after a deadlock, all writers together
    errors: list[BaseException] = field(default_factory=list)  # what reached a caller
    wall_seconds: float = 0.0
    cpu_seconds: float = 0.0


def run_writers(
    url: str, plan: WritersPlan, archive_type: type[PostgresArchive] = PostgresArchive
) -> WritersRun:
    """``plan.writers`` threads storing their batches into the archive at ``url`` at once."""
    options = PostgresOptions(url=url, indexers=default_indexers(), busy_timeout=plan.busy_timeout)
    archives = [archive_type(options) for _ in range(plan.writers)]
    start = threading.Barrier(plan.writers)
    run = WritersRun()

    def write(writer: int, archive: PostgresArchive) -> None:
        order = writer_order(writer)
        try:
            start.wait()
            for b in range(plan.batches):
                first = b * plan.batch_size
                batch = [shared_article(writer, first + i, order) for i in range(plan.batch_size)]
                run.errors.extend(d.error for d in archive.add_batch(batch) if d.error is not None)
        except BaseException as exc:  # reported with the others: one writer's failure is the figure
            run.errors.append(exc)

    threads = [threading.Thread(target=write, args=(w, a)) for w, a in enumerate(archives)]
    wall, cpu = time.perf_counter(), time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    run.wall_seconds, run.cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    run.retries = sum(a.write_retries for a in archives)
    for a in archives:
        a.close()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=3)
    parser.add_argument("--batches", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=6)
    add_server_option(parser)
    args = parser.parse_args()
    plan = WritersPlan(writers=args.writers, batches=args.batches, batch_size=args.batch_size)
    print(f"{plan.writers} writers x {plan.batches} batches x {plan.batch_size} articles, shared vocabulary")
    runs: dict[str, WritersRun] = {}
    for label, kind in (("without the turn (anchor)", WithoutTurn), ("with the turn", PostgresArchive)):
        with scratch_database(args.pg) as url:
            PostgresArchive(PostgresOptions(url=url, indexers=[])).close()  # migrated before the race
            run = runs[label] = run_writers(url, plan, kind)
        errors = sorted({type(e).__name__ for e in run.errors})
        print(
            f"{label}: {run.retries} batches rerun after a deadlock, {len(run.errors)} errors {errors}, "
            f"{plan.articles} articles in {run.wall_seconds:.1f} s wall, {run.cpu_seconds:.1f} CPU s here"
        )
    anchor, kabar = runs["without the turn (anchor)"], runs["with the turn"]
    without = "without the turn"
    result(
        "batches rerun after a deadlock",
        kabar.retries,
        "batches",
        anchor=without,
        anchor_value=anchor.retries,
    )
    result("writer errors", len(kabar.errors), "errors", anchor=without, anchor_value=len(anchor.errors))
    result(
        "concurrent batch writes",
        plan.articles / kabar.cpu_seconds,
        "articles per CPU-second (writers' process)",
        anchor=without,
        anchor_value=plan.articles / anchor.cpu_seconds,
    )


if __name__ == "__main__":
    main()
