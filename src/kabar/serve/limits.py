"""The server's limits and timeouts, settable by option or environment.

Kept apart from ``serve.server`` so the command line can read them without
importing uvicorn.

Each limit a user may set declares, once, on its field (:class:`Setting`): the
``kabar serve`` option, the environment variable, the smallest value the option takes and
the option's help. ``kabar serve`` makes its options from :data:`SETTABLE`, and
:func:`limits_from_env` (``kabar run``) reads the same variables, so a new limit is one field.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, NamedTuple, TypeVar

_SETTING = "kabar.setting"  # the field metadata key
_T = TypeVar("_T")


@dataclass(slots=True, frozen=True)
class Setting:
    """How a limit is set from outside."""

    option: str  # the ``kabar serve`` option
    env: str  # the environment variable (the option's default there; ``kabar run`` reads it)
    minimum: float  # the smallest value the option accepts (an int for whole-number limits)
    help: str


def _settable(default: _T, option: str, env: str, minimum: float, help: str) -> _T:
    """A field users may set: its default, and how they set it (in the field's metadata)."""
    return field(default=default, metadata={_SETTING: Setting(option, env, minimum, help)})


@dataclass(slots=True, frozen=True)
class ServerLimits:
    # an idle keep-alive connection is closed after this
    keep_alive_seconds: int = _settable(
        5, "--keep-alive", "KABAR_KEEP_ALIVE", 1, "Seconds an idle keep-alive connection stays open."
    )
    # a request's head and body must arrive within this
    request_seconds: float = _settable(
        30.0,
        "--request-timeout",
        "KABAR_REQUEST_TIMEOUT",
        0.1,
        "Seconds a client has to send a whole request (head and body).",
    )
    # A handler that has not begun its answer by then gets 503 (serve/deadline.py); above the
    # ingest guard's default budget of 10 s CPU, so a slow but legitimate page on a busy
    # machine still gets its real answer.
    handler_seconds: float = _settable(
        60.0,
        "--handler-timeout",
        "KABAR_HANDLER_TIMEOUT",
        0.1,
        "Seconds the server may take to begin an answer; past them the client gets 503.",
    )
    # connections past this are answered 503 and closed
    max_connections: int = _settable(
        1000, "--max-connections", "KABAR_MAX_CONNECTIONS", 1, "Open connections past this are answered 503."
    )
    # request line and headers (h11's incomplete-event limit)
    max_head_bytes: int = _settable(
        64 * 1024,
        "--max-head-bytes",
        "KABAR_MAX_HEAD_BYTES",
        1024,
        "Largest request line and headers, in bytes.",
    )
    shutdown_seconds: int = 5  # in-flight requests get this long on shutdown
    backlog: int = 2048

    def __post_init__(self) -> None:
        # NaN passes every comparison below, and an infinite timeout is none at all.
        if not all(_finite(getattr(self, f.name)) for f in fields(self)):
            raise ValueError("server limits must be finite numbers")
        if self.keep_alive_seconds < 1 or self.request_seconds <= 0 or self.handler_seconds <= 0:
            raise ValueError("keep-alive, request and handler timeouts must be positive")
        if self.max_connections < 1 or self.max_head_bytes < 1024:
            raise ValueError("the connection limit must be at least 1 and the head limit at least 1024 bytes")


class Settable(NamedTuple):
    """A limit a user may set: its field, its default (whose type is the limit's) and its setting."""

    name: str
    default: float
    setting: Setting


SETTABLE: tuple[Settable, ...] = tuple(
    Settable(f.name, f.default, f.metadata[_SETTING])  # type: ignore[arg-type]
    for f in fields(ServerLimits)
    if _SETTING in f.metadata
)

# The environment names for each limit, for `kabar run` (and as defaults for `kabar serve`).
ENV_NAMES = {s.name: s.setting.env for s in SETTABLE}


def _finite(number: float) -> bool:
    """A real number a float can hold: not NaN or infinity, nor a whole number past a float's range
    (the server's timers compute in floats)."""
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too large for a float
        return False


def acceptable(limit: Settable, number: float) -> bool:
    """Whether ``number`` may be the limit: finite and at least the limit's smallest value."""
    return _finite(number) and number >= limit.setting.minimum


def expected(limit: Settable) -> str:
    """What the limit takes, in words, for the message refusing a value."""
    kind = "a whole number" if isinstance(limit.default, int) else "a finite number"
    return f"{kind} of at least {limit.setting.minimum:g}"


def _from_text(limit: Settable, raw: str) -> float:
    """The limit's value from its variable's text; a ValueError naming the variable otherwise."""
    try:
        number = float(raw)  # "1e999" is inf and "nan" is NaN here: refused just below
    except ValueError:
        number = math.nan
    if not acceptable(limit, number):
        raise ValueError(f"{limit.setting.env} must be {expected(limit)}, not {raw[:40]!r}")
    return type(limit.default)(number)  # a whole-number limit drops the fraction


def limits_from_env(env: Mapping[str, str] | None = None, base: ServerLimits | None = None) -> ServerLimits:
    """``base`` (the defaults) with whatever the environment sets; a bad value is a ValueError."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}  # int or float, as each limit is
    for limit in SETTABLE:
        raw = env.get(limit.setting.env, "").strip()
        if raw:
            values[limit.name] = _from_text(limit, raw)
    return replace(base or ServerLimits(), **values)
