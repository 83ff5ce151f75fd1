"""The tagger's fast path to :func:`.features.sentence_features` + :func:`.features.augment`.

The same features, in the same order, but as the model's attribute ids (:mod:`.crfmodel`), built
from per-word-form pieces computed once and kept in LRU caches owned by the encoder; only the
word-pair features are made per sentence. Features the model does not know are left out, as
crfsuite itself skips them; keeping the others' order keeps the score sums bit-identical.

``tests/test_ner_fast.py`` checks that this path and the reference functions tag alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache

from kabar.understand.ner.crfmodel import Encoded
from kabar.understand.ner.features import (
    _OPENERS,
    _UNKNOWN,
    FeatureResources,
    _local,
    _token_kind,
    default_resources,
)

# One cached piece of a token's features: the attribute ids of the features the model knows, first
# as they are, then under each convention's prefix (index k + 1 for convention k of the encoder).
Piece = tuple[tuple[int, ...], ...]
_OFFSETS = (-2, -1, 1, 2)


class FeatureEncoder:
    """Turns a sentence into one attribute-id sequence per convention (see module docstring)."""

    def __init__(
        self,
        known: Mapping[str, int],
        conventions: Sequence[str],
        resources: FeatureResources | None = None,
        cache_size: int = 20_000,
    ) -> None:
        self._res = resources or default_resources()
        self._prefixes = tuple(c + "|" for c in conventions)
        # Feature string → its attribute id as it is and under each of our prefixes (None: unknown
        # there), so a feature costs one lookup however many copies are asked for; a string absent
        # here is unknown under every name (most word pairs are).
        self._ids: dict[str, list[int | None]] = {}
        width = len(self._prefixes) + 1
        self._columns = range(width)
        for attribute, aid in known.items():
            self._ids.setdefault(attribute, [None] * width)[0] = aid
            for k, p in enumerate(self._prefixes, 1):
                if attribute.startswith(p):
                    self._ids.setdefault(attribute[len(p) :], [None] * width)[k] = aid
        self._column = {c: k + 1 for k, c in enumerate(conventions)}
        # Caches are per encoder (one per tagger), bounded, and keyed by word form (windows by form and
        # offset); at the default size they hold a few tens of MB. Pairs are of word kinds only.
        self._form = lru_cache(maxsize=2 * cache_size)(self._compute_form)
        self._local = lru_cache(maxsize=cache_size)(self._compute_local)
        self._window = lru_cache(maxsize=2 * cache_size)(self._compute_window)
        self._pair = lru_cache(maxsize=4096)(self._compute_pair)
        self._gaz = lru_cache(maxsize=4096)(self._compute_gaz)
        self._pad = {off: self._split([f"w[{off}]=<pad>"]) for off in _OFFSETS}

    def _split(self, feats: Sequence[str]) -> Piece:
        ids = self._ids
        rows = [ids[x] for x in feats if x in ids]
        return tuple([tuple([a for row in rows if (a := row[k]) is not None]) for k in self._columns])

    def _compute_form(self, word: str) -> tuple[str, str]:
        return word.lower(), _token_kind(word)

    def _compute_local(self, word: str, start: bool) -> Piece:
        return self._split(["b", *_local(word, self._res, start)])

    def _compute_window(self, word: str, off: int) -> Piece:
        low, kind = self._form(word)
        wc = self._res.clusters.get(low, _UNKNOWN)
        return self._split(
            [
                f"w[{off}]={low}",
                f"k[{off}]={kind}",
                f"c[{off}]={wc.coarse}",
                f"cf[{off}]={wc.fine}",
                f"caps[{off}]={wc.caps}",
            ]
        )

    def _compute_pair(self, head: str, left: str, right: str) -> Piece:
        return self._split([f"{head}{left}|{right}"])

    def _compute_gaz(self, head: str, marks: tuple[str, ...]) -> Piece:
        return self._split([head + g for g in marks])

    def encode(self, tokens: Sequence[str], conventions: Sequence[str]) -> Encoded:
        """The ids of the features the model knows, in reference order (see :class:`.crfmodel.Encoded`)."""
        columns = [self._column[c] for c in conventions]
        n = len(tokens)
        gaz = self._res.gazetteer.annotate(tokens)
        seen = self._res.lexicon.annotate(tokens)
        forms = [self._form(t) for t in tokens]
        word_pairs = [f"{forms[i][0]}|{forms[i + 1][0]}" for i in range(n - 1)]
        bodies = self._ids
        plains: list[list[int]] = []
        prefixed: list[list[list[int]]] = [[] for _ in conventions]
        for i, word in enumerate(tokens):
            prev = tokens[i - 1] if i else ""
            # `in ".!?"` is a substring test in the reference features; kept so "!?" behaves alike.
            start = i == 0 or prev in _OPENERS or prev in ".!?"
            pieces = [self._local(word, start)]
            if gaz[i]:
                pieces.append(self._gaz("g=", tuple(gaz[i])))
            for off in _OFFSETS:
                j = i + off
                if not 0 <= j < n:
                    pieces.append(self._pad[off])
                    continue
                pieces.append(self._window(tokens[j], off))
                if gaz[j]:
                    pieces.append(self._gaz(f"g[{off}]=", tuple(gaz[j])))
            kind = forms[i][1]
            # Word pairs are mostly unseen, so caching them would only churn the cache: one set lookup
            # rules most out.
            if i > 0:
                if (x := "w[-1:0]=" + word_pairs[i - 1]) in bodies:
                    pieces.append(self._split([x]))
                pieces.append(self._pair("k[-1:0]=", forms[i - 1][1], kind))
            if i + 1 < n:
                if (x := "w[0:1]=" + word_pairs[i]) in bodies:
                    pieces.append(self._split([x]))
                pieces.append(self._pair("k[0:1]=", kind, forms[i + 1][1]))
            if seen[i]:
                pieces.append(self._gaz("", tuple(seen[i])))
            plains.append([x for piece in pieces for x in piece[0]])
            for seqs, col in zip(prefixed, columns, strict=True):
                seqs.append([x for piece in pieces for x in piece[col]])
        return Encoded(plains, prefixed)
