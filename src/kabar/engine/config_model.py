"""The shape of ``kabar run``'s TOML file: pydantic models that validate it and document it.

One model per table: ``[engine]`` (:class:`EngineSection`) and each ``[[source]]`` (:class:`SourceConfig`),
held together by :class:`ConfigFile`. The field descriptions and bounds here are the only statement of
what a key means and accepts: error messages (:mod:`kabar.engine.config_errors`) and the generated
reference ``docs/CONFIG.md`` (:mod:`kabar.engine.config_doc`) both read them.

Models are strict: TOML already has types, so a quoted number or a ``1`` for ``true`` is a mistake
worth reporting rather than coercing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, field_validator

from kabar.guard import CPU_SECONDS_MAX, CPU_SECONDS_MIN, MEMORY_MB_MAX, MEMORY_MB_MIN, GuardOptions
from kabar.sources.crawler import DEFAULT_USER_AGENT, FetchOptions
from kabar.sources.safety import SafetyOptions

SourceKind = Literal["feed", "sitemap", "frontpage"]


def _whole_float_to_int(value: object) -> object:
    # TOML reads `5e6` or `8000.0` as a float; a whole float is the integer the writer meant.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Whole = Annotated[int, BeforeValidator(_whole_float_to_int)]
Minutes = Annotated[float, Field(ge=0.001, le=10080)]  # from a tenth of a second to a week
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def _blank_to_none(value: object) -> object:
    return None if isinstance(value, str) and not value.strip() else value


class _Table(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SourceConfig(_Table):
    """A place the engine polls for new article links; the file holds one ``[[source]]`` table per source."""

    model_config = ConfigDict(frozen=True)

    name: Text = Field(description="The source's name, unique in the file; shown in /status and the logs.")
    kind: SourceKind = Field(
        default="feed",
        description="`feed` (RSS/Atom), `sitemap` (sitemap.xml, an index or a Google News sitemap) "
        "or `frontpage` (article links found on a portal's front page).",
    )
    url: str = Field(
        pattern=r"^https?://",
        description="Where the feed, sitemap or front page is.",
        json_schema_extra={"expects": "an http:// or https:// URL"},
    )
    interval_minutes: Minutes | None = Field(
        default=None, description="How often this source is polled; unset: `[engine] interval_minutes`."
    )
    outlet: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None,
        description="The outlet name for articles whose page names none; unset: the source's name.",
    )


class EngineSection(_Table):
    """The engine's settings: where the archive is, where the portal listens and how politely pages are fetched."""

    db: Text = Field(
        default="kabar.db",
        description=(
            "The archive: a path (relative to the working directory), `sqlite:///FILE` or "
            "`postgresql://…`; `kabar run --db` and `KABAR_DB` override it."
        ),
        json_schema_extra={"expects": "a path or a database URL"},
    )
    host: Text = Field(
        default="127.0.0.1", description="The address the portal listens on; `--host` overrides it."
    )
    port: Whole = Field(default=8000, ge=0, le=65535, description="The portal's port; `--port` overrides it.")
    interval_minutes: Minutes = Field(default=15.0, description="How often each source is polled.")
    max_links_per_poll: Whole = Field(
        default=40, ge=1, le=10000, description="The newest links taken from one poll of one source."
    )
    user_agent: Text = Field(
        default=DEFAULT_USER_AGENT, description="Says who is crawling, with a URL to read about it."
    )
    rate_per_host: float = Field(
        default=0.5,
        ge=0.001,
        le=1000,
        description="Requests per second to one host (a robots.txt Crawl-delay may ask for less).",
    )
    concurrency_per_host: Whole = Field(default=2, ge=1, le=64, description="Requests in flight to one host.")
    timeout_seconds: float = Field(default=20.0, ge=0.1, le=600, description="One request's time limit.")
    max_bytes: Whole = Field(
        default=5_000_000,
        ge=1024,
        le=100_000_000,
        description="The largest response kept, after decompression.",
    )
    retries: Whole = Field(
        default=2, ge=0, le=10, description="Retries on 429, 5xx and timeouts, with backoff and Retry-After."
    )
    obey_robots: bool = Field(default=True, description="Consult robots.txt before fetching.")
    max_article_pages: Whole = Field(
        default=20,
        ge=1,
        le=200,
        description="The most pages of one multi-page article fetched and joined before it is stored "
        "(1: only the page linked); past it the article is stored marked incomplete.",
    )
    allow_private: bool = Field(
        default=False, description="Fetch loopback and private addresses (only for a local test site)."
    )
    max_cpu_seconds: float = Field(
        default=10.0,
        ge=CPU_SECONDS_MIN,
        le=CPU_SECONDS_MAX,
        description="CPU time one page may take (extraction and understanding together) before it is "
        "rejected and the engine goes on with the others.",
    )
    max_memory_mb: Whole = Field(
        default=1024,
        ge=MEMORY_MB_MIN,
        le=MEMORY_MB_MAX,
        description="Memory (address space, MB) one page may add while it is read and understood "
        "before it is rejected.",
    )


class EngineConfig(EngineSection):
    """What ``kabar run`` runs with: the ``[engine]`` settings and the sources."""

    sources: list[SourceConfig] = Field(default_factory=list)

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

    def guard_options(self) -> GuardOptions:
        """The per-page budgets, for the engine's pages and the portal's ingest alike."""
        return GuardOptions(max_cpu_seconds=self.max_cpu_seconds, max_memory_mb=self.max_memory_mb)


class ConfigFile(_Table):
    """The whole file: one ``[engine]`` table and any number of ``[[source]]`` tables."""

    engine: EngineSection = Field(
        default_factory=lambda: EngineSection(), description="The engine's settings."
    )
    source: list[SourceConfig] = Field(
        default_factory=list,
        description="The sources to poll, each written `[[source]]`.",
        json_schema_extra={"expects": "[[source]] tables"},
    )

    @field_validator("source")
    @classmethod
    def _names_are_unique(cls, sources: list[SourceConfig]) -> list[SourceConfig]:
        seen: set[str] = set()
        for source in sources:
            if source.name in seen:
                raise ValueError(f"two sources share the name {source.name!r}")
            seen.add(source.name)
        return sources

    def engine_config(self) -> EngineConfig:
        return EngineConfig.model_validate({**dict(self.engine), "sources": self.source})


__all__ = ["ConfigFile", "EngineConfig", "EngineSection", "SourceConfig", "SourceKind"]
