"""Rendered pages and API answers kept until the archive changes, with ETag, 304 and compression.

Every GET on an archive route (serve/cache_policy.py) is looked up by its path and query,
never by its Host or any other header, together with the archive's change stamp
(archive/change_stamp.py). A hit costs a dictionary look-up; a miss renders through the
app as before and is kept if it is a 200. Any commit to the archive, from any process,
moves the stamp, so the next request renders afresh: nothing stale is served after an
article lands. Requests for an address being rendered wait for that one rendering
instead of starting their own (fifty readers arriving at a changed front page render it
once).

What is kept is the answer with its age markers (serve/ages.py); each request fills in
the ages at its own instant, and the result, its ETag and its gzip/brotli forms are
remembered until an age reads differently ("9 jam lalu" → "10 jam lalu").
"""

from __future__ import annotations

import asyncio
import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import formatdate, parsedate_to_datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabar.archive.change_stamp import ChangeWatch
from kabar.serve import ages, encoding
from kabar.serve.cache_policy import RoutePolicy, policy_for

Headers = list[tuple[bytes, bytes]]
_DROPPED = {b"content-length", b"content-encoding", b"etag", b"last-modified", b"cache-control", b"vary"}
ERROR_CACHE_CONTROL = b"no-store"


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
    stamp: str = ""
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

    def get(self, key: bytes, stamp: str) -> Answer | None:
        answer = self._items.get(key)
        if answer is None or answer.stamp != stamp:  # the archive changed since: render again
            return None
        self._items.move_to_end(key)
        return answer

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


class ResponseCacheMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        watch: ChangeWatch,
        clock: Callable[[], datetime],
        max_entries: int = 2048,
        max_bytes: int = 64 * 1024 * 1024,
    ) -> None:
        self.app = app
        self.watch = watch
        self.clock = clock
        self.store = ResponseStore(max_entries=max_entries, max_bytes=max_bytes)
        # Renderings under way, by address and stamp: a request that arrives after a commit never
        # waits for a rendering begun before it.
        self._rendering: dict[tuple[bytes, str], asyncio.Future[Answer]] = {}

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
        try:  # read before rendering: a commit meanwhile makes the next request render again
            stamp = self.watch.stamp()
        except Exception:  # the archive unreachable: the app meets it too and answers 503 itself
            await self.app(
                scope, receive, _with_cache_control(send, RoutePolicy(ERROR_CACHE_CONTROL.decode(), False))
            )
            return
        answer = self.store.get(key, stamp)
        if answer is None and self.store.max_entries <= 0:  # no cache: every request renders
            answer = await self._render(key, stamp, scope, receive)
        elif answer is None:
            answer = await self._render_once(key, stamp, scope, receive)
        await self._respond(answer, policy, scope, send)

    async def _render_once(self, key: bytes, stamp: str, scope: Scope, receive: Receive) -> Answer:
        pending = self._rendering.get((key, stamp))
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except Exception:  # the first renderer failed: this request tries on its own
                return await self._render(key, stamp, scope, receive)
        future: asyncio.Future[Answer] = asyncio.get_running_loop().create_future()
        self._rendering[key, stamp] = future
        try:
            answer = await self._render(key, stamp, scope, receive)
        except BaseException as exc:
            future.set_exception(exc if isinstance(exc, Exception) else RuntimeError("rendering cancelled"))
            future.exception()  # retrieved here: waiters are optional, no "never retrieved" warning
            raise
        finally:
            del self._rendering[key, stamp]
        future.set_result(answer)
        return answer

    async def _render(self, key: bytes, stamp: str, scope: Scope, receive: Receive) -> Answer:
        answer = await _capture(self.app, scope, receive)
        answer.stamp = stamp
        if answer.status == 200:
            before = self.store.previous(key)
            if before is not None and before.parts == answer.parts:
                # The same answer again (the change was elsewhere): its ETag, Last-Modified and
                # compressed forms stay, so a client's If-Modified-Since still matches.
                answer.variant = before.variant
            self.store.put(key, answer)
        return answer

    async def _respond(self, answer: Answer, policy: RoutePolicy, scope: Scope, send: Send) -> None:
        variant = answer.variant_at(self.clock())
        headers = list(answer.headers)
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
