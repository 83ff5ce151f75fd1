"""URL-fetch safety: only http(s), and never an address inside the machine or its network.

A URL handed to kabar (CLI, API ingest, a feed's links, a redirect) could point at
the loopback interface, a private network, or a cloud metadata service. Every
fetch checks the scheme, the host and *every* address the host resolves to; the
crawler repeats the check on each redirect hop. Loopback and private addresses are
allowed only when the user says so (``allow_private``), e.g. for a local test site.

What this does not close: a DNS answer that changes between the check and the
connection (rebinding). httpx resolves again on connect; pinning the checked
address would need a custom transport, which httpx does not offer publicly.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Names that resolve to the machine itself or to metadata services on some hosts
# without any DNS query leaving the machine; refused before resolution.
_LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"})
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".home.arpa")


@dataclass(slots=True, frozen=True)
class SafetyOptions:
    allow_private: bool = False  # loopback, private, link-local, metadata: only when explicitly allowed
    schemes: tuple[str, ...] = ("http", "https")


class UnsafeURLError(ValueError):
    """The URL may not be fetched; the message says why."""


class HostResolutionError(OSError):
    """The host name did not resolve: a network condition, not a safety refusal."""


@dataclass(slots=True, frozen=True)
class _Target:
    host: str
    port: int


def _target(url: str, options: SafetyOptions) -> _Target:
    if not url or len(url) > 8192:
        raise UnsafeURLError("empty or over-long URL")
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UnsafeURLError(f"malformed URL: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in options.schemes:
        raise UnsafeURLError(
            f"scheme {scheme or '(none)'!r} is not allowed (only {', '.join(options.schemes)})"
        )
    host = (parts.hostname or "").rstrip(".").lower()
    if not host:
        raise UnsafeURLError("URL has no host")
    if parts.username or parts.password:
        raise UnsafeURLError("URLs with credentials are not fetched")
    return _Target(host=host, port=port or (443 if scheme == "https" else 80))


def address_is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address.

    ``is_global`` alone misses IPv4 inside IPv6 (mapped, 6to4, NAT64 forms) which
    reach the same private hosts, so those are unwrapped first.
    """
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour
        if inner is None and address in ipaddress.ip_network("64:ff9b::/96"):
            inner = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if inner is not None:
            return address_is_public(inner)
    return address.is_global and not address.is_multicast


def _parse_ip(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    # inet_aton accepts the short and numeric forms browsers also accept
    # ("127.1", "2130706433", "0x7f.1"): a literal that way is still a literal.
    try:
        return ipaddress.IPv4Address(socket.inet_aton(host))
    except OSError:
        return None


def _check_address(host: str, address: IPAddress, options: SafetyOptions) -> None:
    if options.allow_private or address_is_public(address):
        return
    raise UnsafeURLError(
        f"{host} resolves to {address}, a loopback/private/link-local/reserved address "
        "(allow it explicitly with --allow-private)"
    )


def _check_name(host: str, options: SafetyOptions) -> None:
    if options.allow_private:
        return
    if host in _LOCAL_NAMES or host.endswith(_LOCAL_SUFFIXES):
        raise UnsafeURLError(f"{host} names the local machine or network (allow it with --allow-private)")


def check_url(url: str, options: SafetyOptions | None = None) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` may be fetched (resolves the host).

    For synchronous callers (outside an event loop); the one implementation is
    :func:`check_url_async`.
    """
    asyncio.run(check_url_async(url, options))


async def check_url_async(url: str, options: SafetyOptions | None = None) -> None:
    """Raise :class:`UnsafeURLError` unless ``url`` may be fetched: scheme, host name,
    and every address the name resolves to (without blocking the event loop)."""
    opts = options or SafetyOptions()
    target = _target(url, opts)
    literal = _parse_ip(target.host)
    if literal is not None:
        _check_address(target.host, literal, opts)
        return
    _check_name(target.host, opts)
    if opts.allow_private:
        return
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise HostResolutionError(f"cannot resolve {target.host}: {exc}") from exc
    _check_answers(target.host, [str(i[4][0]) for i in infos], opts)


def _check_answers(host: str, answers: list[str], options: SafetyOptions) -> None:
    if not answers:
        raise UnsafeURLError(f"{host} has no addresses")
    for raw in answers:
        # scoped IPv6 answers carry "%iface"
        _check_address(host, ipaddress.ip_address(raw.split("%", 1)[0]), options)


__all__ = [
    "HostResolutionError",
    "SafetyOptions",
    "UnsafeURLError",
    "address_is_public",
    "check_url",
    "check_url_async",
]
