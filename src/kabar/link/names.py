"""Names an article mentions, for the "shared names" signal of related news.

Until the understanding stage fills ``Article.entities`` everywhere, a name is a
capitalised span: a run of capitalised words (``Polda Metro Jaya``, ``Rizieq
Shihab``) or an acronym (``KPK``, ``PSSI``), split at titles (``Kepala Bidang
Humas``). A single capitalised word that opens a sentence is skipped — every
Indonesian sentence starts with one. When entities are present they are used
instead, with their aliases.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from kabar.model import Article

_SPAN = re.compile(
    r"(?<![\w])(?:[A-Z][a-z]+|[A-Z]{2,}[a-z]*)(?:[ \-](?:[A-Z][a-z]+|[A-Z]{2,}[a-z]*|bin|binti|van|de|al))*"
)
_OPENERS = frozenset('.!?"“”:;(\n')
_WORDS_FILE = Path(__file__).parent / "data" / "name_words.txt"


@dataclass(slots=True, frozen=True)
class NameOptions:
    max_chars: int = 4_000  # names come early in news text; bounds cost per candidate and hostile input
    max_names: int = 30


@dataclass(slots=True, frozen=True)
class NameWords:
    not_names: frozenset[str]
    roles: frozenset[str]


@cache
def name_words(path: Path = _WORDS_FILE) -> NameWords:
    sections: dict[str, set[str]] = {"not_names": set(), "roles": set()}
    current = "not_names"
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.split("#", 1)[0].strip().lower()
        if word.startswith("[") and word.endswith("]"):
            current = word[1:-1]
            sections.setdefault(current, set())
        elif word:
            sections[current].add(word)
    return NameWords(not_names=frozenset(sections["not_names"]), roles=frozenset(sections["roles"]))


def _at_sentence_start(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] == " ":
        j -= 1
    return j < 0 or text[j] in _OPENERS


def name_spans(text: str, options: NameOptions | None = None) -> list[str]:
    """Capitalised spans in ``text``, lower-cased and split at titles."""
    opts = options or NameOptions()
    words_ = name_words()
    skip = words_.not_names | words_.roles
    text = text[: opts.max_chars]
    out = []
    for m in _SPAN.finditer(text):
        piece: list[str] = []
        first = True
        for word in m.group(0).replace("-", " ").split():
            if word.lower() in skip:
                if piece:
                    out.append(" ".join(piece).lower())
                piece, first = [], False
                continue
            piece.append(word)
        if not piece:
            continue
        if len(piece) == 1:
            word = piece[0]
            whole_span = first and m.group(0) == word
            if len(word) < 3 or (whole_span and not word.isupper() and _at_sentence_start(text, m.start())):
                continue
        out.append(" ".join(piece).lower())
    return out


def article_names(article: Article, options: NameOptions | None = None) -> Counter[str]:
    """How often each name occurs; entities (with aliases) when the article has them."""
    opts = options or NameOptions()
    names: Counter[str] = Counter()
    if article.entities:
        for e in article.entities:
            weight = max(1, len(e.mentions))
            for n in {e.name, *e.aliases}:
                if n:
                    names[n.lower()] += weight
        return names
    text = (article.headline or "") + ".\n" + "\n".join(article.paragraphs)
    names.update(name_spans(text, opts))
    return Counter(dict(names.most_common(opts.max_names)))


def name_word_set(names: Counter[str]) -> frozenset[str]:
    return frozenset(w for n in names for w in n.split())


def shares_name(name: str, names: Counter[str], words: frozenset[str]) -> bool:
    """``zidane`` is shared with ``zinedine zidane``: running text shortens names."""
    return name in names or all(w in words for w in name.split())
