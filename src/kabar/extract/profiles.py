"""Portal profiles: per-site selectors kept as data (``profiles/*.toml``).

A profile names the portal's domains, its outlet name, the zone its bare
times are in, and XPath selectors (lxml has XPath built in; CSS would need the
extra ``cssselect`` package) for what the generic reader gets wrong there.
Every selector list is optional: a missing one falls back to the generic path.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from urllib.parse import urlsplit

_SELECTOR_KEYS = ("headline", "body", "drop", "time", "authors", "tags", "related", "captions")


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    outlet: str
    domains: tuple[str, ...]
    zone_hours: float = 7.0
    headline: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    drop: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    captions: tuple[str, ...] = ()  # lead-photo blocks above the text (image + caption)
    title_suffixes: tuple[str, ...] = field(default=())
    # Some portals label local (WIB) times in meta tags as UTC ("…T16:00:20Z").
    machine_times_local: bool = False


class ProfileError(ValueError):
    """A profile file is malformed (raised at load time, naming the file)."""


def _strings(data: dict[str, object], key: str, source: str) -> tuple[str, ...]:
    value = data.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ProfileError(f"{source}: {key} must be a string or a list of strings")
    return tuple(value)


def parse_profile(text: str, source: str = "<profile>") -> Profile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{source}: {exc}") from exc
    for key in ("name", "outlet", "domains"):
        if key not in data:
            raise ProfileError(f"{source}: missing {key!r}")
    selectors = data.get("selectors", {})
    if not isinstance(selectors, dict):
        raise ProfileError(f"{source}: [selectors] must be a table")
    unknown = set(selectors) - set(_SELECTOR_KEYS)
    if unknown:
        raise ProfileError(f"{source}: unknown selector keys {sorted(unknown)}")
    zone_hours = data.get("zone_hours", 7.0)
    if not isinstance(zone_hours, int | float):
        raise ProfileError(f"{source}: zone_hours must be a number")
    return Profile(
        name=str(data["name"]),
        outlet=str(data["outlet"]),
        domains=_strings(data, "domains", source),
        zone_hours=float(zone_hours),
        title_suffixes=_strings(data, "title_suffixes", source),
        machine_times_local=bool(data.get("machine_times_local", False)),
        **{key: _strings(selectors, key, source) for key in _SELECTOR_KEYS},
    )


@lru_cache(maxsize=1)
def load_profiles() -> tuple[Profile, ...]:
    """Every shipped profile (read once per process)."""
    folder = resources.files("kabar.extract").joinpath("profiles")
    out = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".toml"):
            out.append(parse_profile(entry.read_text(encoding="utf-8"), entry.name))
    return tuple(out)


def host_of(url: str | None) -> str:
    if not url:
        return ""
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def profile_for_host(host: str, profiles: tuple[Profile, ...] | None = None) -> Profile | None:
    """The profile whose domain is ``host`` or a parent domain of it."""
    if not host:
        return None
    for profile in profiles if profiles is not None else load_profiles():
        for domain in profile.domains:
            if host == domain or host.endswith("." + domain):
                return profile
    return None
