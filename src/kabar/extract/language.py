"""Which language an article is written in, by a stop-word vote (word lists: data/language.json)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from kabar.extract.tables import load_table

__all__ = ["guess_language"]


@functools.cache
def _stopwords() -> dict[str, frozenset[str]]:
    return {lang: frozenset(words) for lang, words in load_table("language")["stopwords"].items()}


def guess_language(paragraphs: Iterable[str], default: str | None = "id") -> str | None:
    """``"id"`` or ``"en"`` (the languages in the table), else ``default`` when undecided."""
    table = load_table("language")
    limit, min_hits = int(table["sample_words"]), int(table["min_hits"])
    sample: list[str] = []
    for paragraph in paragraphs:
        sample += paragraph[: limit * 12].lower().split()
        if len(sample) >= limit:
            break
    # Distinct stop words per language, counted with set intersections (C speed, no Python loop
    # over words); words with punctuation attached just miss the vote, enough remain.
    words = set(sample[:limit])
    votes = {lang: len(words & stop) for lang, stop in _stopwords().items()}
    if sum(votes.values()) < min_hits:
        return default
    return max(votes, key=lambda lang: votes[lang])
