"""The ``kabar`` command: one small module per command group, registered here."""

from __future__ import annotations

import typer

from kabar.cli import (
    archive_cmd,
    backfill_cmd,
    export_cmd,
    extract_cmd,
    link_cmd,
    migrate_cmd,
    run_cmd,
    search_cmd,
    serve_cmd,
    stories_cmd,
    tag_cmd,
    timex_cmd,
    upgrade_cmd,
)
from kabar.cli.common import KabarGroup

app = typer.Typer(
    name="kabar",
    cls=KabarGroup,
    help="kabar: an open-source news engine for Indonesian-language news.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print kabar's version."""
    from kabar import __version__

    typer.echo(__version__)


for _module in (
    extract_cmd,
    archive_cmd,
    search_cmd,
    export_cmd,
    backfill_cmd,
    link_cmd,
    tag_cmd,
    timex_cmd,
    stories_cmd,
    serve_cmd,
    run_cmd,
    upgrade_cmd,
    migrate_cmd,
):
    _module.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()
