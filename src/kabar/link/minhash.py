"""MinHash signatures and LSH band keys that can live in SQL tables.

datasketch computes the signatures. Its ``MinHashLSH`` keeps the band buckets in
memory (or Redis/Cassandra); kabar needs them in the archive's own SQLite file,
inside the ingest transaction, queried by an index. So the banding — cutting a
signature into ``bands`` slices of ``rows`` values and hashing each slice to one
64-bit key — is written here by hand, following datasketch's scheme.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np

_SCHEME = "affine32"  # uint32 hash values: 4 bytes per permutation on disk


@dataclass(slots=True, frozen=True)
class SignatureOptions:
    num_perm: int = 64
    bands: int = 21
    rows: int = 3  # bands * rows <= num_perm; (21, 3) puts the S-curve's knee near Jaccard 0.35
    seed: int = 1

    def __post_init__(self) -> None:
        if self.bands < 1 or self.rows < 1 or self.bands * self.rows > self.num_perm:
            raise ValueError("need bands * rows <= num_perm, both positive")


@dataclass(slots=True)
class Signer:
    """Makes signatures; owns datasketch's permutation parameters so they are drawn once."""

    options: SignatureOptions = field(default_factory=SignatureOptions)
    _permutations: np.ndarray | None = None

    def signature(self, shingles: set[str]) -> np.ndarray:
        # datasketch (and its scipy) load on the first signature, not when kabar is imported:
        # the indexer list is built by every writer, most of which never sign anything.
        from datasketch import MinHash

        if self._permutations is None:
            self._permutations = MinHash(num_perm=self.options.num_perm, seed=self.options.seed).permutations
        mh = MinHash(
            num_perm=self.options.num_perm,
            seed=self.options.seed,
            permutations=self._permutations,
            scheme=_SCHEME,
        )
        # surrogatepass: text decoded with surrogateescape may hold lone surrogates.
        mh.update_batch([s.encode("utf-8", "surrogatepass") for s in shingles])
        return np.asarray(mh.hashvalues, dtype=np.uint32)

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 64-bit key per band (SQLite INTEGER), the band number mixed in."""
        rows = self.options.rows
        keys = []
        for band in range(self.options.bands):
            chunk = signature[band * rows : (band + 1) * rows].astype("<u4").tobytes()
            digest = hashlib.blake2b(chunk, digest_size=8, person=band.to_bytes(2, "little")).digest()
            keys.append(int.from_bytes(digest, "little", signed=True))
        return keys


def to_blob(signature: np.ndarray) -> bytes:
    return signature.astype("<u4").tobytes()


def from_blob(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype="<u4")


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if len(a) != len(b) or len(a) == 0:
        return 0.0
    return float(np.count_nonzero(a == b)) / len(a)


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    """Share of the smaller set inside the larger, from Jaccard and the two set sizes.

    |A∩B| = J·|A∪B| = J·(|A|+|B|)/(1+J); a truncated reprint is (nearly) contained in
    its original although their Jaccard is only the truncation ratio.
    """
    small = min(size_a, size_b)
    if small <= 0:
        return 0.0
    inter = jaccard * (size_a + size_b) / (1.0 + jaccard)
    return min(1.0, inter / small)
