"""TimeML's type, value and mod for the expressions of kabar's calendar patterns (timex_patterns).

kabar's own ``value`` stays what it was (a list for "1 dan 2 November", ``199X`` for a decade);
the TIMEX3 reading beside it follows the TimeML 1.2.1 guidelines: a decade is ``199``, the end of
a week ``2020-W44-WE``, "akhir Oktober" is ``2020-10`` with mod END, "tadi malam" the day with
``TNI``. A list or range keeps its first day here; the TimeML writer gives each day its own TIMEX3.
"""

from __future__ import annotations

import re

from kabar.understand.timex_resolve import Resolved, Timex
from kabar.understand.timex_words import timeml_words

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _first(value: str | list[str]) -> str:
    if isinstance(value, list):
        return value[0]
    return value.split("/", 1)[0] if "/" in value else value


def _mod(word: str | None) -> str | None:
    return timeml_words().mods.get(word.lower()) if word else None


def _part_of_day(text: str) -> str | None:
    pods = timeml_words().parts_of_day
    for word in text.lower().split():
        if word in pods:
            return pods[word]
    return None


def typed(pattern: str, groups: dict[str, str | None], text: str, resolved: Resolved) -> Timex | None:
    """The TIMEX3 reading of one resolved calendar match (None when it has no value)."""
    if resolved.timex is not None:
        return resolved.timex
    if resolved.value is None:
        return None
    value = _first(resolved.value)
    if pattern == "decade":
        return Timex("DATE", value.rstrip("X"))
    if pattern in ("month", "year_mod"):
        return Timex("DATE", value, _mod(groups.get("mod")))
    if pattern == "relative_period":
        mod = groups.get("mod")
        if mod and "W" in value:  # akhir pekan: the weekend; awal pekan: the start of the week
            return Timex("DATE", f"{value}-WE") if mod.lower() == "akhir" else Timex("DATE", value, "START")
        return Timex("DATE", value, _mod(mod))
    if pattern == "day_word":
        pod = _part_of_day(text)
        if pod is not None and _DAY.fullmatch(value):
            return Timex("TIME", f"{value}T{pod}")
    return Timex("DATE", value)
