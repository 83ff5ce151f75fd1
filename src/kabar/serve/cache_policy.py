"""Which answers the portal keeps, and what ``Cache-Control`` each route sends.

Pages and API answers change when the archive does, so browsers and proxies may keep
them but must ask again each time (``no-cache``): the ``ETag`` makes that a 304 of a
few bytes, and nothing stale is shown after a new article lands. Feeds are polled by
readers that accept a minute's lag, and a reverse proxy may answer them meanwhile.
Static files are addressed by their content (``?v=``), so they can be kept for a year.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE = "public, no-cache"
FEED = "public, max-age=60"
STATIC_VERSIONED = "public, max-age=31536000, immutable"
STATIC = "public, max-age=3600"


@dataclass(slots=True, frozen=True)
class RoutePolicy:
    cache_control: str
    cached: bool  # the server keeps the answer until the archive changes


# Only routes whose answer is a function of the archive and the address are kept; a route
# added later (the engine's /status, say) is passed through untouched until listed here.
_ARCHIVE_ROUTES = ("/artikel/", "/cari", "/media/", "/cerita", "/entitas/", "/api/", "/tentang")


def policy_for(method: str, path: str, query: str = "") -> RoutePolicy | None:
    """The route's policy; None for answers the cache leaves alone (headers and all)."""
    if method != "GET":
        return None
    if path.startswith("/static/"):
        versioned = any(p.startswith("v=") for p in query.split("&"))
        return RoutePolicy(STATIC_VERSIONED if versioned else STATIC, cached=False)
    if path.startswith("/feed/"):
        return RoutePolicy(FEED, cached=True)
    if path in ("/", "/openapi.json") or (path.startswith(_ARCHIVE_ROUTES) and path != "/api/ingest"):
        return RoutePolicy(PAGE, cached=True)
    return None
