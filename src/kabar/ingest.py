"""The one ingest path: record → prepare → (known?) → understand → archive.

One record at a time (:meth:`Ingestor.ingest`: one article per transaction; the engine and the
API), or many (:mod:`kabar.ingest_batch`: ``kabar ingest``'s workers run :meth:`Ingestor.ready`
and one writer stores their articles in batches, a savepoint each); the rules are the same.

:class:`Ingestor` stores pages and articles for the CLI (``kabar ingest``), the engine
(``kabar run``/``kabar fetch``) and the API (``POST /api/ingest``) alike. The rules:

1. **Every record runs under the guard** (:mod:`kabar.guard`): reading, extraction and
   understanding happen in a worker with a CPU and a memory budget; any exception or
   budget breach *rejects that record* (an outcome with a :class:`~kabar.guard.Reject`
   naming source, stage, error class and message) and the batch goes on.
2. **The page's own values win**: hints from a feed or sitemap, the fetched URL, the
   configured outlet and the capture time only fill fields the page left empty
   (:func:`kabar.prepare.fill_gaps`).
3. **Something readable is required**: an article with neither a headline nor any body
   text is rejected at ``extract``.
4. **Text the archive already holds skips understanding**, the costly part: under a URL
   the archive has not seen for it, it is recorded as a *copy* of the stored article
   (url, outlet, times; :mod:`kabar.archive.copy_store`); under a known URL it is "unchanged".
   A URL is known in any spelling that names the same article (scheme, host case, trailing
   slash, tracking and AMP markers: :mod:`kabar.extract.url_identity`), as a canonical or a
   fetched URL.
7. **A shorter copy never replaces a stored full text**: the same article arriving with a much
   shorter body whose words are largely the stored text's (an AMP or paywall teaser, a
   truncated capture) and no later ``modified`` time is "unchanged"; a corrected, extended or
   newer text is "updated" (the rule: :mod:`kabar.archive.shorter_copy`).
5. **When understanding fails for one article (an exception or a budget), the article is
   rejected, not stored without entities.** Stored half-understood, a later run would
   find its text known and never understand it again; rejected, the same input run
   again after the fix stores it whole. The reject's stage is ``understand``.
6. **Storing is all or nothing**: ``archive.add`` writes the row and every index in one
   transaction. An exception there about this article rejects it at ``store`` and leaves
   nothing behind; a fault of the archive itself (:class:`~kabar.archive.errors.ArchiveError`:
   disk full, locked, read-only) is no fault of the record and propagates to the caller.

The stages a reject names: ``read`` (a file, a JSONL line, a WARC), ``extract`` (extraction,
gap filling, the readability rule), ``size`` (``max_article_chars``), ``understand``, ``store``,
and ``start`` (the record could not be handed to the guard's worker).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kabar.archive.base import Archive
from kabar.archive.errors import ArchiveError
from kabar.guard import Guard, GuardOptions, Reject, reject_of, reject_of_drop
from kabar.model import Article, RawPage
from kabar.prepare import PageJob, prepare, readable, understand, warm_up
from kabar.sources.files import InputItem, PageError, ReadOptions, iter_records

if TYPE_CHECKING:
    from kabar.sources.warc import WarcDrop, WarcStats

OutcomeStatus = Literal["added", "unchanged", "updated", "copy", "rejected"]


@dataclass(slots=True, frozen=True)
class IngestOptions:
    understand: bool = True
    captured_at: datetime | None = None  # for pages that do not say when they were captured
    read: ReadOptions = field(default_factory=ReadOptions)
    guard: GuardOptions = field(default_factory=GuardOptions)
    max_article_chars: int | None = None  # headline + body over this is rejected at ``size``


@dataclass(slots=True)
class IngestOutcome:
    source: str
    status: OutcomeStatus
    id: int | None = None
    headline: str | None = None
    reject: Reject | None = None

    @property
    def reason(self) -> str | None:
        return self.reject.message if self.reject is not None else None


@dataclass(slots=True)
class IngestSummary:
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    copies: int = 0  # known text under a new URL or outlet, recorded as a copy
    rejected: int = 0
    rejects: list[Reject] = field(default_factory=list)

    def record(self, outcome: IngestOutcome) -> None:
        if outcome.reject is not None:
            self.rejected += 1
            self.rejects.append(outcome.reject)
        elif outcome.status == "added":
            self.added += 1
        elif outcome.status == "updated":
            self.updated += 1
        elif outcome.status == "copy":
            self.copies += 1
        else:
            self.unchanged += 1

    @property
    def stored(self) -> int:
        return self.added + self.unchanged + self.updated + self.copies

    @property
    def total(self) -> int:
        return self.stored + self.rejected


@dataclass(slots=True)
class Prepared:
    """A record read and extracted under the guard, not stored yet (with the CPU that took)."""

    article: Article
    cpu_seconds: float = 0.0


def _rejected(reject: Reject) -> IngestOutcome:
    return IngestOutcome(reject.source, "rejected", reject=reject)


class Ingestor:
    """Stores pages and articles in one archive, each record under the guard.

    Give a :class:`~kabar.guard.Guard` to share one worker among several ingestors;
    otherwise the ingestor starts its own and :meth:`close` ends it.
    """

    def __init__(
        self,
        archive: Archive,
        options: IngestOptions | None = None,
        guard: Guard | None = None,
        guard_type: type[Guard] = Guard,  # of the guard it starts (the server's: kabar.guard_start)
    ) -> None:
        self.archive = archive
        self.options = options or IngestOptions()
        self._own_guard = guard is None
        warm = warm_up if self.options.understand else None
        self.guard = guard if guard is not None else guard_type(self.options.guard, warm=warm)
        self.warc_stats: list[WarcStats] = []  # the WARC reader's counts, for the summary

    def __enter__(self) -> Ingestor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._own_guard:
            self.guard.close()

    # -- one record -----------------------------------------------------------------------
    def ingest(self, job: PageJob) -> IngestOutcome:
        """Prepare, understand and store one record; a failure is an outcome, never raised
        (except an :class:`~kabar.archive.errors.ArchiveError`, the archive's own fault)."""
        step = self.prepared(job)
        if isinstance(step, IngestOutcome):
            return step
        return self.finish(step, job.source)

    def finish(self, prepared: Prepared, source: str) -> IngestOutcome:
        """Rules 3–6 for an article :meth:`prepared` made (or several of them joined)."""
        article = prepared.article
        refused = self._refusal(article, source)
        if refused is not None:
            return refused
        try:
            known = self.archive.add_if_known(article)
        except ArchiveError:
            raise
        except Exception as exc:
            return _rejected(reject_of(source, "store", exc))
        if known is not None:
            return IngestOutcome(source, known.status, id=known.id, headline=article.headline)
        understood = self._understood(article, source, prepared.cpu_seconds)
        if isinstance(understood, IngestOutcome):
            return understood
        return self._add(understood, source)

    def ready(self, job: PageJob) -> Article | IngestOutcome:
        """Every step of :meth:`ingest` but storing: the article to store, or the reject.

        For batches (:mod:`kabar.ingest_batch`), which store many articles in one transaction.
        Known text is looked up without writing: the article then goes to the batch not
        understood, and ``add`` records it as a copy (or "unchanged") exactly as
        ``add_if_known`` would have. Text stored by an earlier article of the same batch is
        not committed yet, so it is understood for nothing and then stored as that copy too.
        """
        step = self.prepared(job)
        if isinstance(step, IngestOutcome):
            return step
        article, spent = step.article, step.cpu_seconds
        if not self.options.understand:
            # The look-up only spares known text its understanding: without understanding
            # there is nothing to spare, and the batch's add finds the copy all the same.
            return article
        try:
            # The raw article's hash: only text with NULs or lone surrogates (which storing
            # cleans) hashes differently, and then it is understood for nothing, never lost.
            known = self.archive.find_id(content_hash=article.content_hash) is not None
        except ArchiveError:
            raise
        except Exception as exc:
            return _rejected(reject_of(job.source, "store", exc))
        if known:
            return article
        return self._understood(article, job.source, spent)

    def prepared(self, job: PageJob) -> Prepared | IngestOutcome:
        """Rules 1–3: the extracted article (with the CPU it took), or the reject. The engine
        joins a multi-page article's pages, each prepared here, before :meth:`finish` stores it."""
        if job.captured_at is None and self.options.captured_at is not None:
            job.captured_at = self.options.captured_at
        job.read = self.options.read
        prepared = self.guard.run(prepare, job, source=job.source)
        if prepared.reject is not None:
            return _rejected(prepared.reject)
        article = prepared.value
        assert article is not None
        refused = self._refusal(article, job.source)
        if refused is not None:
            return refused
        return Prepared(article, prepared.cpu_seconds)

    def _refusal(self, article: Article, source: str) -> IngestOutcome | None:
        """Rule 3 and the size limit (cheap: checked again on pages joined into one article)."""
        why = readable(article)
        if why is not None:
            return _rejected(Reject(source, "extract", "NoArticle", why))
        limit = self.options.max_article_chars
        size = len(article.headline or "") + sum(len(p) for p in article.paragraphs)
        if limit is not None and size > limit:
            message = f"article text of {size} characters is over the limit of {limit}"
            return _rejected(Reject(source, "size", "TooLarge", message))
        return None

    def _understood(self, article: Article, source: str, spent: float) -> Article | IngestOutcome:
        """Rule 5: the article with entities and times, or the reject (never half-understood)."""
        if not self.options.understand:
            return article
        understood = self.guard.run(understand, article, source=source, spent=spent)
        if understood.reject is not None:
            return _rejected(understood.reject)
        assert understood.value is not None
        return understood.value

    def _add(self, article: Article, source: str) -> IngestOutcome:
        try:
            result = self.archive.add(article)
        except ArchiveError:
            raise
        except Exception as exc:  # an indexer failing on this article: the transaction rolled back
            return _rejected(reject_of(source, "store", exc))
        return IngestOutcome(source, result.status, id=result.id, headline=article.headline)

    def ingest_page(
        self, page: RawPage, *, outlet: str | None = None, source: str | None = None
    ) -> IngestOutcome:
        """A page in memory (fetched, from a WARC); ``source`` names it in reports (default: the page's)."""
        label = source or page.source or page.url or "page"
        return self.ingest(PageJob(source=label, page=page, outlet=outlet))

    def store(self, article: Article, source: str) -> IngestOutcome:
        """An article given whole (a mapped record, an API document): the same rules from step 2 on."""
        return self.ingest(PageJob(source=source, article=article))

    # -- what the command line names ------------------------------------------------------------
    def ingest_item(self, item: InputItem) -> Iterator[IngestOutcome]:
        for entry in item_jobs(item, self.options.read, self.warc_stats):
            yield entry if isinstance(entry, IngestOutcome) else self.ingest(entry)


def item_jobs(
    item: InputItem,
    read: ReadOptions,
    warc_stats: list[WarcStats] | None = None,
    on_drop: Callable[[Reject], None] | None = None,
) -> Iterator[PageJob | IngestOutcome]:
    """The records a command-line input holds, as jobs; what cannot be read is already its reject.

    ``warc_stats`` collects the WARC reader's counts, for the summary. ``on_drop`` is told of
    each WARC record the reader dropped for a failure (unreadable, not Indonesian), as it
    reads: those are counted in ``warc_stats``, not rejected, so they are no outcome here.
    """
    if item.kind == "records":
        yield from _record_jobs(item.path, read.max_bytes)
    elif item.kind == "warc":
        yield from _warc_jobs(item.path, warc_stats if warc_stats is not None else [], on_drop)
    else:
        yield PageJob(source=str(item.path), path=item.path)


def _record_jobs(path: Path, max_bytes: int) -> Iterator[PageJob | IngestOutcome]:
    try:
        for line in iter_records(path, max_bytes):
            label = f"{path}:{line.line_no}"
            if line.record is None:
                yield _rejected(Reject(label, "read", "RecordError", line.error or "unreadable line"))
                continue
            yield PageJob(source=label, record=line.record)
    except PageError as exc:
        yield _rejected(reject_of(str(path), "read", exc))


def _warc_jobs(
    path: Path, warc_stats: list[WarcStats], on_drop: Callable[[Reject], None] | None
) -> Iterator[PageJob | IngestOutcome]:
    from kabar.sources.warc import WarcError, WarcOptions, read_warc  # fastwarc: only for WARC input

    def dropped(drop: WarcDrop) -> None:
        if on_drop is not None:
            on_drop(reject_of_drop(drop))

    options = WarcOptions(on_drop=dropped)
    warc_stats.append(options.stats)
    try:
        for page in read_warc(path, options):
            yield PageJob(source=page.source or page.url or "page", page=page)
    except (WarcError, OSError) as exc:
        yield _rejected(reject_of(str(path), "read", exc))


class IngestorPool:
    """Up to ``size`` ingestors, each with its own guard worker process, each used by one thread
    at a time: ``size`` records are read and understood in parallel.

    The API's ingests (:mod:`kabar.serve.ingest_pool`) and batch ingest's workers
    (:mod:`kabar.ingest_batch`) both draw from one of these.
    """

    def __init__(
        self, archive: Archive, options: IngestOptions, size: int, guard_type: type[Guard] = Guard
    ) -> None:
        if size < 1:
            raise ValueError("the ingest pool needs at least one worker")
        self.size = size
        self._guard_type = guard_type
        self._archive = archive
        self._options = options
        self._lock = threading.Lock()
        # Last in, first out: the worker used last (warm, models loaded) goes first, so under
        # light load only one worker process is ever started.
        self._idle: list[Ingestor] = []
        self._all: list[Ingestor] = []
        self._closed = False

    def take(self) -> Ingestor:
        with self._lock:
            if self._closed:
                raise RuntimeError("the ingest pool is closed")
            if self._idle:
                return self._idle.pop()
            if len(self._all) >= self.size:
                raise RuntimeError(f"more than {self.size} ingestors taken at once")
            ingestor = Ingestor(self._archive, self._options, guard_type=self._guard_type)
            self._all.append(ingestor)
            return ingestor

    def give(self, ingestor: Ingestor) -> None:
        with self._lock:
            self._idle.append(ingestor)

    @contextmanager
    def lease(self) -> Iterator[Ingestor]:
        ingestor = self.take()
        try:
            yield ingestor
        finally:
            self.give(ingestor)

    @property
    def started(self) -> int:
        """Ingestors made so far (each starts its worker process on its first record)."""
        with self._lock:
            return len(self._all)

    def close(self) -> None:
        """End every worker process (the caller has let running jobs finish)."""
        with self._lock:
            self._closed = True
            ingestors, self._all, self._idle = self._all, [], []
        for ingestor in ingestors:
            ingestor.close()


__all__ = [
    "IngestOptions",
    "IngestOutcome",
    "IngestSummary",
    "Ingestor",
    "IngestorPool",
    "OutcomeStatus",
    "Prepared",
    "item_jobs",
]
