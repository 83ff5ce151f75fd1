"""Bulk ingest: many articles per transaction (a savepoint each), N workers, one writer, in order.

On both backends (the ``archive_url`` fixture; PostgreSQL variants skip saying why without a
server): a batch stores what the same articles added one by one store; an indexer raising on one
article mid-batch leaves that article absent — not half-indexed — and the others stored; a fault
of the archive rolls the whole batch back; ``kabar ingest --workers 2`` builds the same archive
as ``--workers 1``; a killed bulk ingest run again stores every article exactly once; bad input
(empty folder, binary, huge, empty files) with workers is rejected per record with the usual
exit statuses.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from backends import is_postgres, open_test_archive
from kabar.archive.base import AddResult, BatchAdd, Indexer, SearchQuery
from kabar.archive.batch_write import BatchArchive
from kabar.archive.errors import ArchiveBusy, ArchiveError
from kabar.archive.fts import FtsIndexer
from kabar.archive.open import open_archive
from kabar.archive.stores import IndexStores
from kabar.cli import batch as cli_batch
from kabar.cli.main import app
from kabar.guard import GuardOptions
from kabar.ingest import IngestOptions, IngestOutcome, item_jobs
from kabar.ingest_batch import BATCH_MAX, WORKERS_MAX, BatchIngest, BatchOptions
from kabar.model import Article
from kabar.prepare import PageJob
from kabar.sources.files import InputItem, ReadOptions

runner = CliRunner()
WIB = timezone(timedelta(hours=7))
SAMPLE = Path(__file__).resolve().parent.parent / "examples" / "indosum-sample.jsonl"
KABAR = str(Path(sys.executable).with_name("kabar"))


def report(n: int, **kw: Any) -> Article:
    values: dict[str, Any] = {
        "headline": f"Berita {n} tentang banjir di Jakarta",
        "paragraphs": [
            f"Banjir melanda kawasan nomor{n} di Jakarta Selatan pada Senin pagi.",
            "Warga mengungsi.",
        ],
        "published": datetime(2021, 1, 1, tzinfo=WIB) + timedelta(minutes=n),
        "outlet": "Uji",
        "url": f"https://uji.example/berita/{n}",
        "canonical_url": f"https://uji.example/berita/{n}",
    }
    values.update(kw)
    return Article(**values)


def mixed_articles() -> list[Article]:
    """New articles, the same one again, a copy under another URL, an update, all in one batch."""
    a = [report(n) for n in range(6)]
    same = report(1)
    copy = report(
        2, url="https://lain.example/salinan", canonical_url="https://lain.example/salinan", outlet="Lain"
    )
    update = report(3, paragraphs=["Banjir surut pada Selasa.", "Warga pulang."])
    return [*a, same, copy, update, report(6)]


def article_rows(url: str) -> list[tuple[Any, ...]]:
    """The archive's content, without the time each row was written."""
    archive = open_test_archive(url)
    try:
        with archive.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT id, canonical_url, content_hash, headline, outlet, data FROM articles ORDER BY id"
                )
            ).all()
            members = conn.execute(
                text("SELECT story_id, article_id FROM story_articles ORDER BY article_id")
            ).all()
            copies = conn.execute(text("SELECT article_id, url FROM article_copies ORDER BY url")).all()
    finally:
        archive.close()
    return [tuple(r) for r in rows] + [("member", *m) for m in members] + [("copy", *c) for c in copies]


def batch_archive(url: str, indexers: Sequence[Indexer] | None = None) -> BatchArchive:
    archive = open_test_archive(url, indexers)
    assert isinstance(archive, BatchArchive)
    return archive


class Exploding:
    """An indexer that fails on one article, after the search indexer before it wrote its entry."""

    name = "exploding"

    def __init__(self, marker: str, error: Exception | None = None) -> None:
        self.marker = marker
        self.error = error or ValueError("indexer failed on this article")

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        if self.marker in (article.headline or ""):
            raise self.error

    def remove(self, stores: IndexStores, article_id: int) -> None:
        pass


# -- the archive's batches -------------------------------------------------------------------


