"""Rows → a file: JSON Lines, Parquet or CSV, written under a temporary name and renamed at the end.

Every writer takes rows a page at a time and keeps none of them: Parquet writes each page
as a row group, JSON Lines and CSV write lines. A reader of the final path sees either the
whole export or nothing: the file is written as ``.NAME.part-PID`` beside it (same folder,
so the rename is atomic), flushed to disk and renamed; an error or Ctrl-C removes the part
file, and a killed process leaves only the part file, never a half-written NAME.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import IO, Any, Protocol

import pyarrow.parquet as pq

from kabar.archive.article_stream import StreamedArticle
from kabar.export.arrow_page import PageTables
from kabar.export.options import ExportFormat, RecordOptions
from kabar.export.records import article_record, export_schema


class PageWriter(Protocol):
    def write(self, page: Sequence[StreamedArticle]) -> None: ...

    def close(self) -> None:
        """Finish the file (Parquet's footer); the caller then syncs and renames it."""
        ...


def _plain(value: Any) -> Any:
    """JSON's form of what ``json`` cannot write itself: times as ISO 8601 with their offset."""
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot export a {type(value).__name__}")


class JsonlWriter:
    def __init__(self, fh: IO[str], options: RecordOptions) -> None:
        self.fh = fh
        self.options = options

    def write(self, page: Sequence[StreamedArticle]) -> None:
        self.fh.writelines(
            json.dumps(article_record(a, self.options), ensure_ascii=False, default=_plain) + "\n"
            for a in page
        )

    def close(self) -> None:
        self.fh.flush()


# CSV has no lists: ``body`` carries the paragraphs (joined by blank lines), so the list
# itself is left out; other lists and nested values are JSON text in their cell.
CSV_LEFT_OUT = frozenset({"paragraphs"})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return value


class CsvWriter:
    def __init__(self, fh: IO[str], options: RecordOptions) -> None:
        self.fh = fh
        self.options = options
        self.columns = [c for c in export_schema(options).names if c not in CSV_LEFT_OUT]
        self.csv = csv.writer(fh)
        self.csv.writerow(self.columns)

    def write(self, page: Sequence[StreamedArticle]) -> None:
        rows = (article_record(a, self.options) for a in page)
        self.csv.writerows([_cell(row.get(c)) for c in self.columns] for row in rows)

    def close(self) -> None:
        self.fh.flush()


class ParquetWriter:
    """Each page one row group (zstd), decoded by Arrow: memory stays one page."""

    def __init__(self, fh: IO[bytes], options: RecordOptions) -> None:
        self.tables = PageTables(options)
        self.writer = pq.ParquetWriter(fh, self.tables.schema, compression="zstd")

    def write(self, page: Sequence[StreamedArticle]) -> None:
        if page:
            self.writer.write_table(self.tables.table(page))

    def close(self) -> None:
        self.writer.close()


def part_path(out: Path) -> Path:
    """Where an export is written before it is complete (hidden, beside ``out``, one per process)."""
    return out.with_name(f".{out.name}.part-{os.getpid()}")


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def remove_stale_parts(out: Path) -> list[Path]:
    """Part files of ``out`` left by killed exports (their process is gone); returns those removed."""
    removed = []
    for part in out.parent.glob(f".{out.name}.part-*"):
        pid = part.name.rpartition("-")[2]
        if pid.isdigit() and not _alive(int(pid)):
            part.unlink(missing_ok=True)
            removed.append(part)
    return removed


@contextlib.contextmanager
def atomic_output(out: Path) -> Iterator[Path]:
    """A part path to write; renamed to ``out`` when the block ends normally, else removed.

    A killed export's part file is removed by the next export to the same name.
    """
    remove_stale_parts(out)
    part = part_path(out)
    try:
        yield part
        _sync(part)
        os.replace(part, out)
    except BaseException:
        part.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def open_writer(part: Path, format: ExportFormat, options: RecordOptions) -> Iterator[PageWriter]:
    """A writer of ``format`` into ``part``; the file is complete once the block ends normally."""
    if format is ExportFormat.parquet:
        # Opened here, not by Arrow: a refusal is Python's OSError with its plain reason.
        with part.open("wb") as raw:
            writer = ParquetWriter(raw, options)
            try:
                yield writer
            finally:
                writer.close()
        return
    # newline="": the csv module writes its own line ends, and JSON Lines are "\n" everywhere.
    with part.open("w", encoding="utf-8", newline="") as fh:
        text_writer: PageWriter = (
            JsonlWriter(fh, options) if format is ExportFormat.jsonl else CsvWriter(fh, options)
        )
        yield text_writer
        text_writer.close()


__all__ = [
    "CSV_LEFT_OUT",
    "CsvWriter",
    "ExportFormat",
    "JsonlWriter",
    "PageWriter",
    "ParquetWriter",
    "atomic_output",
    "open_writer",
    "part_path",
    "remove_stale_parts",
]
