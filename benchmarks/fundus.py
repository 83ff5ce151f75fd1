"""Fundus pages field by field: kabar and trafilatura (with metadata) in one run.

    .venv/bin/python -m benchmarks.fundus [--half tune|check|all] [--show authors] [--json OUT]

Scores ``../shared/pages/fundus`` (120 pages, 82 publishers, ~25 languages) against the values fundus's
per-publisher parsers extract: body ROUGE-LSum F1 on the paragraphs (``fundus_score``; ``body_f1_sections``
also with the page's own subheadings left out of the reading, as fundus keeps them in its sections'
headlines, for every reader alike), title exact
(whitespace-normalised), publication time to the minute in UTC, publication day, author set equal and
author recall, and the CPU seconds each reader spent on the same pages. Figures are printed for all pages
and for the tune and check halves of the publishers (``fundus_pages.half_of``): rules are written
looking at the tune half only. trafilatura 2.x reads with ``with_metadata=True`` and its time of day
(htmldate's ``outputformat`` with hours and minutes).
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import trafilatura

from benchmarks._common import result, shared
from benchmarks.extraction_readers import Reading, with_dateline
from benchmarks.fundus_pages import FundusPage, fundus_pages
from benchmarks.fundus_score import (
    author_or_source_equal,
    author_recall,
    author_set_equal,
    norm_text,
    page_subheads,
    rouge_lsum_f1,
    same_day,
    same_minute,
    without_subheads,
)
from kabar.extract import ExtractError
from kabar.extract.html import LEAD_NOTE, extract_html
from kabar.extract.html_authors import AGENCY_NOTE
from kabar.model import RawPage

ANCHOR = "trafilatura (with metadata)"
FIELDS = (
    "body_f1",
    "body_f1_sections",
    "title",
    "minute",
    "day",
    "author_set",
    "author_recall",
    "author_or_source",
)


@dataclass(slots=True)
class Read:
    reading: Reading
    sources: list[str] = field(default_factory=list)  # the outlet and agencies the reader names
    day_only: bool = False  # the reader says it knows the publication day alone, no time of day


Reader = Callable[[str, str | None], Read]


def read_kabar(html: str, url: str | None) -> Read:
    """kabar's HTML reader (extract only, as ``--no-understand``), as ``extraction_readers.read_kabar``."""
    try:
        a = extract_html(RawPage(content=html, kind="html", url=url))
    except ExtractError:
        return Read(Reading())
    text = with_dateline(a)
    # The lead under the headline is kabar's description; fundus's parsers put it first in the
    # body, as its ``summary``.
    if LEAD_NOTE in a.notes and a.description:
        text.insert(0, a.description)
    # A live report's posts are kabar's live entries, beside the intro; fundus's parsers put them in
    # the body, in page order, so they are read back after it (as the Zyte scorer reads tables back).
    for entry in a.live_entries:
        text.extend([entry.headline, *entry.paragraphs] if entry.headline else entry.paragraphs)
    reading = Reading(
        body="\n\n".join(text),
        headline=a.headline,
        published=a.published,
        authors=list(a.authors),
        paragraphs=text,
    )
    agencies = [n.removeprefix(AGENCY_NOTE) for n in a.notes if n.startswith(AGENCY_NOTE)]
    return Read(reading, [s for s in (a.outlet, *agencies) if s], a.published_precision == "day")


def read_trafilatura(html: str, url: str | None) -> Read:
    params = {
        "original_date": True,
        "extensive_search": True,
        "max_date": datetime.now().strftime("%Y-%m-%d"),
        "outputformat": "%Y-%m-%dT%H:%M:%S%z",
    }
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, date_extraction_params=params)
    if doc is None or isinstance(doc, dict):
        return Read(Reading())
    published = None
    if doc.date:
        try:
            published = datetime.fromisoformat(doc.date)
        except ValueError:
            published = None
    text = doc.text or ""
    reading = Reading(
        body=text,
        headline=doc.title,
        published=published,
        authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
        paragraphs=[p for p in text.split("\n") if p.strip()],
    )
    return Read(reading, [doc.sitename] if doc.sitename else [])


@dataclass(slots=True)
class PageScores:
    key: str
    half: str
    body_f1: float
    body_f1_sections: float  # subheadings scored as fundus keeps them: apart from the paragraphs
    title: float
    minute: float
    day: float
    author_set: float
    author_recall: float | None
    author_or_source: float
    authors: list[str] = field(default_factory=list)


