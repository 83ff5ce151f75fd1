"""MinHash signatures and LSH band keys that can live in SQL tables.

The signatures are datasketch's ``MinHash`` (scheme ``affine32``, its permutation parameters
drawn by datasketch), computed here over a whole set at once: datasketch's ``update_batch``
hashes each value with a Python call (``sha1_hash32``: a digest, a slice, a ``struct.unpack``)
before its numpy step, which was most of a signature's cost. Here the digests' first four bytes
are joined and read by numpy in one go, then mixed and permuted as datasketch does (MurmurHash3's
finaliser, then ``a * h + b`` in uint32); ``tests/test_dedup_minhash_batch.py`` checks the
signatures equal datasketch's on corpus texts.

Its ``MinHashLSH`` keeps the band buckets in memory (or Redis/Cassandra); kabar needs them in the
archive's own SQLite file, inside the ingest transaction, queried by an index. So the banding —
cutting a signature into ``bands`` slices of ``rows`` values and hashing each slice to one
64-bit key — is written here by hand, following datasketch's scheme.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

_SCHEME = "affine32"  # uint32 hash values: 4 bytes per permutation on disk
_EMPTY = 0xFFFFFFFF  # an empty MinHash's value (datasketch's maximum hash for the scheme)
# MurmurHash3's 32-bit finaliser, datasketch's pre-mix for affine32
_FMIX32 = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35), np.uint32(16))


def _fmix32(hv: np.ndarray) -> np.ndarray:
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1  # uint32 arrays wrap: the modulo 2^32 the finaliser means
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    return hv ^ (hv >> s3)


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

    def signature(self, shingles: Iterable[str]) -> np.ndarray:
        """datasketch's ``MinHash(num_perm, seed, scheme="affine32")`` updated with the shingles'
        UTF-8 bytes: the same uint32 values."""
        a, b = self._affine()
        sha1 = hashlib.sha1
        # surrogatepass: text decoded with surrogateescape may hold lone surrogates. The whole
        # 20-byte digests are joined and numpy takes each one's first four bytes (every fifth
        # uint32): a slice per shingle cost more than the copying.
        digests = b"".join([sha1(s.encode("utf-8", "surrogatepass")).digest() for s in shingles])
        if not digests:
            return np.full(self.options.num_perm, _EMPTY, dtype=np.uint32)
        first = np.frombuffer(digests, dtype="<u4")[::5]
        hv = _fmix32(first.astype(np.uint32))  # sha1_hash32, all at once
        return (hv[:, np.newaxis] * a + b).min(axis=0)

    def _affine(self) -> np.ndarray:
        """datasketch's (a, b) rows for the scheme, drawn once."""
        if self._permutations is None:
            # datasketch (and its scipy) load on the first signature, not when kabar is imported:
            # the indexer list is built by every writer, most of which never sign anything.
            from datasketch import MinHash

            drawn = MinHash(num_perm=self.options.num_perm, seed=self.options.seed, scheme=_SCHEME)
            self._permutations = np.asarray(drawn.permutations, dtype=np.uint32)
        return self._permutations

    def band_keys(self, signature: np.ndarray) -> list[int]:
        """One signed 64-bit key per band (SQLite INTEGER), the band number mixed in."""
        bands, width = self.options.bands, 4 * self.options.rows  # bytes per band
        # the bands' bytes taken at once (a numpy slice and copy per band cost more than its hash)
        data = signature[: bands * self.options.rows].astype("<u4").tobytes()
        keys = []
        for band in range(bands):
            chunk = data[band * width : (band + 1) * width]
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
