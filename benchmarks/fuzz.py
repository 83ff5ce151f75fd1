"""Mutation fuzzer: mutants of the pages in ../shared through read → extract → understand.

    .venv/bin/python -m benchmarks.fuzz [--count 100000] [--seed 1] [--workers 2]
    .venv/bin/python -m benchmarks.fuzz --quick     # 500 mutants (what `make bench` runs with --quick)
    .venv/bin/python -m benchmarks.fuzz --replay benchmarks/out/fuzz   # re-run saved crashes

Each mutant (``benchmarks/fuzz_mutate.py``) is read as ``kabar ingest`` reads a file
(``sources.files.decode`` + ``sniff_kind``; one in four as a WARC payload is read:
``sources.decode.decode_html`` + the language check), extracted, understood and
serialised (kabar JSON and JSON-LD). Outcomes:

* **crash**: any exception that is not one of kabar's own error types. The mutant is saved
  to ``benchmarks/out/fuzz/`` with its traceback, and the smallest mutant of each crash
  class is cut down to a minimal reproducer (delta debugging).
* **over budget**: a record over the CPU budget (10 s, ``--cpu-budget``) or whose peak
  memory rose by more than ``min(500 MB, max(100 × its size, 64 MB))``. A record is stopped
  at 3× the CPU budget. Memory is the rise of the process's peak RSS over its RSS when the
  record starts, after the allocator has handed its free memory back (``malloc_trim``):
  without that, a record's peak hid in memory an earlier record had freed. The floor is the
  path's fixed working memory: on the 343 unmutated pages the rise was median 9 MB, p99 31 MB,
  at most 34 MB, whatever the page's size (trafilatura's copies of the tree, the tagger's
  arrays), so 100 × the size of a 20 kB page could not be met by any page, broken or not.
  A record over budget names the stage its peak was reached in.

Understanding is skipped for an article identical to one already understood in the same
worker (the exact pickled article is the key), as ``kabar ingest`` skips it for text the
archive already holds; the result would be the same, and it is what most of the time goes to.

Anchor, in the same run: ``trafilatura.extract`` on every ``--anchor-every``-th mutant's bytes
(mutants/s of CPU and its exceptions).

Workers are forked from a parent that has loaded the seeds and warmed every lazy model, table
and import (kabar's and the anchor's), so neither a worker nor a restarted one pays for it again.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import hashlib
import json
import multiprocessing
import pickle
import resource
import signal
import time
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType, TracebackType

from benchmarks._common import ROOT, SHARED, result
from benchmarks.fuzz_mutate import Mutant, Seed, lean_seeds, load_seeds, mutate

OUT = ROOT / "benchmarks" / "out" / "fuzz"
MB = 1024 * 1024
CAPTURED_AT = datetime(2026, 1, 1, 9, 0, tzinfo=UTC)
QUICK_COUNT = 500
# run_all: `--quick` is 500 mutants; the full run is the 100,000 (hours on two cores).
QUICK_ARGS = ["--quick"]
TIMEOUT_SECONDS = 8 * 3600


def kabar_errors() -> tuple[type[Exception], ...]:
    """kabar's own error types: the only exceptions a reader may let out."""
    from kabar.extract import ExtractError
    from kabar.extract.profiles import ProfileError
    from kabar.sources.feeds import FeedError
    from kabar.sources.files import PageError
    from kabar.sources.safety import UnsafeURLError
    from kabar.sources.sitemaps import SitemapError
    from kabar.sources.warc import WarcError
    from kabar.understand.ner.tagfile import NotTextError

    return (
        PageError,
        ExtractError,
        ProfileError,
        FeedError,
        SitemapError,
        WarcError,
        UnsafeURLError,
        NotTextError,
    )


@dataclass(slots=True, frozen=True)
class Budget:
    cpu_seconds: float = 10.0
    max_memory: int = 500 * MB
    memory_per_byte: int = 100
    memory_floor: int = 64 * MB

    def memory_for(self, size: int) -> int:
        return min(self.max_memory, max(self.memory_per_byte * size, self.memory_floor))


