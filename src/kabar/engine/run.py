"""``kabar run``: poll sources on a schedule, ingest new articles, serve the portal.

One asyncio loop holds both the engine and the portal (uvicorn), so there is one
process to start and stop. The engine's own state lives in the archive (fetch
log, source state, crawl frontier), so a run killed at any point resumes where
it stopped: links already stored are ``done``, the rest are still ``pending``,
and storing is idempotent, so a page stored just before the kill is not stored
twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI

from kabar.archive import open_archive
from kabar.archive.base import Archive
from kabar.archive.errors import ArchiveError, ArchiveFull
from kabar.engine.article_pages import ArticlePages, PagesOptions
from kabar.engine.background_ingest import BackgroundIngest
from kabar.engine.config import EngineConfig, SourceConfig
from kabar.engine.pipeline import page_from_fetch
from kabar.engine.poll import PollResult, poll_source
from kabar.engine.scheduler import interval_of, plan
from kabar.engine.shared_fetches import SharedFetches
from kabar.engine.status import EngineStatus, StatusOptions, status_router
from kabar.guard import one_line
from kabar.ingest import IngestOptions, Ingestor, IngestOutcome
from kabar.prepare import PageJob
from kabar.serve.limits import ServerLimits, limits_from_env
from kabar.serve.site import SiteSettings, site_from_env
from kabar.sources.crawler import Fetcher, FetchResult
from kabar.sources.fetchlog import PendingLink, due_after
from kabar.sources.urls import canonical_url
from kabar.wiring import default_indexers

log = logging.getLogger("kabar.run")

_RETRY_OUTCOMES = frozenset({"timeout", "network_error"})


def _worth_retrying(result: FetchResult) -> bool:
    """On a later round: yes for trouble that passes (timeouts, 5xx, 408, 429), no for a 404."""
    if result.outcome in _RETRY_OUTCOMES:
        return True
    status = result.status or 0
    return result.outcome == "http_error" and (status >= 500 or status in (408, 429))


@dataclass(slots=True)
class RunOptions:
    config: EngineConfig
    once: bool = False  # one round of polling and ingest, then exit (no server)
    serve: bool = True
    batch: int = 20  # article pages in flight at once (per-host limits still apply)
    ingest: tuple[Path, ...] = ()  # files ingested in the background while the portal serves (--ingest)


@dataclass(slots=True)
class RoundResult:
    polled: int = 0
    poll_errors: int = 0
    links_new: int = 0
    added: int = 0
    unchanged: int = 0
    failed: int = 0
    offline: bool = False


@dataclass(slots=True)
class RunResult:
    rounds: list[RoundResult] = field(default_factory=list)
    articles: int = 0


def stops_engine(fault: ArchiveError) -> bool:
    """Whether ``kabar run`` stops on this archive fault rather than trying again later.

    A busy or unreachable archive (``retryable``) and a full disk pass without restarting
    kabar: the engine waits ``retry_after`` and goes on, the portal serving meanwhile. A
    read-only, deleted, replaced or damaged archive does not: the engine stops with the
    fault's one line and exit status 4, nothing lost, and starts again where it stopped.
    """
    return not (fault.retryable or isinstance(fault, ArchiveFull))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Engine:
    def __init__(self, config: EngineConfig, archive: Archive, batch: int = 20) -> None:
        self.config = config
        self.archive = archive
        self.log = archive.fetch_log
        self.frontier = archive.frontier
        self.status = EngineStatus(started_at=_now())
        self.batch = batch
        self._store_lock = asyncio.Lock()
        # the one ingest path, each page under the guard with the configured budgets
        self.ingestor = Ingestor(archive, IngestOptions(guard=config.guard_options()))
        self.pages_options = PagesOptions(max_pages=config.max_article_pages)
        self._prior_errors: dict[str, str | None] = {}
        # A page being fetched as another article's page → that article's link (frontier URLs):
        # its own link, met meanwhile, is not fetched or stored on its own (see _yields).
        self._claims: dict[str, str] = {}
        # The first archive fault of a round (busy, full, read-only, gone): once set, no further
        # page is taken, and the round ends by raising it (see run_round).
        self._fault: ArchiveError | None = None
        for source in config.sources:
            self.log.ensure_source(source.name, source.kind, source.url)

    def close(self) -> None:
        self.ingestor.close()

    def _record(self, result: FetchResult) -> None:
        self.log.record(result)

    # -- polling -------------------------------------------------------------------
    async def _poll(self, fetcher: Fetcher, source: SourceConfig) -> PollResult:
        prior = self.log.source(source.name)
        result = await poll_source(fetcher, source, prior, self.config.max_links_per_poll)
        errors = 0 if result.error is None else (prior.consecutive_errors if prior else 0) + 1
        self.log.poll_done(
            source.name,
            result.fetch,
            links=len(result.links),
            error=result.error,
            next_due=due_after(interval_of(source, self.config), errors=errors),
        )
        self._prior_errors[source.name] = prior.last_error if prior else None
        return result

    # -- article pages ---------------------------------------------------------------
    async def _ingest(self, fetcher: SharedFetches, link: PendingLink, outcome: RoundResult) -> None:
        if self._fault is not None:
            return  # the archive failed earlier in this round: the link stays pending for the next
        try:
            await self._ingest_link(fetcher, link, outcome)
        except ArchiveError as exc:
            # The archive's fault, not the page's: the link is left pending as it was (its
            # article stored whole or not at all), so a later round takes it up again.
            self._fault = self._fault or exc
        except Exception as exc:  # a bug met on this page: the others go on, this one is tried later
            outcome.failed += 1
            log.warning("page %s: not stored: %s: %s", link.url, type(exc).__name__, one_line(str(exc), 200))
            try:
                self.frontier.finish(
                    link.url, outcome=f"error: {type(exc).__name__}"[:80], article_id=None, retry=True
                )
            except ArchiveError as fault:
                self._fault = self._fault or fault

    def _yields(self, url: str) -> bool:
        """Whether the link ``url`` is another article's page: fetched with it now, or stored with
        it already (``done`` since it was listed as pending). Two articles claiming each other's
        first page (one entered at its page 2) are one: the lesser URL keeps it."""
        owner = self._claims.get(url)
        if owner is None:
            return self.frontier.state_of(url) == "done"
        return self._claims.get(owner) != url or url > owner

    def _claim(self, owner: str, page_url: str) -> None:
        key = canonical_url(page_url) or page_url
        if key != owner:
            self._claims.setdefault(key, owner)

    def _release(self, owner: str) -> None:
        for key in [k for k, v in self._claims.items() if v == owner]:
            del self._claims[key]

    async def _ingest_link(self, fetcher: SharedFetches, link: PendingLink, outcome: RoundResult) -> None:
        if self._yields(link.url):
            return  # another article's page: that article marks it done when it is stored
        try:
            await self._ingest_own(fetcher, link, outcome)
        finally:
            self._release(link.url)

    async def _ingest_own(self, fetcher: SharedFetches, link: PendingLink, outcome: RoundResult) -> None:
        known = self.archive.find_id(canonical_url=link.url)
        if known is not None:  # stored before (another source, an earlier run): not fetched again
            self.frontier.finish(link.url, outcome="already_stored", article_id=known, retry=False)
            return
        result = await fetcher.fetch(link.url, source=link.source)
        if not result.ok:
            outcome.failed += 1
            self.frontier.finish(
                link.url, outcome=result.outcome, article_id=None, retry=_worth_retrying(result)
            )
            self.log.count_article(link.source, added=False, failed=True)
            log.info("page %s: %s %s", link.url, result.outcome, result.error or "")
            return
        page = page_from_fetch(result, link.hints)
        if page is None:
            outcome.failed += 1
            self.frontier.finish(link.url, outcome="not_html", article_id=None, retry=False)
            return
        outlet = self._outlet_for(link.source)
        job = PageJob(source=link.url, page=page, outlet=outlet)
        async with self._store_lock:
            if self._fault is not None:
                return  # another page met an archive fault while this one waited its turn
            first = await asyncio.to_thread(self.ingestor.prepared, job)
        page_urls: list[str] = []
        if isinstance(first, IngestOutcome):
            stored = first
        else:
            # A multi-page article's other pages, fetched as politely as this one, joined before storing.
            pages = ArticlePages(
                fetcher,
                self.ingestor,
                self.pages_options,
                lock=self._store_lock,
                on_page=lambda u: self._claim(link.url, u),
            )
            whole = await pages.complete_pages(first, result.final_url, source=link.source)
            page_urls = [k for u in whole.page_urls if (k := canonical_url(u) or u) != link.url]
            if self._yields(link.url):
                return  # read meanwhile as another article's page: stored with it, not twice
            async with self._store_lock:
                if self._fault is not None:
                    return
                stored = await asyncio.to_thread(self.ingestor.finish, whole.prepared, link.url)
        if stored.reject is not None or stored.id is None:
            # the page itself is at fault (unreadable, no article, over budget): not retried
            outcome.failed += 1
            stage = stored.reject.stage if stored.reject is not None else "store"
            self.frontier.finish(link.url, outcome=f"rejected: {stage}", article_id=None, retry=False)
            self.log.count_article(link.source, added=False, failed=True)
            log.info("page rejected: %s", stored.reject.line() if stored.reject else link.url)
            return
        self.frontier.finish(link.url, outcome=stored.status, article_id=stored.id, retry=False)
        # its other pages are this article's, never fetched again as articles of their own
        self.frontier.mark_pages(page_urls, article_id=stored.id, source=link.source)
        if stored.status == "added":
            outcome.added += 1
            self.log.count_article(link.source, added=True, failed=False)
        else:
            outcome.unchanged += 1

    def _outlet_for(self, source_name: str | None) -> str | None:
        for source in self.config.sources:
            if source.name == source_name:
                return source.outlet or source.name
        return None

    async def _drain(self, fetcher: Fetcher, outcome: RoundResult) -> None:
        """Fetch pending links until none is left (or only ones that keep failing)."""
        tried: set[str] = set()
        while self._fault is None:
            batch = [p for p in self.frontier.pending(self.batch + len(tried)) if p.url not in tried][
                : self.batch
            ]
            if not batch:
                return
            tried.update(p.url for p in batch)
            # The batch's articles fetch through one SharedFetches: a page two of them want (a
            # page 2 listed while page 1 fetches it as its next page) is requested once.
            shared = SharedFetches(fetcher)
            await asyncio.gather(*(self._ingest(shared, p, outcome) for p in batch))

    # -- one round -----------------------------------------------------------------------
    async def run_round(self, fetcher: Fetcher, *, all_sources: bool = False) -> RoundResult:
        """Poll, then fetch and store what is pending.

        A fault of the archive (:class:`~kabar.archive.errors.ArchiveError`) ends the round
        early and is raised once every page in flight has finished: what was stored stays
        stored, what was not is still pending, so the next round (or run) resumes there.
        """
        self._fault = None
        try:
            return await self._round(fetcher, all_sources=all_sources)
        finally:
            self._fault = None

    async def _round(self, fetcher: Fetcher, *, all_sources: bool) -> RoundResult:
        outcome = RoundResult()
        schedule = plan(self.config, self.log.sources())
        sources = self.config.sources if all_sources else schedule.due
        # Every poll finishes before a failed one's error is raised: none is left running.
        results = await asyncio.gather(*(self._poll(fetcher, s) for s in sources), return_exceptions=True)
        for failed in results:
            if isinstance(failed, BaseException):
                raise failed
        polls = [r for r in results if isinstance(r, PollResult)]
        for poll in polls:
            outcome.polled += 1
            outcome.poll_errors += poll.error is not None
            outcome.links_new += self.frontier.discover(poll.links, poll.source.name)
        unreachable = bool(polls) and all(p.fetch.outcome == "network_error" for p in polls)
        if polls:  # a round with nothing due says nothing about the network
            self._note_network(unreachable)
        if not unreachable:  # offline, the one line above says it all; details are on /status
            self._note_sources(polls)
        outcome.offline = self.status.offline
        if not unreachable:
            await self._drain(fetcher, outcome)
        if self._fault is not None:
            raise self._fault
        self.status.rounds += 1
        self.status.last_round_at = _now()
        self.log.prune()
        log.info(
            "round %d: %d sources polled (%d with errors), %d new links, %d articles added, %d failed",
            self.status.rounds, outcome.polled, outcome.poll_errors, outcome.links_new, outcome.added, outcome.failed,
        )  # fmt: skip
        return outcome

    def _note_sources(self, polls: list[PollResult]) -> None:
        """A source's trouble is logged when it starts or changes, not every round:
        a source down for a day must not bury the log."""
        for poll in polls:
            before = self._prior_errors.get(poll.source.name)
            if poll.error is not None and poll.error != before:
                log.warning("source %s: %s", poll.source.name, poll.error)
            elif poll.error is None and before is not None:
                log.warning("source %s: answering again", poll.source.name)

    def _note_network(self, unreachable: bool) -> None:
        """Say once that the network is gone (and once that it is back), not every round."""
        if unreachable and not self.status.offline:
            self.status.offline = True
            self.status.offline_since = _now()
            self.status.message = (
                f"network unreachable: no source answered; serving the {self.archive.count()} articles "
                "the archive holds and trying again on schedule"
            )
            log.warning("%s", self.status.message)
        elif not unreachable and self.status.offline:
            self.status.offline = False
            self.status.offline_since = None
            self.status.message = None
            log.warning("network reachable again")

    async def loop(self, fetcher: Fetcher, stop: asyncio.Event) -> None:
        """Rounds until ``stop``; raises an archive fault that waiting will not mend (see :func:`stops_engine`)."""
        while not stop.is_set():
            wait: float | None = None
            try:
                await self.run_round(fetcher)
            except ArchiveError as exc:
                if stops_engine(exc):
                    raise
                # Busy, unreachable or full: it may pass without anyone restarting kabar.
                wait = float(exc.retry_after)
                self.status.message = f"archive: {exc.summary}; trying again in {exc.retry_after} s"
                log.warning("round stopped: %s (trying again in %d s)", exc, exc.retry_after)
            except Exception:  # a bug in one round must not stop the engine or the portal
                log.exception("round failed")
            else:
                if self.status.message is not None and self.status.message.startswith("archive: "):
                    self.status.message = None
                    log.warning("archive usable again")
            if wait is None:
                wait = self._next_wait()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=wait)

    def _next_wait(self) -> float:
        schedule = plan(self.config, self.log.sources())
        if schedule.due:
            return 1.0
        if schedule.next_wake is not None:
            return max(1.0, (schedule.next_wake - datetime.now(UTC)).total_seconds())
        return 60.0

    def status_options(self) -> StatusOptions:
        return StatusOptions(
            log=self.log, frontier=self.frontier, count_articles=self.archive.count, engine=self.status
        )


def build_app(
    engine: Engine,
    site: SiteSettings | None = None,
    limits: ServerLimits | None = None,
    notice: Callable[[], str | None] | None = None,
) -> FastAPI:
    """The portal over the engine's archive, with ``/status`` mounted on it (``notice``: a line
    every page shows while it says something, e.g. how far the background ingest has got)."""
    from kabar.serve.app import create_app
    from kabar.serve.state import ServeOptions

    site = site or SiteSettings()
    options = ServeOptions(
        db=engine.config.db,
        archive=engine.archive,
        public_url=site.public_url,
        allowed_hosts=site.allowed_hosts,
        guard=engine.config.guard_options(),  # the engine's per-page budgets, should ingest be on
        handler_seconds=(limits or ServerLimits()).handler_seconds,
        notice=notice,
    )
    app = create_app(options)
    router = status_router(engine.status_options())
    app.include_router(router)
    return app


async def _serve(engine: Engine, fetcher: Fetcher, loader: BackgroundIngest | None = None) -> None:
    import uvicorn

    from kabar.serve.server import uvicorn_config

    try:  # the same timeouts, limits, public URL and hosts as `kabar serve`, from the environment
        limits, site = limits_from_env(), site_from_env()
    except ValueError as exc:
        raise SystemExit(f"kabar run: {exc}") from None
    app = build_app(engine, site, limits, notice=loader.notice if loader is not None else None)
    config = uvicorn_config(app, engine.config.host, engine.config.port, limits, lifespan="on")
    server = uvicorn.Server(config)
    stop = asyncio.Event()
    worker = asyncio.create_task(engine.loop(fetcher, stop))

    def _engine_ended(task: asyncio.Task[None]) -> None:
        if not task.cancelled() and task.exception() is not None:
            server.should_exit = True  # the portal stops with the engine; the fault is raised below

    worker.add_done_callback(_engine_ended)
    log.warning(
        "kabar run: portal on http://%s:%d/ (status at /status)", engine.config.host, engine.config.port
    )
    if loader is not None:  # the portal answers at once and fills as the files land
        loader.start()
    try:
        await server.serve()
    finally:
        if loader is not None:
            loader.close()
        # Stop now, mid-round if need be: a page being stored finishes in its thread
        # (asyncio.run waits for it) and anything unfinished is still pending next time.
        stop.set()
        failed = worker.done() and not worker.cancelled() and worker.exception() is not None
        if not failed:
            worker.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await worker  # an archive fault that stopped the engine is raised here, for the CLI's one line


async def _run(options: RunOptions) -> RunResult:
    config = options.config
    out = RunResult()
    archive = open_archive(config.db, default_indexers())
    engine: Engine | None = None
    try:
        engine = Engine(config, archive, batch=options.batch)
        loader = None
        if options.ingest:
            ingest_options = IngestOptions(guard=config.guard_options())
            loader = BackgroundIngest(archive, options.ingest, ingest_options)
        async with Fetcher(config.fetch_options(), on_record=engine._record) as fetcher:
            if options.once or not options.serve:
                if loader is not None:  # no portal to serve meanwhile: the files first, then the round
                    await asyncio.to_thread(loader.run)
                out.rounds.append(await engine.run_round(fetcher, all_sources=True))
            else:
                await _serve(engine, fetcher, loader)
        out.articles = archive.count()
    finally:
        if engine is not None:
            engine.close()
        archive.close()
    return out


def run_engine(options: RunOptions) -> RunResult:
    return asyncio.run(_run(options))


__all__ = ["Engine", "RoundResult", "RunOptions", "RunResult", "build_app", "run_engine", "stops_engine"]
