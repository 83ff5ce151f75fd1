"""A reader's search query → analysed phrases, and phrases → a safe FTS5 expression.

Users type words and "quoted phrases"; everything else (``*``, ``:``, ``(``, ``NEAR``,
``-``, SQL) is plain text to us. Each phrase is analysed by the same
:mod:`kabar.lang.analysis` as the indexed text, and every phrase reaches FTS5 inside
double quotes, where FTS5 treats it as a string of tokens and never as syntax. Analysed
terms contain only letters, digits and ``-.,`` (the tokeniser's alphabet), so they can
never close the quotes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from kabar.lang.analysis import MAX_TERM_CHARS, Analyzer, default_analyzer, tokenize

_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(slots=True, frozen=True)
class ParseOptions:
    # A query longer than this is cut, not refused: pasting a paragraph is a fair way to
    # ask "find this story", and the first words carry it.
    max_chars: int = 2_000
    # FTS5 cost grows with the number of phrases; past this many the rest add nothing.
    max_terms: int = 32


@dataclass(slots=True)
class ParsedQuery:
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    had_words: bool = False  # the query had tokens, even if all were stopwords

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for p in self.phrases for t in p)


def parse_query(
    text: str, options: ParseOptions | None = None, analyzer: Analyzer | None = None
) -> ParsedQuery:
    opts = options or ParseOptions()
    an = analyzer or default_analyzer()
    parsed = ParsedQuery()
    if len(text) > opts.max_chars:
        text = text[: opts.max_chars]
        parsed.notes.append(f"query cut to its first {opts.max_chars:,} characters")
    if text.count('"') % 2 == 1:
        # The last quote has no partner: read what follows it as plain words.
        cut = text.rfind('"')
        text = text[:cut] + " " + text[cut + 1 :]
        parsed.notes.append("unbalanced quote ignored")
    seen: set[tuple[str, ...]] = set()
    pieces: list[tuple[bool, str]] = []
    pos = 0
    for m in _QUOTED.finditer(text):
        pieces.append((False, text[pos : m.start()]))
        pieces.append((True, m.group(1)))
        pos = m.end()
    pieces.append((False, text[pos:]))
    too_long = False
    for quoted, piece in pieces:
        tokens = tokenize(piece)
        if any(len(t) <= MAX_TERM_CHARS for t in tokens):
            parsed.had_words = True
        too_long = too_long or any(len(t) > MAX_TERM_CHARS for t in tokens)
        terms = an.analyze(piece)
        candidates = [tuple(terms)] if quoted and terms else [(t,) for t in terms]
        for phrase in candidates:
            if phrase in seen:
                continue
            if len(parsed.phrases) >= opts.max_terms:
                parsed.notes.append(f"only the first {opts.max_terms} words and phrases are searched")
                return parsed
            seen.add(phrase)
            parsed.phrases.append(phrase)
    if too_long:
        parsed.notes.append(f"words longer than {MAX_TERM_CHARS} characters are ignored")
    return parsed


def fts_expression(phrases: list[tuple[str, ...]], operator: Literal["AND", "OR"] = "AND") -> str:
    """Each phrase quoted, joined by AND/OR: never FTS5 syntax from the user."""
    return f" {operator} ".join('"' + " ".join(p) + '"' for p in phrases)


__all__ = ["ParseOptions", "ParsedQuery", "fts_expression", "parse_query"]