@dataclass(slots=True)
class Outcome:
    status: str  # "ok" | "rejected" | "crash" | "over_cpu" | "over_memory"
    cpu: float = 0.0
    memory: int = 0  # peak growth in bytes
    error: str | None = None  # exception class
    message: str | None = None
    where: str | None = None  # the innermost kabar frame: file:line function
    stage: str = ""  # read | extract | understand | serialize: where the record was when it ended
    peak_stage: str = ""  # the stage in which the record's memory peak was reached
    trace: str | None = None

    @property
    def crash_key(self) -> str:
        return f"{self.error} @ {self.where}"


class _Overrun(BaseException):
    """Raised by the CPU timer: a BaseException so that no ``except Exception`` in kabar swallows it."""


def _on_timer(signum: int, frame: FrameType | None) -> None:
    raise _Overrun


def _innermost_kabar(tb: TracebackType | None) -> str:
    where = "?"
    for frame, line in traceback.walk_tb(tb):
        name = frame.f_code.co_filename
        if "/kabar/" in name and "/benchmarks/" not in name:
            where = f"{name.rsplit('/src/', 1)[-1]}:{line} {frame.f_code.co_name}"
    return where


def _libc_trim() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


def _peak_reset(libc: ctypes.CDLL | None = None) -> None:
    # glibc keeps freed memory (and raises its mmap threshold after big frees): trimmed first, the
    # RSS a record starts from is what is live, and its peak is not hidden in an earlier record's
    # free memory.
    if libc is not None:
        libc.malloc_trim(0)
    # Linux: writing 5 resets the peak RSS (VmHWM), so each record's own peak is read. Where that
    # is not allowed, the peak is the process's so far: a record is then blamed for no more than it used.
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as fh:
        fh.write("5")


def _status_kb(key: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key):
                return int(line.split()[1])
    return 0


