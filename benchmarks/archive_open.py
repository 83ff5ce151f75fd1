"""What the archive's safety checks cost: opening (schema check, read-only probe) and each add (file watch).

kabar's figures beside anchors from the same run, in CPU time:
- open for writing / for reading vs. a bare ``sqlite3.connect`` + one query (the anchor);
- an add with the deleted-or-replaced check (one ``os.stat`` per transaction) vs. the stat alone.

    .venv/bin/python -m benchmarks.archive_open [--opens 50] [--adds 300]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from kabar.archive.sqlite import open_archive
from kabar.model import Article
from kabar.wiring import default_indexers


def _cpu_ms(work: Callable[[], object], times: int) -> float:
    start = time.process_time()
    for _ in range(times):
        work()
    return (time.process_time() - start) / times * 1000


def _article(n: int) -> Article:
    return Article(
        headline=f"Berita nomor {n} tentang banjir di Jakarta",
        paragraphs=[f"Banjir melanda kawasan {n} di Jakarta Selatan pada Senin pagi.", "Warga mengungsi."],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--opens", type=int, default=50)
    parser.add_argument("--adds", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "kabar.db"
        with open_archive(db) as archive:
            archive.add(_article(0))

        def bare() -> None:
            with sqlite3.connect(db) as conn:
                conn.execute("SELECT count(*) FROM articles").fetchone()

        writer = _cpu_ms(lambda: open_archive(db, []).close(), args.opens)
        reader = _cpu_ms(lambda: open_archive(db, [], read_only=True).close(), args.opens)
        anchor = _cpu_ms(bare, args.opens)
        print(f"open for writing   {writer:7.2f} ms CPU  (schema check, migration check)")
        print(f"open for reading   {reader:7.2f} ms CPU  (mode=ro, schema check)")
        print(f"anchor: sqlite3    {anchor:7.2f} ms CPU  (connect + one count)")

        counter = iter(range(1, 10**9))
        with open_archive(db, default_indexers()) as archive:
            add = _cpu_ms(lambda: archive.add(_article(next(counter))), args.adds)
        stat = _cpu_ms(lambda: os.stat(db), args.adds * 100)
        print(f"add (all indexers) {add:7.3f} ms CPU per article")
        print(f"anchor: os.stat    {stat * 1000:7.2f} µs CPU  (the file watch, once per transaction)")


if __name__ == "__main__":
    main()
