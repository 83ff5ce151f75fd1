"""Worst cases over every page in ../shared, and over hostile strings per pattern family.

    .venv/bin/python -m benchmarks.robustness [--corpus 300] [--skip-patterns]

For each page (pages/zyte, pages/id, pages/fundus, seed, and ``--corpus`` IndoSum articles read as
flattened pages): kabar's extract + understand, CPU seconds (``time.process_time``) and peak memory
per MB of input (``tracemalloc`` peak, reset before each page: a fresh measurement per page, in a
second pass so tracing does not slow the timed one). Memory is reported three ways, because a
ratio over a 2 kB page measures the reader's fixed working memory, not growth: the largest ratio
over pages of at least ``--ratio-from`` bytes, the largest absolute peak, and a least-squares line
(peak = fixed + slope × size) over all pages, whose slope is the growth per byte of input. Anchor, same run, same pages: trafilatura's
extraction of the HTML pages (trafilatura does not understand; its figures bound what reading
alone costs). Then the slowest hostile string per regular-expression family at 100,000 characters
(``benchmarks/regex_families.py``).
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.regex_families import HOSTILE, collect, cpu_time, hostile

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"


@dataclass(slots=True)
class Page:
    path: str
    content: str
    kind: str  # "html" | "text"


@dataclass(slots=True)
class Worst:
    cpu: float = 0.0
    cpu_path: str = ""
    mem_per_mb: float = 0.0
    mem_path: str = ""
    peak_bytes: int = 0
    max_peak: int = 0
    max_peak_path: str = ""
    failures: int = 0
    sizes: list[int] = field(default_factory=list)
    peaks: list[int] = field(default_factory=list)

    def line(self) -> tuple[float, float]:
        """Least squares of peak on size: (fixed bytes, bytes per input byte)."""
        n = len(self.sizes)
        if n < 2:
            return 0.0, 0.0
        mx, my = sum(self.sizes) / n, sum(self.peaks) / n
        var = sum((x - mx) ** 2 for x in self.sizes)
        if not var:
            return my, 0.0
        slope = sum((x - mx) * (y - my) for x, y in zip(self.sizes, self.peaks, strict=True)) / var
        return my - slope * mx, slope


def _read(path: Path) -> str:
    data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    return data.decode("utf-8", errors="replace")


def pages(corpus: int) -> Iterator[Page]:
    for folder in ("pages/zyte", "pages/id", "pages/fundus"):
        for path in sorted((SHARED / folder).rglob("*")):
            if path.name.endswith((".html", ".html.gz", ".htm")):
                yield Page(str(path.relative_to(SHARED)), _read(path), "html")
    for path in sorted((SHARED / "seed").glob("*.txt")):
        yield Page(str(path.relative_to(SHARED)), _read(path), "text")
    corpus_file = SHARED / "corpus" / "indosum-dev.jsonl"
    if corpus and corpus_file.exists():
        with corpus_file.open(encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if i >= corpus:
                    break
                rec = json.loads(line)
                text = f"{rec.get('title_from_slug') or ''}\n\n{rec.get('body') or ''}"
                yield Page(f"corpus/indosum-dev.jsonl:{i + 1}", text, "text")


def _kabar(page: Page) -> None:
    from kabar.extract import ExtractError, extract
    from kabar.model import RawPage
    from kabar.understand import enrich

    with contextlib.suppress(ExtractError):  # "nothing readable" is an answer, not a failure
        enrich(extract(RawPage(content=page.content, kind=page.kind, source=page.path)))  # type: ignore[arg-type]


def _trafilatura(page: Page) -> None:
    import trafilatura

    trafilatura.extract(page.content)


def measure(items: list[Page], run: Callable[[Page], None], ratio_from: int) -> Worst:
    worst = Worst()
    run(items[0])  # load models and caches before anything is timed
    for page in items:
        start = time.process_time()
        try:
            run(page)
        except Exception as exc:
            worst.failures += 1
            print(f"  FAILED {page.path}: {type(exc).__name__}: {str(exc)[:120]}")
        spent = time.process_time() - start
        if spent > worst.cpu:
            worst.cpu, worst.cpu_path = spent, page.path
    tracemalloc.start()
    for page in items:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        with contextlib.suppress(Exception):  # already counted in the timed pass
            run(page)
        peak = tracemalloc.get_traced_memory()[1] - base
        size = len(page.content.encode("utf-8"))
        worst.sizes.append(size)
        worst.peaks.append(peak)
        if peak > worst.max_peak:
            worst.max_peak, worst.max_peak_path = peak, page.path
        per_mb = peak / max(size, 1)
        if size >= ratio_from and per_mb > worst.mem_per_mb:
            worst.mem_per_mb, worst.mem_path, worst.peak_bytes = per_mb, page.path, peak
    tracemalloc.stop()
    return worst


def _report(label: str, count: int, w: Worst, ratio_from: int) -> None:
    fixed, slope = w.line()
    print(f"{label}: {count} pages, {w.failures} failures")
    print(f"  slowest page: {w.cpu:.2f} s CPU  {w.cpu_path}")
    print(
        f"  largest peak memory per MB of input, pages >= {ratio_from // 1024} kB: "
        f"{w.mem_per_mb:.0f} MB/MB ({w.peak_bytes / 2**20:.1f} MB)  {w.mem_path}"
    )
    print(f"  largest peak memory: {w.max_peak / 2**20:.1f} MB  {w.max_peak_path}")
    print(f"  fitted: peak = {fixed / 2**20:.1f} MB fixed + {slope:.1f} x input size")


def pattern_families() -> None:
    print("hostile strings at 100,000 characters: the slowest per pattern family (CPU s)")
    worst: dict[str, tuple[float, str, str]] = {}
    for found in collect():
        for shape in HOSTILE:
            spent = cpu_time(found.pattern, hostile(shape, 100_000))
            if spent > worst.get(found.family, (-1.0, "", ""))[0]:
                worst[found.family] = (spent, found.name, shape)
    for family, (spent, name, shape) in sorted(worst.items(), key=lambda kv: -kv[1][0]):
        print(f"  {spent:7.4f}  {family}  {name}  on {shape!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=int, default=300, help="IndoSum articles to add (flattened)")
    parser.add_argument("--skip-patterns", action="store_true")
    parser.add_argument("--sample", type=int, default=0, help="every k-th page, to keep about this many")
    parser.add_argument("--ratio-from", type=int, default=100_000, help="smallest page (bytes) in the ratio")
    args = parser.parse_args()
    items = list(pages(args.corpus))
    if not items:
        raise SystemExit(f"no pages under {SHARED}")
    if args.sample and len(items) > args.sample:
        items = items[:: -(-len(items) // args.sample)]
    cut = args.ratio_from
    _report("kabar extract + understand", len(items), measure(items, _kabar, cut), cut)
    html = [p for p in items if p.kind == "html"]
    _report("anchor: trafilatura.extract (HTML pages)", len(html), measure(html, _trafilatura, cut), cut)
    if not args.skip_patterns:
        pattern_families()


if __name__ == "__main__":
    main()