class Target:
    """The full path for one mutant, with the budgets; one per worker process."""

    def __init__(self, budget: Budget, understand_cache: bool = True) -> None:
        from kabar.extract import extract
        from kabar.model import RawPage
        from kabar.serialize import article_to_dict, article_to_jsonld
        from kabar.sources import files
        from kabar.sources.decode import decode_html
        from kabar.sources.langid import LangOptions, judge_html
        from kabar.understand import enrich

        self.budget = budget
        self.errors = kabar_errors()
        self._files, self._raw_page, self._extract, self._enrich = files, RawPage, extract, enrich
        self._decode_html, self._judge_html, self._lang = decode_html, judge_html, LangOptions()
        self._to_dict, self._to_jsonld = article_to_dict, article_to_jsonld
        self._understood: dict[bytes, object] | None = {} if understand_cache else None
        self.understood_fresh = 0
        self.stage = ""
        self._peaks: list[tuple[str, int]] = []  # (stage, VmHWM in kB when it ended)
        self._libc = _libc_trim()
        self._previous_handler = signal.signal(signal.SIGPROF, _on_timer)

    def warm(self, seeds: list[Seed], mutants: int = 30, anchor: bool = False) -> None:
        """Load the lazy models, tables and imports (dateparser, codecs) first, so the first records
        are not billed for them: a few pages as they are, then mutants of a run no one counts; with
        ``anchor``, trafilatura's too (its date reader loads dateparser's locales on first use)."""
        for seed in seeds[:5]:
            self.run(Mutant(seed=seed.name, name=seed.name, data=seed.data))
            if anchor:
                _anchor(seed.data, ChunkResult())
        for number in range(mutants):
            mutant = mutate(seeds, -1, number)
            self.run(mutant)
            if anchor:
                _anchor(mutant.data, ChunkResult())

    def close(self) -> None:
        """Give SIGPROF back to whoever had it (a test process goes on after the fuzzing)."""
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, self._previous_handler)

    def _enter(self, stage: str) -> None:
        if self.stage:
            self._peaks.append((self.stage, _status_kb("VmHWM:")))
        self.stage = stage

    def _peak_stage(self, base_kb: int) -> str:
        """The stage in which the peak rose the most (the peak only grows within a record)."""
        self._peaks.append((self.stage, _status_kb("VmHWM:")))
        where, last, most = "", base_kb, 0
        for stage, hwm in self._peaks:
            if hwm - last > most:
                where, most = stage, hwm - last
            last = max(last, hwm)
        return where

    def _path(self, mutant: Mutant) -> None:
        label = mutant.name or "-"
        self._enter("read")
        if mutant.number % 4 == 3:  # as a WARC payload: declared charset first, then the language check
            html = self._decode_html(mutant.data, None)
            self._judge_html(html, self._lang)
            page = self._raw_page(content=html, kind="html", source=label, captured_at=CAPTURED_AT)
        else:  # as a file: what sources.files.read_page does once the bytes are read
            text = self._files.decode(mutant.data, label)
            kind = self._files.sniff_kind(mutant.name, text)
            page = self._raw_page(content=text, kind=kind, source=label)
        self._enter("extract")
        article = self._extract(page)
        self._enter("understand")
        cache = self._understood
        key = hashlib.blake2b(pickle.dumps(article), digest_size=16).digest() if cache is not None else b""
        if cache is not None and key in cache:
            article = cache[key]  # type: ignore[assignment]
        else:
            self._enrich(article)
            self.understood_fresh += 1
            if cache is not None:
                if len(cache) > 5000:
                    cache.clear()
                cache[key] = article
        self._enter("serialize")
        # Encoded as the CLI prints it and the archive stores it: a lone surrogate fails here.
        json.dumps(self._to_dict(article), ensure_ascii=False).encode("utf-8")
        json.dumps(self._to_jsonld(article), ensure_ascii=False).encode("utf-8")

    def run(self, mutant: Mutant) -> Outcome:
        _peak_reset(self._libc)
        self.stage, self._peaks = "", []
        base_kb = _status_kb("VmRSS:")
        base = base_kb * 1024
        hard = self.budget.cpu_seconds * 3
        start = time.process_time()
        signal.setitimer(signal.ITIMER_PROF, hard)
        try:
            try:
                self._path(mutant)
                outcome = Outcome("ok")
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
        except _Overrun:
            outcome = Outcome("over_cpu", error="stopped", message=f"stopped at {hard:.0f} s of CPU")
        except MemoryError:
            outcome = Outcome(
                "over_memory", error="MemoryError", message="out of memory (address-space limit)"
            )
        except self.errors as exc:
            outcome = Outcome("rejected", error=type(exc).__name__, message=str(exc)[:200])
        except Exception as exc:
            outcome = Outcome(
                "crash",
                error=type(exc).__name__,
                message=str(exc)[:300],
                where=_innermost_kabar(exc.__traceback__),
                trace="".join(traceback.format_exception(exc, limit=-12))[-4000:],
            )
        outcome.cpu = time.process_time() - start
        outcome.stage = self.stage
        outcome.peak_stage = self._peak_stage(base_kb)
        outcome.memory = max(0, self._peaks[-1][1] * 1024 - base)
        if outcome.status in ("ok", "rejected"):
            if outcome.cpu > self.budget.cpu_seconds:
                outcome.status = "over_cpu"
            elif outcome.memory > self.budget.memory_for(len(mutant.data)):
                outcome.status = "over_memory"
        return outcome


# ---------------------------------------------------------------- the run


@dataclass(slots=True)
class Finding:
    number: int
    seed: str
    ops: list[str]
    size: int
    outcome: Outcome
    saved: str | None = None


