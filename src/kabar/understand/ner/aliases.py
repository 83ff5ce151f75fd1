"""Short forms and their full names (``AS`` → ``Amerika Serikat``), kept as data in ``data/aliases.txt``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from kabar.model import EntityType
from kabar.understand.ner.gazetteer import DATA

_TYPES: dict[str, EntityType] = {"person": "person", "place": "place", "organization": "organization"}


@dataclass(slots=True, frozen=True)
class Alias:
    short: str
    full: str
    type: EntityType


@lru_cache(maxsize=1)
def load_aliases() -> dict[str, Alias]:
    out: dict[str, Alias] = {}
    for line in (DATA / "aliases.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) == 3 and parts[2] in _TYPES:
            out[parts[0]] = Alias(parts[0], parts[1], _TYPES[parts[2]])
    return out
