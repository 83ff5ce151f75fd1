"""What every batch command shares: the guard's options, rejects in one line, the --rejects file, exit statuses.

Exit statuses of the batch commands (``kabar extract``, ``kabar ingest``, ``kabar fetch``):

- ``0``: every record succeeded;
- ``3``: some records were rejected and the others succeeded (with ``--strict``: the batch
  stopped at the first rejected record);
- ``1``: nothing could be done: a usage error, an archive that cannot be opened, no input,
  or every record rejected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

import typer
from rich.console import Console
from rich.markup import escape

from kabar.cli.common import fail
from kabar.guard import (
    CPU_SECONDS_MAX,
    CPU_SECONDS_MIN,
    MEMORY_MB_MAX,
    MEMORY_MB_MIN,
    GuardOptions,
    Reject,
)

EXIT_OK = 0
EXIT_NOTHING_DONE = 1
EXIT_SOME_REJECTED = 3

# --batch and --workers of `kabar ingest` (kabar.ingest_batch checks the same bounds; it is not
# imported here, since it brings extraction and understanding with it).
BATCH_MAX = 10_000
WORKERS_MAX = 64

EXIT_HELP = (
    "Exit status: 0 all records succeeded; 3 some were rejected (each named on stderr, "
    "counted in the summary); 1 nothing could be done."
)


def rejects_option() -> Any:
    return typer.Option(
        None,
        "--rejects",
        dir_okay=False,
        help="Write each rejected record to this file as one JSON object a line "
        "(source, stage, error, message).",
    )


def strict_option() -> Any:
    return typer.Option(False, "--strict", help="Stop at the first rejected record (exit status 3).")


def max_cpu_option(envvar: str | None = None) -> Any:
    return typer.Option(
        10.0,
        "--max-cpu-seconds",
        min=CPU_SECONDS_MIN,
        max=CPU_SECONDS_MAX,
        envvar=envvar,
        help="CPU time one record may take (reading, extraction, understanding) before it is rejected.",
    )


def max_memory_option(envvar: str | None = None) -> Any:
    return typer.Option(
        1024,
        "--max-memory-mb",
        min=MEMORY_MB_MIN,
        max=MEMORY_MB_MAX,
        envvar=envvar,
        help="Memory (address space, MB) one record may add before it is rejected.",
    )


def guard_options(max_cpu_seconds: float, max_memory_mb: int) -> GuardOptions:
    """The CLI's batches always isolate: a C-level call or a memory blow-up must not end the batch."""
    return GuardOptions(max_cpu_seconds=max_cpu_seconds, max_memory_mb=max_memory_mb, isolate=True)


class RejectReport:
    """Reports each reject in one line on stderr, writes it to ``--rejects``, counts it."""

    def __init__(self, path: Path | None, *, strict: bool = False, console: Console | None = None) -> None:
        self.strict = strict
        self.count = 0
        self._console = console or Console(stderr=True, highlight=False)
        self._file: IO[str] | None = None
        if path is not None:
            try:
                self._file = path.open("w", encoding="utf-8")
            except OSError as exc:
                fail(f"--rejects: cannot write {path}: {exc.strerror or exc}")

    def __enter__(self) -> RejectReport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def add(self, reject: Reject) -> None:
        self.count += 1
        self._console.print(f"[bold red]kabar:[/] rejected {escape(reject.line())}", soft_wrap=True)
        self.write(reject)

    def write(self, reject: Reject) -> None:
        """Into the ``--rejects`` file only: for a command that tells the terminal its own way
        (``kabar backfill`` names a few per WARC, not thousands)."""
        if self._file is not None:
            self._file.write(json.dumps(reject.to_dict(), ensure_ascii=False) + "\n")
            self._file.flush()  # a batch killed later still leaves the rejects so far

    @property
    def stop(self) -> bool:
        """True once ``--strict`` has seen a reject: the caller ends the batch."""
        return self.strict and self.count > 0

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def exit_status(self, succeeded: int) -> int:
        if self.count == 0:
            return EXIT_OK
        return EXIT_SOME_REJECTED if succeeded > 0 or self.strict else EXIT_NOTHING_DONE


__all__ = [
    "BATCH_MAX",
    "EXIT_HELP",
    "EXIT_NOTHING_DONE",
    "EXIT_OK",
    "EXIT_SOME_REJECTED",
    "WORKERS_MAX",
    "RejectReport",
    "guard_options",
    "max_cpu_option",
    "max_memory_option",
    "rejects_option",
    "strict_option",
]
