"""Ingest: page → extract → understand → archive, one article per transaction.

The same :class:`Ingestor` serves the CLI, the API and the live engine, so all
three store articles the same way. Failures are reported per input, never
raised past the caller: a bad page is an outcome, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from kabar.archive.base import Archive
from kabar.extract import ExtractError, extract
from kabar.model import Article, RawPage
from kabar.sources.files import InputItem, PageError, ReadOptions, iter_records, read_page
from kabar.sources.records import map_record
from kabar.understand import EnrichOptions, enrich

OutcomeStatus = Literal["added", "unchanged", "updated", "failed"]


@dataclass(slots=True, frozen=True)
class IngestOptions:
    understand: bool = True
    captured_at: datetime | None = None
    read: ReadOptions = field(default_factory=ReadOptions)


@dataclass(slots=True)
class IngestOutcome:
    source: str
    status: OutcomeStatus
    id: int | None = None
    headline: str | None = None
    reason: str | None = None


@dataclass(slots=True)
class IngestSummary:
    added: int = 0
    unchanged: int = 0
    updated: int = 0
    failed: int = 0
    failures: list[IngestOutcome] = field(default_factory=list)

    def record(self, outcome: IngestOutcome) -> None:
        if outcome.status == "failed":
            self.failed += 1
            self.failures.append(outcome)
        elif outcome.status == "added":
            self.added += 1
        elif outcome.status == "updated":
            self.updated += 1
        else:
            self.unchanged += 1

    @property
    def total(self) -> int:
        return self.added + self.unchanged + self.updated + self.failed


class Ingestor:
    """Stores pages and articles in one archive."""

    def __init__(self, archive: Archive, options: IngestOptions | None = None) -> None:
        self.archive = archive
        self.options = options or IngestOptions()
        self.last_warc_stats: object | None = None  # the WARC reader's counts, for the summary

    def store(self, article: Article, source: str) -> IngestOutcome:
        if not article.headline and not article.paragraphs:
            return IngestOutcome(source, "failed", reason="nothing readable: no headline and no body")
        known = self.archive.find_id(content_hash=article.content_hash)
        if known is not None:
            # The archive already holds this exact text (add() would say "unchanged"
            # whatever the URL): skip understanding, the costly part of ingest.
            article.id = known
            return IngestOutcome(source, "unchanged", id=known, headline=article.headline)
        if self.options.understand:
            enrich(article, EnrichOptions())
        result = self.archive.add(article)
        return IngestOutcome(source, result.status, id=result.id, headline=article.headline)

    def ingest_page(self, page: RawPage) -> IngestOutcome:
        label = page.source or page.url or "page"
        if page.captured_at is None and self.options.captured_at is not None:
            page.captured_at = self.options.captured_at
        try:
            article = extract(page)
        except ExtractError as exc:
            return IngestOutcome(label, "failed", reason=str(exc))
        return self.store(article, label)

    def ingest_item(self, item: InputItem) -> Iterator[IngestOutcome]:
        label = str(item.path)
        if item.kind == "records":
            yield from self._ingest_records(item.path)
            return
        if item.kind == "warc":
            yield from self._ingest_warc(item.path)
            return
        try:
            page = read_page(item.path, self.options.read)
        except PageError as exc:
            yield IngestOutcome(label, "failed", reason=str(exc))
            return
        yield self.ingest_page(page)

    def _ingest_records(self, path: Path) -> Iterator[IngestOutcome]:
        try:
            lines = iter_records(path, self.options.read.max_bytes)
            for line in lines:
                label = f"{path}:{line.line_no}"
                if line.record is None:
                    yield IngestOutcome(label, "failed", reason=line.error)
                    continue
                mapped = map_record(line.record, label)
                if mapped.error:
                    yield IngestOutcome(label, "failed", reason=mapped.error)
                elif mapped.page is not None:
                    yield self.ingest_page(mapped.page)
                elif mapped.article is not None:
                    yield self.store(mapped.article, label)
        except PageError as exc:
            yield IngestOutcome(str(path), "failed", reason=str(exc))

    def _ingest_warc(self, path: Path) -> Iterator[IngestOutcome]:
        import importlib

        warc = importlib.import_module("kabar.sources.warc")
        reader = getattr(warc, "read_warc", None)
        options_cls = getattr(warc, "WarcOptions", None)
        if reader is None or options_cls is None:
            yield IngestOutcome(str(path), "failed", reason="WARC reading is not available in this build")
            return
        options = options_cls()
        try:
            for page in reader(path, options):
                yield self.ingest_page(page)
        except (OSError, ValueError) as exc:
            yield IngestOutcome(str(path), "failed", reason=f"unreadable WARC ({exc})")
        self.last_warc_stats = getattr(options, "stats", None)
