"""Indonesian text analysis: tokeniser, stopwords and a cached Sastrawi stemmer.

The search index stores the output of :func:`analyze`, and queries are analysed by the
very same function, so morphology is shared between query and text (``perdamaian`` and
``damai`` both become ``damai``).

Stemming is Sastrawi's (Nazief–Adriani / ECS with a root-word dictionary), not
Snowball's or PostgreSQL's Indonesian stemmer: those strip affixes without a dictionary
and over-stem (``kembali`` → ``mbali``, ``pemerintah`` → ``perintah`` is the most Sastrawi
does). PySastrawi itself is slow per call (~90 µs a cold form: pattern strings looked up
in ``re``'s cache, visitor objects), so :mod:`kabar.lang.stemmer` runs the same rules
precompiled (identical output, 7-9x faster), and since news text repeats its word forms
heavily a per-form cache on top makes the effective rate far higher still.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from kabar.lang.stemmer import default_stemmer

# A token is a run of letters/digits, optionally joined by hyphens (desa-desa,
# nagorno-karabakh, 1990-an), or a number with thousands/decimal separators (1.000, 3,5).
# Possessive: the same tokens, without the backtracking state that made long hyphenated runs slow.
_TOKEN = re.compile(r"\d++(?:[.,]\d+)+|[^\W_]++(?:-[^\W_]++)*+")
_HAS_DIGIT = re.compile(r"\d")

_STOPWORDS_FILE = Path(__file__).parent / "data" / "stopwords_id.txt"

# Tokens longer than this are not words (URLs squashed together, base64, hostile input):
# they are dropped from the index terms, which also keeps the stemmer's regexes bounded.
MAX_TERM_CHARS = 64
# Sastrawi never needs to see more than this; longer hyphen chains are kept verbatim.
_MAX_STEM_CHARS = 40


class _WordStemmer(Protocol):
    def stem_word(self, word: str) -> str: ...


@dataclass(slots=True)
class AnalyzerOptions:
    # The cache is bounded so that a long-running ingest over years of news (whose
    # vocabulary of surface forms keeps growing) cannot grow it without limit.
    cache_size: int = 500_000
    stopwords_path: Path = _STOPWORDS_FILE
    # None: kabar's Sastrawi port. Any other ``stem_word`` (PySastrawi's own, say) gets the
    # same per-form cache, which is how benchmarks.stemming compares the two fairly.
    stemmer: _WordStemmer | None = None


@dataclass(slots=True)
class Analyzer:
    """Owns the stopword set, the Sastrawi stemmer and the per-word-form stem cache."""

    options: AnalyzerOptions = field(default_factory=AnalyzerOptions)
    stopwords: frozenset[str] = field(init=False)
    _stemmer: _WordStemmer = field(init=False)
    _cache: dict[str, str] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.stopwords = load_stopwords(self.options.stopwords_path)
        # kabar's port of Sastrawi (same rules, same dictionary, same output, 7-9x faster
        # per cold word form); it is stateless, so every analyser shares the one instance.
        stemmer = self.options.stemmer
        self._stemmer = default_stemmer() if stemmer is None else stemmer

    def stem(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result = self._stem_uncached(word)
        if len(self._cache) >= self.options.cache_size:
            self._cache.clear()
        self._cache[word] = result
        return result

    def _stem_uncached(self, word: str) -> str:
        low = word.lower()
        # Numbers (2017, 1990-an, 3,5) and over-long chains carry no morphology to strip.
        if not low or len(low) > _MAX_STEM_CHARS or _HAS_DIGIT.search(low):
            return low
        stemmed = self._stemmer.stem_word(low)
        return stemmed or low

    def stem_uncached(self, word: str) -> str:
        """The stemmer without the per-form cache (to measure the cache's effect)."""
        return self._stem_uncached(word)

    def is_stopword(self, token: str) -> bool:
        return token.lower() in self.stopwords

    def analyze(self, text: str) -> list[str]:
        stop = self.stopwords
        cache = self._cache
        out: list[str] = []
        for tok in tokenize(text):
            if tok in stop or len(tok) > MAX_TERM_CHARS:
                continue
            term = cache.get(tok)
            if term is None:
                term = self.stem(tok)
            out.append(term)
        return out

    def cache_info(self) -> int:
        return len(self._cache)


def load_stopwords(path: Path = _STOPWORDS_FILE) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word:
            words.add(word)
    return frozenset(words)


def tokenize(text: str) -> list[str]:
    """Lower-cased surface tokens; hyphenated words and numbers stay whole."""
    return _TOKEN.findall(text.lower())


def token_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the tokens :func:`tokenize` returns, in the original text.

    Lower-casing can change a string's length for a few scripts (e.g. 'İ'), so spans are
    found on the original text with a case-insensitive match of the same pattern.
    """
    return [m.span() for m in _TOKEN_CI.finditer(text)]


_TOKEN_CI = re.compile(_TOKEN.pattern, re.IGNORECASE)


@lru_cache(maxsize=1)
def default_analyzer() -> Analyzer:
    """The process's shared analyser (created on first use, not at import)."""
    return Analyzer()


def analyze(text: str) -> list[str]:
    """Tokens → stopwords removed → stemmed: the terms the search index stores."""
    return default_analyzer().analyze(text)


def stem(word: str) -> str:
    """Sastrawi stem of one word form, cached per form."""
    return default_analyzer().stem(word)


def is_stopword(token: str) -> bool:
    return default_analyzer().is_stopword(token)


__all__ = [
    "MAX_TERM_CHARS",
    "Analyzer",
    "AnalyzerOptions",
    "analyze",
    "default_analyzer",
    "is_stopword",
    "load_stopwords",
    "stem",
    "token_spans",
    "tokenize",
]
