"""Sastrawi's Indonesian stemmer, re-expressed with precompiled rules.

Approach: a faithful port of PySastrawi's ``Stemmer``/``Context`` (Nazief–Adriani with
CS/ECS confix stripping, Sastrawi's precedence adjustment, its 40-odd prefix
disambiguation rules in Sastrawi's order, and ECS "loop pengembalian akhiran") rather than
a subclass. PySastrawi's classes cannot be sped up by subclassing: every rule calls
``re.match``/``re.sub`` with a pattern *string* inside its own method, so the hot path *is*
the class bodies, and the visitor/Removal object machinery costs as much again. Here

* every pattern is PySastrawi's own, compiled once (same regex semantics, including
  ``$`` before a trailing newline and ``.`` not matching one), so results are identical;
* a prefix rule is skipped by a ``str.startswith`` test before its regex runs;
* the particle and possessive patterns get a look-behind that keeps their results and
  makes them linear (PySastrawi takes ~10 s on a run of 20,000 hyphens);
* the dictionary is a frozenset, looked up once per state rather than after every
  visitor that changed nothing (PySastrawi's redundant look-ups);
* the only bookkeeping kept from Sastrawi's ``Removal`` list is what the algorithm reads:
  the subject of the first removal and the suffix removals for the ECS loop.

The root-word dictionary is PySastrawi's installed ``kata-dasar.txt`` (read at first use by
:func:`sastrawi_dictionary`, cached), so the two can never drift apart.
``tests/test_stemmer_parity.py`` checks equality with PySastrawi word for word.

Known divergence: PySastrawi computes a removal's "removed part" with
``re.sub(result, "", subject)``, i.e. it uses the remaining word as a *regex*; for words
containing unbalanced regex metacharacters (``di((a``, ``pe)kan``, ``me[nya``) it raises
``re.error``. This module returns a stem there instead of raising (it falls back to the
literal suffix); where the regex compiles it runs the very same ``re.sub``. kabar's tokeniser never produces such
words (letters, digits and hyphens only), so the analyser's output is unaffected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files

_C = "bcdfghjklmnpqrstvwxyz"  # Sastrawi's consonant class, spelled the same way
_V = "aiueo"


@dataclass(frozen=True, slots=True)
class _Rule:
    """One Sastrawi disambiguator: its result is ``lead`` + all groups of its pattern.

    Where Sastrawi's result re-inserts a literal ("er"), the literal is moved inside a
    group of the same pattern: grouping does not change what a regex matches.
    """

    pattern: re.Pattern[str] | None
    lead: str = ""
    reject_r: bool = False  # Sastrawi: "if group(1) == 'r': return None"
    reject_er_group: int = 0  # Sastrawi: "if re.match('^er(.*)$', group(n)): return None"
    exact: str = ""  # rules 4 and 32 special-case one whole word
    exact_result: str = ""

    def apply(self, word: str) -> str | None:
        if self.exact and word == self.exact:
            return self.exact_result
        if self.pattern is None:
            return None
        m = self.pattern.match(word)
        if m is None:
            return None
        if self.reject_r and m.group(1) == "r":
            return None
        if self.reject_er_group and _ER.match(m.group(self.reject_er_group)):
            return None
        return self.lead + "".join(m.groups())


_ER = re.compile(r"^er(.*)$")


@dataclass(frozen=True, slots=True)
class _PrefixVisitor:
    """A Sastrawi ``PrefixDisambiguator``: rules tried in order, the last result wins."""

    starts: tuple[str, ...]  # a word not starting with one of these matches no rule
    rules: tuple[_Rule, ...]


def _r(pattern: str, lead: str = "", *, reject_r: bool = False, reject_er_group: int = 0) -> _Rule:
    return _Rule(re.compile(pattern), lead, reject_r=reject_r, reject_er_group=reject_er_group)


def _prefix_visitors() -> tuple[_PrefixVisitor, ...]:
    """Sastrawi's ``VisitorProvider`` prefix disambiguators, rule for rule, in its order."""
    C, V = _C, _V
    CONS = tuple(C)
    pv = _PrefixVisitor
    return (
        pv(("ber",), (_r(f"^ber([{V}].*)$"), _r(f"^ber([{V}].*)$", "r"))),  # 1a, 1b
        pv(("ber",), (_r(f"^ber([{C}])([a-z])(.*)", reject_er_group=3),)),  # 2
        pv(("ber",), (_r(f"ber([{C}])([a-z])(er[{V}])(.*)", reject_r=True),)),  # 3
        pv(("belajar",), (_Rule(None, exact="belajar", exact_result="ajar"),)),  # 4
        pv(("be",), (_r(f"be([bcdfghjklmnpqstvwxyz])(er[{C}])(.*)$"),)),  # 5
        pv(("ter",), (_r(f"^ter([{V}].*)$"), _r(f"^ter([{V}].*)$", "r"))),  # 6a, 6b
        pv(("ter",), (_r(f"^ter([{C}])(er[{V}].*)$", reject_r=True),)),  # 7
        pv(("ter",), (_r(f"^ter([{C}])(.*)$", reject_r=True, reject_er_group=2),)),  # 8
        pv(("te",), (_r(f"^te([{C}])(er[{C}])(.*)$", reject_r=True),)),  # 9
        pv(("me",), (_r(f"^me([lrwy])([{V}])(.*)$"),)),  # 10
        pv(("mem",), (_r(r"^mem([bfv])(.*)$"),)),  # 11
        pv(("mempe",), (_r(r"^mempe(.*)$", "pe"),)),  # 12
        pv(("mem",), (_r(f"^mem([{V}])(.*)$", "m"), _r(f"^mem([{V}])(.*)$", "p"))),  # 13
        pv(("men",), (_r(r"^men([cdjstz])(.*)$"),)),  # 14
        pv(("men",), (_r(f"^men([{V}])(.*)$", "n"), _r(f"^men([{V}])(.*)$", "t"))),  # 15
        pv(("meng",), (_r(r"^meng([ghqk])(.*)$"),)),  # 16
        pv(
            ("meng",),
            (
                _r(f"^meng([{V}])(.*)$"),  # 17a
                _r(f"^meng([{V}])(.*)$", "k"),  # 17b
                _r(r"^menge(.*)$"),  # 17c
                _r(f"^meng([{V}])(.*)$", "ng"),  # 17d
            ),
        ),
        pv(("meny",), (_r(f"^meny([{V}])(.*)$", "ny"), _r(f"^meny([{V}])(.*)$", "s"))),  # 18
        pv(("memp",), (_r(r"^memp([abcdfghijklmopqrstuvwxyz])(.*)$", "p"),)),  # 19
        pv(("pe",), (_r(f"^pe([wy])([{V}])(.*)$"),)),  # 20
        pv(("pe",), (_r(f"^per([{V}])(.*)$"), _r(f"^pe(r[{V}])(.*)$"))),  # 21a, 21b
        pv(("per",), (_r(f"^per([{C}])([a-z])(.*)$", reject_er_group=3),)),  # 23
        pv(("per",), (_r(f"^per([{C}])([a-z])(er[{V}])(.*)$", reject_r=True),)),  # 24
        pv(("pem",), (_r(r"^pem([bfv])(.*)$"),)),  # 25
        pv(("pem",), (_r(f"^pem([{V}])(.*)$", "m"), _r(f"^pem([{V}])(.*)$", "p"))),  # 26
        pv(("pen",), (_r(r"^pen([cdjstz])(.*)$"),)),  # 27
        pv(("pen",), (_r(f"^pen([{V}])(.*)$", "n"), _r(f"^pen([{V}])(.*)$", "t"))),  # 28
        pv(("peng",), (_r(f"^peng([{C}])(.*)$"),)),  # 29
        pv(
            ("peng",),
            (_r(f"^peng([{V}])(.*)$"), _r(f"^peng([{V}])(.*)$", "k"), _r(r"^penge(.*)$")),  # 30
        ),
        pv(("peny",), (_r(f"^peny([{V}])(.*)$", "ny"), _r(f"^peny([{V}])(.*)$", "s"))),  # 31
        pv(("pe",), (_Rule(re.compile(f"^pe(l[{V}])(.*)$"), exact="pelajar", exact_result="ajar"),)),  # 32
        pv(("pe",), (_r(f"^pe([{C}])(.*)$", reject_er_group=2),)),  # 34
        pv(("ter",), (_r(f"^ter([bcdfghjkpqstvxz])(er[{C}])(.*)$"),)),  # 35
        pv(("pe",), (_r(f"^pe([bcdfghjkpqstvxz])(er[{C}])(.*)$"),)),  # 36
        pv(CONS, (_r(f"^([{C}])(er[{V}])(.*)$"), _r(f"^([{C}])er([{V}])(.*)$"))),  # 37
        pv(CONS, (_r(f"^([{C}])(el[{V}])(.*)$"), _r(f"^([{C}])el([{V}])(.*)$"))),  # 38
        pv(CONS, (_r(f"^([{C}])(em[{V}])(.*)$"), _r(f"^([{C}])em([{V}])(.*)$"))),  # 39
        pv(CONS, (_r(f"^([{C}])(in[{V}])(.*)$"), _r(f"^([{C}])in([{V}])(.*)$"))),  # 40
        pv(("ku",), (_r(r"^ku(.*)$"),)),  # 41
        pv(("kau",), (_r(r"^kau(.*)$"),)),  # 42
    )


