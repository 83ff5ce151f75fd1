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
from kabar.archive.change_stamp import ChangeWatch
from kabar.guard import GuardOptions
from kabar.serve.cache import TtlCache
from kabar.serve.related_arrivals import ArrivalPatcher
from kabar.wiring import cache_invalidation_from_env

if TYPE_CHECKING:
    from kabar.serve.ingest_pool import IngestPool


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
    guard: GuardOptions = field(default_factory=GuardOptions)  # each ingested page's CPU and memory budget
    ingest_workers: int = 0  # ingests worked on at once (one guard worker each); 0: the cores, at most 4
    handler_seconds: float | None = 60.0  # no answer begun by then: 503 (deadline.py); None: no limit
    notice: Callable[[], str | None] | None = None  # a line every page shows while it returns text
    response_cache_entries: int = 2048  # rendered answers kept per process until the archive changes; 0: off
    # "stamp" (default): every answer, on any commit; "targeted": a commit drops only the answers
    # the change log says it touched (serve/invalidation.py; KABAR_CACHE_INVALIDATION=targeted).
    cache_invalidation: str = field(default_factory=cache_invalidation_from_env)
    # An article's kept page is rendered again after this long even if nothing it names changed:
    # the bound on related news drifting as the whole archive's statistics move.
    article_cache_seconds: float = 300.0


@dataclass(slots=True)
class ServeState:
    options: ServeOptions
    archive: Archive
    templates: Environment
    related_cache: TtlCache
    base_url: str = ""  # the public URL without its trailing slash; "" gives relative links
    _outlets: tuple[float, list[OutletCount]] | None = None
    changes: ChangeWatch | None = None  # the archive's change stamp (archive/change_stamp.py)
    _outlets_stamp: str | None = None
    ingest_pool: IngestPool | None = None  # POST /api/ingest's workers, made on first use

    def __post_init__(self) -> None:
        if self.related_cache.patcher is None:
            # What lets a new article join the kept related lists it belongs in (targeted mode).
            self.related_cache.patcher = ArrivalPatcher(self.archive, own=self.related_cache)

    def now(self) -> datetime:
        return self.options.clock()

    def outlets(self, max_age: float = 60.0) -> list[OutletCount]:
        """The outlets and their counts: a GROUP BY over the whole archive that the home, search
        and outlet pages would otherwise run on every view. Remembered until the archive
        changes when its change stamp is known, else for ``max_age`` seconds."""
        stamp = time.monotonic()
        version = self.changes.stamp() if self.changes is not None else None
        fresh = version == self._outlets_stamp if version is not None else None
        if self._outlets is None or fresh is False or (fresh is None and stamp - self._outlets[0] > max_age):
            self._outlets = (stamp, self.archive.outlets())
            self._outlets_stamp = version
        return self._outlets[1]


def get_state(request: Request) -> ServeState:
    state: ServeState = request.app.state.kabar
    return state
