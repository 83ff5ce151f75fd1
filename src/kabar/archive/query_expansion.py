"""Search terms that know Indonesian: compounds, reduplication and abbreviations, query-side.

The index holds :func:`kabar.lang.analysis.analyze` output and nothing else (this module
never changes what is indexed). A reader's query word instead becomes a *group*: the
word, or any other form of it that the index can hold for the same thing —

- **compounds**: ``e-KTP`` is indexed as ``e-ktp``, ``eKTP`` as ``ektp``, the tokenised
  ``e - KTP`` (IndoSum writes it so) and ``e–KTP`` (en dash) as ``e ktp``, ``KTP - e`` as
  ``ktp e``, ``KTP elektronik`` as ``ktp elektronik``. Every one of those query forms
  expands to the same set, so they all find the same articles;
- **reduplication**: Sastrawi already stems ``desa-desa`` to ``desa`` when the root is in
  its dictionary; when it is not, the index keeps ``fitur-fitur`` whole. So ``fitur``
  also asks for ``fitur-fitur`` (only when the analyser would keep that form whole: the
  stemmer itself decides, so no needless alternative is added), and ``fitur-fitur`` for
  ``fitur``;
- **abbreviations both ways**, from an editable data file (``data/abbreviations_id.txt``):
  ``mendikbud`` also asks for the phrase ``menteri pendidikan dan kebudayaan``; the words
  ``menteri pendidikan`` (all of the long form, or a head of it of two or more words
  covering at least half of it) also ask for ``mendikbud``.

Why query-side: the archive's stored terms stay what they are, so existing archives need
no reindexing (no migration, no command), related news' statistics (which read the stored
terms) do not move, and an edit to the dictionary takes effect on the next query. Every
alternative is analysed by the same ``analyze`` as the index, so the match is exact on
SQLite FTS5 and PostgreSQL tsvector alike: both render the one :class:`Group` encoding
(:func:`kabar.archive.search_parse.fts_expression`, :func:`kabar.archive.pg_tsvector.tsquery_text`).

A group travels through the backends as one flat tuple of terms (the ``phrases`` of
:class:`~kabar.archive.search_flow.PhraseMatch`): ``|`` between alternatives and ``&``
between the AND-ed phrases of one alternative. Analysed terms never hold either character
(the tokeniser's alphabet is letters, digits and ``-.,``), so a plain phrase — a tuple
without markers — means exactly what it meant before.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kabar.lang.analysis import Analyzer, default_analyzer, tokenize
from kabar.lang.stemmer import sastrawi_dictionary

ALT = "|"  # between the alternatives of a group
AND = "&"  # between the phrases of one alternative
MARKERS = frozenset({ALT, AND})

DICTIONARY_FILE = Path(__file__).parent / "data" / "abbreviations_id.txt"
# Another dictionary file instead of the shipped one (an outlet's own list, a test's).
DICTIONARY_ENV = "KABAR_ABBREVIATIONS"

# Single-letter prefixes written before a word, and the word they stand for when written
# after it instead (e-KTP = KTP elektronik, e-tilang = tilang elektronik).
COMPOUND_PREFIXES: dict[str, str] = {"e": "elektronik"}

Phrase = tuple[str, ...]
Alternative = tuple[Phrase, ...]  # phrases that must all match


@dataclass(slots=True, frozen=True)
class ExpansionOptions:
    # Alternatives per group (a word with many dictionary entries stops there).
    max_alternatives: int = 12
    # Compound and reduplication rules (off: abbreviations only).
    morphology: bool = True
    # A head of a long form stands for it only from this many words on ("menteri" alone never).
    min_head_terms: int = 2


@dataclass(slots=True)
class Dictionary:
    """Abbreviation ↔ long form pairs, both analysed; ``skipped`` says which lines were not used."""

    long_by_short: dict[Phrase, list[Phrase]] = field(default_factory=dict)
    short_by_long: dict[Phrase, list[Phrase]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    # Every long form's first two terms → the long forms (for heads of long forms).
    heads: dict[Phrase, list[Phrase]] = field(default_factory=dict)
    # Short forms of two words or more (menko polhukam), by their first two terms.
    short_heads: dict[Phrase, list[Phrase]] = field(default_factory=dict)

    def add(self, short: Phrase, long: Phrase) -> None:
        _append(self.long_by_short, short, long)
        _append(self.short_by_long, long, short)
        if len(long) >= 2:
            _append(self.heads, long[:2], long)
        if len(short) >= 2:
            _append(self.short_heads, short[:2], short)

    def __len__(self) -> int:
        return sum(len(v) for v in self.long_by_short.values())


def _append(table: dict[Phrase, list[Phrase]], key: Phrase, value: Phrase) -> None:
    got = table.setdefault(key, [])
    if value not in got:
        got.append(value)


def parse_dictionary(text: str, analyzer: Analyzer | None = None) -> Dictionary:
    """Lines ``SHORT<TAB>LONG`` (``#`` starts a comment; blank lines ignored).

    Both sides are analysed as the index is. A line with no tab, or a side that analyses
    to nothing (only stopwords), or the same terms on both sides, is skipped and named in
    ``skipped``: a hand-edited file must never break search.
    """
    an = analyzer or default_analyzer()
    out = Dictionary()
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = [p.strip() for p in line.split("\t") if p.strip()]
        if len(parts) != 2:
            out.skipped.append(f"line {number}: want SHORT<TAB>LONG, got {line[:80]!r}")
            continue
        short, long = tuple(an.analyze(parts[0])), tuple(an.analyze(parts[1]))
        if not short or not long or short == long:
            out.skipped.append(f"line {number}: {line[:80]!r} analyses to nothing to expand")
            continue
        if short != tuple(tokenize(parts[0])):
            # The stemmer made the short form an ordinary word (kejari → kejar): the pair
            # would make that word find the long form, so it is not used.
            out.skipped.append(f"line {number}: {parts[0][:40]!r} is stemmed to {' '.join(short)!r}")
            continue
        out.add(short, long)
    return out


def load_dictionary(path: Path, analyzer: Analyzer | None = None) -> Dictionary:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return Dictionary(skipped=[f"{path}: not read ({exc.strerror or exc})"])
    return parse_dictionary(text, analyzer)


def dictionary_path() -> Path:
    return Path(os.environ.get(DICTIONARY_ENV) or DICTIONARY_FILE)


def default_dictionary() -> Dictionary:
    """The dictionary at :func:`dictionary_path`, re-read when the file changes (one stat a query)."""
    path = dictionary_path()
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, -1)
    return _cached_dictionary(str(path), stamp)


@lru_cache(maxsize=4)
def _cached_dictionary(path: str, stamp: tuple[int, int]) -> Dictionary:
    del stamp  # part of the cache key only: a changed file is read again
    return load_dictionary(Path(path))


# -- one query word --------------------------------------------------------------------


def _surface_variants(token: str, redup: bool = True) -> list[str]:
    """Other spellings of one lower-cased query token that the index may hold for it."""
    out: list[str] = []
    parts = token.split("-")
    if len(parts) > 1 and all(parts):
        out.append(" ".join(parts))  # "e - KTP", "e–KTP": the parts as separate words
        if len(parts) == 2:
            out.append("".join(parts))  # eKTP, playoff, startup
            head, rest = parts
            if head == rest:
                out.append(head)  # fitur-fitur: the root Sastrawi did not know
            if head in COMPOUND_PREFIXES:
                out += _prefixed(head, rest)
        return out
    head, rest = token[:1], token[1:]
    if head in COMPOUND_PREFIXES and len(rest) >= 3 and rest.isalpha() and token not in sastrawi_dictionary():
        # ektp may be e+ktp: its other spellings. A root word (ekonomi, energi) never is;
        # a form no article holds (eropa → e-ropa) costs one empty doclist lookup.
        return [f"{head}-{rest}", f"{head} {rest}", *_prefixed(head, rest)]
    if redup and len(token) >= 3:
        out.append(f"{token}-{token}")  # fitur → fitur-fitur (kept only if indexed whole)
    return out


def _prefixed(head: str, rest: str) -> list[str]:
    # KTP elektronik, KTP - e (IndoSum's tokenised KTP-e), KTP-e
    return [f"{rest} {COMPOUND_PREFIXES[head]}", f"{rest} {head}", f"{rest}-{head}"]


@dataclass(slots=True)
class QueryExpander:
    """Turns analysed query words into groups of alternatives (see the module docstring)."""

    dictionary: Dictionary = field(default_factory=Dictionary)
    options: ExpansionOptions = field(default_factory=ExpansionOptions)
    analyzer: Analyzer = field(default_factory=default_analyzer)
    enabled: bool = True

    def word_alternatives(
        self, token: str, term: str, in_phrase: bool = False, with_dictionary: bool = True
    ) -> list[Phrase]:
        """The phrases one query word (surface ``token``, analysed ``term``) may match; itself first.

        Inside a quoted phrase the reduplicated form is not asked for: a phrase's
        alternatives multiply, and "fitur-fitur baru" is rarely what a quote means."""
        found: list[Phrase] = [(term,)]
        if not self.enabled:
            return found
        # Numbers (2017, 1.000, 1990-an) have no other spellings worth asking for.
        if self.options.morphology and not any(c.isdigit() for c in token):
            for variant in _surface_variants(token, redup=not in_phrase):
                found.append(tuple(self.analyzer.analyze(variant)))
        # The dictionary for the word and for each one-word spelling of it (ektp → e-ktp's entry).
        for (single,) in [p for p in found if len(p) == 1 and with_dictionary]:
            found += self.dictionary.long_by_short.get((single,), [])
            # a one-word long form (ktp-el): its abbreviation, that one's spellings and other long forms
            for short in self.dictionary.short_by_long.get((single,), []):
                found.append(short)
                if len(short) == 1:
                    found += self.word_alternatives(short[0], short[0], in_phrase, with_dictionary=False)
                found += self.dictionary.long_by_short.get(short, [])
        return _unique(found, self.options.max_alternatives)

    def run_at(self, terms: Sequence[str], start: int) -> tuple[int, list[Phrase]]:
        """The longest run of words from ``start`` that is a long form (or a head of one) or a
        short form of several words: its length and the other forms it stands for; (0, [])
        when there is none."""
        if not self.enabled:
            return 0, []
        key = tuple(terms[start : start + 2])
        best_len = 0
        others: list[Phrase] = []
        candidates = [
            (long, self._head_len(terms, start, long)) for long in self.dictionary.heads.get(key, [])
        ]
        found = [(long, n, self.dictionary.short_by_long.get(long, [])) for long, n in candidates]
        for short in self.dictionary.short_heads.get(key, []):
            if tuple(terms[start : start + len(short)]) == short:
                found.append((short, len(short), self.dictionary.long_by_short.get(short, [])))
        for _, n, forms in found:
            if n < self.options.min_head_terms:
                continue
            if n > best_len:
                best_len, others = n, []
            if n == best_len:
                others += forms
        return best_len, _unique(others, self.options.max_alternatives)

    @staticmethod
    def _head_len(terms: Sequence[str], start: int, long: Phrase) -> int:
        """How many words from ``start`` spell ``long`` or a head of it covering at least half."""
        n = len(long)
        while n >= 1:
            if 2 * n >= len(long) and tuple(terms[start : start + n]) == long[:n]:
                return n
            n -= 1
        return 0


def _unique(phrases: Sequence[Phrase], limit: int) -> list[Phrase]:
    out: list[Phrase] = []
    for p in phrases:
        if p and p not in out and not MARKERS.intersection(p):
            out.append(p)
            if len(out) >= limit:
                break
    return out


def plain_expander() -> QueryExpander:
    """No expansion: today's analysis (the benchmark's anchor)."""
    return QueryExpander(enabled=False)


def default_expander() -> QueryExpander:
    return QueryExpander(dictionary=default_dictionary())


# -- the flat encoding the backends see ------------------------------------------------


def encode(alternatives: Sequence[Alternative]) -> Phrase:
    """A group as one flat tuple: ``|`` between alternatives, ``&`` between AND-ed phrases."""
    out: list[str] = []
    for alt in alternatives:
        if out:
            out.append(ALT)
        for i, phrase in enumerate(alt):
            if i:
                out.append(AND)
            out.extend(phrase)
    return tuple(out)


def decode(encoded: Sequence[str]) -> list[Alternative]:
    """The group a flat tuple holds; a tuple without markers is one phrase, as ever.
    Empty phrases and alternatives are dropped (a backend then renders nothing for them)."""
    alts: list[Alternative] = []
    phrases: list[Phrase] = []
    current: list[str] = []
    for term in [*encoded, ALT]:
        if term in MARKERS:
            if current:
                phrases.append(tuple(current))
            current = []
            if term == ALT:
                if phrases:
                    alts.append(tuple(phrases))
                phrases = []
        elif term:
            current.append(term)
    return alts


def group_terms(encoded: Sequence[str]) -> list[str]:
    """Every term of a group, markers left out (what snippets mark)."""
    return [t for t in encoded if t and t not in MARKERS]


__all__ = [
    "ALT",
    "AND",
    "COMPOUND_PREFIXES",
    "DICTIONARY_ENV",
    "DICTIONARY_FILE",
    "Alternative",
    "Dictionary",
    "ExpansionOptions",
    "Phrase",
    "QueryExpander",
    "decode",
    "default_dictionary",
    "default_expander",
    "dictionary_path",
    "encode",
    "group_terms",
    "load_dictionary",
    "parse_dictionary",
    "plain_expander",
]
