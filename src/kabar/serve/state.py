"""What every request handler shares: the options, the archive and the templates."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from jinja2 import Environment

from kabar.archive.base import Archive, OutletCount
from kabar.serve.cache import TtlCache

if TYPE_CHECKING:
    from kabar.ingest import Ingestor


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class ServeOptions:
    db: Path | str = "kabar.db"
    token: str | None = None  # KABAR_TOKEN: without one, ingest through the API is disabled
    max_ingest_bytes: int = 2_000_000  # an HTML page with its scripts and styles
    max_article_chars: int = 200_000  # the extracted text; real articles stay far below
    page_size: int = 20
    site_name: str = "kabar"
    archive: Archive | None = None  # an open archive to serve instead of opening ``db``
    clock: Callable[[], datetime] = field(default=_utc_now)  # ages are computed at request time
    related_cache_seconds: float = 300.0  # 0 turns the related-news cache off
    warm_latest: int = 200  # rank related news for this many newest articles at start-up
    public_url: str | None = None  # KABAR_PUBLIC_URL: absolute links are built on it, never on Host
    allowed_hosts: tuple[str, ...] = ()  # KABAR_ALLOWED_HOSTS: other Host values get 400


@dataclass(slots=True)
class ServeState:
    options: ServeOptions
    archive: Archive
    templates: Environment
    related_cache: TtlCache
    base_url: str = ""  # the public URL without its trailing slash; "" gives relative links
    _outlets: tuple[float, list[OutletCount]] | None = None
    ingestor: Ingestor | None = None  # POST /api/ingest's, made on first use (serve/ingest.py)

    def now(self) -> datetime:
        return self.options.clock()

    def outlets(self, max_age: float = 60.0) -> list[OutletCount]:
        """The outlets and their counts, remembered for a minute: a GROUP BY over the whole
        archive that the home, search and outlet pages would otherwise run on every view."""
        stamp = time.monotonic()
        if self._outlets is None or stamp - self._outlets[0] > max_age:
            self._outlets = (stamp, self.archive.outlets())
        return self._outlets[1]


def get_state(request: Request) -> ServeState:
    state: ServeState = request.app.state.kabar
    return state
