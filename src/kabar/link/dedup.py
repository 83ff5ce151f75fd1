"""Near-duplicates and reprints: MinHash LSH over word shingles, kept in the archive.

Exact duplicates (the same URL identity or content hash) never reach this module: the
archive's ``add`` folds them. What is left are reprints — agency copy republished
with a new headline, furniture ("Baca juga: …"), cut short, paragraphs moved or a
sentence edited. :class:`DedupIndexer` runs inside the ingest transaction: it signs
the new article, looks its band keys up in an indexed table, verifies each
candidate by estimated Jaccard (or containment, for truncations) and merges the
groups it matched. Nothing is rebuilt and no LSH lives in memory between calls; the state
is the archive's :class:`~kabar.archive.stores.DuplicateStore` (``archive.duplicates``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kabar.archive.stores import DuplicateStore, IndexStores, StoredSignature
from kabar.link import dedup_groups
from kabar.link.minhash import (
    SignatureOptions,
    Signer,
    containment,
    estimated_jaccard,
    from_blob,
    to_blob,
)
from kabar.link.shingles import ShingleOptions, paragraph_shingles
from kabar.model import Article


@dataclass(slots=True, frozen=True)
class DedupOptions:
    shingles: ShingleOptions = field(default_factory=ShingleOptions)
    signature: SignatureOptions = field(default_factory=SignatureOptions)
    jaccard: float = 0.5  # estimated Jaccard at or above which two texts are one reprint
    containment: float = 0.85  # … or this share of the smaller text inside the larger (truncation)
    containment_floor: float = 0.2  # containment is only trusted above this Jaccard (estimate noise)
    min_containment_shingles: int = 40  # a two-line brief inside a long piece is not a reprint
    min_shingles: int = 8  # less text than this: too little to call anything a duplicate
    per_band_candidates: int = 100  # bounds a lookup when a bucket is crowded (boilerplate)


@dataclass(slots=True, frozen=True)
class Match:
    article_id: int
    similarity: float


@dataclass(slots=True)
class Signed:
    signature: np.ndarray
    shingles: int
    keys: list[int]


class DedupIndexer:
    """The ingest hook: keeps signatures, LSH bands and duplicate groups current."""

    name = "dedup"

    def __init__(self, options: DedupOptions | None = None) -> None:
        self.options = options or DedupOptions()
        self._signer = Signer(self.options.signature)

    def sign(self, article: Article) -> Signed | None:
        shingles = paragraph_shingles(article.paragraphs, self.options.shingles)
        if len(shingles) < self.options.min_shingles:
            return None
        signature = self._signer.signature(shingles)
        return Signed(signature=signature, shingles=len(shingles), keys=self._signer.band_keys(signature))

    def is_duplicate(self, a: np.ndarray, size_a: int, b: np.ndarray, size_b: int) -> float | None:
        """The similarity if the two signed texts are reprints of each other, else None."""
        opts = self.options
        j = estimated_jaccard(a, b)
        if j >= opts.jaccard:
            return j
        if j >= opts.containment_floor and min(size_a, size_b) >= opts.min_containment_shingles:
            c = containment(j, size_a, size_b)
            if c >= opts.containment:
                return c
        return None

    def index(self, stores: IndexStores, article_id: int, article: Article) -> None:
        signed = self.sign(article)
        if signed is None:
            return
        store = stores.duplicates
        matches = self.matches(store, signed, exclude=article_id)
        store.add_signature(
            StoredSignature(article_id, signed.shingles, to_blob(signed.signature)), signed.keys
        )
        if matches:
            dedup_groups.join(store, article_id, [(m.article_id, m.similarity) for m in matches])

    def remove(self, stores: IndexStores, article_id: int) -> None:
        store = stores.duplicates
        stored = store.signature(article_id)
        if stored is None:
            return
        store.remove_signature(article_id, self._signer.band_keys(from_blob(stored.signature)))
        dedup_groups.leave(store, article_id, self.is_duplicate)

    def matches(self, store: DuplicateStore, signed: Signed, exclude: int | None = None) -> list[Match]:
        """Verified near-duplicates of a signed text among the stored articles."""
        found = store.band_candidates(signed.keys, self.options.per_band_candidates)
        found.discard(exclude if exclude is not None else -1)
        if not found:
            return []
        out = []
        for other in store.signatures(sorted(found)):
            sim = self.is_duplicate(
                signed.signature, signed.shingles, from_blob(other.signature), other.shingles
            )
            if sim is not None:
                out.append(Match(article_id=other.article_id, similarity=sim))
        return out
