"""Flattened-page extraction speed (pages/s on one core), and how much of each page it recovers.

    .venv/bin/python -m benchmarks.flat_extract [--limit N] [--repeat 3] [--anchor-pages 400]

Pages: every IndoSum dev article (../shared/corpus/indosum-dev.jsonl) rebuilt as a flattened
portal page — headline (from the URL slug), a time line in one of the portal shapes, a photo
caption with credit, a dateline paragraph and the body, furniture (ads, share rows, "Baca juga"),
a byline, a related list in one of the list shapes and a copyright footer — plus the hand-written
fixture pages of tests/fixtures/flat and the shipped example (each once: all pages differ, so
the readers' per-line caches only help within a page and on furniture lines that recur across
pages, as they do on a real portal). Because the pages are built, the
truth is known, and the run also reports how often headline, time, first paragraph, paragraph
count and related count come back exactly.

Anchor (same run, a reference, NOT the same task): trafilatura.extract on the same pages wrapped
as minimal ``<html><body><h1>…<p>…`` documents. trafilatura gets the structure handed to it as
markup and returns only the body text; kabar reads unmarked lines and returns the whole record.
There is no standard benchmark for flattened text.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from babel.dates import format_datetime

from benchmarks._common import ROOT, result, shared
from kabar.extract.flat import extract_flat
from kabar.lang.time import format_age, format_time
from kabar.model import RawPage

QUICK_ARGS = ["--limit", "1500", "--repeat", "1", "--anchor-pages", "150"]
ZONES = {"WIB": 7, "WITA": 8, "WIT": 9}
CREDITS = [
    "ANTARA FOTO/Aditya Pradana Putra/wsj.",
    "TEMPO/Subekti",
    "REUTERS/Willy Kurniawan",
    "Dok. Humas Polri",
    "Handout via REUTERS",
    "(ANTARA/Galih Pradipta)",
    "Foto: Istimewa",
]
DATELINES = [
    ("TEMPO.CO - ", "TEMPO.CO"),
    ("JAKARTA, KOMPAS.com - ", "Kompas.com"),
    ("Jakarta, CNN Indonesia -- ", "CNN Indonesia"),
    ("Liputan6.com, Jakarta - ", "Liputan6.com"),
    ("Mataram, NTB (ANTARA News) - ", "ANTARA"),
    ("REPUBLIKA.CO.ID, JAKARTA -- ", "REPUBLIKA.CO.ID"),
]
HEADERS = ["Berita terkait", "Baca Juga", "Artikel Terkait", "Rekomendasi", "Berita Lainnya"]
FURNITURE = [
    "Advertisement",
    "Advertising",
    "Scroll to continue with content",
    "Bagikan: Facebook Twitter WhatsApp",
]


@dataclass(slots=True)
class Page:
    text: str
    headline: str | None = None
    published: datetime | None = None
    first_paragraph: str | None = None
    paragraphs: list[str] | None = None  # the corpus body paragraphs (the dateline's one included)
    related: list[str] | None = None  # the headlines of the related list the builder appended


def _title(record: dict[str, str]) -> str:
    slug = record["url"].rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    words = [w for w in re.split(r"[-_.]", slug) if w.isalpha()]
    if len(words) < 3:  # an id-only URL: the corpus's own (shortened) title is all there is
        words = record["title_from_slug"].split()
    return " ".join(w.capitalize() for w in words[:14])


def _time_line(dt: datetime, rng: random.Random) -> str:
    zone = rng.choice(list(ZONES))
    local = dt.astimezone(timezone(timedelta(hours=ZONES[zone])))
    shapes = [
        lambda: format_time(local),
        lambda: f"{local:%d/%m/%Y}, {local:%H:%M} {zone}",
        lambda: format_datetime(local, "EEEE, dd MMM y HH:mm", locale="id") + f" {zone}",
        lambda: format_datetime(local, "EEEE dd MMM y | HH:mm", locale="id") + f" {zone}",
        lambda: f"Kompas.com - {local:%d/%m/%Y}, {local:%H:%M} {zone}",
    ]
    return rng.choice(shapes)()


def _related(titles: list[str], rng: random.Random) -> tuple[list[str], list[str]]:
    items = rng.sample(titles, rng.randint(3, 8))
    ages = [
        format_age(rng.choice([300, 3600 * rng.randint(1, 23), 86400 * rng.randint(1, 6)])) for _ in items
    ]
    shape = rng.randrange(3)
    lines = [rng.choice(HEADERS)]
    for title, age in zip(items, ages, strict=True):
        if shape == 0:  # Tempo: headline, age, headline again, description, read-more
            lines += [title, age, title, f"Ringkasan berita tentang {title.lower()}.", "Baca Selengkapnya"]
        elif shape == 1:
            lines += [title, age]
        else:
            lines += [age, title]
    return lines, items


def build_page(record: dict[str, str], titles: list[str], rng: random.Random) -> Page:
    headline = _title(record)
    published = datetime.fromisoformat(record["published_utc"]).replace(second=0, microsecond=0)
    # Zero-width marks are invisible and the reader drops them: drop them from the truth too.
    text = re.sub("[\u200b-\u200f\u2060\ufeff]", "", record["body"])
    body = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    kept = [p for p in body if not p.lower().startswith(("baca juga", "baca pula", "simak juga"))]
    if not kept:
        kept = ["Isi berita singkat yang tidak memiliki paragraf lain di halaman ini."]
        body = kept
    dateline, _ = rng.choice(DATELINES)
    lines = [headline, _time_line(published, rng)]
    if rng.random() < 0.4:
        lines.append(f"Penulis: {rng.choice(['Budi Santoso', 'Ani Lestari', 'Rina Wulandari'])}")
    if rng.random() < 0.6:
        lines.append(f"Suasana di lokasi kejadian, {headline}. {rng.choice(CREDITS)}")
    lines.append(dateline + body[0])
    for index, paragraph in enumerate(body[1:], start=1):
        if index == 2 and rng.random() < 0.5:
            lines.append(rng.choice(FURNITURE))
        lines.append(paragraph)
    related, related_titles = _related(titles, rng)
    lines += ["Tag: berita, nasional", *related, "Copyright © 2020 Contoh Media. All rights reserved."]
    separator = rng.choice(["\n\n", "\n", "\r\n\r\n"])
    return Page(
        text=separator.join(lines),
        headline=headline,
        published=published,
        first_paragraph=body[0] if not body[0].lower().startswith("baca juga") else None,
        paragraphs=kept,
        related=related_titles,
    )


def load_pages(limit: int | None, seed: int) -> list[Page]:
    rng = random.Random(seed)
    path = shared("corpus", "indosum-dev.jsonl")
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    if limit:
        records = records[:limit]
    titles = [_title(r) for r in records]
    pages = [build_page(r, titles, rng) for r in records]
    fixtures = sorted((ROOT / "tests" / "fixtures" / "flat").glob("*.txt"))
    fixtures.append(ROOT / "examples" / "tempo-putin-armenia-azerbaijan.txt")
    # Each hand-written page once: repeating identical pages would let the readers' small line
    # caches answer from memory and flatter the figure.
    pages += [Page(text=p.read_text("utf-8")) for p in fixtures]
    return pages


def measure_kabar(pages: list[Page], repeat: int) -> tuple[float, float]:
    raw = [RawPage(content=p.text) for p in pages]
    for page in raw[:200]:
        extract_flat(page)  # warm the compiled tables
    wall, cpu = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        for page in raw:
            extract_flat(page)
        wall.append(len(raw) / (time.perf_counter() - w0))
        cpu.append(len(raw) / (time.process_time() - c0))
    return statistics.median(wall), statistics.median(cpu)


def accuracy(pages: list[Page]) -> dict[str, float]:
    """Exact-recovery shares for the built pages, and body paragraph precision/recall against the
    corpus body. The corpus bodies carry their own furniture (reporter initials, "Sumber: X",
    newsletter blurbs) that the reader rightly drops, so recall below 100% is expected."""
    checks = {"headline": 0, "published": 0, "first_paragraph": 0, "related_list": 0}
    tp = extracted = truth = 0
    known = [p for p in pages if p.headline is not None]
    for page in known:
        article = extract_flat(RawPage(content=page.text))
        checks["headline"] += article.headline == page.headline
        checks["published"] += article.published == page.published
        checks["first_paragraph"] += (
            bool(article.paragraphs) and article.paragraphs[0] == page.first_paragraph
        )
        # The corpus bodies hold their own inline "Baca juga" lists, which the reader rightly adds
        # before the built list: the built list must come back whole, in order, at the end.
        wanted = page.related or []
        checks["related_list"] += [r.headline for r in article.related][-len(wanted) :] == wanted
        body = set(page.paragraphs or [])
        tp += sum(1 for p in article.paragraphs if p in body)
        extracted += len(article.paragraphs)
        truth += len(body)
    out = {k: v / max(1, len(known)) for k, v in checks.items()}
    out["paragraph_precision"] = tp / max(1, extracted)
    out["paragraph_recall"] = tp / max(1, truth)
    return out


def real_pages(repeat: int) -> None:
    """The 26 real portal article pages of ../shared/pages/id/anpandu, flattened whole (menus,
    sidebars and all) — a second, harder speed and recovery figure next to the built pages."""
    from kabar.extract.flatten import flatten_html

    base = shared("pages", "id", "anpandu")
    expected = json.loads((base / "expected_from_tests.json").read_text("utf-8"))
    pages = [
        (RawPage(content=flatten_html((base / path).read_bytes().decode("utf-8", "replace"))), exp)
        for path, exp in expected.items()
    ]
    titles = dates = 0
    for page, exp in pages:
        article = extract_flat(page)
        titles += article.headline is not None and " ".join(article.headline.split()) == " ".join(
            exp["title"].split()
        )
        when = datetime.fromtimestamp(exp["date"] / 1000, UTC)
        dates += article.published is not None and abs((article.published - when).total_seconds()) < 60
    c0 = time.process_time()
    for _ in range(repeat):
        for page, _exp in pages:
            extract_flat(page)
    rate = repeat * len(pages) / (time.process_time() - c0)
    lines = sum(len(p.content.splitlines()) for p, _ in pages) / len(pages)
    print(
        f"real portal pages flattened whole ({len(pages)} pages, {lines:.0f} lines each on average): "
        f"{rate:,.0f} pages/s per CPU second; title {titles}/{len(pages)}, time {dates}/{len(pages)} "
        "against the scraper output they ship with"
    )


def as_html(page: Page) -> str:
    units = [u.strip() for u in page.text.replace("\r\n", "\n").split("\n") if u.strip()]
    head = html.escape(units[0]) if units else ""
    paras = "".join(f"<p>{html.escape(u)}</p>" for u in units[1:])
    return f"<html><head><title>{head}</title></head><body><h1>{head}</h1>{paras}</body></html>"


def measure_trafilatura(pages: list[Page], n: int) -> float:
    import trafilatura

    docs = [as_html(p) for p in pages[:n]]
    for doc in docs[:20]:
        trafilatura.extract(doc)
    c0 = time.process_time()
    for doc in docs:
        trafilatura.extract(doc)
    return len(docs) / (time.process_time() - c0)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--limit", type=int, default=None, help="IndoSum records to use (default: all)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--anchor-pages", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    pages = load_pages(args.limit, args.seed)
    mb = sum(len(p.text) for p in pages) / 1e6
    print(f"pages: {len(pages)} ({mb:.1f} MB of flattened text)")
    wall, cpu = measure_kabar(pages, args.repeat)
    print(f"kabar flat extract: {cpu:,.0f} pages/s per CPU second (one core); {wall:,.0f} pages/s wall clock")
    print("  goal: >= 2,000 pages/s")
    for name, share in accuracy(pages).items():
        print(f"  recovered {name:16}: {share:6.1%} of built pages")
    real_pages(max(1, args.repeat * 10))
    anchor = measure_trafilatura(pages, args.anchor_pages)
    print(
        f"anchor trafilatura.extract on the same pages as minimal <html><body><p>: {anchor:,.0f} pages/s "
        f"per CPU second ({args.anchor_pages} pages) — a reference only, not the same task"
    )
    result("flat extract speed", cpu, "pages/CPU s", anchor="trafilatura.extract on minimal HTML (not the same task)",
           anchor_value=anchor)  # fmt: skip


if __name__ == "__main__":
    main()
