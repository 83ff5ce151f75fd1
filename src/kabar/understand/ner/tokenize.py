"""Splitting running text into the tokens the NER model was trained on, with character offsets.

Written by hand because the training corpora keep hyphenated words (``Nagorno-Karabakh``,
``desa-desa``) and decimals (``2.5``) whole while splitting off every other punctuation mark; a
generic tokenizer (nltk, spaCy's) would need the model to learn a different segmentation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Numbers keep their inner . , / (2.5, 2/11, 25/8/2014); words keep inner hyphens and apostrophes.
_TOKEN = re.compile(r"\d+(?:[.,/]\d+)+|\w+(?:[-'’]\w+)*|[^\w\s]", re.UNICODE)


@dataclass(slots=True, frozen=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


_SENTENCE_END = frozenset({".", "!", "?"})


def sentences(tokens: list[Token], max_len: int = 200) -> list[list[Token]]:
    """Cut a paragraph's tokens into sentences at . ! ? (and at max_len so tagging time stays bounded)."""
    out: list[list[Token]] = []
    current: list[Token] = []
    for tok in tokens:
        current.append(tok)
        if tok.text in _SENTENCE_END or len(current) >= max_len:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out
