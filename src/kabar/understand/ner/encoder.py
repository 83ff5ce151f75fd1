"""The tagger's fast path to :func:`.features.sentence_features` + :func:`.features.augment`.

The same features, in the same order, but as the model's attribute ids (:mod:`.crfmodel`). A token's
features are a fixed run of pieces (:data:`SLOTS`) — its word's own features, each neighbour's
window, gazetteer marks, word and kind pairs, seen names — and each piece, made once from its key,
is kept as its attribute ids in one store (:class:`_PieceStore`). Encoding a batch of sentences is
then list comprehensions naming each token's pieces slot by slot, and one numpy gather per column
that lays every token's ids end to end. Features the model does not know are left out, as crfsuite
itself skips them; keeping the others' order keeps the score sums bit-identical.

``tests/test_ner_fast.py`` checks that this path and the reference functions tag alike.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from itertools import pairwise

import numpy as np

from kabar.understand.ner.crfmodel import Encoded, IdRuns
from kabar.understand.ner.features import (
    _OPENERS,
    _UNKNOWN,
    FeatureResources,
    _local,
    _token_kind,
    default_resources,
)

_OFFSETS = (-2, -1, 1, 2)
# A token's pieces in the reference features' order (an absent one is the empty piece): its own
# features, its gazetteer marks, each neighbour's window and marks, the word and kind pairs with
# the word before and after, the seen names it is part of.
SLOTS = 15


class _Word:
    """A word form's pieces: as each neighbour's window (offsets -2, -1, 1, 2), and its own features
    mid-sentence and at a sentence start (-1 until first needed); its kind for the kind pairs."""

    __slots__ = ("kind", "local", "low", "window")

    def __init__(self, low: str, kind: str, window: list[int]) -> None:
        self.low = low
        self.kind = kind
        self.window = window
        self.local = [-1, -1]


class _Grown:
    """A numpy run of ints grown by appending (capacity doubled), read as its first ``size`` values."""

    __slots__ = ("array", "size")

    def __init__(self) -> None:
        self.array = np.empty(1024, dtype=np.intp)
        self.size = 0

    def extend(self, values: np.ndarray) -> None:
        n = self.size + len(values)
        if n > len(self.array):
            grown = np.empty(max(n, 2 * len(self.array)), dtype=np.intp)
            grown[: self.size] = self.array[: self.size]
            self.array = grown
        self.array[self.size : n] = values
        self.size = n


class _PieceStore:
    """Pieces' attribute ids, one flat run per column (as they are, then per convention prefix).

    A piece is added as its features' rows of ids (one id per column, -1 where unknown), kept in a
    Python list; a batch's new pieces are sorted into the columns' numpy runs in one go when read.
    """

    def __init__(self, width: int) -> None:
        self.ids = [_Grown() for _ in range(width)]
        self.start = [_Grown() for _ in range(width)]
        self.length = [_Grown() for _ in range(width)]
        self.count = 0
        self._rows: list[list[int]] = []
        self._sizes: list[int] = []  # rows per pending piece

    def add(self, rows: list[list[int]]) -> int:
        self._rows.extend(rows)
        self._sizes.append(len(rows))
        self.count += 1
        return self.count - 1

    def _settle(self) -> None:
        if not self._sizes:
            return
        rows = np.array(self._rows, dtype=np.intp).reshape(len(self._rows), len(self.ids))
        bounds = np.concatenate([[0], np.cumsum(self._sizes)])
        for c, (ids, start, length) in enumerate(zip(self.ids, self.start, self.length, strict=True)):
            column = rows[:, c]
            known = column >= 0
            before = np.concatenate([[0], np.cumsum(known)])[bounds]
            start.extend(ids.size + before[:-1])
            length.extend(np.diff(before))
            ids.extend(column[known])
        self._rows = []
        self._sizes = []

    def runs(self, pieces: np.ndarray, column: int) -> IdRuns:
        """The ids of each token's :data:`SLOTS` pieces (``pieces``: tokens × slots) laid end to end
        in one column, with each token's number of ids."""
        self._settle()
        lengths = self.length[column].array[pieces]
        flat = lengths.ravel()
        ends = np.cumsum(flat)
        total = int(ends[-1]) if len(ends) else 0
        where = np.repeat(self.start[column].array[pieces].ravel() - (ends - flat), flat) + np.arange(total)
        return IdRuns(self.ids[column].array[where], lengths.sum(axis=1))