@dataclass(slots=True)
class ChunkResult:
    mutants: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    cpu: float = 0.0  # the target's CPU (mutation excluded)
    mutate_cpu: float = 0.0
    understood_fresh: int = 0
    findings: list[Finding] = field(default_factory=list)
    slowest: list[tuple[float, int, str, int]] = field(default_factory=list)  # cpu, number, seed, size
    most_memory: list[tuple[float, int, str, int]] = field(default_factory=list)  # MB per input MB, …
    anchor_mutants: int = 0
    anchor_cpu: float = 0.0
    anchor_errors: Counter[str] = field(default_factory=Counter)


@dataclass(slots=True, frozen=True)
class RunConfig:
    run_seed: int = 1
    budget: Budget = field(default_factory=Budget)
    anchor_every: int = 10
    lean: bool = True
    seeds_max_bytes: int | None = None
    memory_limit: int = 4 * 1024 * MB  # address space per worker: a runaway fails, the machine does not
    save: bool = True
    understand_cache: bool = True
    max_wall: float | None = None  # seconds: start no new chunk after this (a partial run says so)


_STATE: dict[str, object] = {}  # per worker process: its seeds and target (set by _init)


def _seeds(config: RunConfig) -> list[Seed]:
    seeds = load_seeds(SHARED, max_bytes=config.seeds_max_bytes)
    return lean_seeds(seeds) if config.lean else seeds


def _prepare(config: RunConfig) -> None:
    """Seeds loaded and everything warmed, in this process: forked workers start from here."""
    seeds = _seeds(config)
    target = Target(config.budget, config.understand_cache)
    target.warm(seeds, anchor=bool(config.anchor_every))
    _STATE.update(seeds=seeds, target=target, config=config)


def _init(config: RunConfig) -> None:
    if config.memory_limit:
        resource.setrlimit(resource.RLIMIT_AS, (config.memory_limit, config.memory_limit))


