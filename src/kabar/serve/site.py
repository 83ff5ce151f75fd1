"""Where the site lives: its public base URL and the host names it answers to.

Absolute links (``canonical``, ``og:url``, feed links) are built from the configured
public URL only, never from the request's Host header, which any client sets: a
reflected Host lets a cache or a crawler be told the page lives somewhere else.
Without a public URL, links are relative (and ``og:url``, which must be absolute,
is left out).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit


def public_base(url: str | None) -> str:
    """``https://berita.example/portal`` from a configured public URL; "" when none.

    Refused (ValueError): anything but absolute http(s) with a host, and URLs with a
    query, fragment or credentials, which cannot be a prefix for every link.
    """
    if url is None or not url.strip():
        return ""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - reading it validates it
    except ValueError:
        raise ValueError(f"public URL {text[:80]!r} is not a valid URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"public URL {text[:80]!r} must be absolute http(s), e.g. https://berita.example")
    if parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(f"public URL {text[:80]!r} must not carry a query, fragment or credentials")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def split_hosts(text: str | None) -> list[str]:
    """``KABAR_ALLOWED_HOSTS``: host names separated by commas or spaces."""
    return [h for h in (text or "").replace(",", " ").split() if h]


def allowed_hosts(public_url: str, hosts: list[str] | tuple[str, ...]) -> list[str]:
    """The Host values to accept: the listed ones and the public URL's host.

    A public URL alone accepts its host and the loopback names (health checks on the
    machine itself); nothing configured accepts any Host (links never use it anyway).
    ``*.example.org`` accepts subdomains, as Starlette's TrustedHostMiddleware reads it.
    """
    out = [h.strip().lower() for h in hosts if h.strip()]
    host = urlsplit(public_url).hostname if public_url else None
    if host and not out:
        out = ["localhost", "127.0.0.1"]
    if host and host not in out and "*" not in out:
        out.append(host)
    return out


PUBLIC_URL_ENV = "KABAR_PUBLIC_URL"
ALLOWED_HOSTS_ENV = "KABAR_ALLOWED_HOSTS"


@dataclass(slots=True, frozen=True)
class SiteSettings:
    public_url: str | None = None
    allowed_hosts: tuple[str, ...] = ()


def site_from_env(env: Mapping[str, str] | None = None) -> SiteSettings:
    """The public URL and allowed hosts from the environment (``kabar run`` reads them so)."""
    env = os.environ if env is None else env
    public = env.get(PUBLIC_URL_ENV, "").strip() or None
    try:
        public_base(public)  # refuse a bad value now, with the variable's name in the message
    except ValueError as exc:
        raise ValueError(f"{PUBLIC_URL_ENV}: {exc}") from None
    return SiteSettings(public_url=public, allowed_hosts=tuple(split_hosts(env.get(ALLOWED_HOSTS_ENV))))
