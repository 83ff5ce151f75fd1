"""Files ingested in a background thread while ``kabar run`` serves (``kabar run --ingest FILE``).

``make run`` hands the shipped sample (examples/) to ``kabar run``: on a first run the portal
answers from its first second and fills as the articles land, a notice on every page saying
how far loading has got, instead of a new user waiting for the whole sample before seeing
anything. On later runs every record is found unchanged: ingest is idempotent, so nothing
is stored twice.

The records go through the one ingest path (:class:`~kabar.ingest.Ingestor`, each under the
guard) into the engine's own archive, as ``POST /api/ingest`` does beside the engine.
"""

from __future__ import annotations

import gzip
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from kabar.archive.base import Archive
from kabar.archive.errors import ArchiveError
from kabar.ingest import IngestOptions, Ingestor, IngestSummary
from kabar.sources.files import InputItem, expand_paths

log = logging.getLogger("kabar.run")


@dataclass(slots=True, frozen=True)
class IngestProgress:
    total: int  # records expected: the lines of the record files, one per page file (WARCs unknown)
    done: int = 0  # records handled so far, whatever their outcome
    added: int = 0
    unchanged: int = 0  # already stored (an earlier run): counted, not stored again
    rejected: int = 0
    finished: bool = False
    error: str | None = None  # the archive's fault that ended loading early


def _expected(items: Sequence[InputItem]) -> int:
    """Records to expect: a count for the notice, read cheaply (lines of the record files)."""
    total = 0
    for item in items:
        if item.kind == "page":
            total += 1
        elif item.kind == "records":
            opener = gzip.open if item.path.name.lower().endswith(".gz") else open
            with opener(item.path, "rb") as fh:
                total += sum(1 for line in fh if line.strip())
    return total


def loading_notice(progress: IngestProgress) -> str | None:
    """What the portal says while the files load (Indonesian, like every page); None once done."""
    if progress.finished:
        return None
    of_total = f" dari {progress.total}" if progress.total else ""
    return (
        f"Arsip sedang diisi: {progress.done}{of_total} berita contoh sudah dimuat. "
        "Muat ulang halaman untuk melihat yang baru masuk."
    )


class BackgroundIngest:
    """Ingests files into an archive in a thread of its own; :meth:`progress` says how far it got."""

    def __init__(self, archive: Archive, paths: Sequence[Path], options: IngestOptions | None = None) -> None:
        self._archive = archive
        self._items = list(expand_paths(list(paths)))
        self._options = options or IngestOptions()
        self._progress = IngestProgress(total=_expected(self._items))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def progress(self) -> IngestProgress:
        return self._progress  # frozen: replaced whole, so a reader never sees half an update

    def notice(self) -> str | None:
        return loading_notice(self._progress)

    def start(self) -> None:
        # A daemon thread: a hard exit must not wait for it; close() is the orderly stop.
        self._thread = threading.Thread(target=self.run, name="kabar-background-ingest", daemon=True)
        self._thread.start()

    def run(self) -> IngestProgress:
        """Ingest every file in the calling thread (``start`` runs this in the background)."""
        summary = IngestSummary()
        error: str | None = None
        try:
            with Ingestor(self._archive, self._options) as ingestor:
                for item in self._items:
                    for outcome in ingestor.ingest_item(item):
                        summary.record(outcome)
                        self._update(summary)
                        if self._stop.is_set():
                            return self._finish(summary, None)
        except ArchiveError as exc:  # the archive's fault: said once; the portal serves what landed
            error = str(exc)
            log.warning("background ingest stopped: %s", exc)
        return self._finish(summary, error)

    def _update(self, summary: IngestSummary) -> None:
        self._progress = replace(
            self._progress,
            done=summary.total,
            added=summary.added + summary.updated + summary.copies,
            unchanged=summary.unchanged,
            rejected=summary.rejected,
        )

    def _finish(self, summary: IngestSummary, error: str | None) -> IngestProgress:
        self._update(summary)
        self._progress = replace(self._progress, finished=True, error=error)
        # One more commit, after the notice is gone: a page rendered between the last article's
        # commit and this point still says "loading", and the portal keeps pages until the archive
        # changes. The fetch log's pruning (what every engine round ends with) is that change.
        try:
            self._archive.fetch_log.prune()
        except ArchiveError as exc:
            log.warning("background ingest: %s", exc)
        p = self._progress
        log.warning(
            "ingested %d records in the background: %d added, %d already stored, %d rejected",
            p.done, p.added, p.unchanged, p.rejected,
        )  # fmt: skip
        return p

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for every file to be ingested (or ``timeout``); whether loading has finished."""
        if self._thread is not None:
            self._thread.join(timeout)
        return self._progress.finished

    def close(self, timeout: float = 30.0) -> None:
        """Stop after the record in hand (stored whole or not at all) and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)


__all__ = ["BackgroundIngest", "IngestProgress", "loading_notice"]
