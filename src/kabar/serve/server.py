"""How the portal meets the network: uvicorn with timeouts and a connection limit.

Uvicorn closes an idle keep-alive connection only after it has answered one
request on it; a client that connects and sends nothing, or sends its request a
byte at a time, holds a file descriptor for ever (3,014 were held so). The
protocol below gives every request a deadline from the moment the server waits for
it, and answers connections past the limit with a 503, so idle clients cannot
exhaust the process. ``kabar serve`` and ``kabar run`` both start the server here.
"""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

import h11
import uvicorn
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.protocols.http.h11_impl import H11Protocol, RequestResponseCycle

from kabar.serve.limits import ServerLimits
from kabar.serve.security import with_security_headers


async def _too_many_connections(scope: Scope, receive: Receive, send: Send) -> None:
    body = b"Server sibuk: terlalu banyak koneksi. Coba lagi sebentar lagi.\n"
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode("ascii")),
        (b"retry-after", b"5"),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": 503, "headers": with_security_headers(headers)})
    await send({"type": "http.response.body", "body": body})


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request deadline and a connection limit.

    The deadline is armed whenever the server waits for a request (on connect, and
    after each response); if the whole request has not arrived when it fires, the
    connection is closed. Keep-alive after a response is uvicorn's own timer.
    """

    limits: ClassVar[ServerLimits] = ServerLimits()
    _deadline: asyncio.TimerHandle | None = None
    _awaited: RequestResponseCycle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.limits.max_connections:
            # Answer the request it sends with a 503 (a response written before the
            # request is read can be lost to a reset); the deadline still bounds it.
            self.app = _too_many_connections
        self._arm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        if self.transport.is_closing():
            return
        self._awaited = self.cycle
        self._deadline = self.loop.call_later(self.limits.request_seconds, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        cycle = self.cycle
        no_new_request = cycle is None or cycle is self._awaited
        body_unfinished = cycle is not None and cycle is not self._awaited and cycle.more_body
        if (no_new_request or body_unfinished) and not self.transport.is_closing():
            self.transport.close()  # connection_lost tells a waiting handler the client is gone

    def data_received(self, data: bytes) -> None:
        # h11's limit counts only a head that arrives in pieces; one large write passes it.
        if self.conn.their_state is h11.IDLE and self._head_too_large(data):
            self.send_400_response("request head too large")
            return
        super().data_received(data)

    def _head_too_large(self, data: bytes) -> bool:
        pending = self.conn.trailing_data[0] + data
        end = pending.find(b"\r\n\r\n")
        return (len(pending) if end < 0 else end + 4) > self.limits.max_head_bytes

    def send_400_response(self, msg: str) -> None:
        """The answer to a malformed or oversized request, with the security headers the app's carry.

        Written as bytes, not through h11: the request may never have been parsed.
        """
        body = b"Permintaan tidak dapat dibaca.\n"
        headers = with_security_headers(
            [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode("ascii")),
                (b"connection", b"close"),
            ]
        )
        head = b"HTTP/1.1 400 Bad Request\r\n" + b"".join(n + b": " + v + b"\r\n" for n, v in headers)
        self.logger.warning("refused a request: %s", msg)
        self.transport.write(head + b"\r\n" + body)
        self.transport.close()


def guarded_protocol(limits: ServerLimits) -> type[H11Protocol]:
    """The protocol class for one server, carrying that server's limits."""
    return type("KabarH11Protocol", (GuardedH11Protocol,), {"limits": limits})


def uvicorn_config(app: ASGIApp, host: str, port: int, limits: ServerLimits, **extra: Any) -> uvicorn.Config:
    """The uvicorn configuration every kabar server runs with."""
    settings: dict[str, Any] = {
        "log_level": "warning",
        "server_header": False,  # no version banner for scanners
        "ws": "none",  # the portal has no WebSockets; an upgrade request is an ordinary request
        **extra,
    }
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        http=guarded_protocol(limits),
        timeout_keep_alive=limits.keep_alive_seconds,
        timeout_graceful_shutdown=limits.shutdown_seconds,
        h11_max_incomplete_event_size=limits.max_head_bytes,
        backlog=limits.backlog,
        **settings,
    )
