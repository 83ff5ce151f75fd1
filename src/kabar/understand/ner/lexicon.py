"""What the training data says about names it has seen: a lexicon shipped beside the model.

Two tables, both learned from the training sentences (never a test split):

- *entities*: each labelled span (lowercased tokens) and the type it carries most often, so the
  tagger knows that ``Tyra Banks`` is a person and ``Warner Bros`` an organisation even where the
  word classes and cues say little (NERGrit's Wikipedia text is full of such foreign names);
- *tokens*: for each word seen capitalised, the share of its occurrences inside a PER, LOC or ORG
  span or outside any, which tells ``Obama`` from ``Jalan``.

A model trained with these features on the very sentences the lexicon came from would learn to
trust it blindly, so :mod:`.train` builds the lexicon of each training sentence from the *other*
folds (jackknifing, as in Ratinov & Roth 2009) and ships the lexicon of all of them.

No library keeps such a table for Indonesian, hence this module.
"""

from __future__ import annotations

import gzip
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kabar.understand.ner.conll import Sentence
from kabar.understand.ner.scoring import spans

MAX_SPAN = 6
# A capitalised token is said to be of one type when at least this share of its sightings agree.
CONFIDENT = 0.8


@dataclass(slots=True, frozen=True)
class TokenStats:
    kind: str  # PER | LOC | ORG | O: the commonest reading
    confident: bool


@dataclass(slots=True)
class SeenLexicon:
    entities: dict[tuple[str, ...], str] = field(default_factory=dict)
    tokens: dict[str, TokenStats] = field(default_factory=dict)
    # First word → longest entity starting with it (most tokens start none: one lookup passes them).
    longest: dict[str, int] = field(default_factory=dict)

    def add_entity(self, key: tuple[str, ...], kind: str) -> None:
        if key and len(key) <= MAX_SPAN:
            self.entities[key] = kind
            self.longest[key[0]] = max(self.longest.get(key[0], 0), len(key))

    def token_features(self, low: str) -> list[str]:
        stats = self.tokens.get(low)
        if stats is None:
            return []
        return ["tt=" + stats.kind, "tt!=" + stats.kind] if stats.confident else ["tt=" + stats.kind]

    def annotate(self, tokens: Sequence[str]) -> list[list[str]]:
        """Per token, ``seen=TYPE:B``/``:I`` for the longest seen entity starting at each token."""
        lows = [t.lower() for t in tokens]
        n = len(lows)
        longest = self.longest
        marks = self.marks_at(lows, [(i, n) for i, low in enumerate(lows) if low in longest])
        return [marks.get(i, []) for i in range(n)]

    def marks_at(self, lows: Sequence[str], starts: Iterable[tuple[int, int]]) -> dict[int, list[str]]:
        """:meth:`annotate`'s marks by position, for lowercased tokens: ``starts`` are (position, end
        of its sentence) pairs in ascending order, every position an entity may start at among them."""
        out: dict[int, list[str]] = {}
        for i, end in starts:
            longest = self.longest.get(lows[i])
            if not longest:
                continue
            for n in range(min(longest, end - i), 0, -1):
                kind = self.entities.get(tuple(lows[i : i + n]))
                if kind is None:
                    continue
                first = out.setdefault(i, [])
                first.append(f"seen={kind}:B")
                if n > 1:
                    first.append(f"seenlen={min(n, 4)}")
                for j in range(i + 1, i + n):
                    out.setdefault(j, []).append(f"seen={kind}:I")
                break
        return out


def build_lexicon(sentences: Iterable[Sentence]) -> SeenLexicon:
    entity_types: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    token_types: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for s in sentences:
        for a, b, kind in spans(s.tags):
            entity_types[tuple(t.lower() for t in s.tokens[a:b])][kind] += 1
        for token, tag in zip(s.tokens, s.tags, strict=True):
            if token[:1].isupper():
                token_types[token.lower()][tag[2:] if tag != "O" else "O"] += 1
    lex = SeenLexicon()
    for key, counts in entity_types.items():
        lex.add_entity(key, _commonest(counts))
    for low, counts in token_types.items():
        kind = _commonest(counts)
        lex.tokens[low] = TokenStats(kind, counts[kind] / sum(counts.values()) >= CONFIDENT)
    return lex


def _commonest(counts: Counter[str]) -> str:
    # Ties go to the alphabetically first type so that a rebuilt lexicon is the same file.
    return min(counts, key=lambda k: (-counts[k], k))


def write_lexicon(lex: SeenLexicon, path: Path) -> None:
    lines = ["# kabar NER lexicon: E<TAB>type<TAB>tokens… or T<TAB>type<TAB>confident<TAB>token"]
    lines += [f"E\t{kind}\t" + "\t".join(key) for key, kind in sorted(lex.entities.items())]
    lines += [f"T\t{s.kind}\t{int(s.confident)}\t{low}" for low, s in sorted(lex.tokens.items())]
    partial = path.with_name(path.name + ".partial")
    with gzip.open(partial, "wt", encoding="utf-8", compresslevel=9) as handle:
        handle.write("\n".join(lines) + "\n")
    partial.replace(path)


class LexiconFormatError(ValueError):
    """The lexicon beside a model is not a gzipped lexicon file."""


@lru_cache(maxsize=4)
def load_lexicon(path: Path) -> SeenLexicon:
    """The lexicon beside a model; an absent file is an empty lexicon (a model trained without one)."""
    lex = SeenLexicon()
    if not path.exists():
        return lex
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                parts = line.rstrip("\n").split("\t")
                if parts[0] == "E" and len(parts) >= 3:
                    lex.add_entity(tuple(parts[2:]), parts[1])
                elif parts[0] == "T" and len(parts) == 4:
                    lex.tokens[parts[3]] = TokenStats(parts[1], parts[2] == "1")
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise LexiconFormatError(f"NER lexicon {path} is unreadable: {exc}") from exc
    return lex


def lexicon_path(model: Path) -> Path:
    """``…/ner.crfsuite`` → ``…/ner.lexicon.tsv.gz``: the lexicon travels with the model it was built for."""
    return model.with_name(model.stem + ".lexicon.tsv.gz")