def test_a_batch_stores_what_one_by_one_stores(archive_url: str, tmp_path: Path) -> None:
    reference = str(tmp_path / "one_by_one.db")
    with open_test_archive(reference, [FtsIndexer()]) as one:
        singles = [one.add(article) for article in mixed_articles()]
    with batch_archive(archive_url, [FtsIndexer()]) as archive:
        batched = archive.add_batch(mixed_articles())
        assert [b.error for b in batched] == [None] * len(batched)
        assert [b.result for b in batched] == singles
        assert [s.status for s in singles] == ["added"] * 6 + ["unchanged", "copy", "updated", "added"]
        assert archive.search(SearchQuery("surut")).total == 1
        assert archive.add_batch([]) == []
    assert article_rows(archive_url) == article_rows(reference)


def test_an_indexer_raising_mid_batch_costs_only_that_article(archive_url: str) -> None:
    articles = [report(n) for n in range(8)]
    with batch_archive(archive_url, [FtsIndexer(), Exploding("Berita 3 ")]) as archive:
        done = archive.add_batch(articles)
        assert [d.error is not None for d in done] == [n == 3 for n in range(8)]
        assert isinstance(done[3].error, ValueError) and done[3].result is None
        assert [d.result.status for d in done if d.result is not None] == ["added"] * 7
        assert archive.count() == 7
        # nothing of the failed article is left: no row, and no search entry (written, then undone)
        assert archive.find_id(canonical_url="https://uji.example/berita/3") is None
        assert archive.search(SearchQuery("nomor3")).total == 0
        assert archive.search(SearchQuery("nomor4")).total == 1
        # the articles after it in the batch got ids, in order
        ids = [d.result.id for d in done if d.result is not None]
        assert ids == sorted(ids) and articles[7].id == ids[-1]
    # the same batch again, the indexer mended: the failed one is stored, the rest are known
    with batch_archive(archive_url, [FtsIndexer()]) as archive:
        again = archive.add_batch([report(n) for n in range(8)])
        assert [d.result.status for d in again if d.result is not None] == ["unchanged"] * 3 + ["added"] + [
            "unchanged"
        ] * 4
        assert archive.count() == 8 and archive.search(SearchQuery("nomor3")).total == 1


def test_a_fault_of_the_archive_mid_batch_rolls_the_whole_batch_back(archive_url: str) -> None:
    busy = ArchiveBusy("uji", "held by another writer")
    with batch_archive(archive_url, [FtsIndexer(), Exploding("Berita 4 ", busy)]) as archive:
        with pytest.raises(ArchiveBusy):
            archive.add_batch([report(n) for n in range(8)])
        assert archive.count() == 0 and archive.search(SearchQuery("nomor1")).total == 0
    with batch_archive(archive_url, [FtsIndexer()]) as archive:
        assert [d.result.status for d in archive.add_batch([report(n) for n in range(8)]) if d.result] == [
            "added"
        ] * 8


# -- bulk ingest ---------------------------------------------------------------------------------


