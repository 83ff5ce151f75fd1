"""``export_articles``: the archive's stream of matching articles, written to one file.

The archive hands over a page of articles at a time (:mod:`kabar.archive.article_stream`);
each page becomes rows (:mod:`kabar.export.records`) and goes to the writer
(:mod:`kabar.export.writers`) before the next page is read, so memory is one page
whatever the archive's size. The file appears under its final name only when complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kabar.archive.article_stream import StreamQuery
from kabar.archive.base import Archive
from kabar.export.options import ExportFormat, RecordOptions
from kabar.export.writers import atomic_output, open_writer


@dataclass(slots=True, frozen=True)
class ExportOptions:
    out: Path
    format: ExportFormat = ExportFormat.parquet
    query: StreamQuery = field(default_factory=StreamQuery)
    records: RecordOptions = field(default_factory=RecordOptions)


@dataclass(slots=True)
class ExportReport:
    out: Path
    articles: int = 0
    bytes: int = 0


def export_articles(
    archive: Archive, options: ExportOptions, progress: Callable[[int], None] | None = None
) -> ExportReport:
    """Write every article matching ``options.query`` to ``options.out``; ``progress`` gets each page's count.

    Raises what the archive raises (``ArchiveError``), ``UnsearchableQuery`` for search
    words with nothing to search, and ``OSError`` when the file cannot be written; in
    every case nothing is left under ``options.out``.
    """
    report = ExportReport(out=options.out)
    with atomic_output(options.out) as part, open_writer(part, options.format, options.records) as writer:
        for page in archive.stream_articles(options.query):
            writer.write(page.articles)
            report.articles += len(page.articles)
            if progress is not None:
                progress(len(page.articles))
    report.bytes = options.out.stat().st_size
    return report


__all__ = ["ExportOptions", "ExportReport", "export_articles"]
