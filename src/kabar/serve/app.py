"""The FastAPI application: the Indonesian portal, the JSON API and the feeds over one archive."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.middleware.trustedhost import TrustedHostMiddleware

from kabar.archive import open_archive
from kabar.archive.change_stamp import watch_changes
from kabar.serve import about, api, errors, feeds, portal
from kabar.serve.cache import TtlCache
from kabar.serve.deadline import DeadlineMiddleware
from kabar.serve.display import (
    article_href,
    format_age,
    format_period,
    format_span,
    format_time,
    machine_time,
)
from kabar.serve.head import HeadAsGetMiddleware
from kabar.serve.response_cache import ResponseCacheMiddleware
from kabar.serve.security import SecurityHeadersMiddleware, highlight, jsonld, safe_url
from kabar.serve.site import allowed_hosts, public_base
from kabar.serve.state import ServeOptions, ServeState
from kabar.serve.static_files import STATIC_DIR, static_url
from kabar.serve.warm import Warmer
from kabar.wiring import default_indexers


def make_templates() -> Environment:
    # autoescape on for every template: all page text is hostile until escaped.
    env = Environment(
        loader=PackageLoader("kabar.serve", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        format_time=format_time,
        machine_time=machine_time,
        format_age=format_age,
        format_period=format_period,
        format_span=format_span,
        safe_url=safe_url,
        highlight=highlight,
        jsonld=jsonld,
    )
    env.globals.update(article_href=article_href, static_url=static_url)
    return env


def create_app(options: ServeOptions) -> FastAPI:
    base_url = public_base(options.public_url)  # a bad public URL fails here, before anything opens
    hosts = allowed_hosts(base_url, options.allowed_hosts)
    archive = (
        options.archive
        if options.archive is not None
        else open_archive(options.db, default_indexers(note_reach=options.cache_invalidation == "targeted"))
    )
    owns_archive = options.archive is None
    changes = watch_changes(archive)  # this process's own look at the archive's change counter

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        warmer = Warmer(app.state.kabar, latest=options.warm_latest)
        warmer.start()
        yield
        warmer.close()
        if app.state.kabar.ingest_pool is not None:  # ends the ingest guards' worker processes
            app.state.kabar.ingest_pool.close()
        changes.close()
        if owns_archive:
            archive.close()

    app = FastAPI(
        title="kabar",
        summary="Berita berbahasa Indonesia: portal dan API arsip kabar.",
        version="0.1.0",
        # The interactive docs pages load script from a CDN and inline; the CSP forbids
        # both, so only the machine-readable /openapi.json is served.
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    cache = TtlCache(
        max_entries=4096 if options.related_cache_seconds > 0 else 0,
        ttl_seconds=options.related_cache_seconds,
    )
    app.state.kabar = ServeState(
        options=options,
        archive=archive,
        templates=make_templates(),
        related_cache=cache,
        base_url=base_url,
        changes=changes,
    )
    # Added innermost first: the security headers wrap everything, host refusals included.
    # The response cache sits inside the host check: a refused Host never reaches it, and it
    # keys on the path and query alone.
    app.add_middleware(
        ResponseCacheMiddleware,
        watch=changes,
        clock=options.clock,
        max_entries=options.response_cache_entries,
    )
    if hosts:
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts, www_redirect=False)
    app.add_middleware(HeadAsGetMiddleware)
    if options.handler_seconds is not None:
        app.add_middleware(DeadlineMiddleware, seconds=options.handler_seconds)
    app.add_middleware(SecurityHeadersMiddleware)
    errors.install(app)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(api.router)
    app.include_router(feeds.router)
    app.include_router(portal.router)
    app.include_router(about.router)
    return app
