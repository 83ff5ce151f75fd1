"""``kabar migrate --from SRC --to DST``: copy an archive between backends (either direction).

The copying, the id keeping and the checks are :mod:`kabar.archive.transfer`'s; this
module opens the two archives (the source read-only), shows progress and says the outcome.
"""

from __future__ import annotations

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import Archive
from kabar.cli.common import fail, open_existing, open_for_writing


def _sql_archive(archive: Archive, role: str) -> CoreArchive:
    if not isinstance(archive, CoreArchive):  # pragma: no cover - every backend is a CoreArchive today
        fail(f"the {role} archive's backend cannot be copied")
    return archive


def migrate(
    source: str = typer.Option(
        ..., "--from", help="The archive to copy: a path, sqlite:///FILE or postgresql://…"
    ),
    target: str = typer.Option(
        ..., "--to", help="Where to copy it: a new (empty) archive, on either backend."
    ),
    batch: int = typer.Option(200, "--batch", min=1, max=10_000, help="Articles read per batch."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Copy every article into another archive, rebuilding search, duplicates, entities and stories there.

    Articles keep their ids. Run it again after an interruption: it resumes.
    """
    from kabar.archive.transfer import CopyOptions, copy_archive

    if source == target:
        fail("--from and --to name the same archive")
    src = _sql_archive(open_existing(source), "source")
    dst = _sql_archive(open_for_writing(target), "target")
    console = Console(stderr=True, highlight=False)
    try:
        total = src.count()
        with Progress(
            TextColumn("[bold]migrate[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("articles"),
            TimeElapsedColumn(),
            console=console,
            disable=quiet,
        ) as progress:
            task = progress.add_task("migrate", total=total)
            report = copy_archive(src, dst, CopyOptions(batch=batch), lambda n: progress.advance(task, n))
    finally:
        src.close()
        dst.close()
    said = (
        f"{report.copied} articles copied, {report.already_there} already there; "
        f"{report.source_articles} in {src.url}, {report.target_articles} in {dst.url}"
    )
    if not report.verified:
        fail(f"the counts differ after copying: {said}")
    typer.echo(said + " (counts agree; search, duplicates, entities and stories rebuilt)")


def register(app: typer.Typer) -> None:
    app.command("migrate")(migrate)
