"""``kabar serve``: the portal and the JSON API over one archive (uvicorn)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import typer

from kabar.cli.common import DEFAULT_DB, fail, open_existing


def serve(
    db: Path = typer.Option(DEFAULT_DB, "--db", help="The SQLite archive to serve (default ./kabar.db)."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    create: bool = typer.Option(
        False, "--create", help="Start with an empty archive when DB does not exist."
    ),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
    warm_latest: int = typer.Option(
        200, "--warm-latest", min=0, help="Rank related news for this many newest articles in the background."
    ),
) -> None:
    """Serve the Indonesian portal, the feeds and the JSON API (ingest needs KABAR_TOKEN)."""
    import uvicorn

    from kabar.archive.sqlite import open_archive
    from kabar.serve.app import create_app
    from kabar.serve.state import ServeOptions

    archive = open_archive(db) if create and not db.exists() else open_existing(db)
    token = os.environ.get("KABAR_TOKEN") or None
    try:
        app = create_app(ServeOptions(db=db, token=token, archive=archive, warm_latest=warm_latest))
    except Exception as exc:
        fail(f"cannot serve {db}: {exc}")
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"kabar: serving {archive.count()} articles from {db} at http://{shown}:{port}/")
    typer.echo(
        "kabar: API at /api (OpenAPI at /openapi.json); ingest "
        + ("on (KABAR_TOKEN set)" if token else "off (set KABAR_TOKEN to enable)")
    )
    sys.stdout.flush()  # the address must show before the server blocks, even into a file or pipe
    try:
        uvicorn.run(
            app, host=host, port=port, access_log=access_log, log_level="warning", timeout_graceful_shutdown=5
        )
    finally:
        archive.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
