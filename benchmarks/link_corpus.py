"""The IndoSum corpus as kabar Articles, for the related/dedup benchmarks."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kabar.model import Article
from kabar.sources.records import map_record

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "indosum-dev.jsonl"


@dataclass(slots=True)
class CorpusArticle:
    corpus_id: str
    article: Article


def load_corpus(path: Path = CORPUS, limit: int | None = None) -> list[CorpusArticle]:
    if not path.exists():
        raise SystemExit(f"corpus not found at {path} (the shared data is needed for this benchmark)")
    out: list[CorpusArticle] = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            mapped = map_record(record, str(path))
            if mapped.article is not None:
                out.append(CorpusArticle(corpus_id=str(record["id"]), article=mapped.article))
            if limit is not None and len(out) >= limit:
                break
    return out
