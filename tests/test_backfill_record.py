"""A backfill record's plumbing: one guarded call per record handing back the row's text, the
task's process warmed up before its guard worker is forked, the guard worker's heap frozen."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from backfill_support import article_html, article_spec, sample_articles, write_warc
from kabar.backfill import record as record_module
from kabar.backfill.hosts import HostList
from kabar.backfill.prefilter import PrefilterOptions
from kabar.backfill.record import RecordJob, backfill_record
from kabar.backfill.shard import ShardRow
from kabar.backfill.task import TaskSpec, run_task
from kabar.guard import Guard, StageMark
from kabar.model import Article, RawPage
from kabar.prepare import PageJob, prepare, understand

HOSTS = PrefilterOptions(hosts=HostList.shipped())


def test_one_guarded_call_per_record_hands_back_the_row_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(3)])
    values: list[Any] = []
    real_run = Guard.run

    def counting_run(self: Guard, *args: Any, **kwargs: Any) -> Any:
        verdict = real_run(self, *args, **kwargs)
        values.append(verdict.value)
        return verdict

    monkeypatch.setattr(Guard, "run", counting_run)
    result = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out", prefilter=HOSTS))
    assert (result.status, result.articles) == ("done", 3)
    # Extraction and understanding in one round trip, and no Article pickled back: the row's text.
    assert len(values) == 3
    assert all(isinstance(v.row, ShardRow) and isinstance(v.row.json_text, str) for v in values)


@pytest.mark.parametrize("with_understanding", [False, True])
def test_the_row_is_the_one_the_two_steps_give(with_understanding: bool) -> None:
    article = sample_articles(1, skip=3)[0]
    page = RawPage(content=article_html(article).decode(), kind="html", url=article.url, source="w#1")
    mark = StageMark()
    expected = prepare(PageJob(source="w#1", page=page), mark)
    if with_understanding:
        expected = understand(expected, mark)
    outcome = backfill_record(RecordJob("w#1", page, with_understanding), mark)
    assert outcome.row == ShardRow.of(expected, "w#1")


def _empty_article(job: PageJob, mark: StageMark) -> Article:
    return Article(headline=" ", paragraphs=[])


def test_an_article_with_nothing_readable_is_named_not_stored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_module, "prepare", _empty_article)
    page = RawPage(content="<html></html>", kind="html", url="https://x.id/a")
    outcome = backfill_record(RecordJob("w#2", page, True), StageMark())
    assert outcome.row is None and outcome.unreadable == "nothing readable: no headline and no body"


def _record_warm_ups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A file the warm-up writes "PID understand" to, a line each time it runs (in any process)."""
    calls = tmp_path / "calls"
    real = record_module.warm_up_record

    def recording(understand: bool) -> None:
        with calls.open("a") as fh:
            fh.write(f"{os.getpid()} {understand}\n")
        real(understand)

    monkeypatch.setattr(record_module, "warm_up_record", recording)
    return calls


def test_the_task_process_warms_up_before_its_guard_worker_starts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even without understanding: extraction's first-use loading is inherited by the guard worker."""
    calls = _record_warm_ups(tmp_path, monkeypatch)
    warc = write_warc(tmp_path / "a.warc.gz", [article_spec(a) for a in sample_articles(1)])
    result = run_task(TaskSpec(warc=warc, out_dir=tmp_path / "out", prefilter=HOSTS, understand=False))
    assert result.articles == 1
    first = calls.read_text().splitlines()[0]
    assert first == f"{os.getpid()} False"  # in the task's own process, first


def test_the_local_engine_warms_up_once_before_its_pool_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kabar.backfill.local import run_local

    calls = _record_warm_ups(tmp_path, monkeypatch)
    warcs = [
        write_warc(tmp_path / f"{n}.warc.gz", [article_spec(a) for a in sample_articles(1, skip=n)])
        for n in range(2)
    ]
    specs = [TaskSpec(warc=w, out_dir=tmp_path / "out", prefilter=HOSTS, understand=False) for w in warcs]
    results = list(run_local(specs, workers=2))
    assert [r.status for r in results] == ["done", "done"]
    assert calls.read_text().splitlines()[0] == f"{os.getpid()} False"  # the driver, before the fork
