"""``kabar export``: the archive's articles as a dataset file (JSON Lines, Parquet or CSV).

The schema is docs/EXPORT.md's. Errors are one line and a non-zero status, as elsewhere:
a bad option or path is 1 (nothing was read), an archive fault is 4
(:mod:`kabar.cli.common`); in every case nothing is left under the output's name.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from kabar.archive.article_stream import StreamQuery, UnsearchableQuery
from kabar.cli.common import DbOption, err_console, fail, open_existing
from kabar.cli.search_cmd import parse_when
from kabar.export.options import ExportFormat, RecordOptions

_SUFFIXES = {".jsonl": ExportFormat.jsonl, ".parquet": ExportFormat.parquet, ".csv": ExportFormat.csv}


@dataclass(slots=True, frozen=True)
class ExportRun:
    db: str
    out: Path
    format: ExportFormat
    query: StreamQuery
    with_entities: bool = False
    quiet: bool = False
    force: bool = False


def _format_of(out: Path, given: ExportFormat | None) -> ExportFormat:
    if given is not None:
        return given
    found = _SUFFIXES.get(out.suffix.lower())
    if found is None:
        fail(f"--format: say jsonl, parquet or csv (the name {escape(out.name[:80])!r} does not tell)")
    return found


def _check_out(out: Path, force: bool) -> None:
    """Refuse, before the archive is read, an output that cannot be right."""
    shown = escape(str(out))
    if out.is_dir():
        fail(f"--out {shown} is a folder; name the file to write")
    if not out.parent.is_dir():
        fail(f"--out {shown}: the folder {escape(str(out.parent))} does not exist")
    if not os.access(out.parent, os.W_OK | os.X_OK):
        fail(f"--out {shown}: cannot write in {escape(str(out.parent))} (permission denied)")
    if out.exists() and not force:
        fail(f"--out {shown} exists; use --force to replace it")


def _progress(quiet: bool) -> Progress:
    return Progress(
        TextColumn("[bold]export[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("articles"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err_console(),
        disable=quiet,
        transient=True,  # the summary line replaces it
    )


def _export(run: ExportRun) -> None:
    from kabar.export.run import ExportOptions, export_articles

    q = run.query
    if q.since is not None and q.until is not None and q.since >= q.until:
        fail("--since is not before --until: the time range is empty")
    archive = open_existing(run.db)
    with contextlib.closing(archive):
        if q.story is not None and archive.stories.summary(q.story) is None:
            fail(f"no story {q.story} in {escape(run.db)} (see `kabar stories`)")
        try:
            total = archive.count_matching(q)
        except UnsearchableQuery as exc:
            fail(f"--query: {escape(str(exc))}")
        options = ExportOptions(
            out=run.out, format=run.format, query=q, records=RecordOptions(with_entities=run.with_entities)
        )
        try:
            with _progress(run.quiet) as progress:
                task = progress.add_task("export", total=total)
                report = export_articles(archive, options, lambda n: progress.advance(task, n))
        except OSError as exc:  # the bar is gone (transient): the error is the one line
            fail(f"cannot write {escape(str(run.out))}: {escape(exc.strerror or str(exc))}")
    Console(highlight=False).print(
        f"{report.articles:,} articles → {escape(str(report.out))} ({run.format.value}, "
        f"{report.bytes / 1e6:,.1f} MB)",
        markup=False,
    )


def register(app: typer.Typer) -> None:
    @app.command("export")
    def export_command(
        out: Path = typer.Option(..., "--out", "-o", help="The file to write (replaced only with --force)."),
        db: str = DbOption,
        format: ExportFormat | None = typer.Option(
            None, "--format", "-f", help="jsonl, parquet or csv (default: from --out's suffix)."
        ),
        since: str | None = typer.Option(
            None, "--since", help="Published from this date/time (WIB if no zone)."
        ),
        until: str | None = typer.Option(
            None, "--until", help="Published up to this date (inclusive) or time."
        ),
        outlet: str | None = typer.Option(None, "--outlet", help="Only this outlet (e.g. kompas)."),
        query: str | None = typer.Option(
            None, "--query", help='Only articles with all these words and "phrases" (as `kabar search`).'
        ),
        story: int | None = typer.Option(None, "--story", min=1, help="Only this story's articles."),
        with_entities: bool = typer.Option(
            False, "--with-entities", help="Add entities and time expressions (nested columns)."
        ),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
        force: bool = typer.Option(False, "--force", help="Replace --out if it exists."),
    ) -> None:
        """Write the archive's articles (all, or those matching the filters) as a dataset file.

        Streams in pages (memory stays flat at any archive size); the file appears under its
        name only when complete. Schema: docs/EXPORT.md.
        """
        _check_out(out, force)
        stream = StreamQuery(
            since=parse_when(since, "--since"),
            until=parse_when(until, "--until", end_of_day=True),
            outlet=outlet.strip() if outlet and outlet.strip() else None,
            story=story,
            text=query,
        )
        _export(
            ExportRun(
                db=db,
                out=out,
                format=_format_of(out, format),
                query=stream,
                with_entities=with_entities,
                quiet=quiet,
                force=force,
            )
        )


__all__ = ["register"]
