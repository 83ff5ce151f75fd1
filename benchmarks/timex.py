"""Time-expression accuracy: kabar next to dateparser's ``search_dates(languages=['id'])``, same run.

    .venv/bin/python -m benchmarks.timex

Gold: the hand-written sentences of tests/fixtures/timex/sentences.json and the seed page's
``time_expressions`` (../shared/seed/*.understanding.json). An expected expression counts as
found when a returned expression has the same text (kabar) or overlaps it (dateparser, which
cuts spans its own way), and as correct when its value is the gold value too. dateparser
returns one datetime per match, so it can only be right on single-day values; lists, weeks,
months, decades and ranges are exactly what it misses, and that is what the figure shows.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from benchmarks._common import result
from kabar.model import Article, Image
from kabar.understand.timex import find_time_expressions

ROOT = Path(__file__).resolve().parent.parent
SENTENCES = ROOT / "tests" / "fixtures" / "timex" / "sentences.json"
SEED = ROOT.parent / "shared" / "seed"


@dataclass(slots=True)
class Tally:
    expected: int = 0
    returned: int = 0
    found: int = 0
    correct: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        p = self.correct / self.returned if self.returned else 0.0
        r = self.correct / self.expected if self.expected else 0.0
        return (
            f"correct {self.correct}/{self.expected} (accuracy {r:.3f}), found {self.found}/{self.expected}, "
            f"precision {p:.3f} of {self.returned} returned, {self.seconds * 1000:.0f} ms"
        )


@dataclass(slots=True)
class Case:
    article: Article
    text: str  # the whole text, for dateparser
    expect: list[dict[str, Any]]


def _sentences() -> list[Case]:
    data = json.loads(SENTENCES.read_text(encoding="utf-8"))
    out = []
    for c in data["cases"]:
        pub = datetime.fromisoformat(c.get("published", data["published"]))
        out.append(Case(Article(paragraphs=[c["text"]], published=pub), c["text"], c["expect"]))
    return out


def _seed() -> list[Case]:
    expected = json.loads((SEED / "000_b561e05cfa5aa674.expected.json").read_text(encoding="utf-8"))
    gold = json.loads((SEED / "000_b561e05cfa5aa674.understanding.json").read_text(encoding="utf-8"))
    article = Article(
        headline=expected["headline"],
        published=datetime.fromisoformat(expected["published"]),
        paragraphs=list(expected["paragraphs"]),
        images=[
            Image(caption=i["caption"], credit=i["credit"], position=i["position"])
            for i in expected["images"]
        ],
    )
    text = "\n".join(
        [article.headline or "", *article.paragraphs, *(i.caption or "" for i in article.images)]
    )
    return [Case(article, text, list(gold["time_expressions"]))]


def run_kabar(cases: list[Case]) -> Tally:
    tally = Tally()
    t0 = time.perf_counter()
    for case in cases:
        found = find_time_expressions(case.article)
        tally.returned += len(found)
        tally.expected += len(case.expect)
        for want in case.expect:
            hits = [t for t in found if t.text == want["text"]]
            tally.found += bool(hits)
            tally.correct += any(t.value == want["value"] for t in hits)
    tally.seconds = time.perf_counter() - t0
    return tally


def run_dateparser(cases: list[Case]) -> Tally:
    from dateparser.search import search_dates

    tally = Tally()
    t0 = time.perf_counter()
    for case in cases:
        pub = case.article.published
        assert pub is not None
        settings = {"RELATIVE_BASE": pub.replace(tzinfo=None), "PREFER_DATES_FROM": "past"}
        found = search_dates(case.text, languages=["id"], settings=settings) or []
        tally.returned += len(found)
        tally.expected += len(case.expect)
        for want in case.expect:
            w = str(want["text"]).lower()
            hits = [d for s, d in found if s.lower() in w or w in s.lower()]
            tally.found += bool(hits)
            tally.correct += any(
                isinstance(want["value"], str) and d.date().isoformat() == want["value"] for d in hits
            )
    tally.seconds = time.perf_counter() - t0
    return tally


def main() -> None:
    sets = {"own test sentences": _sentences()}
    if SEED.exists():
        sets["seed page"] = _seed()
    for name, cases in sets.items():
        print(f"{name}: {len(cases)} texts, {sum(len(c.expect) for c in cases)} expressions")
        ours, anchor = run_kabar(cases), run_dateparser(cases)
        print(f"  kabar      {ours.line()}")
        print(f"  dateparser {anchor.line()}")
        result(f"time expressions correct, {name}", ours.correct / max(1, ours.expected), "accuracy",
               anchor="dateparser search_dates", anchor_value=anchor.correct / max(1, anchor.expected))  # fmt: skip


if __name__ == "__main__":
    main()
