"""``kabar serve``: the portal and the JSON API over one archive (uvicorn)."""

from __future__ import annotations

import os
import socket
import sys
from typing import TYPE_CHECKING, Any

import typer

from kabar.cli.batch import max_cpu_option, max_memory_option
from kabar.cli.common import DbOption, archive_exists, fail, open_existing, open_for_writing
from kabar.cli.limit_options import limit_options
from kabar.serve.limits import ServerLimits

if TYPE_CHECKING:
    from fastapi import FastAPI

    from kabar.archive.base import Archive

MAX_PROCESSES = 64  # worker processes one serve may start, of either kind


def _processes_option(option: str, envvar: str, help: str) -> Any:
    """A count of worker processes: 0 (the default) lets serve choose from the CPU cores."""
    return typer.Option(0, option, min=0, max=MAX_PROCESSES, envvar=envvar, help=help)


def serve(
    db: str = DbOption,
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to listen on."),
    create: bool = typer.Option(
        False, "--create", help="Start with an empty archive when DB does not exist."
    ),
    access_log: bool = typer.Option(False, "--access-log", help="Log every request."),
    warm_latest: int = typer.Option(
        200, "--warm-latest", min=0, help="Rank related news for this many newest articles in the background."
    ),
    public_url: str | None = typer.Option(
        None,
        "--public-url",
        envvar="KABAR_PUBLIC_URL",
        help="The site's public base URL (https://berita.example): canonical links, og:url and feed "
        "links are built on it. Without it they are relative; the Host header is never used.",
    ),
    allowed_host: list[str] = typer.Option(
        [],
        "--allowed-host",
        envvar="KABAR_ALLOWED_HOSTS",
        help="A Host name to answer (repeatable; *.example.org for subdomains); other hosts get 400. "
        "Default: the public URL's host and localhost, or any host without a public URL.",
    ),
    limits: ServerLimits = ServerLimits(),  # shown as one option per limit (limit_options)
    max_cpu_seconds: float = max_cpu_option(envvar="KABAR_MAX_CPU_SECONDS"),
    max_memory_mb: int = max_memory_option(envvar="KABAR_MAX_MEMORY_MB"),
    ingest_workers: int = _processes_option(
        "--ingest-workers",
        "KABAR_INGEST_WORKERS",
        "POST /api/ingest requests worked on at once, each in its own worker process (more "
        "wait their turn; reads never wait on them). 0: one per CPU core, at most 4.",
    ),
    workers: int = _processes_option(
        "--workers",
        "KABAR_WORKERS",
        "Processes answering requests over the one archive, each on its own core. "
        "0: one per CPU core. Behind a reverse proxy: listen on 127.0.0.1 and set --public-url.",
    ),
    cache_entries: int = typer.Option(
        2048,
        "--cache-entries",
        min=0,
        envvar="KABAR_CACHE_ENTRIES",
        help="Rendered pages and API answers each worker keeps until the archive changes; 0: none.",
    ),
) -> None:
    """Serve the Indonesian portal, the feeds and the JSON API (ingest needs KABAR_TOKEN)."""
    import uvicorn

    from kabar.guard import GuardOptions
    from kabar.serve import prefork
    from kabar.serve.app import create_app
    from kabar.serve.server import uvicorn_config
    from kabar.serve.site import split_hosts
    from kabar.serve.state import ServeOptions

    hosts = tuple(h for entry in allowed_host for h in split_hosts(entry))
    token = os.environ.get("KABAR_TOKEN") or None
    # Without a token nothing can be ingested: the archive opens read-only (reads never write).
    archive = (
        open_for_writing(db) if create and not archive_exists(db) else open_existing(db, write=bool(token))
    )

    def make_app(archive: Archive) -> FastAPI:
        return create_app(
            ServeOptions(
                db=db,
                token=token,
                archive=archive,
                warm_latest=warm_latest,
                public_url=public_url,
                allowed_hosts=hosts,
                guard=GuardOptions(max_cpu_seconds=max_cpu_seconds, max_memory_mb=max_memory_mb),
                ingest_workers=ingest_workers,
                handler_seconds=limits.handler_seconds,
                response_cache_entries=cache_entries,
            )
        )

    def run(app: FastAPI, sock: socket.socket) -> None:
        uvicorn.Server(uvicorn_config(app, host, port, limits, access_log=access_log)).run(sockets=[sock])

    def run_worker(sock: socket.socket) -> None:
        """A forked worker: its own archive (connections never cross a fork), its own app."""
        own = open_existing(db, write=bool(token))
        try:
            run(make_app(own), sock)
        finally:
            own.close()

    try:
        app = make_app(archive)  # made here as well, so a bad setting fails before anything forks
    except Exception as exc:
        archive.close()
        fail(f"cannot serve {db}: {exc}")
    count = workers or prefork.default_workers()
    try:
        sock = prefork.listen(host, port, limits.backlog)
    except OSError as exc:
        archive.close()
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}")
    shown = f"[{host}]" if ":" in host else host
    typer.echo(
        f"kabar: serving {archive.count()} articles from {db} at http://{shown}:{sock.getsockname()[1]}/ "
        f"({count} worker{'s' if count > 1 else ''})"
    )
    typer.echo(
        "kabar: API at /api (OpenAPI at /openapi.json); ingest "
        + ("on (KABAR_TOKEN set)" if token else "off (set KABAR_TOKEN to enable)")
    )
    sys.stdout.flush()  # the address must show before the server blocks, even into a file or pipe
    forked = prefork.Workers(grace_seconds=limits.shutdown_seconds + 5)
    prefork.exit_on_sigterm()
    try:
        if count > 1:
            # This process serves as the first worker; the others are forked before it starts
            # any thread, and each opens its own archive (nothing of this one is used there).
            forked.start(count - 1, sock, run_worker)
        run(app, sock)
    finally:
        forked.stop()
        sock.close()
        archive.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(limit_options(serve))
