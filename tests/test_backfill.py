"""kabar backfill: WARC → pre-filter → extract + understand (guarded) → one shard per WARC + done marker."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from backfill_support import (
    article_spec,
    mixed_warc,
    sample_articles,
    write_warc,
)
from kabar.backfill.engines import EngineOptions, run_tasks
from kabar.backfill.hosts import HostList
from kabar.backfill.prefilter import PrefilterOptions
from kabar.backfill.shard import Marker, ShardPaths, is_done, shard_schema
from kabar.backfill.task import TaskResult, TaskSpec, run_task
from kabar.export.options import RecordOptions
from kabar.export.records import export_schema
from kabar.serialize import article_from_dict
from kabar.sources.warc_write import record_bytes

HOSTS = PrefilterOptions(hosts=HostList.shipped())


def spec(warc: Path, out: Path, **kw: object) -> TaskSpec:
    return TaskSpec(warc=warc, out_dir=out, prefilter=HOSTS, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def shard_of_mixed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, object]:
    tmp = tmp_path_factory.mktemp("mixed")
    warc = mixed_warc(tmp / "mixed.warc.gz", sample_articles(5))
    result = run_task(spec(warc, tmp / "out"))
    return warc, tmp / "out", result


def test_the_shard_holds_the_indonesian_articles_and_nothing_else(shard_of_mixed) -> None:
    warc, out, result = shard_of_mixed
    assert result.status == "done", result
    assert (result.records_read, result.records_kept, result.articles, result.rejected) == (10, 5, 5, 0)
    table = pq.read_table(result.shard)
    expected = sample_articles(5)
    assert table.column("url").to_pylist() == [a.url for a in expected]
    assert table.column("id").to_pylist() == [1, 2, 3, 4, 5]
    # The export's schema (docs/EXPORT.md) with entities, plus the shard's two columns.
    export_names = export_schema(RecordOptions(with_entities=True)).names
    assert table.schema.names == [*export_names, "warc_record", "kabar_json"]
    assert table.schema.equals(shard_schema())
    assert (
        sum(len(e) > 0 for e in table.column("entities").to_pylist()) >= 4
    )  # understood, not only extracted
    assert all(r.startswith(f"{warc}#<urn:uuid:") for r in table.column("warc_record").to_pylist())
    marker = Marker.read(ShardPaths.of(warc, out).marker)
    assert marker is not None and marker.rows == 5
    assert marker.dropped == {
        "not_indonesian": 1,
        "not_news_host": 1,
        "not_html": 1,
        "http_error": 1,
        "not_response": 1,
    }


def test_kabar_json_rebuilds_the_article_as_the_columns_say(shard_of_mixed) -> None:
    _, _, result = shard_of_mixed
    table = pq.read_table(result.shard)
    for row in table.to_pylist():
        article = article_from_dict(json.loads(row["kabar_json"]))
        assert article.headline == row["headline"]
        assert article.paragraphs == row["paragraphs"]
        assert article.content_hash == row["content_hash"]
        assert article.published == row["published"]
        assert [e.name for e in article.entities] == [e["name"] for e in row["entities"]]


def test_a_second_run_skips_a_finished_warc_and_redoes_a_changed_one(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(2)])
    out = tmp_path / "out"
    assert run_task(spec(warc, out, understand=False)).status == "done"
    again = run_task(spec(warc, out, understand=False))
    assert again.status == "skipped"
    # The WARC replaced by a longer download: its shard is made again.
    write_warc(warc, [article_spec(a) for a in sample_articles(3)])
    redone = run_task(spec(warc, out, understand=False))
    assert (redone.status, redone.articles) == ("done", 3)
    assert pq.read_metadata(redone.shard).num_rows == 3


def test_a_half_written_shard_is_redone(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(3)])
    out = tmp_path / "out"
    paths = ShardPaths.of(warc, out)
    out.mkdir()
    # Killed mid-write: a part file of a dead process, no shard, no marker.
    (out / f".{paths.shard.name}.part-999999999").write_bytes(b"PAR1 half")
    first = run_task(spec(warc, out, understand=False))
    assert first.status == "done" and first.articles == 3
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    # Killed after the marker but with the shard cut short (a copy that broke off): redone.
    data = paths.shard.read_bytes()
    paths.shard.write_bytes(data[: len(data) // 2])
    assert not is_done(warc, paths)
    second = run_task(spec(warc, out, understand=False))
    assert second.status == "done" and pq.read_metadata(paths.shard).num_rows == 3
    # Killed between the shard and its marker: no marker, so not done.
    paths.marker.unlink()
    assert run_task(spec(warc, out, understand=False)).status == "done"


def test_a_truncated_warc_keeps_what_came_before_the_break(tmp_path: Path) -> None:
    warc = write_warc(tmp_path / "cut.warc.gz", [article_spec(a) for a in sample_articles(4)])
    data = warc.read_bytes()
    warc.write_bytes(data[: len(data) - 700])  # into the last record's gzip member
    result = run_task(spec(warc, tmp_path / "out", understand=False))
    assert result.status == "done"
    # fastwarc hands the cut record over as if whole; the reader holds it back and drops it.
    assert result.articles == 3
    table = pq.read_table(result.shard)
    assert table.column("url").to_pylist() == [a.url for a in sample_articles(3)]
    assert "ends inside a record" in (result.stopped_early or "")
    marker = Marker.read(ShardPaths.of(warc, tmp_path / "out").marker)
    assert marker is not None and marker.dropped == {"unreadable": 1} and marker.stopped_early


def test_a_file_that_is_not_a_warc_fails_alone(tmp_path: Path) -> None:
    good = write_warc(tmp_path / "good.warc.gz", [article_spec(a) for a in sample_articles(2)])
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"this is not gzip and not a WARC\n" * 10)
    specs = [spec(bad, tmp_path / "out", understand=False), spec(good, tmp_path / "out", understand=False)]
    results = {Path(r.warc).name: r for r in run_tasks(specs, EngineOptions(workers=2))}
    assert results["bad.warc.gz"].status == "failed"
    assert "not a WARC file" in (results["bad.warc.gz"].error or "")
    assert (results["good.warc.gz"].status, results["good.warc.gz"].articles) == ("done", 2)
    assert not ShardPaths.of(bad, tmp_path / "out").shard.exists()


def test_a_record_with_a_broken_http_header_costs_only_itself(tmp_path: Path) -> None:
    articles = sample_articles(3)
    good = [gzip.compress(record_bytes(article_spec(a))) for a in articles]
    broken = record_bytes(article_spec(sample_articles(1, skip=10)[0]))
    # The HTTP status line and a header mangled, the lengths kept (the WARC record stays whole).
    broken = broken.replace(b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 2x\xff OK\r\n", 1)
    broken = broken.replace(b"Content-Type: text/html", b"Content-Type\x00text/html", 1)
    warc = tmp_path / "broken.warc.gz"
    warc.write_bytes(good[0] + gzip.compress(broken) + good[1] + good[2])
    result = run_task(spec(warc, tmp_path / "out", understand=False))
    assert result.status == "done"
    assert (result.records_read, result.stopped_early) == (4, None)
    assert pq.read_table(result.shard).column("url").to_pylist() == [a.url for a in articles]
    marker = Marker.read(ShardPaths.of(warc, tmp_path / "out").marker)
    assert marker is not None and sum(marker.dropped.values()) == 1


def test_a_record_whose_warc_length_is_wrong_stops_the_file_with_a_clear_error(tmp_path: Path) -> None:
    articles = sample_articles(3)
    good = [gzip.compress(record_bytes(article_spec(a))) for a in articles]
    broken = record_bytes(article_spec(sample_articles(1, skip=10)[0]))
    # Longer than its WARC Content-Length: the reader meets the rest where the next record should begin.
    broken = broken.replace(b"HTTP/1.1 200 OK\r\n", b"HTTP/1.1 200 OK\r\nX-Extra: yes\r\n", 1)
    warc = tmp_path / "broken.warc.gz"
    warc.write_bytes(good[0] + gzip.compress(broken) + good[1] + good[2])
    result = run_task(spec(warc, tmp_path / "out", understand=False))
    assert result.status == "done"
    # The first record and the broken one (read to its declared length); fastwarc cannot find
    # the next record after it, and the marker says so.
    assert result.articles == 2 and "Invalid WARC header" in (result.stopped_early or "")
    assert pq.read_metadata(result.shard).num_rows == 2


def test_a_record_over_the_size_cap_is_dropped_unread(tmp_path: Path) -> None:
    small, large = sample_articles(2)
    big = article_spec(large)
    big = type(big)(url=big.url, payload=big.payload + b" " * 200_000, date=big.date)
    warc = write_warc(tmp_path / "big.warc.gz", [article_spec(small), big])
    options = PrefilterOptions(hosts=HostList.shipped(), max_record_bytes=100_000)
    result = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out", prefilter=options, understand=False))
    assert (result.status, result.articles) == ("done", 1)
    assert Marker.read(ShardPaths.of(warc, tmp_path / "out").marker).dropped == {"too_large": 1}  # type: ignore[union-attr]


def test_a_record_over_its_cpu_budget_is_a_reject_and_the_shard_is_written(tmp_path: Path) -> None:
    from dataclasses import replace

    from kabar.guard import GuardOptions

    # The first article made long (60 copies of its body, ~100 kB): far past 10 ms of CPU however
    # fast the reader gets, where a short one can finish inside the budget.
    first, second = sample_articles(2)
    long_first = replace(first, body="\n\n".join([first.body] * 60))
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(long_first), article_spec(second)])
    tight = GuardOptions(max_cpu_seconds=0.01)
    result = run_task(spec(warc, tmp_path / "out", guard=tight))
    assert result.status == "done"
    assert result.rejected + result.articles == 2 and result.rejected >= 1
    assert "CpuBudgetExceeded" in result.rejects[0]
    assert pq.read_metadata(result.shard).num_rows == result.articles


def _dies_on_first_attempt(task: TaskSpec) -> TaskResult:
    """A worker lost mid-task (the OOM killer, a segfault in C code) the first time only."""
    import os

    scar = task.out_dir / f"{task.warc.name}.died"
    if not scar.exists():
        task.out_dir.mkdir(parents=True, exist_ok=True)
        scar.write_text("died once")
        os._exit(1)
    return TaskResult(warc=str(task.warc), status="done")


def _always_dies(task: TaskSpec) -> TaskResult:
    import os

    os._exit(1)


def test_the_local_engine_retries_a_warc_whose_worker_died(tmp_path: Path) -> None:
    from kabar.backfill.local import run_local

    specs = [spec(tmp_path / f"{n}.warc.gz", tmp_path / "out") for n in range(2)]
    results = list(run_local(specs, workers=2, max_retries=2, task=_dies_on_first_attempt))
    assert sorted(r.status for r in results) == ["done", "done"]
    assert max(r.attempts for r in results) >= 2
    lost = list(run_local(specs[:1], workers=1, max_retries=1, task=_always_dies))
    assert [(r.status, r.attempts) for r in lost] == [("failed", 2)]
    assert "the worker died 2 times" in (lost[0].error or "")


def test_a_warc_gzipped_as_one_stream_or_plain_is_read_whole(tmp_path: Path) -> None:
    # The truncation check looks at the last gzip member: it must not misread other layouts.
    raw = b"".join(record_bytes(article_spec(a)) for a in sample_articles(3))
    for name, data in (("stream.warc.gz", gzip.compress(raw)), ("plain.warc", raw)):
        warc = tmp_path / name
        warc.write_bytes(data)
        result = run_task(spec(warc, tmp_path / "out", understand=False))
        assert (result.status, result.articles, result.stopped_early) == ("done", 3, None), name


def _failing_warm_up(*args: object) -> None:
    raise RuntimeError("model file missing")


def test_a_warm_up_that_fails_costs_no_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The task loads the models once in its own process (its guard worker inherits them); if that
    fails, the task goes on and each record's understanding loads what it needs itself."""
    import kabar.backfill.record as record

    monkeypatch.setattr(record, "warm_up_record", _failing_warm_up)
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(2)])
    result = run_task(spec(warc, tmp_path / "out"))
    assert (result.status, result.articles, result.rejected) == ("done", 2, 0)
    table = pq.read_table(result.shard)
    assert all(json.loads(text)["entities"] for text in table["kabar_json"].to_pylist())
