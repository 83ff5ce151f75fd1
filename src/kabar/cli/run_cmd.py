"""``kabar run`` (the engine and the portal) and ``kabar fetch URL…``."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import typer
from rich.markup import escape

from kabar.cli.common import DbOption, err_console, fail, open_for_writing


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request at INFO; the engine's own fetch log already records them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def run(
    config: Path | None = typer.Option(
        None, "--config", help="A TOML configuration (default: the shipped one)."
    ),
    db: str | None = typer.Option(
        None,
        "--db",
        envvar="KABAR_DB",
        help="The archive: a path, sqlite:///FILE or postgresql://… (default: the config's, ./kabar.db; env KABAR_DB).",
    ),
    host: str | None = typer.Option(None, "--host", help="Address the portal listens on."),
    port: int | None = typer.Option(None, "--port", help="Port the portal listens on."),
    once: bool = typer.Option(False, "--once", help="Poll every source once, ingest, and exit (no portal)."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching loopback/private addresses (a local test site)."
    ),
    check_config: bool = typer.Option(
        False, "--check-config", help="Validate the configuration, say what is wrong, and exit (0: valid)."
    ),
    ingest: list[Path] = typer.Option(
        [],
        "--ingest",
        help="A file or folder to ingest in the background while the portal serves (repeatable; "
        "idempotent: what is already stored is not stored again). With --once: ingested before the round.",
    ),
) -> None:
    """Poll the configured sources on a schedule, ingest new articles and serve the portal with /status."""
    from kabar.engine.config import ConfigError, load_config

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(escape(str(exc)))
    cfg = cfg.model_copy(
        update={
            "db": db if db is not None else cfg.db,
            "host": host or cfg.host,
            "port": port if port is not None else cfg.port,
            "allow_private": cfg.allow_private or allow_private,
        }
    )
    origin = str(config) if config is not None else "the default configuration"
    if not cfg.sources:
        fail(escape(f"{origin}: the configuration lists no [[source]]: nothing to poll"))
    if check_config:
        typer.echo(
            f"{origin}: valid; {len(cfg.sources)} sources, archive {cfg.db}, portal on http://{cfg.host}:{cfg.port}/"
        )
        raise typer.Exit(0)
    for path in ingest:  # said now, not after the portal has started
        if not path.exists():
            fail(escape(f"{path}: no such file or folder (--ingest)"))
    from kabar.engine.run import RunOptions, run_engine  # after the config: --check-config needs no engine

    _setup_logging()
    try:
        result = run_engine(RunOptions(config=cfg, once=once, ingest=tuple(ingest)))
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    if once:
        r = result.rounds[0] if result.rounds else None
        if r is not None:
            typer.echo(
                f"{r.polled} sources polled ({r.poll_errors} with errors), {r.links_new} new links, "
                f"{r.added} articles added, {r.unchanged} already stored, {r.failed} failed; "
                f"the archive holds {result.articles} articles"
                + ("; the network was unreachable" if r.offline else "")
            )


def fetch(
    urls: list[str] = typer.Argument(..., help="Article URLs to fetch, extract and store."),
    db: str = DbOption,
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching loopback/private addresses."
    ),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Do not consult robots.txt."),
    max_pages: int = typer.Option(
        20,
        "--max-pages",
        min=1,
        max=200,
        help="Pages of one multi-page article fetched and joined (1: only the page named).",
    ),
) -> None:
    """Fetch article pages by URL (politely, safely), extract them and store them; a multi-page
    article's other pages are fetched the same way and joined into it.

    Exit status: 0 all stored; 3 some could not be fetched or were rejected; 1 none stored.
    """
    from kabar.cli.batch import RejectReport
    from kabar.engine.article_pages import ArticlePages, PagesOptions
    from kabar.engine.pipeline import page_from_fetch
    from kabar.guard import Reject
    from kabar.ingest import Ingestor, IngestOutcome
    from kabar.prepare import PageJob
    from kabar.sources.crawler import Fetcher, FetchOptions
    from kabar.sources.safety import SafetyOptions, UnsafeURLError, check_url

    for url in urls:
        try:
            check_url(url, SafetyOptions(allow_private=allow_private))
        except UnsafeURLError as exc:
            fail(escape(f"{url}: refused: {exc}"))
        except OSError:
            pass  # unresolvable now: the fetch below reports it per URL
    options = FetchOptions(safety=SafetyOptions(allow_private=allow_private), obey_robots=not ignore_robots)
    archive = open_for_writing(db)
    log = archive.fetch_log
    console = err_console()

    report = RejectReport(None, console=console)
    ingestor = Ingestor(archive)  # the one ingest path, each page under the guard

    async def _all() -> int:
        stored_count = 0
        async with Fetcher(options, on_record=log.record) as fetcher:
            pages = ArticlePages(fetcher, ingestor, PagesOptions(max_pages=max_pages))
            for url in urls:
                result = await fetcher.fetch(url, source="cli")
                if not result.ok:
                    message = f"{result.outcome.replace('_', ' ')} ({result.error or result.status})"
                    report.add(Reject(url, "fetch", "FetchError", message))
                    continue
                page = page_from_fetch(result)
                if page is None:
                    message = f"not an HTML page ({result.headers.get('content-type', '?')})"
                    report.add(Reject(url, "fetch", "NotHtml", message))
                    continue
                first = await asyncio.to_thread(ingestor.prepared, PageJob(source=url, page=page))
                if isinstance(first, IngestOutcome):
                    stored = first
                else:
                    whole = await pages.complete(first, result.final_url, source="cli")
                    stored = await asyncio.to_thread(ingestor.finish, whole, url)
                if stored.reject is not None:
                    report.add(stored.reject)
                    continue
                stored_count += 1
                typer.echo(f"{stored.status} #{stored.id} {stored.headline or ''}".rstrip())
        return stored_count

    try:
        stored_count = asyncio.run(_all())
    finally:
        ingestor.close()
        archive.close()
    status = report.exit_status(stored_count)
    if status:
        raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("fetch")(fetch)
