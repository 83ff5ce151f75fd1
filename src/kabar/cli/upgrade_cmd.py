"""``kabar upgrade``: bring an archive made by an older kabar to this kabar's schema.

Reading commands open an archive read-only and never migrate it; they point here instead.
"""

from __future__ import annotations

import typer

from kabar.cli.common import DbOption, open_existing


def upgrade(db: str = DbOption) -> None:
    """Migrate an existing archive to this kabar's schema (writes to it; stored articles are kept)."""
    from kabar.archive.migrate import head_revision

    archive = open_existing(db, write=True)  # a writer's open migrates, all in one transaction
    try:
        count = archive.count()
    finally:
        archive.close()
    typer.echo(f"{db}: schema {head_revision()}, {count} articles")


def register(app: typer.Typer) -> None:
    app.command("upgrade")(upgrade)
