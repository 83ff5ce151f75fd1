"""Warm the related-news cache for the newest articles in the background.

Readers arrive through the home page and feeds, that is at the newest articles; ranking
their related news at start-up, and again before the cache would forget it, means those pages never pay the ranking on a reader's request. Older articles still
rank on their first view and are then remembered (see :mod:`kabar.serve.cache`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field

from kabar.archive.base import ListQuery
from kabar.archive.errors import ArchiveError
from kabar.serve import sections
from kabar.serve.state import ServeState

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Warmer:
    state: ServeState
    latest: int = 200
    related_limit: int = 10
    stop: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    def warm(self, ids: list[int]) -> int:
        done = 0
        for article_id in ids:
            if self.stop.is_set():
                break
            sections.related_articles(
                self.state.archive, article_id, self.related_limit, self.state.related_cache
            )
            done += 1
        return done

    def _run(self) -> None:
        # Again before the cache forgets them, which also picks up articles ingested meanwhile.
        period = max(5.0, self.state.options.related_cache_seconds * 0.8)
        while not self.stop.is_set():
            try:
                rows = self.state.archive.list_articles(ListQuery(limit=self.latest))
                done = self.warm([r.id for r in rows])
                log.info("related news warmed for the %d newest articles", done)
            except ArchiveError as exc:  # busy, gone, full: the archive's fault, said in one line
                log.warning("warming related news skipped: %s", exc)
            except Exception:  # a warm-up must never take the server down
                log.exception("warming related news failed")
            self.stop.wait(period)

    def start(self) -> None:
        if self.latest <= 0 or self.state.options.related_cache_seconds <= 0:
            return
        self.thread = threading.Thread(target=self._run, name="kabar-warm-related", daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join(timeout=5)