def _save(mutant: Mutant, outcome: Outcome, run_seed: int) -> str:
    OUT.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha1(mutant.data).hexdigest()[:12]
    stem = OUT / f"{outcome.status}-{outcome.error}-{digest}"
    stem.with_suffix(".bin").write_bytes(mutant.data)
    meta = {
        "run_seed": run_seed,
        "number": mutant.number,
        "seed": mutant.seed,
        "name": mutant.name,
        "ops": mutant.ops,
        "status": outcome.status,
        "error": outcome.error,
        "message": outcome.message,
        "where": outcome.where,
        "stage": outcome.stage,
        "peak_stage": outcome.peak_stage,
        "cpu": round(outcome.cpu, 3),
        "memory_mb": round(outcome.memory / MB, 1),
        "trace": outcome.trace,
    }
    stem.with_suffix(".json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    return str(stem.with_suffix(".bin"))


def _anchor(data: bytes, result: ChunkResult) -> None:
    import trafilatura

    start = time.process_time()
    try:
        trafilatura.extract(data, with_metadata=True)
    except Exception as exc:  # the anchor's crashes are counted, whatever they are
        result.anchor_errors[type(exc).__name__] += 1
    result.anchor_cpu += time.process_time() - start
    result.anchor_mutants += 1


def run_chunk(bounds: tuple[int, int]) -> ChunkResult:
    seeds: list[Seed] = _STATE["seeds"]  # type: ignore[assignment]
    target: Target = _STATE["target"]  # type: ignore[assignment]
    config: RunConfig = _STATE["config"]  # type: ignore[assignment]
    result = ChunkResult()
    fresh_before = target.understood_fresh
    for number in range(*bounds):
        start = time.process_time()
        mutant = mutate(seeds, config.run_seed, number)
        result.mutate_cpu += time.process_time() - start
        outcome = target.run(mutant)
        result.mutants += 1
        result.statuses[outcome.status] += 1
        result.cpu += outcome.cpu
        size = len(mutant.data)
        result.slowest.append((outcome.cpu, number, mutant.seed, size))
        result.most_memory.append((outcome.memory / max(size, 1), number, mutant.seed, size))
        if outcome.status not in ("ok", "rejected"):
            finding = Finding(number, mutant.seed, mutant.ops, size, outcome)
            if config.save:
                finding.saved = _save(mutant, outcome, config.run_seed)
            result.findings.append(finding)
        if config.anchor_every and number % config.anchor_every == 0:
            _anchor(mutant.data, result)
    result.understood_fresh = target.understood_fresh - fresh_before
    result.slowest = sorted(result.slowest, reverse=True)[:5]
    result.most_memory = sorted(result.most_memory, reverse=True)[:5]
    return result


def _chunks(count: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, count, size):
        yield start, min(count, start + size)


def _merge(total: ChunkResult, part: ChunkResult) -> None:
    total.mutants += part.mutants
    total.statuses.update(part.statuses)
    total.cpu += part.cpu
    total.mutate_cpu += part.mutate_cpu
    total.understood_fresh += part.understood_fresh
    total.findings += part.findings
    total.slowest = sorted(total.slowest + part.slowest, reverse=True)[:5]
    total.most_memory = sorted(total.most_memory + part.most_memory, reverse=True)[:5]
    total.anchor_mutants += part.anchor_mutants
    total.anchor_cpu += part.anchor_cpu
    total.anchor_errors.update(part.anchor_errors)


def run(
    count: int, config: RunConfig, workers: int = 2, chunk: int = 100, progress: bool = False
) -> ChunkResult:
    """Fuzz ``count`` mutants; with ``workers`` ≤ 1 everything runs in this process."""
    total = ChunkResult()
    _prepare(config)
    started = time.monotonic()
    if workers <= 1:
        _init(config)
        for bounds in _chunks(count, chunk):
            _merge(total, run_chunk(bounds))
        return total
    ctx = multiprocessing.get_context("fork")  # the workers inherit the warm state _prepare made
    with ctx.Pool(workers, initializer=_init, initargs=(config,), maxtasksperchild=50) as pool:
        for part in pool.imap_unordered(run_chunk, _chunks(count, chunk)):
            _merge(total, part)
            if config.max_wall and time.monotonic() - started > config.max_wall:
                print(f"  stopping: --max-minutes reached after {total.mutants} mutants", flush=True)
                pool.terminate()
                break
            if progress and total.mutants % (chunk * 20) < chunk:
                rate = total.mutants / max(time.monotonic() - started, 1e-9)
                print(f"  {total.mutants} mutants, {rate:.1f}/s wall, {dict(total.statuses)}", flush=True)
    return total


# ---------------------------------------------------------------- minimal reproducers


@dataclass(slots=True)
class FixedRun:
    """The outcomes of a fixed, repeatable run (the tests' thousand mutants)."""

    statuses: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)


def fixed_run(shared: Path, run_seed: int, count: int, max_seed_bytes: int) -> FixedRun:
    """``count`` mutants of the seeds up to ``max_seed_bytes``, one after another in this process.

    Memory is measured as a rise of this process's peak: run it in a fresh process (the tests
    spawn one), as the benchmark's workers are, or earlier work's heap shifts the figures.
    """
    seeds = [s for s in lean_seeds(load_seeds(shared)) if len(s.data) <= max_seed_bytes]
    target = Target(Budget())
    out = FixedRun()
    try:
        target.warm(seeds)
        for number in range(count):
            mutant = mutate(seeds, run_seed, number)
            outcome = target.run(mutant)
            out.statuses[outcome.status] = out.statuses.get(outcome.status, 0) + 1
            line = (
                f"#{number} {mutant.seed} {'+'.join(mutant.ops)}: {outcome.status} in {outcome.stage} "
                f"{outcome.crash_key} {outcome.message or ''} ({outcome.cpu:.1f} s, "
                f"+{outcome.memory >> 20} MB for {len(mutant.data) >> 10} kB)"
            )
            if outcome.status == "crash":
                out.crashes.append(line)
            elif outcome.status in ("over_cpu", "over_memory"):
                out.over_budget.append(line)
    finally:
        target.close()
    return out


