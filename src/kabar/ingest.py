"""The one ingest path: record → prepare → (known?) → understand → archive, one article per transaction.

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

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from kabar.archive.base import Archive
from kabar.archive.errors import ArchiveError
from kabar.guard import Guard, GuardOptions, Reject, reject_of
from kabar.model import Article, RawPage
from kabar.prepare import PageJob, prepare, readable, understand, warm_up
from kabar.sources.files import InputItem, PageError, ReadOptions, iter_records

if TYPE_CHECKING:
    from kabar.sources.warc import WarcStats

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


def _rejected(reject: Reject) -> IngestOutcome:
    return IngestOutcome(reject.source, "rejected", reject=reject)


class Ingestor:
    """Stores pages and articles in one archive, each record under the guard.

    Give a :class:`~kabar.guard.Guard` to share one worker among several ingestors;
    otherwise the ingestor starts its own and :meth:`close` ends it.
    """

    def __init__(
        self, archive: Archive, options: IngestOptions | None = None, guard: Guard | None = None
    ) -> None:
        self.archive = archive
        self.options = options or IngestOptions()
        self._own_guard = guard is None
        warm = warm_up if self.options.understand else None
        self.guard = guard if guard is not None else Guard(self.options.guard, warm=warm)
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
        if job.captured_at is None and self.options.captured_at is not None:
            job.captured_at = self.options.captured_at
        job.read = self.options.read
        prepared = self.guard.run(prepare, job, source=job.source)
        if prepared.reject is not None:
            return _rejected(prepared.reject)
        article = prepared.value
        assert article is not None
        why = readable(article)
        if why is not None:
            return _rejected(Reject(job.source, "extract", "NoArticle", why))
        limit = self.options.max_article_chars
        size = len(article.headline or "") + sum(len(p) for p in article.paragraphs)
        if limit is not None and size > limit:
            message = f"article text of {size} characters is over the limit of {limit}"
            return _rejected(Reject(job.source, "size", "TooLarge", message))
        try:
            known = self.archive.add_if_known(article)
        except ArchiveError:
            raise
        except Exception as exc:
            return _rejected(reject_of(job.source, "store", exc))
        if known is not None:
            return IngestOutcome(job.source, known.status, id=known.id, headline=article.headline)
        if self.options.understand:
            understood = self.guard.run(understand, article, source=job.source, spent=prepared.cpu_seconds)
            if understood.reject is not None:
                return _rejected(understood.reject)
            assert understood.value is not None
            article = understood.value
        return self._add(article, job.source)

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
        if item.kind == "records":
            yield from self._ingest_records(item.path)
        elif item.kind == "warc":
            yield from self._ingest_warc(item.path)
        else:
            yield self.ingest(PageJob(source=str(item.path), path=item.path))

    def _ingest_records(self, path: Path) -> Iterator[IngestOutcome]:
        try:
            for line in iter_records(path, self.options.read.max_bytes):
                label = f"{path}:{line.line_no}"
                if line.record is None:
                    yield _rejected(Reject(label, "read", "RecordError", line.error or "unreadable line"))
                    continue
                yield self.ingest(PageJob(source=label, record=line.record))
        except PageError as exc:
            yield _rejected(reject_of(str(path), "read", exc))

    def _ingest_warc(self, path: Path) -> Iterator[IngestOutcome]:
        from kabar.sources.warc import WarcError, WarcOptions, read_warc  # fastwarc: only for WARC input

        options = WarcOptions()
        self.warc_stats.append(options.stats)
        try:
            for page in read_warc(path, options):
                yield self.ingest_page(page)
        except (WarcError, OSError) as exc:
            yield _rejected(reject_of(str(path), "read", exc))


__all__ = ["IngestOptions", "IngestOutcome", "IngestSummary", "Ingestor", "OutcomeStatus"]
