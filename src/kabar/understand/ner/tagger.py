"""Tagging tokens with the shipped CRF model (PER/LOC/ORG in IOB).

One model file serves three annotation conventions: it was trained on idner-news-2k, NERGrit and
NER-UI together with every feature also copied under a convention prefix ("frustratingly easy"
domain adaptation, Daumé 2007), so the shared weights learn what the corpora agree on and the
prefixed weights learn where they differ (NERGrit, for instance, tags schools as places). The
``idner`` convention (news, the closest to what kabar reads) is the default.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from kabar.understand.ner.crfmodel import CrfWeights, load_weights
from kabar.understand.ner.encoder import FeatureEncoder
from kabar.understand.ner.features import augment, resources_for, sentence_features

MODEL_DIR = Path(__file__).resolve().parent / "model"
MODEL_FILE = MODEL_DIR / "ner.crfsuite"
META_FILE = MODEL_DIR / "ner.json"
CONVENTIONS = ("idner", "nergrit", "nerui")
# Viterbi is linear in length but features and lattice memory grow with it: a run-on "sentence" of
# 10,000 tokens is tagged in windows this long, overlapping so no entity is cut at a seam.
WINDOW = 120
OVERLAP = 20
# Tokens encoded and decoded side by side in one call. A token's attribute ids and score arrays
# take ~4 KB while its batch is decoded, so a caller's batch of 256 sentences from a run-on page of
# markup (a 94 kB title) took +75 MB for 0.09 MB of input; sentences are decoded independently, so
# grouping them by this many tokens gives the same tags with a flat peak (~8 MB).
MAX_BATCH_TOKENS = 2048


class ModelMissingError(RuntimeError):
    """The package was installed without its NER model file."""


@dataclass(slots=True, frozen=True)
class TaggerOptions:
    model: Path = MODEL_FILE
    convention: str = "idner"
    # False builds every feature string afresh and hands crfsuite all of them (the reference path the
    # cached encoder is checked and benchmarked against); the tags are the same either way.
    cached_features: bool = True


class NerTagger:
    def __init__(self, options: TaggerOptions | None = None) -> None:
        import pycrfsuite

        self.options = options or TaggerOptions()
        if self.options.convention not in CONVENTIONS:
            raise ValueError(
                f"unknown convention {self.options.convention!r}; one of {', '.join(CONVENTIONS)}"
            )
        if not self.options.model.exists():
            raise ModelMissingError(f"NER model not found at {self.options.model}")
        self._crf = pycrfsuite.Tagger()
        self._crf.open(str(self.options.model))
        self._weights: CrfWeights | None = None
        self._resources = resources_for(self.options.model)
        # One encoder per set of conventions asked for: a cache miss then builds only those copies.
        self._encoders: dict[tuple[str, ...], FeatureEncoder] = {}

    def _fast_path(self, conventions: Sequence[str]) -> tuple[CrfWeights, FeatureEncoder]:
        """The model's weights (read on first use) and the cached feature encoder for ``conventions``."""
        if self._weights is None:
            self._weights = load_weights(self.options.model)
        key = tuple(conventions)
        encoder = self._encoders.get(key)
        if encoder is None:
            encoder = self._encoders[key] = FeatureEncoder(self._weights.attributes, key, self._resources)
        return self._weights, encoder

    def tag(self, tokens: Sequence[str]) -> list[str]:
        return self.tag_conventions(tokens, (self.options.convention,))[0]

    def tag_conventions(self, tokens: Sequence[str], conventions: Sequence[str]) -> list[list[str]]:
        """One tagging per convention; the features are computed once and shared."""
        self._check(conventions)
        tokens = [t if t.strip() else "_" for t in tokens]
        if len(tokens) <= WINDOW:
            return self._tag_window(tokens, conventions)
        tags: list[list[str]] = [[] for _ in conventions]
        start = 0
        while True:
            end = min(len(tokens), start + WINDOW)
            for done, window in zip(tags, self._tag_window(tokens[start:end], conventions), strict=True):
                done.extend(window[len(done) - start :])
                if end < len(tokens):
                    # The last tokens of a window lack right context: keep them only up to the seam's
                    # middle and let the next window (which starts OVERLAP tokens back) tag the rest.
                    del done[end - OVERLAP // 2 :]
            if end == len(tokens):
                break
            start = end - OVERLAP
        return [_repair(t) for t in tags]

    def tag_batch(
        self, sentences: Sequence[Sequence[str]], conventions: Sequence[str]
    ) -> list[list[list[str]]]:
        """:meth:`tag_conventions` for many sentences at once (the same tags, decoded side by side)."""
        if not self.options.cached_features:
            return [self.tag_conventions(s, conventions) for s in sentences]
        self._check(conventions)
        out: list[list[list[str]]] = [[] for _ in sentences]
        short: list[int] = []
        for k, sent in enumerate(sentences):
            if len(sent) <= WINDOW:
                short.append(k)
            else:
                out[k] = self.tag_conventions(sent, conventions)
        weights, encoder = self._fast_path(conventions)
        for group in _token_groups(short, sentences):
            encoded = encoder.encode_batch(
                [[t if t.strip() else "_" for t in sentences[k]] for k in group], conventions
            )
            for k, tags in zip(group, weights.decode([encoded]), strict=True):
                out[k] = tags
        return out

    def _check(self, conventions: Sequence[str]) -> None:
        unknown = [c for c in conventions if c not in CONVENTIONS]
        if unknown or not conventions:
            raise ValueError(f"unknown convention {unknown}; one of {', '.join(CONVENTIONS)}")

    def _tag_window(self, tokens: Sequence[str], conventions: Sequence[str]) -> list[list[str]]:
        if not tokens:
            return [[] for _ in conventions]
        if self.options.cached_features:
            weights, encoder = self._fast_path(conventions)
            return weights.decode([encoder.encode(tokens, conventions)])[0]
        base = sentence_features(tokens, self._resources)
        return [list(self._crf.tag(augment(base, c))) for c in conventions]


def _token_groups(indices: list[int], sentences: Sequence[Sequence[str]]) -> list[list[int]]:
    """``indices`` in order, cut into runs of at most MAX_BATCH_TOKENS tokens (a longer sentence alone)."""
    groups: list[list[int]] = []
    size = 0
    for k in indices:
        if not groups or size + len(sentences[k]) > MAX_BATCH_TOKENS:
            groups.append([])
            size = 0
        groups[-1].append(k)
        size += len(sentences[k])
    return groups


def _repair(tags: list[str]) -> list[str]:
    """An I- tag that does not continue a span of its type opens one (as conlleval reads it)."""
    out = list(tags)
    for i, tag in enumerate(out):
        if tag.startswith("I-") and (i == 0 or out[i - 1][2:] != tag[2:]):
            out[i] = "B-" + tag[2:]
    return out


@lru_cache(maxsize=8)
def load_tagger(convention: str = "idner", cached_features: bool = True) -> NerTagger:
    """The shipped model, opened once per process and convention."""
    return NerTagger(TaggerOptions(convention=convention, cached_features=cached_features))


def model_info() -> dict[str, object]:
    if not META_FILE.exists():
        return {}
    data = json.loads(META_FILE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}