def _sample_input(folder: Path, n: int) -> Path:
    """``n`` sample records, then two of them again (one under a new URL: a copy), and a bad line."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:n]
    moved = json.loads(lines[1])
    # the same path under another host (kabar reads a record's headline from its URL's slug)
    moved["url"] = "https://salinan.example/" + moved["url"].split("/", 3)[3]
    records = folder / "records.jsonl"
    records.write_text(
        "\n".join([*lines, lines[n // 2], json.dumps(moved), "bukan json"]) + "\n", encoding="utf-8"
    )
    return records


def _ingest(paths: Sequence[Path], db: str, *extra: str) -> Any:
    return runner.invoke(
        app, ["ingest", *map(str, paths), "--db", db, "-q", "--max-cpu-seconds", "20", *extra]
    )


def test_two_workers_build_the_same_archive_as_one(archive_url: str, tmp_path: Path) -> None:
    records = _sample_input(tmp_path / "in", 24)
    reference = str(tmp_path / "one.db")
    one = _ingest([records], reference, "--no-understand", "--workers", "1", "--batch", "7")
    two = _ingest([records], archive_url, "--no-understand", "--workers", "2", "--batch", "7")
    for result in (one, two):
        assert result.exit_code == 3, result.output  # the bad line
        assert "24 added, 1 unchanged, 0 updated, 1 rejected; 1 copies recorded" in result.stdout
    rows = article_rows(archive_url)
    assert sum(1 for r in rows if r[0] == "member") == 24
    assert rows == article_rows(reference)
    # run again with more workers: everything known, nothing stored twice
    again = _ingest([records], archive_url, "--no-understand", "--workers", "3", "--batch", "5")
    assert "0 added, 26 unchanged" in again.stdout and article_rows(archive_url) == rows


def test_two_workers_with_understanding_store_the_same_entities(tmp_path: Path) -> None:
    records = _sample_input(tmp_path / "in", 10)
    one, two = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    assert _ingest([records], one, "--workers", "1").exit_code == 3
    result = _ingest([records], two, "--workers", "2", "--batch", "3")
    assert result.exit_code == 3 and "10 added" in result.stdout, result.output
    rows = article_rows(two)
    assert rows == article_rows(one)
    assert any(json.loads(r[5]).get("entities") for r in rows if isinstance(r[0], int))


def _bad_files(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "binary": folder / "biner.txt",
        "huge": folder / "raksasa.txt",
        "empty": folder / "kosong.jsonl",
        "nul": folder / "nul.html",
    }
    files["binary"].write_bytes(bytes(range(256)) * 64)
    with files["huge"].open("wb") as fh:  # over the 16 MB a page may be
        fh.write(b"Judul\n\n" + b"kata " * (17 * 1024 * 1024 // 5))
    files["empty"].write_bytes(b"")
    files["nul"].write_bytes(b"\x00" * 4096)
    return files


def test_bad_input_with_workers_is_rejected_per_record(tmp_path: Path) -> None:
    bad = _bad_files(tmp_path / "bad")
    good = tmp_path / "good"
    records = _sample_input(good, 4)
    rejects = tmp_path / "rejects.jsonl"
    db = str(tmp_path / "k.db")
    result = _ingest([bad["binary"], records, bad["huge"], bad["nul"], bad["empty"]], db,
                     "--no-understand", "--workers", "2", "--batch", "2", "--rejects", str(rejects))  # fmt: skip
    assert result.exit_code == 3, result.output
    assert "4 added, 1 unchanged, 0 updated, 4 rejected" in result.stdout
    found = {
        Path(r["source"].split(":")[0]).name: r for r in map(json.loads, rejects.read_text().splitlines())
    }
    assert set(found) == {"biner.txt", "raksasa.txt", "nul.html", "records.jsonl"}
    assert found["raksasa.txt"]["stage"] == "read" and found["biner.txt"]["stage"] in ("read", "extract")
    assert "Traceback" not in result.output
    # only bad records: nothing could be done
    only_bad = _ingest(
        [bad["binary"], bad["nul"]], str(tmp_path / "b.db"), "--no-understand", "--workers", "2"
    )
    assert only_bad.exit_code == 1, only_bad.output
    # an empty folder: nothing to ingest
    (tmp_path / "kosong").mkdir()
    empty = _ingest([tmp_path / "kosong"], str(tmp_path / "e.db"), "--workers", "2")
    assert empty.exit_code == 1 and "nothing to ingest" in empty.output


def test_strict_with_workers_stores_nothing_after_the_first_reject(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[:12]
    (folder).mkdir()
    (folder / "a.jsonl").write_text("\n".join([*lines[:5], "{rusak", *lines[5:]]) + "\n", encoding="utf-8")
    db = str(tmp_path / "k.db")
    result = _ingest([folder], db, "--no-understand", "--workers", "2", "--batch", "4", "--strict")
    assert result.exit_code == 3 and "5 added" in result.stdout and "--strict" in result.stdout
    with open_test_archive(db) as archive:
        assert archive.count() == 5


def test_batch_ingest_outcomes_come_in_input_order_and_a_failing_batch_falls_back(tmp_path: Path) -> None:
    """Something failing outside every article's savepoint: the batch is stored one by one."""

    class Fussy:
        def __init__(self, archive: Any) -> None:
            self.inner = archive

        def add_batch(self, articles: Sequence[Article]) -> list[BatchAdd]:
            if len(articles) > 1:
                raise TypeError("cannot take more than one")
            if "Berita 2 " in (articles[0].headline or ""):
                raise TypeError("not this one")
            return self.inner.add_batch(articles)

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    jobs: list[PageJob | IngestOutcome] = [PageJob(source=f"r{n}", article=report(n)) for n in range(5)]
    options = IngestOptions(understand=False, guard=GuardOptions(max_cpu_seconds=5, max_memory_mb=256))
    with open_test_archive(str(tmp_path / "k.db"), [FtsIndexer()]) as archive:
        with BatchIngest(Fussy(archive), options, BatchOptions(batch_size=4, workers=2)) as bulk:
            outcomes = list(bulk.run(jobs))
        assert [o.source for o in outcomes] == [f"r{n}" for n in range(5)]
        assert [o.status for o in outcomes] == ["added", "added", "rejected", "added", "added"]
        assert outcomes[2].reject is not None and outcomes[2].reject.stage == "store"
        assert archive.count() == 4


