"""``kabar run`` (the engine and the portal) and ``kabar fetch URL…``."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from pathlib import Path

import typer
from rich.markup import escape

from kabar.cli.common import err_console, fail


def _setup_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every request at INFO; the engine's own fetch log already records them.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def run(
    config: Path | None = typer.Option(
        None, "--config", help="A TOML configuration (default: the shipped one)."
    ),
    db: Path | None = typer.Option(
        None, "--db", help="The SQLite archive (default: the config's, ./kabar.db)."
    ),
    host: str | None = typer.Option(None, "--host", help="Address the portal listens on."),
    port: int | None = typer.Option(None, "--port", help="Port the portal listens on."),
    once: bool = typer.Option(False, "--once", help="Poll every source once, ingest, and exit (no portal)."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching loopback/private addresses (a local test site)."
    ),
) -> None:
    """Poll the configured sources on a schedule, ingest new articles and serve the portal with /status."""
    from kabar.engine.config import ConfigError, load_config
    from kabar.engine.run import RunOptions, run_engine

    try:
        cfg = load_config(config)
    except ConfigError as exc:
        fail(escape(str(exc)))
    cfg = replace(
        cfg,
        db=db if db is not None else cfg.db,
        host=host or cfg.host,
        port=port if port is not None else cfg.port,
        allow_private=cfg.allow_private or allow_private,
    )
    if not cfg.sources:
        fail(escape("the configuration lists no [[source]]: nothing to poll"))
    _setup_logging()
    try:
        result = run_engine(RunOptions(config=cfg, once=once))
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
    db: Path = typer.Option(Path("kabar.db"), "--db", help="The SQLite archive (default ./kabar.db)."),
    allow_private: bool = typer.Option(
        False, "--allow-private", help="Allow fetching loopback/private addresses."
    ),
    ignore_robots: bool = typer.Option(False, "--ignore-robots", help="Do not consult robots.txt."),
) -> None:
    """Fetch article pages by URL (politely, safely), extract them and store them."""
    from kabar.archive.sqlite import open_archive
    from kabar.engine.pipeline import page_from_fetch, store_page
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
    try:
        archive = open_archive(db)
    except Exception as exc:
        fail(f"{db}: cannot open the archive ({type(exc).__name__}: {str(exc).splitlines()[0][:200]})")
    from kabar.sources.fetchlog import FetchLog

    log = FetchLog(archive.engine)
    console = err_console()

    async def _all() -> int:
        failures = 0
        async with Fetcher(options, on_record=log.record) as fetcher:
            for url in urls:
                result = await fetcher.fetch(url, source="cli")
                if not result.ok:
                    failures += 1
                    console.print(
                        f"{url}: {result.outcome.replace('_', ' ')} ({result.error or result.status})"
                    )
                    continue
                page = page_from_fetch(result)
                if page is None:
                    failures += 1
                    console.print(
                        f"{url}: not an HTML page ({result.headers.get('content-type', '?')})", markup=False
                    )
                    continue
                stored = store_page(page, archive)
                if stored.article_id is None:
                    failures += 1
                    console.print(f"{url}: no article found on the page", markup=False)
                    continue
                typer.echo(f"{stored.status} #{stored.article_id} {stored.headline or ''}".rstrip())
        return failures

    try:
        failures = asyncio.run(_all())
    finally:
        archive.close()
    if failures:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("run")(run)
    app.command("fetch")(fetch)
