"""A reader's search query → analysed phrases, and phrases → a safe FTS5 expression.

Users type words and "quoted phrases"; everything else (``*``, ``:``, ``(``, ``NEAR``,
``-``, SQL) is plain text to us. Each phrase is analysed by the same
:mod:`kabar.lang.analysis` as the indexed text, and every phrase reaches FTS5 inside
double quotes, where FTS5 treats it as a string of tokens and never as syntax. Analysed
terms contain only letters, digits and ``-.,`` (the tokeniser's alphabet), so they can
never close the quotes.

Each word, and each run of words that spells out an abbreviation, becomes a group of
alternatives (:mod:`kabar.archive.query_expansion`: compounds, reduplication, abbreviations
both ways); a quoted phrase becomes the phrases its words' alternatives spell. The group
is rendered here for FTS5 and in :mod:`kabar.archive.pg_tsvector` for PostgreSQL, from
one encoding, so both backends ask the same question.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from kabar.archive.query_expansion import (
    MARKERS,
    Phrase,
    QueryExpander,
    decode,
    default_dictionary,
    encode,
    group_terms,
)
from kabar.lang.analysis import MAX_TERM_CHARS, Analyzer, default_analyzer, tokenize

_QUOTED = re.compile(r'"([^"]*)"')


@dataclass(slots=True, frozen=True)
class ParseOptions:
    # A query longer than this is cut, not refused: pasting a paragraph is a fair way to
    # ask "find this story", and the first words carry it.
    max_chars: int = 2_000
    # FTS5 cost grows with the number of phrases; past this many the rest add nothing.
    max_terms: int = 32
    # Terms across all groups: past this, further words are searched as written (unexpanded).
    max_expanded_terms: int = 256


@dataclass(slots=True)
class ParsedQuery:
    phrases: list[tuple[str, ...]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    had_words: bool = False  # the query had tokens, even if all were stopwords

    @property
    def terms(self) -> frozenset[str]:
        return frozenset(t for p in self.phrases for t in group_terms(p))


def parse_query(
    text: str,
    options: ParseOptions | None = None,
    analyzer: Analyzer | None = None,
    expander: QueryExpander | None = None,
) -> ParsedQuery:
    opts = options or ParseOptions()
    an = analyzer or default_analyzer()
    ex = expander if expander is not None else QueryExpander(default_dictionary(), analyzer=an)
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
    budget = opts.max_expanded_terms
    for quoted, piece in pieces:
        tokens = tokenize(piece)
        if any(len(t) <= MAX_TERM_CHARS for t in tokens):
            parsed.had_words = True
        too_long = too_long or any(len(t) > MAX_TERM_CHARS for t in tokens)
        # Word by word through the same analyser: the terms are those of analyze(piece).
        words = [(tok, term) for tok in tokens for term in an.analyze(tok)]
        if not words:
            continue
        candidates = [_phrase_group(words, ex)] if quoted else _word_groups(words, ex)
        for phrase in candidates:
            if len(phrase) > budget:
                # Past the budget a group keeps only its first alternative: the words as typed.
                phrase = encode(decode(phrase)[:1])
            if phrase in seen:
                continue
            if len(parsed.phrases) >= opts.max_terms:
                parsed.notes.append(f"only the first {opts.max_terms} words and phrases are searched")
                return parsed
            seen.add(phrase)
            parsed.phrases.append(phrase)
            budget -= len(phrase)
    if too_long:
        parsed.notes.append(f"words longer than {MAX_TERM_CHARS} characters are ignored")
    return parsed


def _word_groups(words: list[tuple[str, str]], ex: QueryExpander) -> list[Phrase]:
    """Unquoted words: one group each, or one for a run that spells out an abbreviation
    (the words themselves, all required, or the abbreviation)."""
    terms = [term for _, term in words]
    out: list[Phrase] = []
    i = 0
    while i < len(words):
        n, others = ex.run_at(terms, i)
        if n:
            out.append(
                encode(
                    [
                        tuple((t,) for t in terms[i : i + n]),
                        *((o,) for o in _spellings(ex, others, tuple(terms[i : i + n]))),
                    ]
                )
            )
            i += n
            continue
        tok, term = words[i]
        out.append(encode([(p,) for p in ex.word_alternatives(tok, term)]))
        i += 1
    return out


def _spellings(ex: QueryExpander, forms: list[Phrase], run: Phrase) -> list[Phrase]:
    """The forms a run of words stands for, each one-word form with its spellings and its other
    long forms (KTP elektronik → e-ktp, eKTP, e - KTP, KTP-el); forms the run's own words
    already match (a long form starting with them) are left out."""
    out: list[Phrase] = []
    for form in forms:
        # A dictionary's short form is never stemmed (see parse_dictionary): term and token are one.
        out += ex.word_alternatives(form[0], form[0], in_phrase=True) if len(form) == 1 else [form]
    kept = [p for p in dict.fromkeys(out) if p[: len(run)] != run]
    return kept[: max(1, ex.options.max_alternatives)]


def _phrase_group(words: list[tuple[str, str]], ex: QueryExpander) -> Phrase:
    """A quoted phrase: the phrases its words' alternatives spell, as written first."""
    terms = [term for _, term in words]
    limit = max(1, ex.options.max_alternatives)
    spelled: list[Phrase] = [()]
    i = 0
    while i < len(words):
        n, others = ex.run_at(terms, i)
        if n:
            choices = [tuple(terms[i : i + n]), *_spellings(ex, others, tuple(terms[i : i + n]))]
            i += n
        else:
            choices = ex.word_alternatives(*words[i], in_phrase=True)
            i += 1
        spelled = [s + c for s in spelled for c in choices][:limit]
    return encode([(s,) for s in dict.fromkeys(spelled)])


