"""The news hosts a backfill keeps: a domain list shipped as data (``data/news_hosts.txt``), editable.

A domain matches itself and its subdomains, so the list stays short (``detik.com`` covers
``news.detik.com``). Matching walks the host's suffixes (a few set look-ups), no regex.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit


class HostListError(ValueError):
    """A host list file that cannot be read or holds no domain."""


def _domains(text: str, origin: str) -> frozenset[str]:
    found = set()
    for line in text.splitlines():
        entry = line.split("#", 1)[0].strip().lower().strip(".")
        if entry:
            if "/" in entry or " " in entry:
                raise HostListError(f"{origin}: {entry!r} is not a domain (one domain a line, no paths)")
            found.add(entry.removeprefix("www."))
    if not found:
        raise HostListError(f"{origin}: no domains in the list")
    return frozenset(found)


@dataclass(slots=True, frozen=True)
class HostList:
    domains: frozenset[str]

    @classmethod
    def shipped(cls) -> HostList:
        text = (
            resources.files("kabar.backfill").joinpath("data", "news_hosts.txt").read_text(encoding="utf-8")
        )
        return cls(_domains(text, "news_hosts.txt"))

    @classmethod
    def from_file(cls, path: Path) -> HostList:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise HostListError(f"{path}: cannot read the host list: {exc}") from None
        return cls(_domains(text, str(path)))

    def keeps(self, url: str) -> bool:
        """Whether ``url``'s host is one of the domains or under one."""
        try:
            host = urlsplit(url).hostname
        except ValueError:  # a mangled URL (bad port, brackets): not a news page we can use
            return False
        if not host:
            return False
        domains = self.domains
        while True:
            if host in domains:
                return True
            dot = host.find(".")
            if dot < 0:
                return False
            host = host[dot + 1 :]


__all__ = ["HostList", "HostListError"]
