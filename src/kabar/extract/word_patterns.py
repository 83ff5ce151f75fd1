"""The HTML reader's word lists, as data: one loader for ``data/html_words.json``.

Each list is a template with ``{alts}`` where its entries go, joined by ``|``; an entry is a
regular-expression fragment (a word, a phrase, a class fragment) with a ``seen`` note. Compiled
once per process. The readers ask for a list by name; adding a word is adding an entry there.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from kabar.extract.tables import load_table

_ALTS = "{alts}"


def _pattern(entry: Any) -> str:
    """An entry is ``{"pattern": …, "seen": …}`` or a bare pattern."""
    if isinstance(entry, dict):
        return str(entry["pattern"])
    return str(entry)


@functools.cache
def word_pattern(name: str) -> re.Pattern[str]:
    """The compiled list ``name`` of ``data/html_words.json`` (KeyError for an unknown name)."""
    spec: dict[str, Any] = load_table("html_words")[name]
    template = str(spec["template"])
    if template.count(_ALTS) != 1:
        raise ValueError(f"html_words {name!r}: the template must hold {_ALTS} once")
    alternatives = "|".join(_pattern(e) for e in spec["entries"])
    flags = re.IGNORECASE if spec.get("ignore_case") else 0
    return re.compile(template.replace(_ALTS, alternatives), flags)


@functools.cache
def all_word_patterns() -> dict[str, re.Pattern[str]]:
    """Every list, compiled: what the linear-time check (``benchmarks/regex_families.py``) reads."""
    return {name: word_pattern(name) for name in load_table("html_words") if not name.startswith("_")}


def attr_words_pattern(words: list[str]) -> re.Pattern[str]:
    """Any of ``words`` as a whole part of a class or id value: parts are split by spaces, ``_``
    and ``-`` ("article-lead", "post_subtitle"), so "lead" never matches inside "leaderboard"."""
    return re.compile(r"(?:^|[\s_-])(?:" + "|".join(words) + r")(?:$|[\s_-])", re.IGNORECASE)


__all__ = ["all_word_patterns", "attr_words_pattern", "word_pattern"]
