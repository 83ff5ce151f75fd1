"""Stories' per-article record: the features kept so that removing an article can take it back out.

The clustering itself is :mod:`kabar.understand.story_cluster`; the archive keeps its state and
runs it on ingest (:mod:`kabar.archive.story_store`, :mod:`kabar.archive.story_indexer`), and
:mod:`kabar.link.story_view` reads a story with its timeline.

Only an article's strongest terms are kept (bounded rows at a million articles); the centroid
itself keeps only its top terms anyway, and the document frequencies of the weaker terms a
removed article had stay counted — a drift of one document per removal, harmless for idf.
"""

from __future__ import annotations

import json
from datetime import datetime

from kabar.understand.story_events import EventSignature
from kabar.understand.story_features import ArticleFeatures

STORED_TERMS = 150


def _parse(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def features_to_json(f: ArticleFeatures) -> str:
    terms = dict(sorted(f.terms.items(), key=lambda kv: (-kv[1], kv[0]))[:STORED_TERMS])
    return json.dumps(
        {
            "terms": terms,
            "days": f.days,
            "fixtures": f.event.fixtures,
            "scores": f.event.scores,
            "title": f.title,
            "entities": f.entities,
            "names": f.entity_names,
            "published": f.published.isoformat() if f.published else None,
            "headline": f.headline,
            "kind": f.kind,
        },
        ensure_ascii=False,
    )


def features_from_json(raw: str | None) -> ArticleFeatures:
    d = json.loads(raw or "{}")
    return ArticleFeatures(
        terms={str(k): float(v) for k, v in (d.get("terms") or {}).items()},
        title={str(k): float(v) for k, v in (d.get("title") or {}).items()},
        entities={str(k): float(v) for k, v in (d.get("entities") or {}).items()},
        entity_names={str(k): str(v) for k, v in (d.get("names") or {}).items()},
        published=_parse(d.get("published")),
        headline=str(d.get("headline") or ""),
        days=[str(x) for x in d.get("days") or []],
        event=EventSignature(
            fixtures=[str(x) for x in d.get("fixtures") or []],
            scores=[str(x) for x in d.get("scores") or []],
        ),
        kind=str(d.get("kind") or ""),
    )


__all__ = ["STORED_TERMS", "features_from_json", "features_to_json"]