@lru_cache(maxsize=1)
def sastrawi_dictionary() -> frozenset[str]:
    """PySastrawi's root words, read from its installed package data (first use only)."""
    text = files("Sastrawi.Stemmer").joinpath("data", "kata-dasar.txt").read_text(encoding="utf-8")
    # Same filter as Sastrawi's ArrayDictionary.add: no empty or whitespace-only entries.
    return frozenset(w for w in text.split("\n") if w and w.strip() != "")


@dataclass(slots=True)
class _Suffix:
    """What the ECS loop reads of a Sastrawi suffix ``Removal``."""

    subject: str
    result: str
    removed: str


def _removed_part(subject: str, result: str) -> str:
    # Sastrawi: re.sub(result, '', subject, count=1). For a result of word characters and
    # hyphens the regex is the literal, so str.replace is the same thing, minus the regex
    # cache look-up.
    if _LITERAL.match(result):
        return subject.replace(result, "", 1)
    try:
        return re.sub(result, "", subject, count=1)
    except re.error:
        return subject[len(result) :]


_LITERAL = re.compile(r"[\w-]*\Z")
# Sastrawi's ``-*(lah|kah|tah|pun)$`` rescans a run of hyphens from each of its
# positions: quadratic on "-----…". The leftmost match can never start right after a
# hyphen (it would then start one earlier), so the look-behind changes no result and
# makes the scan linear.
_PARTICLE = re.compile(r"(?<!-)-*(lah|kah|tah|pun)$")
_POSSESSIVE = re.compile(r"(?<!-)-*(ku|mu|nya)$")
_DERIVATIONAL = re.compile(r"(is|isme|isasi|i|kan|an)$")
_PLAIN_PREFIX = re.compile(r"^(di|ke|se)")
_PRECEDENCE = re.compile(r"^(?:be.*lah$|be.*an$|me.*i$|di.*i$|pe.*i$|ter.*i$)")
_PLURAL_PARTICLE = re.compile(r"^(.*)-(ku|mu|nya|lah|kah|tah|pun)$")
_SPLIT = re.compile(r"^(.*)-(.*)$")
_SUFFIX_WORDS = frozenset(("ku", "mu", "nya", "lah", "kah", "tah", "pun"))