def test_item_jobs_reject_what_cannot_be_read(tmp_path: Path) -> None:
    records = tmp_path / "r.jsonl"
    records.write_bytes(b'{"title": "A", "body": "B"}\n\xff\xfe\n[]\n')
    entries = list(item_jobs(InputItem(records, "records"), ReadOptions()))
    assert isinstance(entries[0], PageJob)
    assert all(isinstance(e, IngestOutcome) and e.reject is not None for e in entries[1:])


def test_batch_options_are_bounded_and_match_the_command_line() -> None:
    assert (BATCH_MAX, WORKERS_MAX) == (cli_batch.BATCH_MAX, cli_batch.WORKERS_MAX)
    for bad in (
        {"batch_size": 0},
        {"workers": 0},
        {"batch_size": BATCH_MAX + 1},
        {"workers": WORKERS_MAX + 1},
    ):
        with pytest.raises(ValueError):
            BatchOptions(**bad)
    assert runner.invoke(app, ["ingest", str(SAMPLE), "--workers", "0"]).exit_code == 2
    assert runner.invoke(app, ["ingest", str(SAMPLE), "--batch", "abc"]).exit_code == 2


# -- killed and run again ------------------------------------------------------------------------


def _generated(path: Path, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            article = report(i)
            fh.write(
                json.dumps(
                    {
                        "title": article.headline,
                        "body": "\n\n".join(article.paragraphs),
                        "url": article.url,
                        "published_utc": (article.published or datetime.now(WIB)).isoformat(),
                        "source": "uji",
                    }
                )
                + "\n"
            )
    return path


def _started(proc: subprocess.Popen[bytes], db: str) -> None:
    """Wait until the writer has committed at least one batch."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with contextlib.closing(open_archive(db, read_only=True)) as archive:
                if archive.count() > 0:
                    return
        except ArchiveError:
            pass  # not made yet, or busy being migrated
        time.sleep(0.2)


def test_a_killed_bulk_ingest_run_again_stores_each_article_once(archive_url: str, tmp_path: Path) -> None:
    n = 240
    records = _generated(tmp_path / "gen.jsonl", n)
    command = [KABAR, "ingest", str(records), "--db", archive_url, "-q", "--no-understand",
               "--workers", "2", "--batch", "16"]  # fmt: skip
    for delay in (0.0, 0.4):
        proc = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
        )
        _started(proc, archive_url)
        time.sleep(delay)
        if proc.poll() is not None:
            pytest.fail("the ingest finished before it could be killed; make the input larger")
        os.killpg(proc.pid, signal.SIGKILL)  # the writer and its guard workers, at once
        proc.wait(timeout=30)
        if not is_postgres(archive_url):
            with sqlite3.connect(archive_url) as raw:
                assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        with open_test_archive(archive_url) as archive:
            stored = archive.count()
            with archive.engine.connect() as conn:
                indexed = conn.execute(text("SELECT count(*) FROM story_articles")).scalar_one()
        assert stored < n and stored % 16 == 0  # whole batches only
        assert indexed == stored  # every stored article fully indexed
    finished = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    with open_test_archive(archive_url) as archive:
        assert archive.count() == n
    assert f"{n - stored} added, {stored} unchanged" in finished.stdout or stored == 0


def test_add_result_of_a_batch_is_the_public_record() -> None:
    assert BatchAdd(result=AddResult(1, "added")).error is None
