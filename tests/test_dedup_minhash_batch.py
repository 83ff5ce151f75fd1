"""Near-duplicate signatures made in one numpy pass (issue 13) equal datasketch's ``MinHash``
(``update_batch``, scheme affine32) value for value, on corpus texts and on odd ones (empty, lone
surrogates, other options)."""

from __future__ import annotations

import json

import numpy as np
from datasketch import MinHash

from conftest import shared_path
from kabar.link.minhash import SignatureOptions, Signer
from kabar.link.shingles import paragraph_shingles


def datasketch_signature(shingles: set[str], options: SignatureOptions) -> np.ndarray:
    """What kabar signed with before: datasketch's own update_batch."""
    mh = MinHash(num_perm=options.num_perm, seed=options.seed, scheme="affine32")
    mh.update_batch([s.encode("utf-8", "surrogatepass") for s in shingles])
    return np.asarray(mh.hashvalues, dtype=np.uint32)


def corpus_bodies(n: int = 200) -> list[list[str]]:
    path = shared_path("corpus", "indosum-dev.jsonl")
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line)["body"].split("\n\n") for _, line in zip(range(n), fh, strict=False)]


ODD = [
    [],
    ["satu"],
    ["dua kata", "tiga kata di", "x"],
    ["teks\ud800 dengan surogat", "emoji 🎉 dan \x00 nol"],
    ["kata " * 50, "kata " * 50],  # repeats: a set of one shingle
]


def test_signatures_equal_datasketch() -> None:
    texts = corpus_bodies() + ODD
    for options in (SignatureOptions(), SignatureOptions(num_perm=128, bands=32, rows=4, seed=7)):
        signer = Signer(options)
        for paragraphs in texts:
            shingles = paragraph_shingles(paragraphs)
            got = signer.signature(shingles)
            want = datasketch_signature(shingles, options)
            assert got.dtype == np.uint32
            assert np.array_equal(got, want)
            assert signer.band_keys(got) == signer.band_keys(want)
