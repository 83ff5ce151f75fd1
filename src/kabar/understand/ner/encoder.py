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


# The word table's columns (one row of ints a word form): its window piece as each neighbour
# (offsets -2, -1, 1, 2); its own piece mid-sentence and at a sentence start (-1 until first
# needed); its kind; 1 where a sentence starts after it; 1 where it may begin a gazetteer entry, a
# seen name; 1 where it may be the first or second word of a known word pair before a token, after it.
_WINDOW, _LOCAL, _KIND, _OPENS, _GAZ, _SEEN, _PAIR = 0, 4, 6, 7, 8, 9, 10
_COLUMNS = 14
_KINDS = ("num", "punct", "caps", "title", "mixed", "lower")
_PAIR_HEADS = ("w[-1:0]=", "w[0:1]=")
_MARK_HEADS = ("g=", *(f"g[{off}]=" for off in _OFFSETS))


class _WordTable:
    """Word forms' rows (:data:`_COLUMNS` ints each) in one numpy array, numbered from 1 so that a
    form's number is truthy; new rows wait in a list until the next read."""

    def __init__(self) -> None:
        self.array = np.zeros((1024, _COLUMNS), dtype=np.intp)
        self.size = 1
        self._pending: list[list[int]] = []

    def add(self, row: list[int]) -> int:
        self._pending.append(row)
        return self.size + len(self._pending) - 1

    def settled(self) -> np.ndarray:
        if self._pending:
            n = self.size + len(self._pending)
            if n > len(self.array):
                grown = np.zeros((max(n, 2 * len(self.array)), _COLUMNS), dtype=np.intp)
                grown[: self.size] = self.array[: self.size]
                self.array = grown
            self.array[self.size : n] = self._pending
            self.size = n
            self._pending = []
        return self.array


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
        self._pair_words = _pair_words(self._ids)
        # The caches are bounded by emptying them all before a batch once they hold more than
        # ``cache_size`` word forms (or ten pieces a form): a piece is a pure function of its key,
        # so what is kept never changes a feature. A word form holds ~1.7 KB (~70 MB at the default
        # size); the IndoSum corpus has ~61k forms, and a smaller cache made new pieces a third of
        # the encoding time.
        self._max_words = max(1, cache_size)
        self._reset()

    def _reset(self) -> None:
        self._store = _PieceStore(len(self._columns))
        self._forms: dict[str, int] = {}  # word form → its row of the word table
        self._table = _WordTable()
        self._lows = [""]  # by row
        self._keyed: dict[tuple[str, ...], int] = {}  # gazetteer, kind-pair and seen pieces by key
        self._pairs: dict[str, int] = {}  # word-pair pieces by feature (empty when unknown)
        self._empty = self._piece([])
        self._pad = [self._piece([f"w[{off}]=<pad>"]) for off in _OFFSETS]
        # Kind pair pieces by kind before × kind after × (as the pair before a token, after it).
        self._kind_pairs = np.array(
            [
                [[self._keyed_piece(h, (f"{a}|{b}",)) for h in ("k[-1:0]=", "k[0:1]=")] for b in _KINDS]
                for a in _KINDS
            ],
            dtype=np.intp,
        )

    def _piece(self, feats: Sequence[str]) -> int:
        ids = self._ids
        return self._store.add([ids[x] for x in feats if x in ids])

    def _word(self, word: str) -> int:
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
        # `in ".!?"` is a substring test in the reference features; kept so "!?" behaves alike.
        opens = word in _OPENERS or word in ".!?"
        flags = [low in self._res.gazetteer.longest, low in self._res.lexicon.longest]
        flags += [low in words for words in self._pair_words]
        row = self._table.add([*window, -1, -1, _KINDS.index(kind), opens, *flags])
        self._forms[word] = row
        self._lows.append(low)
        return row

    def _keyed_piece(self, head: str, marks: Sequence[str]) -> int:
        if not marks:
            return self._empty
        key = (head, *marks)
        piece = self._keyed.get(key)
        if piece is None:
            piece = self._keyed[key] = self._piece([head + g for g in marks])
        return piece

    def _pair(self, feature: str) -> int:
        """A known word pair's piece, or the empty piece."""
        if feature not in self._ids:
            return self._empty
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
        if len(self._forms) > self._max_words or self._store.count > 10 * self._max_words:
            self._reset()
        tokens = [t for s in sentences for t in s]
        forms = self._forms
        rows = np.array([forms.get(t) or self._word(t) for t in tokens], dtype=np.intp)
        lengths = [len(s) for s in sentences]
        listed = self._slot_pieces(tokens, _Layout(rows, np.asarray(lengths, dtype=np.intp)))
        store = self._store
        return Encoded(lengths, store.runs(listed, 0), [store.runs(listed, col) for col in columns])

    def _slot_pieces(self, tokens: list[str], at: _Layout) -> np.ndarray:
        """The batch's pieces, tokens × :data:`SLOTS`, in the reference features' order."""
        if not tokens:
            return np.empty((0, SLOTS), dtype=np.intp)
        table = self._table.settled()
        words = table[at.rows]
        lows_of = self._lows
        lows = [lows_of[r] for r in at.rows.tolist()]
        empty = self._empty
        marks = self._marks(lows, words, at)
        out = [self._own(tokens, table, words, at), marks[:, 0]]
        for w, off in enumerate(_OFFSETS):
            inside = (at.pos + off >= 0) & (off < at.left)
            near = np.clip(at.index + off, 0, len(tokens) - 1)
            out.append(np.where(inside, words[near, _WINDOW + w], self._pad[w]))
            out.append(np.where(inside, marks[near, 1 + w], empty))
        kinds = words[:, _KIND]
        has_prev, has_next = at.pos > 0, at.left > 1
        before, after = at.index - has_prev, at.index + has_next  # the token itself at an edge
        pairs = self._word_pairs(lows, words, has_next)
        out.append(pairs[0])
        out.append(np.where(has_prev, self._kind_pairs[kinds[before], kinds, 0], empty))
        out.append(pairs[1])
        out.append(np.where(has_next, self._kind_pairs[kinds, kinds[after], 1], empty))
        seen = self._res.lexicon.marks_at(lows, at.starts(words[:, _SEEN]))
        lexicon = np.full(len(tokens), empty, dtype=np.intp)
        for k, m in seen.items():
            lexicon[k] = self._keyed_piece("", m)
        out.append(lexicon)
        return np.stack(out, axis=1)

    def _own(self, tokens: list[str], table: np.ndarray, words: np.ndarray, at: _Layout) -> np.ndarray:
        """Each token's own features' piece, made (and kept in the word table) where first needed."""
        starts = at.pos == 0
        starts[1:] |= words[:-1, _OPENS] != 0
        column = _LOCAL + starts
        own = words[at.index, column]
        for k in np.flatnonzero(own < 0).tolist():
            row, col = int(at.rows[k]), int(column[k])
            piece = int(table[row, col])
            if piece < 0:  # not made earlier in this batch
                piece = self._piece(["b", *_local(tokens[k], self._res, bool(starts[k]))])
                table[row, col] = piece
            own[k] = piece
        return own

    def _marks(self, lows: list[str], words: np.ndarray, at: _Layout) -> np.ndarray:
        """Each token's gazetteer marks' pieces, tokens × :data:`_MARK_HEADS`."""
        found = self._res.gazetteer.marks_at(lows, at.starts(words[:, _GAZ]))
        marks = np.full((len(lows), len(_MARK_HEADS)), self._empty, dtype=np.intp)
        for k, g in found.items():
            marks[k] = [self._keyed_piece(head, g) for head in _MARK_HEADS]
        return marks

    def _word_pairs(self, lows: list[str], words: np.ndarray, has_next: np.ndarray) -> list[np.ndarray]:
        """Each token's known word pair with the word before it, and with the word after it."""
        out = []
        for h, head in enumerate(_PAIR_HEADS):
            pieces = np.full(len(lows), self._empty, dtype=np.intp)
            may = has_next & (words[:, _PAIR + 2 * h] != 0)
            may[:-1] &= words[1:, _PAIR + 2 * h + 1] != 0
            for k in np.flatnonzero(may).tolist():
                # The pair of tokens k and k + 1 is the pair before k + 1 and the pair after k.
                pieces[k + 1 - h] = self._pair(f"{head}{lows[k]}|{lows[k + 1]}")
            out.append(pieces)
        return out


