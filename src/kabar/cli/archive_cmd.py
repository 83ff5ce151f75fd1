"""``kabar ingest``, ``kabar list``, ``kabar show``: the archive from the command line."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Archive
from kabar.archive.batch_write import BatchArchive
from kabar.archive.copy_store import article_chain, copies_json
from kabar.cli.batch import (
    BATCH_MAX,
    EXIT_HELP,
    WORKERS_MAX,
    RejectReport,
    guard_options,
    max_cpu_option,
    max_memory_option,
    rejects_option,
    strict_option,
)
from kabar.cli.common import DbOption, fail, open_existing, open_for_writing
from kabar.guard import GuardOptions, Reject
from kabar.serialize import article_to_dict, article_to_jsonld
from kabar.sources.files import expand_paths

if TYPE_CHECKING:  # fastwarc loads only for WARC input; ingest only for `kabar ingest`
    from kabar.archive.bulk_index import BuildReport
    from kabar.ingest import IngestOptions
    from kabar.ingest_batch import BatchIngest, BatchOptions
    from kabar.sources.warc import WarcStats


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    jsonld = "jsonld"


def _when(value: datetime | None, precision: str | None = None) -> str:
    if value is None:
        return ""
    from kabar.lang.time import format_day, format_time

    # A day-only time is its date, without the clock of its stored midnight (Article.published_precision).
    return format_day(value) if precision == "day" else format_time(value)


@dataclass(slots=True, frozen=True)
class IngestRun:
    paths: list[Path]
    db: str
    understand: bool = True
    quiet: bool = False
    rejects: Path | None = None
    strict: bool = False
    guard: GuardOptions = field(default_factory=GuardOptions)
    workers: int = 1
    batch_size: int = 64
    bulk: bool = False


def _ingest(run: IngestRun) -> None:
    from kabar.ingest import IngestOptions, IngestOutcome, IngestSummary, item_jobs
    from kabar.ingest_batch import BatchOptions
    from kabar.prepare import PageJob

    missing = [p for p in run.paths if not p.exists()]
    for p in missing:
        fail(f"{p}: no such file or folder")
    items = list(expand_paths(run.paths))
    if not items:
        fail(
            "nothing to ingest: no .txt, .html, .html.gz, .jsonl or .warc files under "
            + ", ".join(map(str, run.paths))
        )
    archive = open_for_writing(run.db)
    summary = IngestSummary()
    console = Console(stderr=True, highlight=False)
    options = IngestOptions(understand=run.understand, guard=run.guard)
    warc_stats: list[WarcStats] = []
    if not run.bulk:
        _warn_pending(archive, console, run.db)
    batch = BatchOptions(batch_size=run.batch_size, workers=run.workers, defer_indexes=run.bulk)
    built: BuildReport | None = None
    with (
        contextlib.closing(archive),  # also when the archive itself fails (ArchiveError): one line, above
        RejectReport(run.rejects, strict=run.strict, console=console) as report,
        _bulk_ingest(archive, options, batch) as bulk,
        Progress(
            TextColumn("[bold]ingest[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files · {task.fields[articles]} stored · {task.fields[rejected]} rejected"),
            TimeElapsedColumn(),
            console=console,
            disable=run.quiet,
            transient=False,
        ) as progress,
    ):
        task = progress.add_task("ingest", total=len(items), articles=0, rejected=0)

        def entries() -> Iterator[PageJob | IngestOutcome]:
            # Files are counted as they are read: the workers are a little ahead of the writer.
            # A WARC record the reader drops for a failure goes to --rejects only (as in
            # `kabar backfill`): it is counted in the WARC line, not as a reject. This runs in
            # the thread that reads the outcomes, so the file has one writer.
            for item in items:
                yield from item_jobs(item, options.read, warc_stats, on_drop=report.write)
                progress.advance(task)

        for outcome in bulk.run(entries()):
            summary.record(outcome)
            if outcome.reject is not None:
                report.add(outcome.reject)
            progress.update(task, articles=summary.stored, rejected=summary.rejected)
            if report.stop:
                break
        if run.bulk:  # also after --strict stopped: what was stored gets its indexes
            built = _build_indexes(bulk, progress)
            for refused in built.refused:
                report.add(Reject(f"article {refused.id}", "index", "IndexError", refused.error))
                summary.added -= 1
                summary.rejected += 1
    out = Console(highlight=False)
    out.print(
        f"{summary.added} added, {summary.unchanged} unchanged, {summary.updated} updated, "
        f"{summary.rejected} rejected; {summary.copies} copies recorded; "
        f"{_write_retries(archive)} write retries — archive {run.db}"
        + (" (stopped at the first rejected record: --strict)" if report.stop else "")
    )
    if built is not None:
        out.print(
            f"bulk: indexes built once for {built.articles} articles "
            f"({built.chunks} chunks, {built.seconds:.1f} s)"
        )
    for stats in warc_stats:
        out.print(f"WARC: {stats}")
    status = report.exit_status(summary.stored)
    if status:
        raise typer.Exit(status)


def _bulk_ingest(archive: Archive, options: IngestOptions, batch: BatchOptions) -> BatchIngest:
    from kabar.archive.bulk_index import BulkModeRefused
    from kabar.ingest_batch import BatchIngest

    try:
        return BatchIngest(archive, options, batch)
    except (BulkModeRefused, TypeError) as exc:
        archive.close()
        fail(escape(str(exc)))


def _build_indexes(bulk: BatchIngest, progress: Progress) -> BuildReport:
    from kabar.archive.bulk_index import pending_count

    archive = bulk.archive
    assert isinstance(archive, CoreArchive)  # BatchIngest refused any other in bulk mode
    task = progress.add_task("index", total=pending_count(archive), articles=0, rejected=0)
    return bulk.build_indexes(lambda n: progress.advance(task, n))


def _write_retries(archive: Archive) -> int:
    """Write transactions run again after a deadlock with another writer (0 among kabar's own)."""
    return archive.write_retries if isinstance(archive, BatchArchive) else 0


def _warn_pending(archive: Archive, console: Console, db: str) -> None:
    """An interrupted bulk load left articles unindexed: indexing new ones first would index
    them out of ingest order, so say how to finish it."""
    from kabar.archive.bulk_index import newest_pending

    if isinstance(archive, CoreArchive) and newest_pending(archive):
        console.print(
            f"[bold yellow]kabar:[/] {escape(db)} holds articles of an interrupted bulk load whose "
            "indexes are not built yet; run `kabar ingest --bulk` (any input, or the same again) to "
            "build them",
            soft_wrap=True,
        )


def register(app: typer.Typer) -> None:
    @app.command("ingest", epilog=EXIT_HELP)
    def ingest_command(
        paths: list[Path] = typer.Argument(
            ..., help="Files or folders: .txt, .html(.gz), .jsonl, .warc(.gz)."
        ),
        db: str = DbOption,
        understand: bool = typer.Option(True, "--understand/--no-understand", help="Add entities and times."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
        rejects: Path | None = rejects_option(),
        strict: bool = strict_option(),
        max_cpu_seconds: float = max_cpu_option(),
        max_memory_mb: int = max_memory_option(),
        workers: int = typer.Option(
            1,
            "--workers",
            "-w",
            min=1,
            max=WORKERS_MAX,
            help="Processes reading and understanding records at once (one writer stores them, in order).",
        ),
        batch_size: int = typer.Option(
            64,
            "--batch",
            min=1,
            max=BATCH_MAX,
            help="Articles stored per transaction (each one still all or nothing).",
        ),
        bulk: bool = typer.Option(
            False,
            "--bulk",
            help="Bulk mode: store the articles first, then build search, related news, duplicates, "
            "entities and stories once at the end (same result, for large loads). Interrupted: "
            "run it again to finish.",
        ),
    ) -> None:
        """Extract and store pages and records; the same page twice is one article.

        Each record runs under a CPU and memory budget: a record that fails or goes over is
        rejected (one line on stderr, nothing of it stored) and the others go on. Articles are
        stored in batches (--batch) in input order, whatever the number of --workers; a batch
        interrupted is stored whole or not at all, and the same command run again resumes.
        """
        _ingest(
            IngestRun(
                paths=paths,
                db=db,
                understand=understand,
                quiet=quiet,
                rejects=rejects,
                strict=strict,
                guard=guard_options(max_cpu_seconds, max_memory_mb),
                workers=workers,
                batch_size=batch_size,
                bulk=bulk,
            )
        )

    @app.command("list")
    def list_command(
        db: str = DbOption,
        limit: int = typer.Option(20, "--limit", "-n", min=1, max=10_000, help="Articles per page."),
        offset: int = typer.Option(0, "--offset", min=0, help="Skip this many (paging: the next page)."),
        outlet: str | None = typer.Option(None, "--outlet"),
        format: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    ) -> None:
        """The newest articles in the archive, a page at a time (a whole archive: `kabar export`)."""
        from kabar.archive.base import ListQuery

        archive = open_existing(db)
        rows = archive.list_articles(ListQuery(limit=limit, offset=offset, outlet=outlet))
        total = archive.count()
        archive.close()
        if format is ListFormat.json:
            typer.echo(
                json.dumps(
                    [
                        {
                            "id": r.id,
                            "headline": r.headline,
                            "published": r.published.isoformat() if r.published else None,
                            "published_precision": r.published_precision,
                            "outlet": r.outlet,
                            "url": r.url,
                        }
                        for r in rows
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        table = Table(title=f"{total} articles in {db}", title_justify="left")
        table.add_column("id", justify="right")
        table.add_column("waktu")
        table.add_column("media")
        table.add_column("judul")
        for r in rows:
            table.add_row(
                str(r.id), _when(r.published, r.published_precision), r.outlet or "", r.headline or ""
            )
        Console().print(table)
        if offset + len(rows) < total and len(rows) == limit:
            # The next page, said where a person reads it (a filtered list may end sooner).
            Console(stderr=True, highlight=False).print(
                f"{offset + 1:,}–{offset + len(rows):,} shown; next page: --offset {offset + len(rows)}",
                markup=False,
            )

    @app.command("show")
    def show_command(
        article_id: str = typer.Argument(..., metavar="ID"),
        db: str = DbOption,
        format: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f"),
    ) -> None:
        """One article."""
        if not article_id.isdigit() or len(article_id) > 18:
            fail(f"article id must be a whole number, not {article_id[:40]!r}")
        archive = open_existing(db)
        try:
            article = archive.get(int(article_id))
            copies = archive.copies.copies_of(int(article_id)) if article is not None else []
        finally:
            archive.close()
        if article is None:
            fail(f"no article {article_id} in {db}")
        chain = article_chain(article, copies)
        if format is ShowFormat.json:
            answer = {**article_to_dict(article), **copies_json(chain)}
            typer.echo(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        if format is ShowFormat.jsonld:
            typer.echo(json.dumps(article_to_jsonld(article), ensure_ascii=False, indent=2))
            return
        from kabar.cli.extract_cmd import _as_text

        console = Console(highlight=False)
        console.print(f"[dim]#{article.id}[/]", markup=True)
        console.print(_as_text(article), markup=False)
        if copies:
            console.print("\nJuga dimuat di:", markup=False)
            for a in chain:
                mark = " (pertama)" if a.first else ""
                own = " [asli]" if a.original else ""
                line = f"  {_when(a.published or a.first_seen)}  {a.outlet or '-'}  {a.url or ''}{own}{mark}"
                console.print(line, markup=False)
