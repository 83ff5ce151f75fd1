"""``kabar backfill --rejects PATH``: every record that did not make it, one JSON object a line.

The same writer as ``kabar ingest --rejects`` (:class:`kabar.cli.batch.RejectReport`), the same
fields (source, stage, error, message). A record is named by its WARC file and record id
(``FILE#<urn:uuid:…>``); a WARC that is not one, or that breaks off, by the file alone (stage
``read``). The records the WARC reader drops for a failure (a payload it cannot use: stage
``read``; a page not in Indonesian: stage ``language``) are listed with their byte offset in
the WARC; the records the pre-filter skips on purpose (requests, non-2xx, a non-HTML content
type, other hosts) are counted in the shard's marker, not listed.

The "bad" article is made so by replacing extraction in the task module with a version that
raises for one URL: the local engine forks its workers (and the guard its own), so they run
the replaced function, and the rest of the pipeline is the real one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from backfill_support import ENGLISH, article_spec, sample_articles, write_warc
from kabar.backfill import record as record_module
from kabar.backfill.shard import ShardPaths
from kabar.backfill.task import TaskSpec, run_task
from kabar.cli.main import app
from kabar.extract import ExtractError
from kabar.prepare import PageJob
from kabar.sources.warc_write import WarcRecordSpec, write_record

BAD = "/rusak-"  # in the URL of the record extraction fails on


REAL_PREPARE = record_module.prepare


def prepare_failing_on_bad_urls(job: PageJob, *args: Any, **kwargs: Any) -> Any:
    """Extraction, except for the marked URL (module level: the guard sends it to its worker by name)."""
    if job.page is not None and BAD in (job.page.url or ""):
        raise ExtractError("no article body found (made to fail by the test)")
    return REAL_PREPARE(job, *args, **kwargs)


@pytest.fixture
def failing_extraction(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_module, "prepare", prepare_failing_on_bad_urls)


def crawl(folder: Path) -> tuple[Path, list[str]]:
    """A WARC of three articles, the middle one on a URL extraction fails on; the good URLs."""
    good, bad, other = sample_articles(3)
    spec = article_spec(bad)
    bad_spec = type(spec)(url=f"{bad.url.rstrip('/')}{BAD}1", payload=spec.payload, date=spec.date)
    warc = write_warc(folder / "mixed.warc.gz", [article_spec(good), bad_spec, article_spec(other)])
    return warc, [good.url, other.url]


def read_lines(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_the_rejects_file_names_each_failed_record_and_each_failed_warc(
    failing_extraction: None, tmp_path: Path
) -> None:
    warc, good_urls = crawl(tmp_path)
    not_warc = tmp_path / "not.warc.gz"
    not_warc.write_bytes(b"this is no WARC\n")
    rejects = tmp_path / "rejects.jsonl"
    out = tmp_path / "out"
    args = ["backfill", str(warc), str(not_warc), "--out", str(out), "--no-understand"]
    result = CliRunner().invoke(app, [*args, "--rejects", str(rejects)])
    assert result.exit_code == 3, result.output  # one WARC failed, one done
    lines = read_lines(rejects)
    assert len(lines) == 2, lines
    record = next(
        line for line in lines if line["source"].startswith(f"{warc}#")
    )  # the file and the record's id
    # The stage is where the guard's worker was; the replaced extraction raises before naming one.
    assert record["stage"] != "read"
    assert record["error"] == "ExtractError" and "made to fail" in record["message"]
    failed = next(line for line in lines if line["source"] == str(not_warc))
    assert failed["stage"] == "read" and failed["error"] == "WarcError"
    assert "not a WARC file" in failed["message"]
    shard = next(out.glob("*.parquet"))
    assert pq.read_table(shard).column("url").to_pylist() == good_urls  # the good ones, stored


def test_without_rejects_no_file_and_the_results_carry_no_records(
    failing_extraction: None, tmp_path: Path
) -> None:
    warc, _ = crawl(tmp_path)
    result = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out", understand=False))
    assert (result.articles, result.rejected, result.reject_records) == (2, 1, [])
    kept = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out2", understand=False, keep_rejects=True))
    assert [r.error for r in kept.reject_records] == ["ExtractError"]


def test_a_warc_that_breaks_off_is_one_read_line(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "cut.warc.gz", [article_spec(a) for a in sample_articles(3)])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 200])  # the last record cut short: a download that broke off
    result = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out", understand=False, keep_rejects=True))
    assert result.stopped_early
    # Only the WARC's own line is checked: on a loaded machine a record may also pass its wall budget.
    read = [(r.source, r.error) for r in result.reject_records if r.stage == "read"]
    assert read == [(str(warc), "BrokenOff")]


def test_a_rejects_path_that_cannot_be_written_fails_before_any_work(tmp_path: Path) -> None:
    warc, _ = crawl(tmp_path)
    args = ["backfill", str(warc), "--out", str(tmp_path / "out"), "--no-understand"]
    result = CliRunner().invoke(app, [*args, "--rejects", str(tmp_path / "no" / "such" / "dir" / "r.jsonl")])
    assert result.exit_code == 1 and "--rejects: cannot write" in result.output
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.parquet"))


@dataclass(frozen=True, slots=True)
class DropWarc:
    path: Path
    offsets: dict[str, int]  # URL → where its record starts in the file (its gzip member)


def drop_warc(folder: Path) -> DropWarc:
    """A good article, a binary payload that says nothing of its type, an English page, a 404."""
    good = sample_articles(1)[0]
    specs = [
        article_spec(good),
        WarcRecordSpec(url="https://www.suara.com/unduh", payload=bytes(range(256)) * 8, content_type=""),
        WarcRecordSpec(url="https://www.kompas.com/english/markets", payload=ENGLISH.encode()),
        WarcRecordSpec(url="https://www.suara.com/hilang", payload=b"<html>tidak ada</html>", status=404),
    ]
    path = folder / "drops.warc.gz"
    offsets = {}
    with path.open("wb") as out:  # the offsets measured as written, not as any reader says
        for spec in specs:
            offsets[spec.url] = out.tell()
            write_record(out, spec)
    return DropWarc(path, offsets)


def record_url(warc: Path, source: str) -> str:
    """The target URL of the record a rejects line names (``FILE#<record id>``)."""
    from fastwarc.warc import ArchiveIterator

    assert source.startswith(f"{warc}#"), source
    with warc.open("rb") as fh:
        for record in ArchiveIterator(fh):
            if f"{warc}#{record.record_id}" == source:
                return str(record.headers.get("WARC-Target-URI"))
    raise AssertionError(f"no record {source}")


def test_records_the_reader_drops_for_a_failure_are_listed_and_skips_only_counted(tmp_path: Path) -> None:
    warc = drop_warc(tmp_path)
    rejects = tmp_path / "rejects.jsonl"
    out = tmp_path / "out"
    args = ["backfill", str(warc.path), "--out", str(out), "--no-understand", "--rejects", str(rejects)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output  # drops are no failure of the WARC
    lines = {record_url(warc.path, line["source"]): line for line in read_lines(rejects)}
    assert set(lines) == {"https://www.suara.com/unduh", "https://www.kompas.com/english/markets"}
    binary, english = lines["https://www.suara.com/unduh"], lines["https://www.kompas.com/english/markets"]
    assert (binary["stage"], binary["error"]) == ("read", "NotHtml")
    assert "does not start like HTML" in binary["message"]
    assert binary["offset"] == warc.offsets["https://www.suara.com/unduh"] > 0
    assert (english["stage"], english["error"]) == ("language", "NotIndonesian")
    assert english["message"].startswith("not Indonesian")
    assert english["offset"] == warc.offsets["https://www.kompas.com/english/markets"]
    marker = json.loads(ShardPaths.of(warc.path, out).marker.read_text(encoding="utf-8"))
    assert marker["dropped"] == {"not_html": 1, "not_indonesian": 1, "http_error": 1}  # the 404: counted
    assert (marker["records_read"], marker["rows"]) == (4, 1)


def test_kabar_ingest_lists_the_same_drops(tmp_path: Path) -> None:
    warc = drop_warc(tmp_path)
    via_backfill, via_ingest = tmp_path / "backfill.jsonl", tmp_path / "ingest.jsonl"
    backfill = ["backfill", str(warc.path), "--out", str(tmp_path / "out"), "--no-understand"]
    assert CliRunner().invoke(app, [*backfill, "--rejects", str(via_backfill)]).exit_code == 0
    ingest = ["ingest", str(warc.path), "--db", str(tmp_path / "k.db"), "--no-understand", "-q"]
    result = CliRunner().invoke(app, [*ingest, "--rejects", str(via_ingest)])
    assert result.exit_code == 0, result.output  # listed, not rejected: the exit status is unchanged
    assert "0 rejected" in result.output
    listed = read_lines(via_ingest)
    assert len(listed) == 2
    assert sorted(listed, key=json.dumps) == sorted(read_lines(via_backfill), key=json.dumps)


def test_without_rejects_the_reader_drops_are_not_kept(tmp_path: Path) -> None:
    warc = drop_warc(tmp_path)
    result = run_task(TaskSpec(warc=warc.path, out_dir=tmp_path / "out", understand=False))
    assert (result.articles, result.rejected, result.reject_records) == (1, 0, [])
    kept = run_task(TaskSpec(warc=warc.path, out_dir=tmp_path / "o2", understand=False, keep_rejects=True))
    assert sorted(r.stage for r in kept.reject_records) == ["language", "read"]
    assert kept.rejected == 0  # the reader's drops are counted in the marker, not as rejects
