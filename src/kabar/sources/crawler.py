"""The polite fetcher: one async code path for every request kabar makes.

httpx does the HTTP; this module adds what a crawler owes the sites it reads and
what kabar owes the machine it runs on: robots.txt (with Crawl-delay), a per-host
request rate and concurrency cap, a descriptive User-Agent, retries with backoff
on 429/5xx honouring Retry-After, a total deadline per request, a size cap that
stops reading (also on the *decoded* size, against compression bombs), redirects
followed by hand so that every hop passes the safety check (and, when the caller asks for
``same_host``, a redirect to another host is stopped before anything is asked of that host,
robots.txt included), and a record of every fetch handed to ``on_record``. Synchronous callers use ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import httpx

from kabar.sources.robots import RobotsRules, robots_url, rules_from_response
from kabar.sources.safety import HostResolutionError, SafetyOptions, UnsafeURLError, check_url_async

DEFAULT_USER_AGENT = "kabar/0.1 (Indonesian news engine; +https://github.com/kabar-news/kabar)"

Outcome = Literal[
    "ok",
    "not_modified",
    "http_error",
    "too_large",
    "timeout",
    "network_error",
    "unsafe",
    "robots_disallowed",
    "redirect_loop",
    "too_many_redirects",
    "off_host_redirect",
]
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(slots=True)
class FetchOptions:
    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0  # seconds for the whole request, body included
    max_bytes: int = 5_000_000  # per response, after decompression
    max_redirects: int = 5
    retries: int = 2  # extra attempts after a 429/5xx/timeout/connection error
    backoff: float = 1.0  # first wait between attempts; doubles each time
    max_retry_wait: float = 60.0  # a longer Retry-After gives up instead of waiting
    rate_per_host: float = 1.0  # requests per second to one host (robots.txt may ask for less)
    # Requests are spaced this much wider than 1/rate, so that the site, which sees
    # arrival times shifted by network jitter, never counts more than the rate in
    # any one-second window.
    rate_margin: float = 0.005
    concurrency_per_host: int = 2
    obey_robots: bool = True
    safety: SafetyOptions = field(default_factory=SafetyOptions)


@dataclass(slots=True)
class FetchResult:
    url: str
    final_url: str
    outcome: Outcome
    status: int | None = None
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    elapsed: float = 0.0
    attempts: int = 0
    redirects: list[str] = field(default_factory=list)
    source: str | None = None  # which configured source asked for it

    @property
    def ok(self) -> bool:
        return self.outcome == "ok"

    @property
    def size(self) -> int:
        return len(self.content)


def _host(url: str) -> str:
    """Host and port, as the per-host gate counts them."""
    try:
        return urlsplit(url).netloc.lower()
    except ValueError:
        return ""


class _HostGate:
    """Spaces request *starts* to one host by at least ``interval`` and caps concurrency,
    so however many tasks wait, the measured rate cannot exceed the configured one."""

    def __init__(self, interval: float, concurrency: int) -> None:
        self.interval = interval
        self.slots = asyncio.Semaphore(max(1, concurrency))
        self._lock = asyncio.Lock()
        self._next = 0.0

    async def wait_turn(self) -> None:
        # The lock is held through the sleep and the next slot is counted from the
        # actual wake-up, so a late wake-up can never bunch two requests together.
        async with self._lock:
            delay = self._next - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            self._next = time.monotonic() + self.interval


class _TooLarge(Exception):
    pass


class _Decoder:
    """gzip/deflate decoding with a bound on output.

    httpx's own decoders expand a whole chunk at once, so a small compressed
    chunk could become gigabytes before any size check runs.
    """

    def __init__(self, encoding: str, limit: int) -> None:
        enc = encoding.strip().lower()
        self.identity = enc in ("", "identity")
        # 47: zlib or gzip header auto-detected; deflate without header handled on error
        self._z = None if self.identity else zlib.decompressobj(47)
        self._raw_deflate = enc == "deflate"
        self.limit = limit
        self.size = 0

    def feed(self, chunk: bytes) -> bytes:
        if self._z is None:
            out = chunk
        else:
            try:
                out = self._z.decompress(chunk, self.limit - self.size + 1)
            except zlib.error:
                if not self._raw_deflate or self.size:
                    raise
                self._z = zlib.decompressobj(-zlib.MAX_WBITS)
                self._raw_deflate = False
                out = self._z.decompress(chunk, self.limit - self.size + 1)
            if self._z.unconsumed_tail:
                raise _TooLarge
        self.size += len(out)
        if self.size > self.limit:
            raise _TooLarge
        return out


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


@dataclass(slots=True)
class _Hop:
    status: int | None
    headers: dict[str, str]
    content: bytes
    outcome: Outcome
    error: str | None = None
    attempts: int = 1


class Fetcher:
    """Use as ``async with Fetcher(options) as f: result = await f.fetch(url)``."""

    def __init__(
        self,
        options: FetchOptions | None = None,
        on_record: Callable[[FetchResult], None] | None = None,
    ) -> None:
        self.options = options or FetchOptions()
        self.on_record = on_record
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}

    async def __aenter__(self) -> Fetcher:
        o = self.options
        self._client = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(o.timeout),
            headers={"User-Agent": o.user_agent, "Accept-Encoding": "gzip, deflate"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
            trust_env=False,  # a proxy from the environment would bypass the address check
        )
        return self

    async def __aexit__(self, *_exc: object) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    # -- politeness -------------------------------------------------------------
    def _gate(self, host: str, extra_delay: float = 0.0) -> _HostGate:
        rate = self.options.rate_per_host
        interval = (1.0 + self.options.rate_margin) / rate if rate > 0 else 0.0
        interval = max(interval, extra_delay)
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(interval, self.options.concurrency_per_host)
        elif interval > gate.interval:
            gate.interval = interval
        return gate

    async def robots_for(self, url: str) -> RobotsRules:
        host = urlsplit(url).netloc.lower()
        lock = self._robots_locks.setdefault(host, asyncio.Lock())
        async with lock:
            rules = self._robots.get(host)
            if rules is None or rules.expired(time.monotonic()):
                hop = await self._request(robots_url(url), {}, max_bytes=512_000)
                status = hop.status if hop.outcome in ("ok", "http_error") else None
                rules = rules_from_response(status, hop.content, error=hop.error)
                self._robots[host] = rules
                self._gate(host, rules.delay(self.options.user_agent))
        return rules

    # -- one request --------------------------------------------------------------
    async def _request(self, url: str, headers: dict[str, str], max_bytes: int | None = None) -> _Hop:
        assert self._client is not None, "use Fetcher inside 'async with'"
        limit = self.options.max_bytes if max_bytes is None else max_bytes
        gate = self._gate(urlsplit(url).netloc.lower())
        async with gate.slots:
            await gate.wait_turn()
            try:
                async with asyncio.timeout(self.options.timeout):
                    return await self._stream(url, headers, limit)
            except TimeoutError:
                return _Hop(None, {}, b"", "timeout", f"no complete answer within {self.options.timeout:g}s")
            except httpx.TimeoutException as exc:
                return _Hop(None, {}, b"", "timeout", f"{type(exc).__name__}")
            except (httpx.TransportError, OSError) as exc:
                return _Hop(None, {}, b"", "network_error", f"{type(exc).__name__}: {exc}"[:300])
            except zlib.error as exc:
                return _Hop(None, {}, b"", "http_error", f"bad compressed body: {exc}")

    async def _stream(self, url: str, headers: dict[str, str], limit: int) -> _Hop:
        assert self._client is not None
        async with self._client.stream("GET", url, headers=headers) as resp:
            hdrs = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status_code in _REDIRECTS or resp.status_code == 304:
                return _Hop(resp.status_code, hdrs, b"", "ok")
            declared = hdrs.get("content-length", "")
            encoding = hdrs.get("content-encoding", "")
            if declared.isdigit() and int(declared) > limit and encoding in ("", "identity"):
                return _Hop(resp.status_code, hdrs, b"", "too_large", f"declared {declared} bytes > {limit}")
            decoder = _Decoder(encoding, limit)
            body = bytearray()
            try:
                async for chunk in resp.aiter_raw():
                    body += decoder.feed(chunk)
            except _TooLarge:
                return _Hop(resp.status_code, hdrs, b"", "too_large", f"body over {limit} bytes")
            outcome: Outcome = "ok" if resp.status_code < 400 else "http_error"
            err = None if outcome == "ok" else f"HTTP {resp.status_code}"
            return _Hop(resp.status_code, hdrs, bytes(body), outcome, err)

    async def _with_retries(self, url: str, headers: dict[str, str]) -> _Hop:
        attempts = 0
        while True:
            attempts += 1
            hop = await self._request(url, headers)
            hop.attempts = attempts
            retriable = hop.outcome in ("timeout", "network_error") or (
                hop.status is not None and hop.status in _RETRY_STATUS
            )
            if not retriable or attempts > self.options.retries:
                return hop
            wait = self.options.backoff * (2 ** (attempts - 1))
            asked = _retry_after(hop.headers.get("retry-after"), time.time())
            if asked is not None:
                if asked > self.options.max_retry_wait:
                    hop.error = f"{hop.error or 'HTTP ' + str(hop.status)}; Retry-After {asked:.0f}s too long"
                    return hop
                wait = max(wait, asked)
            await asyncio.sleep(wait)

    # -- the public call -----------------------------------------------------------
    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        source: str | None = None,
        same_host: bool = False,
    ) -> FetchResult:
        """Fetch ``url`` politely; never raises for network or server trouble.

        ``same_host``: a redirect to another host is not followed (outcome ``off_host_redirect``,
        ``final_url`` the address it pointed to) — for pages that must come from the host the
        caller already trusts, such as an article's other pages.
        """
        started = datetime.now(UTC)
        t0 = time.monotonic()
        result = await self._fetch(url, etag, last_modified, same_host)
        result.started_at = started
        result.elapsed = time.monotonic() - t0
        result.source = source
        if self.on_record is not None:
            self.on_record(result)
        return result

    async def _fetch(
        self, url: str, etag: str | None, last_modified: str | None, same_host: bool
    ) -> FetchResult:
        current = url
        host = _host(url)
        seen = {url}
        redirects: list[str] = []
        total_attempts = 0
        while True:
            refusal = await self._refusal(current)
            if refusal is not None:
                refusal.url, refusal.redirects, refusal.attempts = url, redirects, total_attempts
                return refusal
            headers: dict[str, str] = {}
            if etag and current == url:
                headers["If-None-Match"] = etag
            if last_modified and current == url:
                headers["If-Modified-Since"] = last_modified
            hop = await self._with_retries(current, headers)
            total_attempts += hop.attempts
            location = hop.headers.get("location")
            if hop.status in _REDIRECTS and location:
                nxt = urljoin(current, location.strip())
                redirects.append(nxt)
                if same_host and _host(nxt) != host:
                    return FetchResult(url, nxt, "off_host_redirect", hop.status,
                                       error=f"redirected to another host: {nxt}",
                                       attempts=total_attempts, redirects=redirects)  # fmt: skip
                if nxt in seen:
                    return FetchResult(url, nxt, "redirect_loop", hop.status, error=f"redirect loop at {nxt}",
                                       attempts=total_attempts, redirects=redirects)  # fmt: skip
                if len(redirects) > self.options.max_redirects:
                    return FetchResult(url, nxt, "too_many_redirects", hop.status,
                                       error=f"more than {self.options.max_redirects} redirects",
                                       attempts=total_attempts, redirects=redirects)  # fmt: skip
                seen.add(nxt)
                current = nxt
                continue
            outcome: Outcome = "not_modified" if hop.status == 304 else hop.outcome
            return FetchResult(url, current, outcome, hop.status, hop.content, hop.headers, hop.error,
                               attempts=total_attempts, redirects=redirects)  # fmt: skip

    async def _refusal(self, url: str) -> FetchResult | None:
        try:
            await check_url_async(url, self.options.safety)
        except UnsafeURLError as exc:
            return FetchResult(url, url, "unsafe", error=str(exc))
        except HostResolutionError as exc:
            return FetchResult(url, url, "network_error", error=str(exc))
        if self.options.obey_robots:
            rules = await self.robots_for(url)
            if rules.unreachable is not None:
                # The host did not answer at all: a network condition, said as such.
                return FetchResult(url, url, "network_error", error=f"host unreachable: {rules.unreachable}")
            if not rules.allows(self.options.user_agent, url):
                why = "robots.txt answers 5xx (RFC 9309: assume disallowed)" if rules.disallow_all else ""
                return FetchResult(url, url, "robots_disallowed", error=why or "disallowed by robots.txt")
        return None


__all__ = ["DEFAULT_USER_AGENT", "FetchOptions", "FetchResult", "Fetcher", "Outcome"]
