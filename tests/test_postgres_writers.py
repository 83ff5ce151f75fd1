"""Many writers: three ``kabar ingest`` processes over overlapping inputs store every article once.

On PostgreSQL the writers really run at the same time (a writer that loses the race for
a URL or a text finds the winner's row and reports "unchanged"); on SQLite they take
turns on the write lock (the busy timeout). Either way: each article once, each index
entry once, and the three summaries add up.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from backends import open_test_archive

N = 15
NAMES = ["Joko Widodo", "Anies Baswedan", "Sri Mulyani", "Prabowo Subianto", "Ridwan Kamil", "Retno Marsudi"]
PLACES = ["Jakarta", "Bandung", "Surabaya", "Medan", "Makassar", "Semarang"]
TOPICS = ["banjir", "harga beras", "jalan tol", "vaksinasi", "pemilihan umum", "gempa bumi"]


def _record(n: int) -> dict[str, object]:
    name, place, topic = NAMES[n % 6], PLACES[(n // 2) % 6], TOPICS[(n // 3) % 6]
    return {
        "headline": f"{name} meninjau {topic} di {place} (laporan {n})",
        "paragraphs": [
            f"{place} - {name} pada hari Senin meninjau penanganan {topic} di {place} bersama pejabat daerah.",
            f"Menurut {name}, pemerintah akan menambah anggaran untuk {topic} tahun ini. Laporan nomor {n}.",
        ],
        "url": f"https://berita.test/{n}",
        "outlet": "berita.test",
        "published": f"2023-03-{1 + n % 28:02d}T{8 + n % 10:02d}:00:00+07:00",
    }


def _reprint(n: int) -> dict[str, object]:
    """The same text under another outlet's URL: the archive keeps one article."""
    return {**_record(n), "url": f"https://cetak-ulang.test/{n}", "outlet": "cetak-ulang.test"}


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def _inputs(folder: Path) -> list[Path]:
    every = [_record(n) for n in range(N)]
    return [
        _write(folder / "a.jsonl", every[: 2 * N // 3]),
        _write(folder / "b.jsonl", every[N // 3 :] + [_reprint(n) for n in range(4)]),
        _write(folder / "c.jsonl", list(reversed(every)) + [_reprint(n) for n in range(2, 6)]),
    ]


def _kabar() -> list[str]:
    return [str(Path(sys.executable).parent / "kabar")]


def test_three_writers_store_every_article_once(archive_url: str, tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    open_test_archive(archive_url).close()  # created (migrated) before the race, as a deployment would
    procs = [
        subprocess.Popen(
            [*_kabar(), "ingest", str(path), "--db", archive_url, "-q"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "KABAR_BUSY_TIMEOUT": "60"},
        )
        for path in inputs
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-1500:] + err[-1500:]
    added = unchanged = copies = 0
    for out, _err in outputs:
        found = re.search(r"(\d+) added, (\d+) unchanged, (\d+) updated, .*; (\d+) copies recorded", out)
        assert found is not None, out
        added += int(found[1])
        unchanged += int(found[2])
        copies += int(found[4])
        assert found[3] == "0"
    records = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in inputs)
    # the reprints' six URLs are copies, each recorded once though two writers see 2 and 3
    assert added == N and copies == 6 and added + unchanged + copies == records
    archive = open_test_archive(archive_url)
    assert archive.count() == N
    with archive.engine.connect() as conn:
        for table in ("search_docs", "dedup_signatures", "story_articles"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() == N, table
        assert conn.execute(text("SELECT count(*) FROM article_copies")).scalar_one() == 6
        urls = {r[0] for r in conn.execute(text("SELECT canonical_url FROM articles"))}
    # Each report once, under the URL of whichever copy a writer stored first (a reprint may win).
    numbers = sorted(int(u.rsplit("/", 1)[1]) for u in urls)
    assert numbers == list(range(N))
    assert all(u.startswith(("https://berita.test/", "https://cetak-ulang.test/")) for u in urls)
    archive.close()
