"""One Parquet shard per WARC, and the done marker that says it is complete.

A shard has ``kabar export``'s columns (docs/EXPORT.md, with entities and time
expressions) plus two of its own: ``warc_record`` (the WARC file and record id the
article came from) and ``kabar_json`` (the article in kabar's JSON, :mod:`kabar.serialize`,
from which ``kabar load`` rebuilds it losslessly). ``id`` is the row's number in the shard
(from 1): the article has no archive id yet; ``story_id`` and ``duplicate_group`` are empty.

Completion is two steps, each atomic: the shard is written (a row group per batch, so
memory stays flat) under a temporary name and renamed (:func:`kabar.export.writers.atomic_output`), then the marker ``NAME.done`` (JSON:
the WARC's size and modification time, the row count, the reader's counts) is written the
same way. A WARC counts as done only when its marker matches the WARC as it is now and the
shard's footer holds the marker's row count; anything else (killed mid-write, killed
between the two steps, a WARC replaced by a complete download) is done again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from kabar.archive.article_stream import StreamedArticle
from kabar.export.arrow_page import PageTables
from kabar.export.options import RecordOptions
from kabar.export.writers import atomic_output
from kabar.model import Article
from kabar.serialize import article_to_dict

SHARD_SUFFIX = ".parquet"
MARKER_SUFFIX = ".done"
_RECORDS = RecordOptions(with_entities=True)
_EXTRA_FIELDS = [pa.field("warc_record", pa.string()), pa.field("kabar_json", pa.string(), nullable=False)]


def shard_schema() -> pa.Schema:
    """The export schema with entities, plus ``warc_record`` and ``kabar_json``."""
    base = PageTables(_RECORDS).schema
    return pa.schema([*base, *_EXTRA_FIELDS], metadata={"kabar.export": "1", "kabar.shard": "1"})


def shard_name(warc: Path) -> str:
    """``NAME-HASH``: the WARC's name without its suffixes, and a hash of its full path, so two
    WARCs of one name in different folders get different shards."""
    stem = warc.name
    for suffix in (".gz", ".warc", ".arc"):
        stem = stem.removesuffix(suffix)
    digest = hashlib.sha1(str(warc.resolve()).encode("utf-8")).hexdigest()[:10]
    return f"{stem}-{digest}"


@dataclass(slots=True, frozen=True)
class ShardPaths:
    shard: Path
    marker: Path

    @classmethod
    def of(cls, warc: Path, out_dir: Path) -> ShardPaths:
        name = shard_name(warc)
        return cls(out_dir / f"{name}{SHARD_SUFFIX}", out_dir / f"{name}{MARKER_SUFFIX}")


@dataclass(slots=True)
class Marker:
    warc: str
    warc_size: int
    warc_mtime_ns: int
    rows: int
    records_read: int = 0
    records_kept: int = 0
    dropped: dict[str, int] = field(default_factory=dict)
    rejected: int = 0
    stopped_early: str | None = None  # the WARC broke off here (truncated): the shard holds what came before

    @classmethod
    def read(cls, path: Path) -> Marker | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None


@dataclass(slots=True, frozen=True)
class ShardRow:
    """A row as the shard needs it: the article's stored JSON text (:func:`article_json`), not the
    article, so a backfill's guard worker hands back one string per record."""

    json_text: str
    content_hash: str
    warc_record: str

    @classmethod
    def of(cls, article: Article, warc_record: str) -> ShardRow:
        return cls(article_json(article), article.content_hash, warc_record)


def article_json(article: Article) -> str:
    """The stored form's exact text (json.dumps with its default separators): what the
    export's Arrow decoding expects, and what `kabar load` decodes again."""
    return json.dumps(article_to_dict(article), ensure_ascii=False)


def is_done(warc: Path, paths: ShardPaths) -> bool:
    """Whether the WARC's shard is complete and made from the WARC as it is now."""
    marker = Marker.read(paths.marker)
    if marker is None:
        return False
    try:
        st = warc.stat()
        rows = pq.read_metadata(paths.shard).num_rows
    except (OSError, pa.ArrowException):  # no shard, or not a whole Parquet file
        return False
    return st.st_size == marker.warc_size and st.st_mtime_ns == marker.warc_mtime_ns and rows == marker.rows


def shard_table(rows: Sequence[ShardRow]) -> pa.Table:
    schema = shard_schema()
    if not rows:
        return schema.empty_table()
    streamed = [
        StreamedArticle(id=n, json_text=r.json_text, content_hash=r.content_hash)
        for n, r in enumerate(rows, 1)
    ]
    table = PageTables(_RECORDS).table(streamed)
    table = table.append_column(_EXTRA_FIELDS[0], pa.array([r.warc_record for r in rows], pa.string()))
    table = table.append_column(_EXTRA_FIELDS[1], pa.array([r.json_text for r in rows], pa.string()))
    return table.replace_schema_metadata(schema.metadata)


def write_marker(paths: ShardPaths, marker: Marker) -> None:
    with atomic_output(paths.marker) as part:
        part.write_text(json.dumps(asdict(marker), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


class ShardWriter:
    """Rows → the shard, a row group per ``batch`` rows (memory stays one batch, whatever the WARC).

    Entering removes the old marker (the shard is being redone); leaving normally renames the
    complete file into place; an exception leaves nothing under the shard's name.
    """

    def __init__(self, paths: ShardPaths, batch: int = 256) -> None:
        self.paths = paths
        self.batch = batch
        self.rows = 0
        self._pending: list[ShardRow] = []
        self._stack = contextlib.ExitStack()
        self._writer: pq.ParquetWriter | None = None

    def __enter__(self) -> ShardWriter:
        self.paths.marker.unlink(missing_ok=True)
        part = self._stack.enter_context(atomic_output(self.paths.shard))
        self._writer = pq.ParquetWriter(part, shard_schema(), compression="zstd")
        return self

    def add(self, row: ShardRow) -> None:
        self._pending.append(row)
        if len(self._pending) >= self.batch:
            self._flush()

    def _flush(self) -> None:
        assert self._writer is not None
        if self._pending:
            self._writer.write_table(shard_table(self._pending))
            self.rows += len(self._pending)
            self._pending = []

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        assert self._writer is not None
        try:
            if exc_type is None:
                self._flush()
        finally:
            self._writer.close()  # the footer; on an error the part file is removed below
            self._stack.__exit__(exc_type, exc, tb)  # type: ignore[arg-type]


def finished_shards(out_dir: Path) -> list[Path]:
    """The shards in ``out_dir`` with a marker (a shard without one is incomplete), by name."""
    return sorted(p for p in out_dir.glob(f"*{SHARD_SUFFIX}") if p.with_suffix(MARKER_SUFFIX).is_file())


__all__ = [
    "MARKER_SUFFIX",
    "SHARD_SUFFIX",
    "Marker",
    "ShardPaths",
    "ShardRow",
    "ShardWriter",
    "article_json",
    "finished_shards",
    "is_done",
    "shard_name",
    "shard_schema",
    "shard_table",
    "write_marker",
]