class FeatureEncoder:
    """Turns sentences into attribute-id runs per convention (see module docstring)."""

    def __init__(
        self,
        known: Mapping[str, int],
        conventions: Sequence[str],
        resources: FeatureResources | None = None,
        cache_size: int = 40_000,
    ) -> None:
        self._res = resources or default_resources()
        self._prefixes = tuple(c + "|" for c in conventions)
        # Feature string → its attribute id as it is and under each of our prefixes (-1: unknown
        # there), so a feature costs one lookup however many copies are asked for; a string absent
        # here is unknown under every name (most word pairs are).
        self._ids: dict[str, list[int]] = {}
        width = len(self._prefixes) + 1
        self._columns = range(width)
        for attribute, aid in known.items():
            self._ids.setdefault(attribute, [-1] * width)[0] = aid
            for k, p in enumerate(self._prefixes, 1):
                if attribute.startswith(p):
                    self._ids.setdefault(attribute[len(p) :], [-1] * width)[k] = aid
        self._column = {c: k + 1 for k, c in enumerate(conventions)}
        # The caches are bounded by emptying them all before a batch once they hold more than
        # ``cache_size`` word forms (or ten pieces a form): a piece is a pure function of its key,
        # so what is kept never changes a feature. A word form holds ~1.7 KB (~70 MB at the default
        # size); the IndoSum corpus has ~61k forms, and a smaller cache made new pieces a third of
        # the encoding time.
        self._max_words = max(1, cache_size)
        self._reset()

    def _reset(self) -> None:
        self._store = _PieceStore(len(self._columns))
        self._words: dict[str, _Word] = {}
        self._keyed: dict[tuple[str, ...], int] = {}  # gazetteer, kind-pair and seen pieces by key
        self._pairs: dict[str, int] = {}  # word-pair pieces by feature (empty when unknown)
        # Kind pair ("title|lower") → its pieces as the pair before a token and after it: a few
        # dozen pairs, looked up twice a token.
        self._kind_pairs: dict[str, list[int]] = {}
        self._empty = self._piece([])
        self._pad = [self._piece([f"w[{off}]=<pad>"]) for off in _OFFSETS]

    def _piece(self, feats: Sequence[str]) -> int:
        ids = self._ids
        return self._store.add([ids[x] for x in feats if x in ids])

    def _word(self, word: str) -> _Word:
        low = word.lower()
        kind = _token_kind(word)
        wc = self._res.clusters.get(low, _UNKNOWN)
        window = [
            self._piece(
                [
                    f"w[{off}]={low}",
                    f"k[{off}]={kind}",
                    f"c[{off}]={wc.coarse}",
                    f"cf[{off}]={wc.fine}",
                    f"caps[{off}]={wc.caps}",
                ]
            )
            for off in _OFFSETS
        ]
        entry = self._words[word] = _Word(low, kind, window)
        return entry

    def _keyed_piece(self, head: str, marks: Sequence[str]) -> int:
        if not marks:
            return self._empty
        key = (head, *marks)
        piece = self._keyed.get(key)
        if piece is None:
            piece = self._keyed[key] = self._piece([head + g for g in marks])
        return piece

    def _kind_pair(self, pair: str) -> list[int]:
        pieces = self._kind_pairs[pair] = [
            self._keyed_piece("k[-1:0]=", (pair,)),
            self._keyed_piece("k[0:1]=", (pair,)),
        ]
        return pieces

    def _pair(self, feature: str) -> int:
        """A known word pair's piece (most pairs are unknown: the caller rules those out first)."""
        piece = self._pairs.get(feature)
        if piece is None:
            piece = self._pairs[feature] = self._piece([feature])
        return piece

    def encode(self, tokens: Sequence[str], conventions: Sequence[str]) -> Encoded:
        """One sentence's attribute ids (see :meth:`encode_batch`)."""
        return self.encode_batch([tokens], conventions)

    def encode_batch(self, sentences: Sequence[Sequence[str]], conventions: Sequence[str]) -> Encoded:
        """The ids of the features the model knows, in reference order (see :class:`.crfmodel.Encoded`)."""
        columns = [self._column[c] for c in conventions]
        if len(self._words) > self._max_words or self._store.count > 10 * self._max_words:
            self._reset()
        slots: list[list[int]] = [[] for _ in range(SLOTS)]
        for tokens in sentences:
            if tokens:
                for column, pieces in zip(slots, self._slot_pieces(tokens), strict=True):
                    column.extend(pieces)
        listed = np.array(slots, dtype=np.intp).T  # tokens × slots
        store = self._store
        return Encoded(
            [len(s) for s in sentences],
            store.runs(listed, 0),
            [store.runs(listed, col) for col in columns],
        )

    def _slot_pieces(self, tokens: Sequence[str]) -> list[list[int]]:
        """One sentence's pieces, slot by slot (each list has one piece per token)."""
        n = len(tokens)
        res = self._res
        words = self._words
        entries = [words.get(t) or self._word(t) for t in tokens]
        # `in ".!?"` is a substring test in the reference features; kept so "!?" behaves alike.
        starts = [True, *(p in _OPENERS or p in ".!?" for p in tokens[:-1])]
        own: list[int] = []
        for word, entry, start in zip(tokens, entries, starts, strict=True):
            piece = entry.local[start]
            if piece == -1:
                piece = entry.local[start] = self._piece(["b", *_local(word, res, start)])
            own.append(piece)
        gaz = res.gazetteer.annotate(tokens)
        keyed = self._keyed_piece
        empty = self._empty
        # Most tokens have no marks: those take the empty piece without a call.
        out = [own, [keyed("g=", g) if g else empty for g in gaz]]
        for w, off in enumerate(_OFFSETS):
            windows = [e.window[w] for e in entries]
            head = f"g[{off}]="
            marks = [keyed(head, g) if g else empty for g in gaz]
            pads, empties = [self._pad[w]] * abs(off), [empty] * abs(off)
            if off < 0:
                out += [(pads + windows)[:n], (empties + marks)[:n]]
            else:
                out += [(windows + pads)[off:], (marks + empties)[off:]]
        lows = [e.low for e in entries]
        kinds = [e.kind for e in entries]
        bigrams = [f"{a}|{b}" for a, b in pairwise(lows)]
        kind_pairs = [f"{a}|{b}" for a, b in pairwise(kinds)]
        bodies = self._ids
        pair = self._pair
        before = [pair(x) if (x := "w[-1:0]=" + b) in bodies else empty for b in bigrams]
        after = [pair(x) if (x := "w[0:1]=" + b) in bodies else empty for b in bigrams]
        out.append([empty, *before])
        known = self._kind_pairs
        kind_pieces = [known.get(x) or self._kind_pair(x) for x in kind_pairs]
        out.append([empty, *(k[0] for k in kind_pieces)])
        out.append([*after, empty])
        out.append([*(k[1] for k in kind_pieces), empty])
        out.append([keyed("", m) if m else empty for m in res.lexicon.annotate(tokens)])
        return out