class _Layout:
    """Where a batch's tokens stand: their word-table rows, their position in their sentence and
    how many tokens are left in it from them on (themselves included)."""

    __slots__ = ("ends", "index", "left", "pos", "rows")

    def __init__(self, rows: np.ndarray, lengths: np.ndarray) -> None:
        self.rows = rows
        self.index = np.arange(len(rows))
        ends = np.cumsum(lengths)
        self.ends = np.repeat(ends, lengths)
        self.pos = self.index - np.repeat(ends - lengths, lengths)
        self.left = self.ends - self.index

    def starts(self, flags: np.ndarray) -> list[tuple[int, int]]:
        """(position, end of its sentence) of the tokens whose ``flags`` are set."""
        at = np.flatnonzero(flags)
        return list(zip(at.tolist(), self.ends[at].tolist(), strict=True))


def _pair_words(ids: Mapping[str, object]) -> list[frozenset[str]]:
    """The words that may stand first, second in a known word pair before a token, then after it
    (every split at a "|" is kept: a word may hold one itself)."""
    out: list[frozenset[str]] = []
    for head in _PAIR_HEADS:
        bodies = [f[len(head) :] for f in ids if f.startswith(head)]
        splits = [(b[:k], b[k + 1 :]) for b in bodies for k, ch in enumerate(b) if ch == "|"]
        out += [frozenset(a for a, _ in splits), frozenset(b for _, b in splits)]
    return out
