"""Which article a URL names: one identity for every spelling of the same article's address.

The archive keeps one article per identity (:mod:`kabar.archive.article_identity`), so
``http://Example.com:80/a/?utm_source=x#top``, ``https://example.com/a``, its AMP copy
``https://example.com/a/amp/`` or ``https://amp.example.com/a?amp=1`` must give the same one.
The identity is courlan's normal form (:func:`kabar.sources.urls.canonical_url`: host lower
case, default port, fragment and tracking parameters gone, query sorted) with

- the scheme dropped (``http`` and ``https`` serve the same article),
- the host in its ASCII (IDNA) form, so ``bücher.de`` and ``xn--bcher-kva.de`` agree, and the
  user information dropped,
- the markers of ``data/url_identity.json`` dropped: AMP and ``www`` host prefixes, an
  ``amp`` path segment at the end (or at the start before more path), an ``amp`` query switch,
- a trailing slash dropped.

What is not a web page address (another scheme, no host, a bad port, longer than
:func:`~kabar.sources.urls.canonical_url` takes) has no identity (``None``): the archive then
knows the article by its exact URL and its text only. The identity is a key, never shown: the
URL a reader sees is the one the page gave.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

from kabar.extract.tables import load_table
from kabar.sources.urls import canonical_url


@dataclass(slots=True, frozen=True)
class IdentityMarkers:
    """The spellings dropped from an address (``data/url_identity.json``), lower case."""

    host_prefixes: frozenset[str]
    path_segments: frozenset[str]
    query_names: frozenset[str]


@functools.cache
def identity_markers() -> IdentityMarkers:
    table = load_table("url_identity")

    def values(key: str) -> frozenset[str]:
        return frozenset(str(entry["value"]).lower() for entry in table[key])

    return IdentityMarkers(values("host_prefixes"), values("path_segments"), values("query_names"))


def _ascii_host(host: str) -> str:
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:  # a label the IDNA codec refuses (empty, too long): kept as courlan gave it
        return host


def _host(host: str, markers: IdentityMarkers) -> str:
    labels = _ascii_host(host).split(".")
    if len(labels) > 2 and labels[0] in markers.host_prefixes:
        labels = labels[1:]
    return ".".join(labels)


def _path(path: str, markers: IdentityMarkers) -> str:
    segments = [s for s in path.split("/") if s]
    if len(segments) > 1 and segments[-1].lower() in markers.path_segments:
        segments = segments[:-1]
    if len(segments) > 1 and segments[0].lower() in markers.path_segments:
        segments = segments[1:]
    return "/" + "/".join(segments)


def _query(query: str, markers: IdentityMarkers) -> str:
    # Decoded and encoded again whatever it holds, so ``%20`` and ``+`` agree; bytes that are not
    # UTF-8 survive the round trip (surrogateescape) instead of all becoming U+FFFD, which would
    # make ``?id=%ff`` and ``?id=%fe`` one article. A pair without a name says nothing (courlan
    # reads ``&amp=1`` as an HTML ``&amp;``, leaving ``=1``).
    pairs = parse_qsl(query, keep_blank_values=True, errors="surrogateescape")
    kept = [(name, value) for name, value in pairs if name and name.lower() not in markers.query_names]
    return urlencode(kept, errors="surrogateescape")


@functools.lru_cache(maxsize=65536)
def url_identity(url: str | None) -> str | None:
    """The article identity of ``url`` (``//host[:port]/path[?query]``), or ``None`` when it is
    not a web page address."""
    if not url:
        return None
    normal = canonical_url(url)
    if normal is None:
        return None
    try:
        parts = urlsplit(normal)
        port = parts.port
    except ValueError:  # an out-of-range or non-numeric port, a broken IPv6 literal
        return None
    if not parts.hostname:
        return None
    markers = identity_markers()
    host = _host(parts.hostname, markers)
    if ":" in host:
        host = f"[{host}]"  # an IPv6 literal keeps its brackets
    netloc = f"{host}:{port}" if port is not None else host
    query = _query(parts.query, markers)
    return f"//{netloc}{_path(parts.path, markers)}" + (f"?{query}" if query else "")


__all__ = ["IdentityMarkers", "identity_markers", "url_identity"]
