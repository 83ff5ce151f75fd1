"""One WARC record's whole work in the guard's worker: extract, understand, and the shard row's text.

A backfill keeps nothing of an article but its shard row, and consults no archive between
extracting and understanding (``kabar ingest`` does: :meth:`kabar.ingest.Ingestor` asks the
archive whether the text is known before understanding it). So one guarded call does both
steps and hands back only the row's JSON text: one pipe round trip per record instead of
two, and the article crosses the pipe as one string instead of being pickled out, in and
out again with its entities (a tenth of a record's cost).

The steps and their order are ``kabar ingest``'s own (:func:`kabar.prepare.prepare`,
:func:`kabar.prepare.readable`, :func:`kabar.prepare.understand`), so a reject names the
same stage and the row holds what the two-call path stored.
"""

from __future__ import annotations

from dataclasses import dataclass

from kabar.backfill.shard import ShardRow, article_json
from kabar.guard import StageMark
from kabar.model import RawPage
from kabar.prepare import PageJob, prepare, readable, understand

# A short article page: its body is under trafilatura's minimum, so the warm-up goes through
# the fallbacks too (readability, then justext, whose stop lists take most of a second to load).
_WARM_PAGE = (
    "<!doctype html><html lang='id'><head><title>Banjir di Jakarta</title>"
    "<meta property='article:published_time' content='2020-11-02T08:00:00+07:00'></head><body>"
    "<article><h1>Banjir melanda Jakarta Selatan</h1><p>Oleh: Budi Santoso</p>"
    "<p>JAKARTA - Presiden Joko Widodo meninjau banjir di Jakarta Selatan pada Senin (2/11/2020).</p>"
    "</article></body></html>"
)


@dataclass(slots=True, frozen=True)
class RecordJob:
    source: str  # the WARC record (``FILE#<record id>``), as rows and rejects name it
    page: RawPage
    understand: bool = True


@dataclass(slots=True, frozen=True)
class RecordOutcome:
    """The shard row, or why the extracted article is not worth storing (``readable``)."""

    row: ShardRow | None = None
    unreadable: str | None = None


def backfill_record(job: RecordJob, mark: StageMark) -> RecordOutcome:
    """The guard's work for one record (module level: the worker resolves it by name)."""
    article = prepare(PageJob(source=job.source, page=job.page), mark)
    why = readable(article)
    if why is not None:
        return RecordOutcome(unreadable=why)
    if job.understand:
        article = understand(article, mark)
    mark.enter("serialize")
    return RecordOutcome(
        row=ShardRow(
            json_text=article_json(article), content_hash=article.content_hash, warc_record=job.source
        )
    )


def warm_up_record(understand: bool) -> None:
    """One small page through :func:`backfill_record`, in the task's process before its guard
    worker is forked: what extraction builds on first use (compiled word patterns, trafilatura's
    stop lists), and with ``understand`` the models, are then inherited by every guard worker.
    Without it each WARC's guard worker built them again for its first records (0.2 to 1 CPU-s,
    a fifth of a small WARC's work); an engine's worker process runs many WARCs."""
    page = RawPage(content=_WARM_PAGE, kind="html", url="https://www.antaranews.com/berita/1/banjir")
    backfill_record(RecordJob("warm-up", page, understand), StageMark())


def warm_task_process(understand: bool) -> None:
    """Warm up the task's process (before its guard worker is forked); a failure costs no record:
    the guard worker tries again, and each record's own step fails with the real error."""
    try:
        warm_up_record(understand)
    except Exception:
        return


def start_guard_worker(understand: bool) -> None:
    """The guard worker's start (``Guard(warm=...)``), before its first record.

    Where the task's process warmed up, the worker inherited that and the warm-up here costs a
    hundredth of a second (the guard then takes it all out of the cyclic GC).
    """
    warm_task_process(understand)


__all__ = [
    "RecordJob",
    "RecordOutcome",
    "backfill_record",
    "start_guard_worker",
    "warm_task_process",
    "warm_up_record",
]
