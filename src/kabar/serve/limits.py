"""The server's limits and timeouts, settable by option or environment.

Kept apart from ``serve.server`` so the command line can read them without
importing uvicorn.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(slots=True, frozen=True)
class ServerLimits:
    keep_alive_seconds: int = 5  # an idle keep-alive connection is closed after this
    request_seconds: float = 30.0  # a request's head and body must arrive within this
    # A handler that has not begun its answer by then gets 503 (serve/deadline.py); above the
    # ingest guard's default budget of 10 s CPU, so a slow but legitimate page on a busy
    # machine still gets its real answer.
    handler_seconds: float = 60.0
    max_connections: int = 1000  # connections past this are answered 503 and closed
    max_head_bytes: int = 64 * 1024  # request line and headers (h11's incomplete-event limit)
    shutdown_seconds: int = 5  # in-flight requests get this long on shutdown
    backlog: int = 2048

    def __post_init__(self) -> None:
        if self.keep_alive_seconds < 1 or self.request_seconds <= 0 or self.handler_seconds <= 0:
            raise ValueError("keep-alive, request and handler timeouts must be positive")
        if self.max_connections < 1 or self.max_head_bytes < 1024:
            raise ValueError("the connection limit must be at least 1 and the head limit at least 1024 bytes")


# The environment names for each limit, for `kabar run` (and as defaults for `kabar serve`).
ENV_NAMES = {
    "keep_alive_seconds": "KABAR_KEEP_ALIVE",
    "request_seconds": "KABAR_REQUEST_TIMEOUT",
    "handler_seconds": "KABAR_HANDLER_TIMEOUT",
    "max_connections": "KABAR_MAX_CONNECTIONS",
    "max_head_bytes": "KABAR_MAX_HEAD_BYTES",
}


def limits_from_env(env: Mapping[str, str] | None = None, base: ServerLimits | None = None) -> ServerLimits:
    """``base`` (the defaults) with whatever the environment sets; a bad value is a ValueError."""
    env = os.environ if env is None else env
    values: dict[str, float] = {}
    for name, var in ENV_NAMES.items():
        raw = env.get(var, "").strip()
        if raw:
            try:
                values[name] = float(raw)
            except ValueError:
                raise ValueError(f"{var} must be a number, not {raw[:40]!r}") from None
    out = base or ServerLimits()
    return ServerLimits(
        keep_alive_seconds=int(values.get("keep_alive_seconds", out.keep_alive_seconds)),
        request_seconds=values.get("request_seconds", out.request_seconds),
        handler_seconds=values.get("handler_seconds", out.handler_seconds),
        max_connections=int(values.get("max_connections", out.max_connections)),
        max_head_bytes=int(values.get("max_head_bytes", out.max_head_bytes)),
        shutdown_seconds=out.shutdown_seconds,
        backlog=out.backlog,
    )
