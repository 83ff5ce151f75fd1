"""One backfill task: one WARC → its shard and done marker. The unit every engine runs.

:func:`run_task` is a module-level function of one picklable :class:`TaskSpec` returning
a :class:`TaskResult`, so a process pool and Ray run it alike. Each candidate record
(:mod:`kabar.backfill.prefilter`) is extracted and understood by ``kabar ingest``'s own
steps (:func:`kabar.prepare.prepare`, :func:`kabar.prepare.understand`) under the
per-record guard (:mod:`kabar.guard`): a record that raises, spins or swells is a reject,
counted and named in the result, and the shard goes on. A task never raises for its
WARC: a file that is not a WARC or cannot be written is a ``failed`` result with the
reason, and nothing is left under the shard's name.
"""

from __future__ import annotations

import functools
import resource
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from kabar.backfill.prefilter import PrefilterOptions, candidate_pages, warc_options
from kabar.backfill.record import RecordJob, backfill_record, start_guard_worker, warm_task_process
from kabar.backfill.shard import Marker, ShardPaths, ShardRow, ShardWriter, is_done, write_marker
from kabar.guard import Guard, GuardOptions, Reject, one_line, reject_of, reject_of_drop
from kabar.sources.warc import WarcError, WarcOptions

TaskStatus = Literal["done", "skipped", "failed"]
_REJECT_LINES = 20  # named in the result; the rest are counted
_KEPT_REJECTS = 100_000  # with keep_rejects: a bound on what one result carries back to the driver


@dataclass(slots=True, frozen=True)
class TaskSpec:
    warc: Path
    out_dir: Path
    prefilter: PrefilterOptions = field(default_factory=PrefilterOptions)
    guard: GuardOptions = field(default_factory=GuardOptions)
    understand: bool = True
    force: bool = False  # redo even a finished shard
    keep_rejects: bool = False  # every reject in the result (for ``--rejects``), not just the count


@dataclass(slots=True)
class TaskResult:
    warc: str
    status: TaskStatus
    shard: str | None = None
    articles: int = 0
    records_read: int = 0
    records_kept: int = 0  # passed the pre-filter
    rejected: int = 0
    rejects: list[str] = field(default_factory=list)  # the first few, one line each
    # With ``keep_rejects``: each record that did not make it (rejected, or dropped by the WARC
    # reader for a failure: stages "read" and "language"), and the WARC's own failure or
    # break-off (stage "read"), up to _KEPT_REJECTS. ``rejected`` counts the rejected ones; the
    # reader's drops are counted in the shard's marker.
    reject_records: list[Reject] = field(default_factory=list)
    error: str | None = None  # why the task failed
    stopped_early: str | None = None  # the WARC broke off (truncated): the shard holds what came before
    cpu_seconds: float = 0.0  # this process and its guard worker
    attempts: int = 1


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the guard's worker, once it is joined
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _keep(spec: TaskSpec, result: TaskResult, reject: Reject) -> None:
    if spec.keep_rejects and len(result.reject_records) < _KEPT_REJECTS:
        result.reject_records.append(reject)


def _rows(spec: TaskSpec, options: WarcOptions, guard: Guard, result: TaskResult) -> Iterator[ShardRow]:
    def reject(r: Reject) -> None:
        result.rejected += 1
        if len(result.rejects) < _REJECT_LINES:
            result.rejects.append(r.line())
        _keep(spec, result, r)

    for page in candidate_pages(spec.warc, options):
        source = page.source or str(spec.warc)
        # One guarded call per record: extraction and understanding, the row's text handed back.
        verdict = guard.run(backfill_record, RecordJob(source, page, spec.understand), source=source)
        if verdict.reject is not None:
            reject(verdict.reject)
            continue
        outcome = verdict.value
        assert outcome is not None
        if outcome.row is None:
            reject(Reject(source, "extract", "NoArticle", outcome.unreadable or "-"))
            continue
        yield outcome.row


def run_task(spec: TaskSpec) -> TaskResult:
    """The WARC's shard, unless a finished one is there already (``skipped``)."""
    start = _cpu()
    paths = ShardPaths.of(spec.warc, spec.out_dir)
    result = TaskResult(warc=str(spec.warc), status="done", shard=str(paths.shard))
    if not spec.force and is_done(spec.warc, paths):
        result.status = "skipped"
        return result
    try:
        st = spec.warc.stat()  # before reading: a WARC changed later is done again
        spec.out_dir.mkdir(parents=True, exist_ok=True)  # on a Ray node, the first task there makes it
        options = warc_options(spec.prefilter)
        # What extraction and understanding load on first use, loaded here, once per process: the
        # guard's worker is forked from this process and inherits it, where it loaded it afresh
        # for every WARC. An engine's worker runs many WARCs.
        warm_task_process(spec.understand)
        if spec.keep_rejects:
            options.on_drop = lambda drop: _keep(spec, result, reject_of_drop(drop))
        with (
            Guard(spec.guard, warm=functools.partial(start_guard_worker, spec.understand)) as guard,
            ShardWriter(paths) as writer,
        ):
            for row in _rows(spec, options, guard, result):
                writer.add(row)
        stats = options.stats
        marker = Marker(
            warc=str(spec.warc.resolve()),
            warc_size=st.st_size,
            warc_mtime_ns=st.st_mtime_ns,
            rows=writer.rows,
            records_read=stats.read,
            records_kept=stats.kept,
            dropped=dict(stats.dropped),
            rejected=result.rejected,
            stopped_early=stats.error,
        )
        write_marker(paths, marker)
    except (WarcError, OSError) as exc:
        result.status = "failed"
        result.shard = None
        result.error = one_line(str(exc) if isinstance(exc, WarcError) else f"{type(exc).__name__}: {exc}")
        _keep(spec, result, reject_of(str(spec.warc), "read", exc))
        result.cpu_seconds = _cpu() - start
        return result
    result.articles = writer.rows
    result.records_read = stats.read
    result.records_kept = stats.kept
    result.stopped_early = stats.error
    if stats.error is not None:  # the records after the break are lost: one line says so
        _keep(spec, result, Reject(str(spec.warc), "read", "BrokenOff", one_line(stats.error)))
    result.cpu_seconds = _cpu() - start
    return result


__all__ = ["TaskResult", "TaskSpec", "TaskStatus", "run_task"]
