"""Load the extractors' heuristics, which live as data in ``kabar/extract/data/*.json``.

Keeping the word lists and patterns as data lets them grow per portal without touching code;
each file carries an ``_about`` key saying what it holds.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any


@functools.cache
def load_table(name: str) -> dict[str, Any]:
    """The parsed JSON table ``kabar/extract/data/<name>.json`` (read once per process)."""
    text = resources.files("kabar.extract.data").joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError(f"extract table {name!r} must be a JSON object")
    return data
