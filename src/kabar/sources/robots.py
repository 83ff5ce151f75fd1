"""robots.txt rules per host, fetched once and cached.

Parsing is the standard library's :class:`urllib.robotparser.RobotFileParser`
(it reads Allow/Disallow, Crawl-delay and Request-rate). Fetching is the
crawler's own, so robots.txt goes through the same safety check, size cap and
politeness gate as every other request. Status handling follows RFC 9309:
4xx means "no rules", 5xx or an unreachable server means "assume disallowed"
(retried after a short while).
"""

from __future__ import annotations

import re
import time
import urllib.robotparser
from dataclasses import dataclass
from urllib.parse import urlsplit

_FRACTIONAL_DELAY = re.compile(r"^\s*crawl-delay\s*:\s*([0-9]*\.[0-9]+)\s*(?:#.*)?$", re.I)


@dataclass(slots=True)
class RobotsRules:
    parser: urllib.robotparser.RobotFileParser | None  # None: no rules, everything allowed
    disallow_all: bool
    fetched_at: float
    ttl: float
    fractional_delay: float = 0.0
    unreachable: str | None = None  # why robots.txt could not be read (network), if so

    def expired(self, now: float) -> bool:
        return now - self.fetched_at > self.ttl

    def allows(self, user_agent: str, url: str) -> bool:
        if self.disallow_all:
            return False
        if self.parser is None:
            return True
        return bool(self.parser.can_fetch(user_agent, url))

    def delay(self, user_agent: str) -> float:
        """Seconds between requests asked by Crawl-delay or Request-rate (0 if none)."""
        if self.parser is None:
            return 0.0
        delay = self.parser.crawl_delay(user_agent)
        rate = self.parser.request_rate(user_agent)
        seconds = float(delay) if delay is not None else self.fractional_delay
        if rate is not None and rate.requests > 0:
            seconds = max(seconds, rate.seconds / rate.requests)
        return seconds


def rules_from_response(
    status: int | None, body: bytes, *, now: float | None = None, error: str | None = None
) -> RobotsRules:
    """Rules from a robots.txt fetch: ``status`` None means the server was unreachable."""
    at = time.monotonic() if now is None else now
    if status is None:
        return RobotsRules(
            parser=None, disallow_all=True, fetched_at=at, ttl=300.0, unreachable=error or "no answer"
        )
    if status >= 500:
        return RobotsRules(parser=None, disallow_all=True, fetched_at=at, ttl=300.0)
    if status >= 400 or status < 200 or status >= 300:
        return RobotsRules(parser=None, disallow_all=False, fetched_at=at, ttl=86400.0)
    parser = urllib.robotparser.RobotFileParser()
    lines = body.decode("utf-8", errors="replace").splitlines()
    parser.parse(lines)
    # The standard parser accepts only whole seconds ("Crawl-delay: 0.5" is ignored);
    # a fractional value is honoured here, whichever group states it: erring on the polite side.
    fractional = [float(m.group(1)) for line in lines if (m := _FRACTIONAL_DELAY.match(line))]
    return RobotsRules(
        parser=parser,
        disallow_all=False,
        fetched_at=at,
        ttl=86400.0,
        fractional_delay=max(fractional, default=0.0),
    )


def robots_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


__all__ = ["RobotsRules", "robots_url", "rules_from_response"]