@dataclass(slots=True)
class _Context:
    """One run of Sastrawi's ``Context`` over one singular word."""

    word: str
    words: frozenset[str]
    visitors: dict[str, tuple[_PrefixVisitor, ...]]  # by first letter (_by_first_letter)
    current: str = ""
    short: bool = False  # Sastrawi's DontStemShortWord "stopProcess" flag
    first_subject: str | None = None
    suffixes: list[_Suffix] = field(default_factory=list)

    def run(self) -> str:
        self.current = self.word
        self._stem()
        return self.current if self.current in self.words else self.word

    def _record(self, result: str) -> None:
        if self.first_subject is None:
            self.first_subject = self.current
        self.current = result

    def _stem(self) -> None:
        words = self.words
        if self.word in words:
            return
        self.short = len(self.word) <= 3
        if _PRECEDENCE.match(self.word):
            self._remove_prefixes()
            if self.current in words:
                return
            self._remove_suffixes()
            if self.current in words:
                return
            self.current = self.word
            self.first_subject = None
            self.suffixes = []
        self._remove_suffixes()
        if self.current in words:
            return
        self._remove_prefixes()
        if self.current in words:
            return
        self._loop_pengembalian_akhiran()

    def _remove_suffixes(self) -> None:
        for pattern, kind in ((_PARTICLE, "P"), (_POSSESSIVE, "PP"), (_DERIVATIONAL, "DS")):
            subject = self.current
            result = pattern.sub("", subject, count=1)
            if result != subject:
                self.suffixes.append(_Suffix(subject, result, _removed_part(subject, result)))
                self._record(result)
                if result in self.words:
                    return
            elif kind == "P" and subject in self.words:
                return
            if self.short:
                return

    def _remove_prefixes(self) -> None:
        for _ in range(3):
            self._accept_prefix_visitors()
            if self.current in self.words:
                return

    def _accept_prefix_visitors(self) -> None:
        word = self.current
        result = _PLAIN_PREFIX.sub("", word, count=1)
        if result != word:
            self._record(result)
            return
        # Sastrawi checks the dictionary after every visitor; an unchanged word gives the
        # same answer each time, so one look-up stands for all of them.
        if word in self.words or self.short or not word:
            return
        for visitor in self.visitors.get(word[0], ()):
            if not word.startswith(visitor.starts):
                continue
            found: str | None = None
            for rule in visitor.rules:
                found = rule.apply(word)
                if found is not None and found in self.words:
                    break
            if found is not None:
                self._record(found)
                return

    def _loop_pengembalian_akhiran(self) -> None:
        # restore_prefix: back to the subject of the first removal; prefix removals are
        # forgotten (only suffix removals are kept here anyway).
        if self.first_subject is not None:
            self.current = self.first_subject
        start = self.current
        for removal in reversed(self.suffixes):
            if removal.removed == "kan":
                self.current = removal.result + "k"
                self._remove_prefixes()
                if self.current in self.words:
                    return
                self.current = removal.result + "kan"
            else:
                self.current = removal.subject
            self._remove_prefixes()
            if self.current in self.words:
                return
            self.current = start


