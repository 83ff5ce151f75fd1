"""``/status`` and ``/status.json``: sources, last fetch, errors, counts.

A router of its own, mounted on the portal app by :mod:`kabar.engine.run`, so
the portal needs to know nothing about the engine.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, JSONResponse
from jinja2 import Environment, PackageLoader

from kabar.archive.stores import FetchLogStore, FrontierStore


@dataclass(slots=True)
class EngineStatus:
    """What the running engine knows that the database does not."""

    started_at: str | None = None
    last_round_at: str | None = None
    rounds: int = 0
    offline: bool = False
    offline_since: str | None = None
    message: str | None = None


@dataclass(slots=True)
class StatusOptions:
    log: FetchLogStore
    frontier: FrontierStore
    count_articles: Callable[[], int]
    engine: EngineStatus | None = None  # None when the portal runs beside the engine, not in it
    recent: int = 30


def status_data(options: StatusOptions) -> dict[str, Any]:
    return {
        "articles": options.count_articles(),
        "frontier": asdict(options.frontier.counts()),
        "fetch_outcomes": options.log.fetch_counts(),
        "engine": asdict(options.engine) if options.engine is not None else None,
        "sources": [asdict(s) for s in options.log.sources()],
        "fetches": options.log.recent_fetches(options.recent),
    }


def status_router(options: StatusOptions) -> APIRouter:
    router = APIRouter(tags=["status"])
    templates = Environment(loader=PackageLoader("kabar.engine", "templates"), autoescape=True)

    @router.get("/status.json", summary="Engine status: sources, last fetch, errors, counts")
    def status_json() -> JSONResponse:
        return JSONResponse(status_data(options))

    @router.get("/status", response_class=HTMLResponse, summary="Engine status page")
    def status_page() -> HTMLResponse:
        html = templates.get_template("status.html").render(**status_data(options))
        return HTMLResponse(html)

    return router


__all__ = ["EngineStatus", "StatusOptions", "status_data", "status_router"]
