"""Safety for content that comes from arbitrary web pages.

Every string from a page is escaped by Jinja2's autoescape; this module covers what
autoescape cannot know: which URLs may become links, how search snippets get their
``<mark>`` without letting markup through, how JSON-LD sits inside ``<script>``, and
the response headers that make the browser refuse anything that slipped past.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup, escape
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kabar.serve.errors import server_error

# No inline script, no third-party anything: a hostile article that somehow got
# markup into a page still cannot run code, load a resource, post a form or frame us.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; media-src 'none'; "
    "frame-src 'none'; child-src 'none'; worker-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)

SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode("ascii")),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
)

_SAFE_SCHEMES = frozenset({"http", "https"})
_CONTROL = re.compile(r"[\x00-\x20\x7f]")


def safe_url(url: str | None) -> str | None:
    """``url`` when it may become an ``href``: absolute http(s) with a host, or a local path.

    Browsers strip tabs, newlines and leading control characters before reading a
    scheme (``java\\tscript:`` runs), so the scheme is judged on the stripped text and
    anything carrying control characters is refused outright.
    """
    if not url or len(url) > 4096:
        return None
    text = url.strip()
    if _CONTROL.search(text):
        return None
    if text.startswith("/") and not text.startswith("//") and "\\" not in text:
        return text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in _SAFE_SCHEMES or not parts.hostname:
        return None
    return text


_MARKED = re.compile(r"«([^«»]*)»")


def highlight(snippet: str | None) -> Markup:
    """A search snippet with its «…» matches as ``<mark>``: escape first, then mark.

    Escaping first means nothing in the snippet can become markup; the only tags in
    the result are the balanced ``<mark>`` pairs added here (stray markers are dropped).
    """
    if not snippet:
        return Markup("")
    escaped = str(escape(snippet))
    marked = _MARKED.sub(lambda m: f"<mark>{m.group(1)}</mark>", escaped)
    return Markup(marked.replace("«", "").replace("»", ""))


def plain_snippet(snippet: str | None) -> str:
    """The snippet without match markers (for feeds and JSON consumers that want text)."""
    return (snippet or "").replace("«", "").replace("»", "")


_JSON_IN_SCRIPT = str.maketrans(
    {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}
)


def jsonld(data: dict[str, Any]) -> Markup:
    """JSON for a ``<script type="application/ld+json">`` block that no content can close.

    ``</script>`` or ``<!--`` inside a headline would end or confuse the block; with
    ``<``, ``>`` and ``&`` written as JSON escapes the text stays the same JSON value.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Markup(text.translate(_JSON_IN_SCRIPT))


class SecurityHeadersMiddleware:
    """Adds the security headers to every response, the error answers included.

    It also answers any exception no handler took: Starlette's own catch-all sits
    outside every middleware, so a 500 it sends would go out without the headers.
    Plain ASGI, so no per-request task overhead.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                message["headers"] = with_security_headers(message.get("headers", []))
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as exc:
            response = server_error(Request(scope), exc)
            if not started:  # once the head is out, all that is left is to end the connection
                await response(scope, receive, send_with_headers)


def with_security_headers(headers: Iterable[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` with each security header the response does not set itself."""
    out = list(headers)
    present = {name.lower() for name, _ in out}
    return [*out, *((n, v) for n, v in SECURITY_HEADERS if n not in present)]