def _by_first_letter(visitors: tuple[_PrefixVisitor, ...]) -> dict[str, tuple[_PrefixVisitor, ...]]:
    """Per first letter, the visitors (in Sastrawi's order) a word starting with it can match:
    each start of a visitor begins with one letter, so the others need no test at all."""
    letters = {start[:1] for v in visitors for start in v.starts}
    return {
        letter: tuple(v for v in visitors if any(start[:1] == letter for start in v.starts))
        for letter in letters
    }


@dataclass(slots=True)
class SastrawiStemmer:
    """Stems one word form exactly as PySastrawi's ``Stemmer.stem_word`` does."""

    words: frozenset[str] = field(default_factory=sastrawi_dictionary)
    _visitors: dict[str, tuple[_PrefixVisitor, ...]] = field(init=False)

    def __post_init__(self) -> None:
        self._visitors = _by_first_letter(_prefix_visitors())

    def stem_word(self, word: str) -> str:
        m = _PLURAL_PARTICLE.match(word)
        plural = m.group(1).find("-") != -1 if m else word.find("-") != -1
        return self._stem_plural(word) if plural else self.stem_singular(word)

    def stem_singular(self, word: str) -> str:
        return _Context(word, self.words, self._visitors).run()

    def _stem_plural(self, plural: str) -> str:
        # Asian (2007) pp. 76-77, as Sastrawi does it: stem both halves, equal → that stem.
        m = _SPLIT.match(plural)
        if not m:
            return plural
        first, second = m.group(1), m.group(2)
        inner = _SPLIT.match(first)
        if second in _SUFFIX_WORDS and inner:
            first, second = inner.group(1), inner.group(2) + "-" + second
        root1 = self.stem_singular(first)
        root2 = self.stem_singular(second)
        if second not in self.words and root2 == second:
            root2 = self.stem_singular("me" + second)  # meniru-nirukan -> tiru
        return root1 if root1 == root2 else plural


@lru_cache(maxsize=1)
def default_stemmer() -> SastrawiStemmer:
    """The process's shared stemmer (dictionary read on first use, not at import)."""
    return SastrawiStemmer()


__all__ = ["SastrawiStemmer", "default_stemmer", "sastrawi_dictionary"]
