"""The plain CRF the issue measures against: word, affix, shape and ±2-word window features.

Kept in the package (not only in ``benchmarks/``) so the benchmark's anchor and the shipped model
are trained by the same code path with nothing but the feature function changed.
"""

from __future__ import annotations

from collections.abc import Sequence


def _shape(word: str) -> str:
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)


def plain_features(tokens: Sequence[str]) -> list[list[str]]:
    feats: list[list[str]] = []
    n = len(tokens)
    for i, word in enumerate(tokens):
        low = word.lower()
        f = [
            "b",
            "w=" + low,
            "p2=" + low[:2],
            "p3=" + low[:3],
            "s2=" + low[-2:],
            "s3=" + low[-3:],
            "shape=" + _shape(word),
            f"title={word.istitle()}",
            f"upper={word.isupper()}",
            f"digit={word.isdigit()}",
        ]
        for off in (-2, -1, 1, 2):
            j = i + off
            if 0 <= j < n:
                f.append(f"w[{off}]={tokens[j].lower()}")
                f.append(f"title[{off}]={tokens[j].istitle()}")
            else:
                f.append(f"w[{off}]=<pad>")
        feats.append(f)
    return feats