def score(page: FundusPage, read: Read) -> PageScores:
    reading = read.reading
    paragraphs = reading.paragraphs or reading.body.split("\n\n")
    return PageScores(
        key=page.key,
        half=page.half,
        body_f1=rouge_lsum_f1(page.paragraphs, paragraphs),
        body_f1_sections=rouge_lsum_f1(
            page.paragraphs, without_subheads(paragraphs, page_subheads(page.html))
        ),
        title=float(norm_text(page.title) == norm_text(reading.headline)),
        minute=float(same_minute(page.published, reading.published, read.day_only)),
        day=float(same_day(page.published, reading.published, read.day_only)),
        author_set=float(author_set_equal(page.authors, reading.authors)),
        author_recall=author_recall(page.authors, reading.authors),
        author_or_source=float(author_or_source_equal(page.authors, reading.authors, read.sources)),
        authors=list(reading.authors),
    )


def mean(values: list[float | None]) -> float:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else float("nan")


def summary(rows: list[PageScores]) -> dict[str, float]:
    return {name: mean([getattr(r, name) for r in rows]) for name in FIELDS}


def run(pages: list[FundusPage], reader: Reader) -> tuple[list[PageScores], float]:
    readings = []
    start = time.process_time()
    for page in pages:
        readings.append(reader(page.html, page.url))
    cpu = time.process_time() - start
    return [score(p, r) for p, r in zip(pages, readings, strict=True)], cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--half", choices=("tune", "check", "all"), default="all")
    parser.add_argument("--show", choices=("authors", "none"), default="none")
    parser.add_argument("--json", type=Path, help="write per-page scores here")
    args = parser.parse_args()
    pages = fundus_pages(shared("pages", "fundus"))
    if args.half != "all":
        pages = [p for p in pages if p.half == args.half]
    readers: dict[str, Reader] = {"kabar": read_kabar, ANCHOR: read_trafilatura}
    rows: dict[str, list[PageScores]] = {}
    cpu: dict[str, float] = {}
    for name, reader in readers.items():
        rows[name], cpu[name] = run(pages, reader)
    halves = ("all", "tune", "check") if args.half == "all" else (args.half,)
    print(f"{len(pages)} pages, {len({p.publisher for p in pages})} publishers")
    for half in halves:
        print(f"\n{half} half" if half != "all" else "\nall pages")
        print(f"{'field':<16}" + "".join(f"{n[:14]:>16}" for n in readers))
        sums = {n: summary([r for r in rows[n] if half in ("all", r.half)]) for n in readers}
        for fld in FIELDS:
            print(f"{fld:<16}" + "".join(f"{sums[n][fld]:>16.3f}" for n in readers))
        count = sum(1 for r in rows["kabar"] if half in ("all", r.half))
        print(f"{'pages':<16}" + "".join(f"{count:>16}" for _ in readers))
    print(f"{'CPU seconds':<16}" + "".join(f"{cpu[n]:>16.2f}" for n in readers))
    everything = {n: summary(rows[n]) for n in readers}
    suffix = "" if args.half == "all" else f" ({args.half} half)"
    for fld in FIELDS:
        result(
            f"fundus {fld}{suffix}",
            round(everything["kabar"][fld], 3),
            "share",
            anchor=ANCHOR,
            anchor_value=round(everything[ANCHOR][fld], 3),
            better="higher",
        )
    result(
        f"fundus CPU seconds{suffix}",
        round(cpu["kabar"], 2),
        "s",
        anchor=ANCHOR,
        anchor_value=round(cpu[ANCHOR], 2),
        better="lower",
    )
    if args.show == "authors":  # the tune half only: the check half stays unread
        gold = {p.key: p.authors for p in pages}
        for k_row, t_row in zip(rows["kabar"], rows[ANCHOR], strict=True):
            if k_row.half == "tune" and not k_row.author_set:
                print(
                    f"[{k_row.half}] {k_row.key}: gold={gold[k_row.key]} kabar={k_row.authors} traf={t_row.authors}"
                )
    if args.json:
        per_page = {n: [_row(r) for r in rows[n]] for n in readers}
        args.json.write_text(json.dumps(per_page, ensure_ascii=False, indent=1), encoding="utf-8")


def _row(row: PageScores) -> dict[str, object]:
    return {name: getattr(row, name) for name in PageScores.__slots__}


if __name__ == "__main__":
    main()
