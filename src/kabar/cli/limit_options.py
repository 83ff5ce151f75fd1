"""``kabar serve``'s server-limit options, made from the limits' own declarations.

Each limit declares its option, environment variable, smallest value and help once, on its
:class:`~kabar.serve.limits.ServerLimits` field; Typer reads a command's options from its
signature, so :func:`limit_options` gives the command a signature with one option per limit
and hands it the :class:`ServerLimits` they make.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any

import typer

from kabar.serve.limits import SETTABLE, ServerLimits, Settable, acceptable, expected

_NAMES = tuple(limit.name for limit in SETTABLE)


def _checked(limit: Settable) -> Callable[[float], float]:
    """The option's check past Click's range: a float option's range lets "inf" and "nan" through
    (NaN compares false with the minimum), and whole numbers may be too large for a float."""

    def check(value: float) -> float:
        if not acceptable(limit, value):
            raise typer.BadParameter(f"must be {expected(limit)}, not {value!r:.40}")
        return value

    return check


def _option(limit: Settable) -> inspect.Parameter:
    s = limit.setting
    return inspect.Parameter(
        limit.name,
        inspect.Parameter.POSITIONAL_OR_KEYWORD,
        default=typer.Option(
            limit.default, s.option, min=s.minimum, envvar=s.env, help=s.help, callback=_checked(limit)
        ),
        annotation=type(limit.default),
    )


def limit_options(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` with its ``limits`` parameter shown to Typer as one option per limit, in its place."""
    signature = inspect.signature(command, eval_str=True)
    params = list(signature.parameters.values())
    names = [p.name for p in params]
    clash = set(names) & set(_NAMES)
    if clash or "limits" not in names:
        raise TypeError(f"{command.__name__} needs a `limits` parameter and none named {sorted(clash)}")
    at = names.index("limits")
    shown = signature.replace(parameters=[*params[:at], *map(_option, SETTABLE), *params[at + 1 :]])

    @functools.wraps(command)
    def with_limits(**values: Any) -> None:
        limits = ServerLimits(**{name: values.pop(name) for name in _NAMES})
        command(**values, limits=limits)

    with_limits.__signature__ = shown  # type: ignore[attr-defined]
    # Typer takes each option's type from the annotations; the command's own are strings here.
    with_limits.__annotations__ = {p.name: p.annotation for p in shown.parameters.values()}
    with_limits.__annotations__["return"] = signature.return_annotation
    return with_limits