def minimise(data: bytes, name: str, number: int, key: str, target: Target, tries: int = 300) -> bytes:
    """Delta debugging: drop ever smaller chunks while the same crash (class and place) recurs."""

    def same(candidate: bytes) -> bool:
        outcome = target.run(Mutant(seed="", name=name, data=candidate, number=number))
        return outcome.status == "crash" and outcome.crash_key == key

    parts = 2
    while len(data) > 1 and tries > 0:
        size = max(1, len(data) // parts)
        for start in range(0, len(data), size):
            if tries <= 0:
                break
            tries -= 1
            candidate = data[:start] + data[start + size :]
            if candidate and same(candidate):
                data = candidate
                parts = max(parts - 1, 2)
                break
        else:
            if size == 1:
                break
            parts = min(parts * 2, len(data))
    return data


def _minimise_classes(findings: list[Finding], budget: Budget) -> dict[str, str]:
    smallest: dict[str, Finding] = {}
    for f in findings:
        if f.outcome.status == "crash" and f.saved:
            key = f.outcome.crash_key
            if key not in smallest or f.size < smallest[key].size:
                smallest[key] = f
    target = Target(budget, understand_cache=False)
    target.warm(lean_seeds(load_seeds(SHARED)))
    out = {}
    for key, f in smallest.items():
        data = Path(f.saved or "").read_bytes()
        meta = json.loads(Path(f.saved or "").with_suffix(".json").read_text())
        small = minimise(data, meta["name"], f.number, key, target)
        path = Path(f.saved or "").with_suffix(".min.bin")
        path.write_bytes(small)
        out[key] = f"{path} ({len(small)} bytes)"
    return out


def replay(folder: Path, budget: Budget) -> Counter[str]:
    """Re-run every saved mutant (after a fix): how each one fares now."""
    target = Target(budget, understand_cache=False)
    target.warm(lean_seeds(load_seeds(SHARED)))  # the first record is not billed for lazy loading
    now: Counter[str] = Counter()
    for meta_path in sorted(folder.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        for suffix in (".bin", ".min.bin"):
            path = meta_path.with_suffix(suffix)
            if not path.exists():
                continue
            outcome = target.run(
                Mutant(seed=meta["seed"], name=meta["name"], data=path.read_bytes(), number=meta["number"])
            )
            label = f"{meta['status']} {meta['error']} → {outcome.status}"
            if outcome.status not in ("ok", "rejected"):
                label += f" {outcome.crash_key}"
            now[label] += 1
    return now


# ---------------------------------------------------------------- report


def _report(total: ChunkResult, wall: float, workers: int, minimal: dict[str, str]) -> None:
    print(f"mutants: {total.mutants} ({workers} workers, {wall:.0f} s wall)")
    print(
        f"kabar read→extract→understand: {total.mutants / max(total.cpu, 1e-9):.1f} mutants/s of CPU "
        f"({total.cpu:.0f} s CPU; mutating: {total.mutate_cpu:.0f} s more; "
        f"understood afresh: {total.understood_fresh}, the rest identical to an article already understood)"
    )
    print(f"outcomes: {dict(sorted(total.statuses.items()))}")
    crashes = Counter(f.outcome.crash_key for f in total.findings if f.outcome.status == "crash")
    print(f"crashes: {sum(crashes.values())} in {len(crashes)} classes")
    for key, n in crashes.most_common():
        print(f"  {n:6d}  {key}")
        if key in minimal:
            print(f"          minimal reproducer: {minimal[key]}")
    over = [f for f in total.findings if f.outcome.status in ("over_cpu", "over_memory")]
    print(f"records over budget: {len(over)}")
    for f in sorted(over, key=lambda f: -f.outcome.cpu)[:15]:
        print(
            f"  {f.outcome.status} in {f.outcome.stage} (memory peak in {f.outcome.peak_stage or '?'}): "
            f"{f.outcome.cpu:.1f} s CPU, +{f.outcome.memory / MB:.0f} MB, "
            f"{f.size / MB:.2f} MB input, {f.seed} {'+'.join(f.ops)} → {f.saved}"
        )
    print("slowest records:")
    for cpu, number, seed, size in total.slowest:
        print(f"  {cpu:.2f} s CPU  #{number} {seed} ({size / MB:.2f} MB)")
    print("largest memory per input byte:")
    for ratio, number, seed, size in total.most_memory:
        print(f"  {ratio:.0f}×  #{number} {seed} ({size / MB:.2f} MB)")
    rate = total.anchor_mutants / max(total.anchor_cpu, 1e-9)
    print(
        f"anchor trafilatura.extract on every {total.anchor_mutants and total.mutants // total.anchor_mutants}th "
        f"mutant: {total.anchor_mutants} mutants, {rate:.1f} mutants/s of CPU, "
        f"exceptions: {sum(total.anchor_errors.values())} {dict(total.anchor_errors)}"
    )
    anchor = "trafilatura.extract on the same mutants"
    note = f"{total.mutants} mutants"
    result(
        "fuzz: mutants per CPU second (read→extract→understand→serialise)",
        round(total.mutants / max(total.cpu, 1e-9), 2),
        "mutants/s CPU",
        anchor=anchor,
        anchor_value=round(rate, 2),
        better="higher",
        note=note,
    )
    result(
        "fuzz: crashes",
        sum(crashes.values()),
        "records",
        anchor=f"{anchor}: exceptions",
        anchor_value=sum(total.anchor_errors.values()),
        better="lower",
        note=note,
    )
    result("fuzz: records over budget", len(over), "records", better="lower", note=note)
    if total.slowest:
        result("fuzz: slowest record", round(total.slowest[0][0], 2), "s CPU", better="lower", note=note)
    if total.most_memory:
        result(
            "fuzz: largest memory per MB of input", round(total.most_memory[0][0]), "MB/MB", better="lower"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--count", type=int, help="mutants (default 100,000)")
    parser.add_argument(
        "--quick", action="store_true", help=f"{QUICK_COUNT} mutants (unless --count is given)"
    )
    parser.add_argument("--seed", type=int, default=1, help="run seed: the same seed gives the same mutants")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=100)
    parser.add_argument("--cpu-budget", type=float, default=10.0)
    parser.add_argument("--anchor-every", type=int, default=10)
    parser.add_argument("--full-seeds", action="store_true", help="keep inline script/style bodies")
    parser.add_argument("--no-understand-cache", action="store_true")
    parser.add_argument("--no-minimise", action="store_true")
    parser.add_argument("--max-minutes", type=float, help="stop (and report) after this long")
    parser.add_argument("--replay", type=Path, help="re-run the mutants saved in this folder")
    args = parser.parse_args()
    if args.count is None:
        args.count = QUICK_COUNT if args.quick else 100_000
    budget = Budget(cpu_seconds=args.cpu_budget)
    if args.replay:
        for label, n in sorted(replay(args.replay, budget).items()):
            print(f"{n:6d}  {label}")
        return
    config = RunConfig(
        run_seed=args.seed,
        budget=budget,
        anchor_every=args.anchor_every,
        lean=not args.full_seeds,
        understand_cache=not args.no_understand_cache,
        max_wall=args.max_minutes * 60 if args.max_minutes else None,
    )
    started = time.monotonic()
    cpu0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = run(args.count, config, workers=args.workers, chunk=args.chunk, progress=True)
    wall = time.monotonic() - started
    cpu1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    minimal = {} if args.no_minimise else _minimise_classes(total.findings, budget)
    _report(total, wall, args.workers, minimal)
    print(
        f"worker processes' CPU in all: {cpu1.ru_utime + cpu1.ru_stime - cpu0.ru_utime - cpu0.ru_stime:.0f} s"
    )


if __name__ == "__main__":
    main()
