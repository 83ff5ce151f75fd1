"""``kabar ingest``, ``kabar list``, ``kabar show``: the archive from the command line."""

from __future__ import annotations

import json
from datetime import datetime
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kabar.cli.common import DEFAULT_DB, fail, open_existing
from kabar.serialize import article_to_dict, article_to_jsonld
from kabar.sources.files import expand_paths


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    json = "json"
    jsonld = "jsonld"


def _when(value: datetime | None) -> str:
    if value is None:
        return ""
    from kabar.lang import time as idtime

    formatter = getattr(idtime, "format_time", None)
    return formatter(value) if formatter else value.isoformat()


def _ingest(paths: list[Path], db: Path, understand: bool, quiet: bool) -> None:
    from kabar.archive.sqlite import open_archive
    from kabar.ingest import IngestOptions, Ingestor, IngestSummary

    missing = [p for p in paths if not p.exists()]
    for p in missing:
        fail(f"{p}: no such file or folder")
    items = list(expand_paths(paths))
    if not items:
        fail(
            "nothing to ingest: no .txt, .html, .html.gz, .jsonl or .warc files under "
            + ", ".join(map(str, paths))
        )
    try:
        archive = open_archive(db)
    except Exception as exc:
        fail(f"{db}: cannot open the archive ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
    ingestor = Ingestor(archive, IngestOptions(understand=understand))
    summary = IngestSummary()
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]ingest[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("files · {task.fields[articles]} stored · {task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        task = progress.add_task("ingest", total=len(items), articles=0, failed=0)
        for item in items:
            for outcome in ingestor.ingest_item(item):
                summary.record(outcome)
                progress.update(
                    task, articles=summary.added + summary.updated + summary.unchanged, failed=summary.failed
                )
            progress.advance(task)
    archive.close()
    out = Console(highlight=False)
    out.print(
        f"{summary.added} added, {summary.unchanged} unchanged, {summary.updated} updated, "
        f"{summary.failed} failed — archive {db}"
    )
    if ingestor.last_warc_stats is not None:
        out.print(f"WARC: {ingestor.last_warc_stats}")
    for failure in summary.failures[:50]:
        out.print(f"  failed: {failure.source}: {failure.reason}", soft_wrap=True)
    if len(summary.failures) > 50:
        out.print(f"  … and {len(summary.failures) - 50} more failures")
    if summary.failed and summary.failed == summary.total:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        paths: list[Path] = typer.Argument(
            ..., help="Files or folders: .txt, .html(.gz), .jsonl, .warc(.gz)."
        ),
        db: Path = typer.Option(DEFAULT_DB, "--db", help="The SQLite archive (created if absent)."),
        understand: bool = typer.Option(True, "--understand/--no-understand", help="Add entities and times."),
        quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
    ) -> None:
        """Extract and store pages and records; the same page twice is one article."""
        _ingest(paths, db, understand, quiet)

    @app.command("list")
    def list_command(
        db: Path = typer.Option(DEFAULT_DB, "--db", help="The SQLite archive."),
        limit: int = typer.Option(20, "--limit", "-n", min=1, max=10_000),
        outlet: str | None = typer.Option(None, "--outlet"),
        format: ListFormat = typer.Option(ListFormat.text, "--format", "-f"),
    ) -> None:
        """The newest articles in the archive."""
        from kabar.archive.base import ListQuery

        archive = open_existing(db)
        rows = archive.list_articles(ListQuery(limit=limit, outlet=outlet))
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
            table.add_row(str(r.id), _when(r.published), r.outlet or "", r.headline or "")
        Console().print(table)

    @app.command("show")
    def show_command(
        article_id: str = typer.Argument(..., metavar="ID"),
        db: Path = typer.Option(DEFAULT_DB, "--db", help="The SQLite archive."),
        format: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f"),
    ) -> None:
        """One article."""
        if not article_id.isdigit() or len(article_id) > 18:
            fail(f"article id must be a whole number, not {article_id[:40]!r}")
        archive = open_existing(db)
        article = archive.get(int(article_id))
        archive.close()
        if article is None:
            fail(f"no article {article_id} in {db}")
        if format is ShowFormat.json:
            typer.echo(json.dumps(article_to_dict(article), ensure_ascii=False, indent=2))
            return
        if format is ShowFormat.jsonld:
            typer.echo(json.dumps(article_to_jsonld(article), ensure_ascii=False, indent=2))
            return
        from kabar.cli.extract_cmd import _as_text

        console = Console(highlight=False)
        console.print(f"[dim]#{article.id}[/]", markup=True)
        console.print(_as_text(article), markup=False)
