"""``kabar run``'s configuration: a TOML file, or the default shipped beside this module."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Literal, cast

from kabar.sources.crawler import DEFAULT_USER_AGENT, FetchOptions
from kabar.sources.safety import SafetyOptions

SourceKind = Literal["feed", "sitemap", "frontpage"]
_KINDS = ("feed", "sitemap", "frontpage")
MAX_CONFIG_BYTES = 1_000_000


class ConfigError(ValueError):
    """A configuration that cannot be used, with the reason."""


@dataclass(slots=True, frozen=True)
class SourceConfig:
    name: str
    kind: SourceKind
    url: str
    interval_minutes: float | None = None  # None: the engine's
    outlet: str | None = None  # the outlet name for articles whose page names none


@dataclass(slots=True)
class EngineConfig:
    db: Path = Path("kabar.db")
    host: str = "127.0.0.1"
    port: int = 8000
    interval_minutes: float = 15.0
    max_links_per_poll: int = 40
    user_agent: str = DEFAULT_USER_AGENT
    rate_per_host: float = 0.5
    concurrency_per_host: int = 2
    timeout_seconds: float = 20.0
    max_bytes: int = 5_000_000
    retries: int = 2
    obey_robots: bool = True
    allow_private: bool = False
    sources: list[SourceConfig] = field(default_factory=list)

    def fetch_options(self) -> FetchOptions:
        return FetchOptions(
            user_agent=self.user_agent,
            timeout=self.timeout_seconds,
            max_bytes=self.max_bytes,
            retries=self.retries,
            rate_per_host=self.rate_per_host,
            concurrency_per_host=self.concurrency_per_host,
            obey_robots=self.obey_robots,
            safety=SafetyOptions(allow_private=self.allow_private),
        )


def _number(table: dict[str, Any], key: str, default: float, *, low: float, high: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ConfigError(f"[engine] {key} must be a number from {low:g} to {high:g}, not {value!r}")
    return float(value)


def _source(raw: object, index: int) -> SourceConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"[[source]] #{index + 1} is not a table")
    name, kind, url = raw.get("name"), raw.get("kind", "feed"), raw.get("url")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"[[source]] #{index + 1} needs a name")
    if kind not in _KINDS:
        raise ConfigError(f"source {name!r}: kind must be one of {', '.join(_KINDS)}, not {kind!r}")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"source {name!r}: url must be an http(s) URL, not {url!r}")
    interval = raw.get("interval_minutes")
    if interval is not None and (
        isinstance(interval, bool) or not isinstance(interval, int | float) or interval <= 0
    ):
        raise ConfigError(f"source {name!r}: interval_minutes must be a positive number")
    outlet = raw.get("outlet")
    return SourceConfig(
        name=name.strip(),
        kind=cast(SourceKind, kind),
        url=url,
        interval_minutes=float(interval) if interval is not None else None,
        outlet=outlet if isinstance(outlet, str) and outlet.strip() else None,
    )


def parse_config(text: str, *, origin: str = "config") -> EngineConfig:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}") from exc
    engine = data.get("engine", {})
    if not isinstance(engine, dict):
        raise ConfigError(f"{origin}: [engine] must be a table")
    raw_sources = data.get("source", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{origin}: sources are written [[source]]")
    sources = [_source(s, i) for i, s in enumerate(raw_sources)]
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ConfigError(f"{origin}: two sources share a name")
    user_agent = engine.get("user_agent", DEFAULT_USER_AGENT)
    if not isinstance(user_agent, str) or not user_agent.strip():
        raise ConfigError(f"{origin}: user_agent must say who is crawling")
    return EngineConfig(
        db=Path(str(engine.get("db", "kabar.db"))),
        host=str(engine.get("host", "127.0.0.1")),
        port=int(_number(engine, "port", 8000, low=0, high=65535)),
        interval_minutes=_number(engine, "interval_minutes", 15, low=0.001, high=10080),
        max_links_per_poll=int(_number(engine, "max_links_per_poll", 40, low=1, high=10000)),
        user_agent=user_agent.strip(),
        rate_per_host=_number(engine, "rate_per_host", 0.5, low=0.001, high=1000),
        concurrency_per_host=int(_number(engine, "concurrency_per_host", 2, low=1, high=64)),
        timeout_seconds=_number(engine, "timeout_seconds", 20, low=0.1, high=600),
        max_bytes=int(_number(engine, "max_bytes", 5_000_000, low=1024, high=100_000_000)),
        retries=int(_number(engine, "retries", 2, low=0, high=10)),
        obey_robots=bool(engine.get("obey_robots", True)),
        allow_private=bool(engine.get("allow_private", False)),
        sources=sources,
    )


def default_config_text() -> str:
    return resources.files("kabar.engine").joinpath("default.toml").read_text(encoding="utf-8")


def load_config(path: Path | None = None) -> EngineConfig:
    """The file's configuration, or the shipped default when ``path`` is None."""
    if path is None:
        return parse_config(default_config_text(), origin="default.toml")
    try:
        if path.stat().st_size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: over {MAX_CONFIG_BYTES} bytes; not a configuration")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    return parse_config(text, origin=str(path))


__all__ = ["ConfigError", "EngineConfig", "SourceConfig", "load_config", "parse_config"]
