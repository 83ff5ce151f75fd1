"""``kabar load``: finished shards → the archive, through ingest's own door, in time order.

Every article goes through :class:`kabar.ingest.Ingestor` (without understanding: the shard
carries the entities and time expressions the task found), so loading keeps ingest's rules:
a text the archive holds is "unchanged" or a copy, never stored twice, which makes a rerun
(or a load of overlapping shards) idempotent; an article that fails is a reject, counted,
and the load goes on. Stories are assigned as articles arrive, so the articles of all
shards are stored in one time order (published, else captured; undated last), not shard
by shard: what the sort needs (one timestamp per article) is read first, and the article
text is read a shard at a time as the order reaches it (a few shards are kept decoded).

Only shards with a done marker are loaded: a shard without one is incomplete.

``bulk=True`` (``kabar load --bulk``): the same rules and the same time order, but the articles
are stored a batch a transaction with their rows only (:func:`kabar.archive.batch_write.deferred_indexes`),
and the derived indexes (search, related news, duplicates, entities, stories) are built once at
the end, in id order (:func:`kabar.archive.bulk_index.build_pending`): the archive then answers
as after the one-by-one load. An interrupted bulk load leaves the stored articles *pending*; the
same command run again stores nothing twice and builds them.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Archive
from kabar.archive.batch_write import deferred_indexes
from kabar.archive.bulk_index import BuildReport, build_pending, require_search_indexer
from kabar.backfill.shard import finished_shards
from kabar.guard import GuardOptions, Reject, reject_of
from kabar.ingest import IngestOptions, Ingestor, IngestOutcome, IngestSummary
from kabar.model import Article
from kabar.prepare import PageJob
from kabar.serialize import article_from_dict

_UNDATED = 2**63 - 1  # after every real time
_CACHED_SHARDS = 8
BULK_BATCH = 256  # articles per transaction of a bulk load


class LoadError(ValueError):
    """A shard folder with nothing to load, or a shard that cannot be read."""


@dataclass(slots=True)
class LoadReport:
    shards: int = 0
    articles: int = 0
    summary: IngestSummary = field(default_factory=IngestSummary)
    built: BuildReport | None = None  # bulk mode: the indexes built at the end


@dataclass(slots=True, frozen=True)
class _Key:
    time: int
    shard: int
    row: int


def _read(path: Path, columns: list[str]) -> pa.Table:
    try:
        return pq.read_table(path, columns=columns)
    except (OSError, pa.ArrowException) as exc:
        raise LoadError(f"{path}: cannot read the shard: {exc}") from None


def _order(shards: list[Path]) -> list[_Key]:
    keys: list[_Key] = []
    for s, path in enumerate(shards):
        table = _read(path, ["published", "captured_at"])
        when = pc.coalesce(table.column("published"), table.column("captured_at"))
        micros = pc.fill_null(when.cast(pa.int64()), _UNDATED).to_pylist()
        keys.extend(_Key(t, s, r) for r, t in enumerate(micros))
    keys.sort(key=lambda k: (k.time, k.shard, k.row))
    return keys


class _ShardTexts:
    """The ``kabar_json`` column of the shards the order is in, a few at a time."""

    def __init__(self, shards: list[Path]) -> None:
        self.shards = shards
        self._cache: OrderedDict[int, list[str]] = OrderedDict()

    def text(self, shard: int, row: int) -> str:
        texts = self._cache.get(shard)
        if texts is None:
            texts = _read(self.shards[shard], ["kabar_json"]).column("kabar_json").to_pylist()
            self._cache[shard] = texts
            if len(self._cache) > _CACHED_SHARDS:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(shard)
        return texts[row]


def load_shards(
    out_dir: Path, archive: Archive, progress: Callable[[int], None] | None = None, *, bulk: bool = False
) -> LoadReport:
    """Store every finished shard's articles in ``archive``; ``progress`` gets a count now and then.

    Raises :class:`LoadError` when there is nothing to load or a shard is unreadable (before
    anything is stored: every shard's order column is read first), and what the archive
    raises for its own faults (:class:`kabar.archive.errors.ArchiveError`). ``bulk``: rows a
    batch at a time, the derived indexes built once at the end (see the module's note).
    """
    if not out_dir.is_dir():
        raise LoadError(f"{out_dir}: no such folder")
    shards = finished_shards(out_dir)
    if not shards:
        raise LoadError(f"{out_dir}: no finished shard (NAME.parquet with NAME.done) to load")
    sql = _bulk_archive(archive) if bulk else None
    report = LoadReport(shards=len(shards))
    order = _order(shards)
    texts = _ShardTexts(shards)
    # In-process guard: the articles are extracted already; what is left (gap filling, the
    # readability and size rules, storing) is ingest's, and cheap.
    options = IngestOptions(understand=False, guard=GuardOptions(isolate=False))
    batch: list[tuple[str, Article]] = []
    with Ingestor(archive, options) as ingestor:
        for n, key in enumerate(order, 1):
            source = f"{shards[key.shard].name}:{key.row + 1}"
            article = article_from_dict(json.loads(texts.text(key.shard, key.row)))
            report.articles += 1
            if sql is None:
                report.summary.record(ingestor.store(article, source))
            else:
                _bulk_take(ingestor, source, article, batch, report.summary)
            if progress is not None and n % 100 == 0:
                progress(100)
        _bulk_flush(archive, batch, report.summary)
    if progress is not None:
        progress(report.articles % 100)
    if sql is not None:
        report.built = build_pending(sql)
        for refused in report.built.refused:
            report.summary.added -= 1
            report.summary.record(
                IngestOutcome(
                    f"article {refused.id}", "rejected", reject=_index_reject(refused.id, refused.error)
                )
            )
    return report


def _bulk_archive(archive: Archive) -> CoreArchive:
    if not isinstance(archive, CoreArchive):
        raise LoadError(f"bulk loading needs an SQL archive, not {type(archive).__name__}")
    require_search_indexer(archive.indexers)
    return archive


def _bulk_take(
    ingestor: Ingestor,
    source: str,
    article: Article,
    batch: list[tuple[str, Article]],
    summary: IngestSummary,
) -> None:
    """Ingest's rules but storing (:meth:`~kabar.ingest.Ingestor.ready`); stored a batch at a time."""
    ready = ingestor.ready(PageJob(source=source, article=article))
    if isinstance(ready, IngestOutcome):
        summary.record(ready)
        return
    batch.append((source, ready))
    if len(batch) >= BULK_BATCH:
        _bulk_flush(ingestor.archive, batch, summary)


def _bulk_flush(archive: Archive, batch: list[tuple[str, Article]], summary: IngestSummary) -> None:
    if not batch:
        return
    with deferred_indexes():
        results = archive.add_batch([article for _, article in batch])
    for (source, article), done in zip(batch, results, strict=True):
        if done.result is not None:
            summary.record(
                IngestOutcome(source, done.result.status, id=done.result.id, headline=article.headline)
            )
        else:
            assert done.error is not None
            summary.record(IngestOutcome(source, "rejected", reject=reject_of(source, "store", done.error)))
    batch.clear()


def _index_reject(article_id: int, error: str) -> Reject:
    return Reject(f"article {article_id}", "index", "IndexError", error)


__all__ = ["LoadError", "LoadReport", "load_shards"]
