"""The join-or-open decision of the story clusterer: a small logistic model over similarity
features of one (article, candidate story) pair, as in Miranda et al. 2018.

The weights are data (``data/story_model.json``), fitted by ``benchmarks/story_train.py`` on
the pairs of the first (earlier) half of the judged set only; the second half stays held out.
An article joins its best candidate when the model's probability clears the model's threshold.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "story_model.json"


@dataclass(slots=True, frozen=True)
class PairFeatures:
    """What the model sees of one (article, story) pair; every value lies in [0, 1]."""

    body: float  # body TF-IDF cosine
    title: float  # headline TF-IDF cosine
    entities: float  # entity cosine (entities weighted by rarity)
    entities_rest: float  # the same without the strongest shared entity: one famous name is not a story
    hand: float  # the hand-set score (weighted similarities × time decay × day penalty)
    decay: float  # time decay of the gap between the article and the story's span
    day_conflict: float  # 1 when the lead's event days lie days away from the story's
    fixture_conflict: float  # 1 when the lead names another match of a team the story's leads name
    score_conflict: float  # 1 when both report score lines and none agrees
    # 1 when the lead names another competition of a kind the story's leads name (Korea / Japan Open)
    name_conflict: float = 0.0
    name_agree: float = 0.0  # 1 when a name the lead gives is one of the story's: the story carries on
    stage_conflict: float = (
        0.0  # 1 when the lead's stage is not the story's, days after it (semifinal / final)
    )

    def vector(self, names: tuple[str, ...]) -> list[float]:
        return [float(getattr(self, n)) for n in names]


FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in fields(PairFeatures))


@dataclass(slots=True, frozen=True)
class StoryModel:
    features: tuple[str, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # join when the probability reaches it
    # Guards: features that refuse the merge outright when set (another match of the same club
    # is another story however similar its words); a weight would only damp them.
    vetoes: tuple[str, ...] = ()

    def probability(self, x: PairFeatures) -> float:
        if any(getattr(x, n) for n in self.vetoes):
            return 0.0
        z = self.bias + sum(w * v for w, v in zip(self.weights, x.vector(self.features), strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(self.features),
            "weights": list(self.weights),
            "bias": self.bias,
            "threshold": self.threshold,
            "vetoes": list(self.vetoes),
        }


def model_from_json(doc: dict[str, object]) -> StoryModel:
    names = tuple(str(n) for n in doc["features"])  # type: ignore[attr-defined]
    vetoes = tuple(str(n) for n in doc.get("vetoes") or [])  # type: ignore[attr-defined]
    unknown = (set(names) | set(vetoes)) - set(FEATURE_NAMES)
    if unknown:
        raise ValueError(f"story model names unknown features: {sorted(unknown)}")
    weights = tuple(float(w) for w in doc["weights"])  # type: ignore[attr-defined]
    if len(weights) != len(names):
        raise ValueError("story model: one weight per feature")
    return StoryModel(
        features=names,
        weights=weights,
        bias=float(doc["bias"]),  # type: ignore[arg-type]
        threshold=float(doc["threshold"]),  # type: ignore[arg-type]
        vetoes=vetoes,
    )


@lru_cache(maxsize=1)
def default_model() -> StoryModel:
    return model_from_json(json.loads(_DATA.read_text(encoding="utf-8")))
