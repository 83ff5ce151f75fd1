"""Rendered pages and API answers kept until what they show changes, with ETag, 304 and compression.

Every GET on an archive route (serve/cache_policy.py) is looked up by its path and query,
never by its Host or any other header. A hit costs a dictionary look-up; a miss renders
through the app as before and is kept if it is a 200. Requests for an address being
rendered wait for that one rendering instead of starting their own (fifty readers arriving
at a changed front page render it once).

Staleness. Each request reads the archive's change stamp (archive/change_stamp.py: microseconds,
sees commits from every process). With ``cache_invalidation = "targeted"``
(``KABAR_CACHE_INVALIDATION=targeted``; "stamp" is still the default, see serve/state.py),
when it moves, this process reads the change log once (archive/change_log.py: what was
committed since the position it last read, each row naming the article pages it touches,
worked out at ingest) and drops only the answers those changes make stale
(serve/invalidation.py): an article's page survives an ingest of unrelated articles, while
the front page, sections, search, feeds and lists go on any new article. A dropped article
page is rendered again with its kept related ranking, into which a new article it names is
inserted when it belongs there (serve/cache.py, serve/related_arrivals.py), not ranked afresh. With ``"stamp"``
(the anchor the benchmark measures against) a move drops every answer. Requests wait for
that reading, so nothing stale is served once a commit is visible. A rendering that
overlapped a reading is kept only if none of the changes read meanwhile touch it.

What is kept is the answer with its age markers (serve/ages.py); each request fills in
the ages at its own instant, and the result, its ETag and its gzip/brotli forms are
remembered until an age reads differently ("9 jam lalu" → "10 jam lalu"). The line a
background ingest shows on every page (``ServeOptions.notice``) is part of an answer's
freshness: an answer rendered with another notice is rendered again.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabar.archive.change_stamp import ChangeWatch
from kabar.serve import ages, encoding
from kabar.serve.cache_policy import RoutePolicy, policy_for
from kabar.serve.invalidation import (
    EVERYTHING,
    LIST,
    NOTHING,
    Dependencies,
    Invalidation,
    dependencies,
    plan,
)
from kabar.serve.state import ServeState

log = logging.getLogger(__name__)

Headers = list[tuple[bytes, bytes]]
_DROPPED = {b"content-length", b"content-encoding", b"etag", b"last-modified", b"cache-control", b"vary"}
ERROR_CACHE_CONTROL = b"no-store"
CACHE_HEADER = b"x-kabar-cache"


@dataclass(slots=True)
class Variant:
    """One rendering of an entry with its ages filled in."""

    ages: tuple[str, ...]
    body: bytes
    etag: bytes
    modified: float  # Unix time it was made (Last-Modified)
    encoded: dict[str, bytes] = field(default_factory=dict)

    def body_for(self, coding: str | None) -> bytes:
        if coding is None:
            return self.body
        data = self.encoded.get(coding)
        if data is None:
            data = self.encoded[coding] = encoding.compress(self.body, coding)
        return data


@dataclass(slots=True)
class Answer:
    """A response as the app sent it, body whole, ages still as markers."""

    status: int
    headers: Headers
    parts: list[bytes | int]
    content_type: str
    size: int
    deps: Dependencies = LIST
    generation: int = 0  # the invalidations applied when its rendering began
    notice: str | None = None  # the notice line it was rendered with
    made: float = 0.0  # time.monotonic() when it was rendered
    stale: bool = False  # invalidated: kept only to recognise an unchanged re-rendering
    variant: Variant | None = None
    age_second: int | None = None  # the second the variant's ages were written for

    def variant_at(self, now: datetime) -> Variant:
        # Ages count whole seconds: within one second they read the same (and babel's
        # formatting of a dozen ages would cost more than the rest of a cached answer).
        second = math.floor(now.timestamp())
        current = self.variant
        if current is not None and (self.age_second == second or len(self.parts) == 1):
            return current
        self.age_second = second
        texts = ages.age_texts(self.parts, now)
        if current is None or current.ages != texts:
            body = ages.join_ages(self.parts, texts)
            tag = b'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest().encode("ascii") + b'"'
            current = self.variant = Variant(texts, body, tag, time.time())
        return current


@dataclass(slots=True)
class ResponseStore:
    """Least-recently-used answers, bounded by count and by bytes (per worker process)."""

    max_entries: int = 2048
    max_bytes: int = 64 * 1024 * 1024
    _items: OrderedDict[bytes, Answer] = field(default_factory=OrderedDict)
    _bytes: int = 0

    def get(self, key: bytes) -> Answer | None:
        answer = self._items.get(key)
        if answer is None or answer.stale:
            return None
        self._items.move_to_end(key)
        return answer

    def invalidate(self, what: Invalidation) -> int:
        """Mark the answers ``what`` makes stale; how many."""
        if what.empty:
            return 0
        count = 0
        for answer in self._items.values():
            if not answer.stale and what.affects(answer.deps):
                answer.stale = True
                count += 1
        return count

    def previous(self, key: bytes) -> Answer | None:
        """What was kept for ``key``, whatever its stamp (to recognise an unchanged rendering)."""
        return self._items.get(key)

    def put(self, key: bytes, answer: Answer) -> None:
        if self.max_entries <= 0 or answer.size * 4 > self.max_bytes:
            return
        if key in self._items:
            self._drop(key)
        self._items[key] = answer
        self._bytes += answer.size
        while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
            oldest = next(iter(self._items))
            self._drop(oldest)

    def _drop(self, key: bytes) -> None:
        answer = self._items.pop(key)
        self._bytes -= answer.size

    def __len__(self) -> int:
        return len(self._items)

    def fresh_count(self) -> int:
        return sum(1 for a in self._items.values() if not a.stale)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return str(value.decode("latin-1"))
    return ""


def cache_key(scope: Scope) -> bytes:
    """The path and query as sent: never the Host, never another header."""
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    return bytes(path) + b"?" + bytes(scope.get("query_string", b""))


def _etag_matches(header: str, etag: bytes) -> bool:
    wanted = etag.decode("ascii").removeprefix("W/")
    for tag in header.split(","):
        tag = tag.strip()
        if tag == "*" or tag.removeprefix("W/") == wanted:
            return True
    return False


def not_modified(scope: Scope, variant: Variant) -> bool:
    """RFC 9110 §13.1: If-None-Match decides when present, else If-Modified-Since."""
    none_match = _header(scope, b"if-none-match")
    if none_match:
        return _etag_matches(none_match, variant.etag)
    since = _header(scope, b"if-modified-since")
    if since:
        try:
            return int(variant.modified) <= parsedate_to_datetime(since).timestamp()
        except (TypeError, ValueError, IndexError, OverflowError):
            return False
    return False


async def _capture(app: ASGIApp, scope: Scope, receive: Receive) -> Answer:
    """Run the app and keep its whole response (the portal's answers are never endless streams)."""
    status = 500
    headers: Headers = []
    chunks: list[bytes] = []

    async def keep(message: Message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status = int(message["status"])
            headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in _DROPPED]
        elif message["type"] == "http.response.body":
            chunks.append(bytes(message.get("body", b"")))

    await app(scope, receive, keep)
    body = b"".join(chunks)
    content_type = next((v.decode("latin-1") for k, v in headers if k.lower() == b"content-type"), "")
    return Answer(status, headers, ages.split_ages(body), content_type, len(body))


@dataclass(slots=True)
class CacheCounters:
    """What the cache did (tests and benchmarks read these: proof without timing)."""

    hits: int = 0
    renders: int = 0
    syncs: int = 0  # change-log readings
    dropped: int = 0  # answers invalidated
    refused: int = 0  # renderings not kept: a change read meanwhile touched them


_HISTORY = 256  # invalidations remembered for renderings that overlap them


class ResponseCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        watch: ChangeWatch,
        clock: Callable[[], datetime],
        max_entries: int = 2048,
        max_bytes: int = 64 * 1024 * 1024,
        state: ServeState | None = None,
    ) -> None:
        self.app = app
        self.watch = watch
        self.clock = clock
        self.store = ResponseStore(max_entries=max_entries, max_bytes=max_bytes)
        self.counters = CacheCounters()
        self._state = state  # else the app's own (``app.state.kabar``), found on the first request
        # Renderings under way, by address and generation: a request that arrives after an
        # invalidation never waits for a rendering begun before it.
        self._rendering: dict[tuple[bytes, int], asyncio.Future[Answer]] = {}
        self.generation = 0  # invalidations applied so far
        self._history: deque[tuple[int, Invalidation]] = deque(maxlen=_HISTORY)
        self._seen_stamp: str | None = None  # the stamp read before the last completed reading
        self._since: int | None = None  # the change-log position read up to
        self._articles_max = 0
        self._started = 0  # readings begun
        self._finished = 0  # the number of the last reading completed
        self._reading: asyncio.Task[None] | None = None

    # -- the archive's changes -------------------------------------------------------
    def _serve_state(self, scope: Scope) -> ServeState | None:
        if self._state is None:
            app = scope.get("app")
            found = getattr(getattr(app, "state", None), "kabar", None)
            self._state = found if isinstance(found, ServeState) else None
        return self._state

    async def _catch_up(self, ticket: int, state: ServeState | None) -> None:
        """Until a reading begun after this request read the stamp (``ticket``) has completed."""
        while self._finished <= ticket:
            task = self._reading
            if task is None:
                self._started += 1
                task = self._reading = asyncio.get_running_loop().create_task(
                    self._read(self._started, state)
                )
            try:
                await asyncio.shield(task)
            finally:
                if self._reading is task and task.done():
                    self._reading = None

    async def _read(self, number: int, state: ServeState | None) -> None:
        stamp = self.watch.stamp()  # before the log: a commit after this moves the stamp again
        targeted = state is not None and state.options.cache_invalidation == "targeted"
        if not targeted:
            # A reading asked for by a request that saw the old stamp may find it already read.
            moved = self._seen_stamp is not None and stamp != self._seen_stamp
            what = EVERYTHING if moved else NOTHING
        else:
            assert state is not None
            what, since, articles_max = await run_in_threadpool(self._plan)
            self._since, self._articles_max = since, articles_max
        self.counters.syncs += 1
        if not what.empty:
            self.counters.dropped += self.store.invalidate(what)
            self.generation += 1
            self._history.append((self.generation, what))
            if targeted and state is not None:
                if what.everything:
                    state.related_cache.clear()
                else:  # a new article is checked against kept rankings, not a cause to drop them
                    state.related_cache.apply(what.rankings)
        self._seen_stamp = stamp
        self._finished = number

    def _plan(self) -> tuple[Invalidation, int, int]:
        """Read the log since the last position and say what it makes stale (a worker thread)."""
        if self._since is None:  # the first reading: nothing is kept yet, only the position matters
            where = self.watch.position()
            return NOTHING, where.seq, where.articles_max
        batch = self.watch.read_changes(self._since, self._articles_max)
        return plan(batch), batch.position, batch.articles_max

    def _may_keep(self, answer: Answer) -> bool:
        """A rendering begun at an older generation is kept only if no change read since touches it."""
        if answer.generation == self.generation:
            return True
        if not self._history or self._history[0][0] > answer.generation + 1:
            return False  # the invalidations in between are no longer known
        return not any(g > answer.generation and w.affects(answer.deps) for g, w in self._history)

    @staticmethod
    def _notice(state: ServeState | None) -> str | None:
        if state is None or state.options.notice is None:
            return None
        return state.options.notice()

    def _fresh(self, answer: Answer, state: ServeState | None, notice: str | None) -> bool:
        if answer.notice != notice:
            return False
        if answer.deps.article_id is not None and state is not None:
            return time.monotonic() - answer.made <= state.options.article_cache_seconds
        return True

    # -- requests --------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = bytes(scope.get("query_string", b"")).decode("latin-1")
        policy = policy_for(scope["method"], scope["path"], query)
        if policy is None:
            await self.app(scope, receive, send)
            return
        if not policy.cached:
            await self.app(scope, receive, _with_cache_control(send, policy))
            return
        key = cache_key(scope)
        state = self._serve_state(scope)
        ticket = self._started
        try:  # read before rendering: a commit meanwhile makes the next request read the log again
            stamp = self.watch.stamp()
            if stamp != self._seen_stamp:
                await self._catch_up(ticket, state)
        except Exception as exc:  # the archive unreachable: the app meets it too and answers 503 itself
            log.debug("change stamp or log unreadable: %s", exc)
            await self.app(
                scope, receive, _with_cache_control(send, RoutePolicy(ERROR_CACHE_CONTROL.decode(), False))
            )
            return
        notice = self._notice(state)
        answer = self.store.get(key)
        if answer is not None and not self._fresh(answer, state, notice):
            answer = None
        hit = answer is not None
        if answer is not None:
            self.counters.hits += 1
        elif self.store.max_entries <= 0:  # no cache: every request renders
            answer = await self._render(key, self.generation, notice, scope, receive)
        else:
            answer = await self._render_once(key, notice, scope, receive)
        await self._respond(answer, policy, scope, send, hit)

    async def _render_once(self, key: bytes, notice: str | None, scope: Scope, receive: Receive) -> Answer:
        generation = self.generation
        pending = self._rendering.get((key, generation))
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except Exception:  # the first renderer failed: this request tries on its own
                return await self._render(key, generation, notice, scope, receive)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._rendering[key, generation] = future
        try:
            answer = await self._render(key, generation, notice, scope, receive)
        except BaseException as exc:
            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("rendering cancelled"))
            future.exception()  # retrieved here: waiters are optional, no "never retrieved" warning
            raise
        finally:
            del self._rendering[key, generation]
        future.set_result(answer)
        return answer

    async def _render(
        self, key: bytes, generation: int, notice: str | None, scope: Scope, receive: Receive
    ) -> Answer:
        made = time.monotonic()
        answer = await _capture(self.app, scope, receive)
        self.counters.renders += 1
        answer.generation, answer.notice, answer.made = generation, notice, made
        if answer.status == 200:
            answer.deps = dependencies(
                scope["path"], b"".join(p for p in answer.parts if isinstance(p, bytes))
            )
            before = self.store.previous(key)
            if before is not None and before.parts == answer.parts:
                # The same answer again (the change was elsewhere): its ETag, Last-Modified and
                # compressed forms stay, so a client's If-Modified-Since still matches.
                answer.variant = before.variant
            if self._may_keep(answer):
                self.store.put(key, answer)
            else:
                self.counters.refused += 1
        return answer

    async def _respond(
        self, answer: Answer, policy: RoutePolicy, scope: Scope, send: Send, hit: bool
    ) -> None:
        variant = answer.variant_at(self.clock())
        # Whether this process answered from its cache (as proxies' X-Cache): what tests and the
        # benchmark count, since a kept answer and a fresh rendering of it are byte-identical.
        headers = [*answer.headers, (CACHE_HEADER, b"hit" if hit else b"miss")]
        if answer.status != 200:
            headers.append((b"cache-control", ERROR_CACHE_CONTROL))
            await _send(send, answer.status, headers, variant.body)
            return
        headers += [
            (b"cache-control", policy.cache_control.encode("ascii")),
            (b"etag", variant.etag),
            (b"last-modified", formatdate(variant.modified, usegmt=True).encode("ascii")),
        ]
        compressible = encoding.compressible(answer.content_type)
        if compressible:
            headers.append((b"vary", b"Accept-Encoding"))
        if not_modified(scope, variant):
            kept = [(k, v) for k, v in headers if k.lower() != b"content-type"]
            await _send(send, 304, kept, b"", length=False)
            return
        coding = None
        if compressible and len(variant.body) >= encoding.MIN_BYTES:
            coding = encoding.choose(_header(scope, b"accept-encoding"))
        if coding is not None:
            headers.append((b"content-encoding", coding.encode("ascii")))
        await _send(send, 200, headers, variant.body_for(coding))


async def _send(send: Send, status: int, headers: Headers, body: bytes, *, length: bool = True) -> None:
    if length:
        headers = [*headers, (b"content-length", str(len(body)).encode("ascii"))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _with_cache_control(send: Send, policy: RoutePolicy) -> Send:
    value = policy.cache_control.encode("ascii")

    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start" and int(message["status"]) in (200, 304):
            kept = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
            message = {**message, "headers": [*kept, (b"cache-control", value)]}
        await send(message)

    return sending
