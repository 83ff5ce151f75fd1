"""Token features for the shipped NER model.

On top of the plain CRF's word, affix, shape and ±2-word window features (see :mod:`.baseline`):
word classes learned from unlabelled news (:mod:`.clusters`) so unseen names share weights with seen
ones, how often a word is capitalised mid-sentence (separates ``Presiden`` from ``Putin``), gazetteer
and cue-word matches (:mod:`.gazetteer`), and a sentence-start flag (a capital there says little).

Tried, not shipped yet: Brown-style topical word paths (±4-word PPMI, SVD, bisecting 2-means; commits
b0a36e8, 6c65814 on branch h3). The token's own prefixes 4/6/10/14 moved the dev mean from 82.37
to 82.61 (NERGrit 71.63 -> 71.39); with the ±2 neighbours' prefixes too, 82.28. A third, finer
word-class cut (1,024 k-means classes, ``clusters --finest 1024``) as the token's own ``cx=`` feature,
judged by :mod:`benchmarks.ner_cv` (paired over 4 folds against the shipped configuration): NERGrit
-0.17 ± 0.55, idner-news-2k dev -0.31 ± 0.34, NER-UI dev +0.20 ± 0.32: not shipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from kabar.understand.ner.baseline import _shape
from kabar.understand.ner.clusters import WordClass, load_clusters
from kabar.understand.ner.gazetteer import Gazetteer, load_gazetteer
from kabar.understand.ner.lexicon import SeenLexicon, lexicon_path, load_lexicon

_OPENERS = frozenset({'"', "'", "“", "‘", "(", "[", ":", "-", "—", "–"})
_UNKNOWN = WordClass("?", "?", "unknown")


@dataclass(slots=True, frozen=True)
class FeatureResources:
    clusters: dict[str, WordClass]
    gazetteer: Gazetteer
    lexicon: SeenLexicon


def resources_for(model: Path) -> FeatureResources:
    """The resources a model file was trained with: the shared word classes and gazetteers, and the
    seen-name lexicon written beside it (:mod:`.lexicon`)."""
    return FeatureResources(load_clusters(), load_gazetteer(), load_lexicon(lexicon_path(model)))


def default_resources() -> FeatureResources:
    from kabar.understand.ner.tagger import MODEL_FILE

    return resources_for(MODEL_FILE)


def _token_kind(word: str) -> str:
    if word.isdigit():
        return "num"
    if not any(ch.isalnum() for ch in word):
        return "punct"
    if word.isupper() and len(word) > 1:
        return "caps"
    if word[:1].isupper():
        return "title"
    if any(ch.isupper() for ch in word[1:]):
        return "mixed"
    return "lower"


def _local(word: str, resources: FeatureResources, sentence_start: bool) -> list[str]:
    low = word.lower()
    wc = resources.clusters.get(low, _UNKNOWN)
    kind = _token_kind(word)
    f = [
        "w=" + low,
        "p2=" + low[:2],
        "p3=" + low[:3],
        "p4=" + low[:4],
        "s2=" + low[-2:],
        "s3=" + low[-3:],
        "s4=" + low[-4:],
        "shape=" + _shape(word),
        "kind=" + kind,
        "c=" + wc.coarse,
        "cf=" + wc.fine,
        "caps=" + wc.caps,
        f"kind_caps={kind}|{wc.caps}",
        f"start={sentence_start}|{kind}",
        "len=" + str(min(len(word), 8)),
    ]
    if word[:1].isupper():
        f.extend(resources.lexicon.token_features(low))
    if "-" in word:
        f.append("hyphen")
    if kind in ("title", "caps", "mixed"):
        # Character trigrams of capitalised words: foreign and rare names (-ov, -yan, -ski) share them.
        padded = f"<{low[:30]}>"
        f.extend("ng=" + padded[j : j + 3] for j in range(len(padded) - 2))
    return f


def sentence_features(tokens: Sequence[str], resources: FeatureResources | None = None) -> list[list[str]]:
    res = resources or default_resources()
    n = len(tokens)
    gaz = res.gazetteer.annotate(tokens)
    seen = res.lexicon.annotate(tokens)
    starts = [i == 0 or tokens[i - 1] in _OPENERS or tokens[i - 1] in ".!?" for i in range(n)]
    kinds = [_token_kind(t) for t in tokens]
    classes = [res.clusters.get(t.lower(), _UNKNOWN) for t in tokens]
    feats: list[list[str]] = []
    for i, word in enumerate(tokens):
        f = ["b", *_local(word, res, starts[i])]
        f.extend("g=" + g for g in gaz[i])
        for off in (-2, -1, 1, 2):
            j = i + off
            if not 0 <= j < n:
                f.append(f"w[{off}]=<pad>")
                continue
            f.append(f"w[{off}]={tokens[j].lower()}")
            f.append(f"k[{off}]={kinds[j]}")
            f.append(f"c[{off}]={classes[j].coarse}")
            f.append(f"cf[{off}]={classes[j].fine}")
            f.append(f"caps[{off}]={classes[j].caps}")
            f.extend(f"g[{off}]={g}" for g in gaz[j])
        if i > 0:
            f.append(f"w[-1:0]={tokens[i - 1].lower()}|{word.lower()}")
            f.append(f"k[-1:0]={kinds[i - 1]}|{kinds[i]}")
        if i + 1 < n:
            f.append(f"w[0:1]={word.lower()}|{tokens[i + 1].lower()}")
            f.append(f"k[0:1]={kinds[i]}|{kinds[i + 1]}")
        f.extend(seen[i])
        feats.append(f)
    return feats


def augment(feats: list[list[str]], convention: str) -> list[list[str]]:
    """Copy every feature under a convention prefix (see :mod:`.tagger` for why)."""
    prefix = convention + "|"
    return [f + [prefix + x for x in f] for f in feats]
