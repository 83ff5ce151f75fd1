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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from kabar.archive.stores import BandedSignature, DuplicateStore, IndexStores, StoredSignature
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

    def index_chunk(self, stores: IndexStores, articles: Sequence[Article]) -> None:
        """:meth:`index` over many articles, in their order (a bulk build's chunk, in id order),
        with the statements of the whole chunk at once: the stored buckets of all its band keys
        read together, and its signatures and bands written together at the end.

        Each article sees what it would see one by one: the stored buckets and the chunk's
        articles before it (:class:`ChunkBuckets`), each bucket cut at ``per_band`` in id order
        as the stored look-up cuts it, and their signatures. The groups are written as they form
        (they are read again by the next join).
        """
        store = stores.duplicates
        signed: list[tuple[int, Signed]] = []
        for article in articles:
            assert article.id is not None
            one = self.sign(article)
            if one is not None:
                signed.append((article.id, one))
        if not signed:
            return
        per_band = self.options.per_band_candidates
        keys = sorted({k for _, one in signed for k in one.keys})
        buckets = ChunkBuckets(store.band_rows(keys, per_band), per_band)
        written: dict[int, StoredSignature] = {}
        for article_id, one in signed:
            found = buckets.candidates(one.keys)
            found.discard(article_id)
            stored = store.signatures(sorted(found - written.keys())) if found - written.keys() else []
            others = {s.article_id: s for s in stored} | {i: written[i] for i in found if i in written}
            matches = self._verified(one, [others[i] for i in sorted(others)])
            buckets.add(article_id, one.keys)
            written[article_id] = StoredSignature(article_id, one.shingles, to_blob(one.signature))
            if matches:
                dedup_groups.join(store, article_id, [(m.article_id, m.similarity) for m in matches])
        store.add_signatures([BandedSignature(written[i], tuple(one.keys)) for i, one in signed])

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
        return self._verified(signed, store.signatures(sorted(found)))

    def _verified(self, signed: Signed, others: Iterable[StoredSignature]) -> list[Match]:
        out = []
        for other in others:
            sim = self.is_duplicate(
                signed.signature, signed.shingles, from_blob(other.signature), other.shingles
            )
            if sim is not None:
                out.append(Match(article_id=other.article_id, similarity=sim))
        return out


class ChunkBuckets:
    """The LSH buckets a chunk's article sees: the stored rows of the chunk's band keys (read once,
    each bucket's first ``per_band`` in id order) and the rows of the chunk's articles before it.

    A bucket's first ``per_band`` among the stored rows and the chunk's are among the stored
    first ``per_band`` and the chunk's, so the cut equals the stored look-up's on the tables
    with the chunk's rows written one by one.
    """

    def __init__(self, stored: dict[int, list[int]], per_band: int) -> None:
        self._stored = stored
        self._added: dict[int, list[int]] = {}
        self._per_band = per_band

    def candidates(self, keys: Sequence[int]) -> set[int]:
        out: set[int] = set()
        for key in keys:
            stored = self._stored.get(key, [])
            added = self._added.get(key)
            out.update(sorted({*stored, *added})[: self._per_band] if added else stored[: self._per_band])
        return out

    def add(self, article_id: int, keys: Sequence[int]) -> None:
        for key in set(keys):
            self._added.setdefault(key, []).append(article_id)
