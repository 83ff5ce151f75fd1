"""The shipped crfsuite model's weights, read from its file, and crfsuite's Viterbi over them.

Why by hand: pycrfsuite takes features only as strings and spends ~150 ns a string converting and
looking it up (about 85 of them per token and convention), which capped tagging at ~25k tokens/s;
its API has no way in by attribute id and its ``info()`` prints weights rounded to six decimals.
Reading the binary model (layout: ``lib/crf/src/crf1d_model.c`` and ``lib/cqdb`` in crfsuite) lets the
encoder turn each word form's features into attribute ids once. The scores are computed as crfsuite
computes them (``crf1dt_state_score``: per label, the weights of the item's attributes added one
after another in item order, starting from 0; ``crf1dc_viterbi``: first best predecessor and first
best last label win ties), so the tags are the same bit for bit; ``tests/test_ner_fast.py`` checks
this against pycrfsuite itself.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HEADER = struct.Struct("<4sI4s9I")
_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


@dataclass(slots=True)
class IdRuns:
    """Items' attribute ids laid end to end, and how many each item has."""

    ids: np.ndarray
    sizes: np.ndarray


@dataclass(slots=True)
class Encoded:
    """Sentences as attribute runs: per token the unprefixed features' ids, then per convention the
    ids of the convention-prefixed copies (crfsuite's item is the two joined); ``lengths`` says how
    many tokens each sentence has, in order."""

    lengths: list[int]
    plain: IdRuns
    prefixed: list[IdRuns]


class ModelFormatError(ValueError):
    """The file is not a crfsuite CRF1d model this reader understands."""


def _cqdb_keys(buf: bytes, base: int, count: int) -> list[str]:
    """Keys of a CQDB chunk by id, read through its backward (id → record) array."""
    if buf[base : base + 4] != b"CQDB":
        raise ModelFormatError("CQDB chunk expected")
    _size, _flag, _order, bwd_size, bwd_offset = struct.unpack_from("<5I", buf, base + 4)
    if bwd_size < count:
        raise ModelFormatError("CQDB backward array too short")
    offsets = struct.unpack_from(f"<{count}I", buf, base + bwd_offset)
    keys: list[str] = []
    for off in offsets:
        _id, ksize = struct.unpack_from("<2I", buf, base + off)
        start = base + off + 8
        keys.append(buf[start : start + ksize - 1].decode("utf-8"))  # ksize counts the closing NUL
    return keys


