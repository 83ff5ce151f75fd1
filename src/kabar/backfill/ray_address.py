"""Is anything listening at a Ray ``--address``? Asked over TCP before Ray is, with a time limit.

``ray.init(address=…)`` at an address where nothing listens does not fail: it keeps
reconnecting to the cluster's GCS (the head's port, 6379 by default) or to the Ray Client
server (``ray://``, 10001), for minutes, without a word. One TCP connection attempt, bounded
by ``timeout``, tells a typo, a stopped head node or a closed firewall from a cluster that
is there, and the user gets one line naming the address instead of a hang.

An address Ray resolves itself (``auto``, ``local``) is not probed: there is no host to ask.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

CLIENT_PORT = 10001  # Ray Client's default port (ray://HEAD)
GCS_PORT = 6379  # the head node's default port (HEAD alone)
CONNECT_TIMEOUT = 30.0  # seconds: a cluster across a slow network still answers in far less
_RESOLVED_BY_RAY = frozenset({"auto", "local"})


class RayUnreachable(RuntimeError):
    """Nothing answered at the address in time (the message names it and says why)."""


@dataclass(slots=True, frozen=True)
class RayEndpoint:
    """The host and port a Ray address points at."""

    host: str
    port: int

    @property
    def shown(self) -> str:
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"


def ray_endpoint(address: str) -> RayEndpoint | None:
    """Where ``address`` (``ray://HEAD[:PORT]``, ``HEAD[:PORT]``) points; None for ``auto``/``local``.

    Raises :class:`RayUnreachable` for an address that names no host or a port out of range.
    """
    given = address.strip()
    if given.lower() in _RESOLVED_BY_RAY:
        return None
    client = given.lower().startswith("ray://")
    parts = urlsplit(given if client else f"//{given}")
    try:
        port = parts.port
    except ValueError:
        raise RayUnreachable(
            f"the Ray address {address!r} has a port that is not a number from 1 to 65535"
        ) from None
    if not parts.hostname:
        raise RayUnreachable(
            f"the Ray address {address!r} names no host (write HEAD:PORT or ray://HEAD:PORT)"
        )
    return RayEndpoint(parts.hostname, port or (CLIENT_PORT if client else GCS_PORT))


def check_reachable(address: str, timeout: float = CONNECT_TIMEOUT) -> None:
    """Return once something accepts a TCP connection at ``address``; raise
    :class:`RayUnreachable` within about ``timeout`` seconds otherwise."""
    endpoint = ray_endpoint(address)
    if endpoint is None:
        return
    try:
        with socket.create_connection((endpoint.host, endpoint.port), timeout=timeout):
            return
    except TimeoutError:
        why = f"no answer within {timeout:g} s"
    except OSError as exc:  # refused, unreachable network, unknown host
        why = exc.strerror or type(exc).__name__
    raise RayUnreachable(
        f"cannot reach the Ray cluster at {address} ({endpoint.shown}: {why}); check the address and "
        "that the head node is running (`ray status` on it), or use --engine local"
    )


__all__ = [
    "CLIENT_PORT",
    "CONNECT_TIMEOUT",
    "GCS_PORT",
    "RayEndpoint",
    "RayUnreachable",
    "check_reachable",
    "ray_endpoint",
]
