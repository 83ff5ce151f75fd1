"""The TimeML wording of data/timex_timeml.json, loaded once: which words make which TIMEX3 type, value, mod."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any


@dataclass(slots=True, frozen=True)
class TimemlWords:
    refs: dict[str, str]  # "saat ini" → PRESENT_REF
    ref_not_after: frozenset[str]
    parts_of_day: dict[str, str]  # "pagi" → MO
    part_of_day_not_after: frozenset[str]
    seasons: dict[str, str]  # "musim panas" → SU
    units: dict[str, str]  # "tahun" → Y
    clock_units: frozenset[str]  # units written after PT (jam, menit, detik)
    number_words: dict[str, float]
    number_scales: dict[str, int]
    vague_counts: frozenset[str]
    reduplicated_units: dict[str, str]  # "bertahun-tahun" → Y
    set_words: frozenset[str]
    mods: dict[str, str]  # "akhir" → END
    duration_mods: frozenset[str]
    last_words: dict[str, str]  # after a count: "" stays inside, else the mod it gives
    clock_words: frozenset[str]
    clock_zones: dict[str, int]
    clock_pm: dict[str, int]  # hours to add to an hour under 12
    signals: frozenset[str]
    count_not_after: frozenset[str]
    year_not_after: frozenset[str]
    year_not_before: frozenset[str]
    deictic_after: frozenset[str]
    head_before: frozenset[str]
    season_start_month: int
    season_shift: dict[str, int]  # musim ini/depan/lalu → years from the current season
    month_names: frozenset[str]
    anchored_relatives: dict[str, int]  # keesokan harinya → +1 day from the day named before
    per_unit_words: frozenset[str]
    set_adjectives: dict[str, str]  # tahunan → P1Y


def _values(section: dict[str, Any]) -> dict[str, Any]:
    return {k: v["value"] for k, v in section.items() if not k.startswith("_")}


def _words(section: dict[str, Any]) -> frozenset[str]:
    return frozenset(k for k in section.get("words", section) if not k.startswith("_"))


@lru_cache(maxsize=1)
def timeml_words() -> TimemlWords:
    raw = json.loads(
        resources.files("kabar.understand").joinpath("data/timex_timeml.json").read_text(encoding="utf-8")
    )
    return TimemlWords(
        refs=_values(raw["refs"]),
        ref_not_after=_words(raw["ref_not_after"]),
        parts_of_day=_values(raw["parts_of_day"]),
        part_of_day_not_after=_words(raw["part_of_day_not_after"]),
        seasons=_values(raw["seasons"]),
        units=_values(raw["units"]),
        clock_units=_words(raw["clock_units"]),
        number_words={k: float(v) for k, v in _values(raw["number_words"]).items()},
        number_scales={k: int(v) for k, v in _values(raw["number_scales"]).items()},
        vague_counts=_words(raw["vague_counts"]),
        reduplicated_units=_values(raw["reduplicated_units"]["words"]),
        set_words=_words(raw["set_words"]),
        mods=_values(raw["mods"]),
        duration_mods=_words(raw["duration_mods"]),
        last_words=_values(raw["last_words"]["words"]),
        clock_words=_words(raw["clock_words"]),
        clock_zones={k: int(v) for k, v in _values(raw["clock_zones"]).items()},
        clock_pm={k: int(v) for k, v in _values(raw["clock_pm"]["words"]).items()},
        signals=_words(raw["signals"]),
        count_not_after=_words(raw["count_not_after"]),
        year_not_after=_words(raw["year_not_after"]),
        year_not_before=_words(raw["year_not_before"]),
        deictic_after=_words(raw["deictic_after"]),
        head_before=_words(raw["head_before"]),
        season_start_month=int(raw["sport_season"]["start_month"]),
        season_shift={k: int(v) for k, v in _values(raw["sport_season"]["words"]).items()},
        month_names=_words(raw["month_names"]),
        anchored_relatives={k: int(v) for k, v in _values(raw["anchored_relatives"]["words"]).items()},
        per_unit_words=_words(raw["per_unit_words"]),
        set_adjectives=_values(raw["set_adjectives"]["words"]),
    )
