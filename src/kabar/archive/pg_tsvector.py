"""kabar's analysed terms as PostgreSQL ``tsvector`` and ``tsquery`` text.

PostgreSQL never analyses kabar's text: :mod:`kabar.lang.analysis` (stopwords, the
Sastrawi stemmer) has already turned headline and body into terms, and these become
the literal input forms of ``tsvector``/``tsquery`` (cast with ``CAST(… AS tsvector)``),
which PostgreSQL stores as given. Its own ``indonesian`` snowball configuration
over-stems (perumahan → umah) and ``to_tsvector('simple', …)`` would split hyphenated
terms (desa-desa) that kabar keeps whole, so neither is used.

Positions are the terms' places in the analysed text, as in SQLite's FTS5 index, so a
quoted phrase means the same on both backends: adjacent after stopwords are dropped.
The body starts one position after a gap, so a phrase never runs from the headline into
the body (FTS5 keeps them in separate columns).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from kabar.archive.query_expansion import MARKERS, decode
from kabar.archive.term_records import DocTerms

# PostgreSQL keeps positions up to 16,383 and at most 256 of them per lexeme; past
# that it would clamp or drop them silently, so the literal says so itself.
MAX_POSITION = 16_383
MAX_POSITIONS_PER_TERM = 256
HEADLINE_WEIGHT = "A"
BODY_WEIGHT = "B"


def quote_lexeme(term: str) -> str:
    """A lexeme in single quotes, safe whatever it holds (analysed terms never need it, input may)."""
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_text(terms: DocTerms) -> str:
    """The ``tsvector`` input text: each term with its positions, headline weight A, body weight B."""
    positions: dict[str, list[str]] = {}
    placed = [(t, i + 1, HEADLINE_WEIGHT) for i, t in enumerate(terms.headline)]
    body_start = len(terms.headline) + 2  # one empty position between headline and body
    placed += [(t, body_start + i, BODY_WEIGHT) for i, t in enumerate(terms.body)]
    for term, pos, weight in placed:
        if not term:
            continue
        got = positions.setdefault(term, [])
        if len(got) < MAX_POSITIONS_PER_TERM:
            got.append(f"{min(pos, MAX_POSITION)}{weight}")
    return " ".join(f"{quote_lexeme(t)}:{','.join(dict.fromkeys(p))}" for t, p in positions.items())


def tsquery_text(phrases: Sequence[Sequence[str]], operator: Literal["AND", "OR"] = "AND") -> str:
    """Each phrase's terms joined by ``<->`` (adjacent), phrases joined by ``&`` or ``|``.

    A group of alternatives (:mod:`kabar.archive.query_expansion`, the encoding FTS5's
    :func:`~kabar.archive.search_parse.fts_expression` renders too) becomes
    ``(('a') | ((('b') & ('c')) & !('a')) | (('d' <-> 'e') & !('a')))``. Only quoted lexemes and operators: the
    user's input never reaches tsquery syntax.
    """
    joiner = " & " if operator == "AND" else " | "
    parts = []
    for phrase in phrases:
        rendered = _group(phrase) if MARKERS.intersection(phrase) else _phrase(phrase)
        if rendered:
            parts.append(rendered)
    return joiner.join(parts)


def _phrase(phrase: Sequence[str]) -> str:
    lexemes = [quote_lexeme(t) for t in phrase if t]
    return "(" + " <-> ".join(lexemes) + ")" if lexemes else ""


def _group(encoded: Sequence[str]) -> str:
    alts = []
    for alt in decode(encoded):
        phrases = [p for p in (_phrase(ph) for ph in alt) if p]
        if phrases:
            alts.append(phrases[0] if len(phrases) == 1 else "(" + " & ".join(phrases) + ")")
    if len(alts) <= 1:
        return alts[0] if alts else ""
    if len(decode(encoded)[0]) > 1:  # the typed form is several words: scores add up
        return "(" + " | ".join(alts) + ")"
    # The same expression FTS5 is given (see search_parse.fts_expression): b & !a matches as b does.
    first = alts[0]
    return "(" + " | ".join([first, *(f"({alt} & !{first})" for alt in alts[1:])]) + ")"


__all__ = ["BODY_WEIGHT", "HEADLINE_WEIGHT", "quote_lexeme", "tsquery_text", "tsvector_text"]