def fts_expression(phrases: list[tuple[str, ...]], operator: Literal["AND", "OR"] = "AND") -> str:
    """Each phrase quoted, joined by AND/OR: never FTS5 syntax from the user.

    A group of alternatives (:mod:`kabar.archive.query_expansion`) becomes
    ``("a" OR (("b" AND "c") NOT "a") OR ("d e" NOT "a"))`` (``a`` the form typed); a plain
    phrase stays ``"d e"``.
    """
    return f" {operator} ".join(_fts_group(p) for p in phrases)


def _fts_group(phrase: tuple[str, ...]) -> str:
    if not MARKERS.intersection(phrase):
        return '"' + " ".join(phrase) + '"'
    rendered = []
    for alt in decode(phrase):
        quoted = ['"' + " ".join(p) + '"' for p in alt]
        rendered.append(quoted[0] if len(quoted) == 1 else "(" + " AND ".join(quoted) + ")")
    if len(rendered) <= 1:
        return rendered[0] if rendered else '""'
    if not _scores_alone(phrase):
        return "(" + " OR ".join(rendered) + ")"
    # "b NOT a": the same matches as "b", but BM25 then scores an article holding the typed
    # form (a) by it alone — the other spellings add no second score, so an article with the
    # word in its headline is not passed by one that merely also spells it out in the body.
    first = rendered[0]
    return "(" + " OR ".join([first, *(f"({alt} NOT {first})" for alt in rendered[1:])]) + ")"


def _scores_alone(phrase: tuple[str, ...]) -> bool:
    """Whether the typed form of a group is one phrase (a word, a quoted phrase): then an article
    holding it is scored by it alone. Typed words of a long form (menteri pendidikan) are each
    common, and the abbreviation (Mendikbud, in the headline) is the stronger signal: their
    scores add up. Both backends ask this (pg_tsvector renders the same expression)."""
    alts = decode(phrase)
    return bool(alts) and len(alts[0]) == 1


__all__ = ["ParseOptions", "ParsedQuery", "fts_expression", "parse_query"]
