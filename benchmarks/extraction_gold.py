"""Scoring a reader on the hand-checked Indonesian gold set."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from benchmarks.extraction_pages import GOLD, ID_PAGES, Page, id_article_pages
from benchmarks.extraction_readers import Reading
from benchmarks.extraction_score import body_f1
from kabar.model import normalise_space


@dataclass(slots=True)
class GoldScores:
    pages: int
    headline: float
    time: float
    authors: float
    body_f1: float
    captions: float
    endpoints: float  # first and last paragraph and paragraph count right


def load_gold() -> dict[str, dict]:
    return json.loads(GOLD.read_text(encoding="utf-8"))["pages"]


def reference_bodies() -> dict[str, str]:
    """Independent reference bodies: anpandu's scraper content, fundus's paragraphs."""
    out: dict[str, str] = {}
    expected = ID_PAGES / "anpandu" / "expected_from_tests.json"
    for name, value in json.loads(expected.read_text(encoding="utf-8")).items():
        out[f"anpandu/{name}"] = value.get("content") or ""
    for fjson in ID_PAGES.glob("fundus-mediaindonesia/**/MediaIndonesia.json"):
        data = json.loads(fjson.read_text(encoding="utf-8"))
        for value in data.values():
            paras = [p for s in value.get("body", {}).get("sections", []) for p in s.get("paragraphs", [])]
            for html in fjson.parent.glob("*.html.gz"):
                out[str(html.relative_to(ID_PAGES))] = "\n\n".join(paras)
    return out


def _norm(text: str | None) -> str:
    return normalise_space(text or "").lower()


def _time_ok(gold: str | None, got: datetime | None) -> bool:
    if gold is None or got is None or got.tzinfo is None:
        return gold is None and got is None
    want = datetime.fromisoformat(gold)
    return (
        want.replace(second=0) == got.replace(second=0, microsecond=0) and want.utcoffset() == got.utcoffset()
    )


def _captions_ok(gold: list[dict], got: list[tuple[str | None, str | None]]) -> float:
    if not gold:
        return 1.0 if not got else 0.0
    hits = 0
    for want in gold:
        for caption, credit in got:
            same_caption = _norm(caption)[:100] == _norm(want.get("caption"))[:100]
            if same_caption and _norm(credit) == _norm(want.get("credit")):
                hits += 1
                break
    return hits / max(len(gold), len(got))


def score_gold(reader: Callable[[str, str | None], Reading], pages: list[Page] | None = None) -> GoldScores:
    gold = load_gold()
    refs = reference_bodies()
    pages = pages if pages is not None else [p for p in id_article_pages() if p.key in gold]
    n = len(pages)
    head = tm = auth = bf = cap = ends = 0.0
    for page in pages:
        want = gold[page.key]
        got = reader(page.html, page.url)
        head += _norm(got.headline) == _norm(want["headline"])
        if got.published is not None:
            tm += _time_ok(want["published"], got.published)
        auth += [_norm(a) for a in got.authors] == [_norm(a) for a in want["authors"]]
        bf += body_f1(refs.get(page.key, ""), got.body)
        cap += _captions_ok(want["images"], got.captions)
        paras = got.paragraphs
        ends += bool(paras) and (
            _norm(paras[0]).startswith(_norm(want["first_paragraph"])[:100])
            and _norm(paras[-1]).startswith(_norm(want["last_paragraph"])[:100])
            and len(paras) == want["paragraph_count"]
        )
    if n == 0:
        return GoldScores(0, 0, 0, 0, 0, 0, 0)
    return GoldScores(n, head / n, tm / n, auth / n, bf / n, cap / n, ends / n)