@dataclass(slots=True, frozen=True)
class CrfWeights:
    labels: tuple[str, ...]
    attributes: dict[str, int]  # attribute string → row of ``state``
    state: np.ndarray  # (attributes + 1) × labels; the last row is zeros (padding)
    trans: np.ndarray  # labels × labels, trans[i, j]: from label i to label j

    @property
    def pad(self) -> int:
        return len(self.attributes)

    def _sums(self, items: IdRuns, first: np.ndarray | None = None) -> np.ndarray:
        """Per item, the state rows of its ids added one after another (after ``first``'s row, if
        given), plus a last all-zero row; padding rows add exact zeros at the end."""
        sizes = items.sizes
        count = len(sizes)
        width = max(int(sizes.max(initial=0)), 1)
        grid = np.full((width, count + 1), self.pad, dtype=np.intp)  # attribute slot × item
        starts = np.cumsum(sizes) - sizes
        grid[np.arange(len(items.ids)) - np.repeat(starts, sizes), np.repeat(np.arange(count), sizes)] = (
            items.ids
        )
        # One slot's rows at a time, added strictly one after another as crfsuite does (no pairwise
        # regrouping): the same sums as gathering all rows first, in items × labels of memory rather
        # than items × slots × labels (~50 slots: 2.8 KB a token, per convention).
        total = np.array(first) if first is not None else self.state[grid[0]]
        row = np.empty_like(total)
        for slot in range(0 if first is not None else 1, width):
            np.take(self.state, grid[slot], axis=0, out=row)
            total += row
        return total

    def decode(self, encoded: list[Encoded]) -> list[list[list[str]]]:
        """Best labels of each encoded sentence (all of ``encoded``'s, in order) under each convention.

        crfsuite adds an item's weights left to right, and every convention's item starts with the
        same unprefixed features, so their running sum is computed once and continued per
        convention: the same additions in the same order. All sentences are then decoded side by
        side, padded to the longest, so numpy's per-call cost is paid once per position.
        """
        lengths = [n for enc in encoded for n in enc.lengths]
        conventions = len(encoded[0].prefixed) if encoded else 0
        if not any(lengths):
            return [[[] for _ in range(conventions)] for _ in lengths]
        base = self._sums(_joined([enc.plain for enc in encoded]))
        tokens = len(base) - 1
        # Convention after convention, each over every token: item c·tokens + t continues token t.
        items = _joined([enc.prefixed[c] for c in range(conventions) for enc in encoded])
        owners = np.append(np.tile(np.arange(tokens), conventions), tokens)
        per_item = self._sums(items, base[owners])
        sequences = lengths * conventions
        longest = max(lengths)
        slots = np.full((len(sequences), longest), -1, dtype=np.intp)
        slots[np.arange(longest) < np.asarray(sequences)[:, None]] = np.arange(tokens * conventions)
        flat = self._viterbi(per_item[slots], sequences)
        count = len(lengths)
        return [[flat[c * count + s] for c in range(conventions)] for s in range(count)]

    def _viterbi(self, scores: np.ndarray, lengths: list[int]) -> list[list[str]]:
        """crfsuite's ``crf1dc_viterbi`` over sequences × positions × labels, each its own length."""
        longest = scores.shape[1]
        by_position = np.ascontiguousarray(scores.transpose(1, 0, 2))  # positions × sequences × labels
        alpha = np.empty_like(by_position)
        alpha[0] = by_position[0]
        back = np.zeros(by_position.shape, dtype=np.intp)
        cand = np.empty((len(lengths), *self.trans.shape))
        trans = self.trans
        for t in range(1, longest):
            np.add(alpha[t - 1][:, :, None], trans, out=cand)  # [b, i, j]: label i at t - 1 to j at t
            cand.argmax(axis=1, out=back[t])  # the first best predecessor, as crfsuite keeps it
            cand.max(axis=1, out=alpha[t])
            alpha[t] += by_position[t]
        # Trace back all sequences at once; each starts from its own last position.
        ends = np.asarray(lengths) - 1
        rows = np.arange(len(lengths))
        finals = alpha[np.maximum(ends, 0), rows].argmax(axis=1)
        path = np.zeros((longest, len(lengths)), dtype=np.intp)
        label = np.zeros(len(lengths), dtype=np.intp)
        for t in range(longest - 1, -1, -1):
            ending = ends == t
            label[ending] = finals[ending]
            path[t] = label
            if t:
                label = back[t, rows, label]
        path = path.T
        names = self.labels
        return [[names[k] for k in path[b, :n].tolist()] for b, n in enumerate(lengths)]


def _joined(runs: list[IdRuns]) -> IdRuns:
    if len(runs) == 1:
        return runs[0]
    return IdRuns(np.concatenate([r.ids for r in runs]), np.concatenate([r.sizes for r in runs]))


def load_weights(path: Path) -> CrfWeights:
    buf = path.read_bytes()
    if len(buf) < _HEADER.size:
        raise ModelFormatError(f"{path} is too short for a crfsuite model")
    magic, _size, kind, _ver, _n_feat, n_labels, n_attrs, off_feat, off_labels, off_attrs, _lr, _ar = (
        _HEADER.unpack_from(buf)
    )
    if magic != b"lCRF" or kind != b"FOMC":
        raise ModelFormatError(f"{path} is not a crfsuite CRF1d model")
    labels = tuple(_cqdb_keys(buf, off_labels, n_labels))
    attrs = _cqdb_keys(buf, off_attrs, n_attrs)
    if buf[off_feat : off_feat + 4] != b"FEAT":
        raise ModelFormatError("feature chunk expected")
    # The header's feature count is left at 0 by crfsuite's writer; the chunk's own count is right.
    (n_feat,) = struct.unpack_from("<I", buf, off_feat + 8)
    feats = np.frombuffer(buf, dtype=_FEATURE, count=n_feat, offset=off_feat + 12)
    state = np.zeros((n_attrs + 1, n_labels), dtype=np.float64)
    trans = np.zeros((n_labels, n_labels), dtype=np.float64)
    is_state = feats["type"] == 0
    is_trans = feats["type"] == 1
    state[feats["src"][is_state], feats["dst"][is_state]] = feats["weight"][is_state]
    trans[feats["src"][is_trans], feats["dst"][is_trans]] = feats["weight"][is_trans]
    return CrfWeights(labels, {a: i for i, a in enumerate(attrs)}, state, trans)
