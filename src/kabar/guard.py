"""The per-record guard: whatever one record does (raise, spin, swell) ends that record only.

Every batch path (``kabar extract``, ``kabar ingest``, the engine, ``POST /api/ingest``)
runs a record's CPU-bound work through :class:`Guard`. The outcome is a
:class:`Verdict`: the work's value, or a :class:`Reject` (source, stage, error class,
one-line message) that the caller reports and counts before going on.

Budgets, per record:

- **exceptions**: any ``Exception`` (``MemoryError`` and ``RecursionError`` included) is a reject;
- **CPU**: ``max_cpu_seconds`` of CPU time (not wall time, so a loaded machine does not
  reject good pages). A ``SIGPROF`` interval timer raises :class:`CpuBudgetExceeded` in
  Python code; a long C-level call (lxml, a hash, a C extension's loop) never returns to
  the interpreter, so no Python signal handler runs: ``RLIMIT_CPU`` (whole seconds) makes
  the kernel kill the worker at most about a second later, and the parent reports the
  record and starts a new worker;
- **memory**: ``RLIMIT_AS`` allows the worker ``max_memory_mb`` of address space beyond what
  it held when the record began; past it allocation fails (``MemoryError``) or, in C code,
  the worker dies; either way only the record is lost;
- **wall clock**: a parent-side deadline (``wall_seconds``) kills a worker that stops
  answering without burning CPU (a deadlock, a blocking read): a last resort.

Isolation (``isolate=True``, what every CLI batch path uses) runs the work in one
long-lived worker process forked from the caller, so it shares the caller's imported
modules and costs a pipe round trip per record; only the caller touches the archive.
``isolate=False`` runs the work in the calling process: exceptions and (on the main
thread only) the Python-level CPU timer, no memory budget. It exists for tests and
one-off library calls, not for batches.

The work is a module-level function ``work(payload, mark)``: picklable by reference, so
the worker resolves it by name. It calls ``mark.enter("stage")`` as it goes, so a reject
names the stage it died in even when the worker was killed.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from types import FrameType
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # the reader brings fastwarc, which only WARC input needs
    from kabar.sources.warc import WarcDrop

P = TypeVar("P")
R = TypeVar("R")

MB = 1024 * 1024
_STAGE_BYTES = 40

# The budgets every setting accepts (CLI options, the engine's TOML, the server's options):
# below them not even a small page gets through; above them a record may hold a batch for an hour.
CPU_SECONDS_MIN = 0.01
CPU_SECONDS_MAX = 3600.0
MEMORY_MB_MIN = 64  # the worker's own interpreter and models are outside the budget; a page needs tens of MB
MEMORY_MB_MAX = 1024 * 1024
_MESSAGE_CHARS = 300

WorkerContext = ForkContext | ForkServerContext | SpawnContext  # how a worker process is started


class CpuBudgetExceeded(BaseException):
    """The record used more CPU time than its budget.

    A BaseException, like KeyboardInterrupt, so the ``except Exception`` fallbacks inside
    extraction do not swallow it and carry on.
    """


@dataclass(slots=True, frozen=True)
class GuardOptions:
    max_cpu_seconds: float = 10.0  # CPU time per record (extraction and understanding together)
    max_memory_mb: int = 1024  # address space a record may add to the worker's
    isolate: bool = True  # False: in-process (no memory budget, CPU timer on the main thread only)
    wall_seconds: float | None = None  # None: max(60 s, 6 × the CPU budget)

    def __post_init__(self) -> None:
        if not CPU_SECONDS_MIN <= self.max_cpu_seconds <= CPU_SECONDS_MAX:
            raise ValueError(
                f"the CPU budget per record must be {CPU_SECONDS_MIN:g} to {CPU_SECONDS_MAX:g} seconds, "
                f"not {self.max_cpu_seconds:g}"
            )
        if not MEMORY_MB_MIN <= self.max_memory_mb <= MEMORY_MB_MAX:
            raise ValueError(
                f"the memory budget per record must be {MEMORY_MB_MIN} to {MEMORY_MB_MAX} MB, "
                f"not {self.max_memory_mb}"
            )

    def deadline(self, cpu_budget: float) -> float:
        if self.wall_seconds is not None:
            return self.wall_seconds
        return max(60.0, 6.0 * cpu_budget)


@dataclass(slots=True, frozen=True)
class Reject:
    """One record that did not make it, in the user's terms: no traceback, no article text."""

    source: str
    stage: str
    error: str  # the exception's class name
    message: str  # one line, cut short
    offset: int | None = None  # where the record starts in its file (a WARC record), when known

    def line(self) -> str:
        return f"{self.source}: {self.stage}: {self.error}: {self.message}"

    def to_dict(self) -> dict[str, str | int]:
        out: dict[str, str | int] = {
            "source": self.source,
            "stage": self.stage,
            "error": self.error,
            "message": self.message,
        }
        if self.offset is not None:  # only a WARC record has one; other lines keep their four fields
            out["offset"] = self.offset
        return out


@dataclass(slots=True)
class Verdict(Generic[R]):
    """What one guarded run gave: the value, or why the record was rejected."""

    value: R | None = None
    reject: Reject | None = None
    cpu_seconds: float = 0.0


def one_line(text: str, limit: int = _MESSAGE_CHARS) -> str:
    """A message as one line, cut short: exceptions may carry SQL, page text or newlines."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def message_of(source: str, exc: BaseException) -> str:
    """The exception's message as one line, without the source it often starts with."""
    text = one_line(str(exc))
    if source and text.startswith(f"{source}: "):
        text = text[len(source) + 2 :]
    return text or "-"


def reject_of(source: str, stage: str, exc: BaseException) -> Reject:
    return Reject(source=source, stage=stage, error=type(exc).__name__, message=message_of(source, exc))


def reject_of_drop(drop: WarcDrop) -> Reject:
    """A record the WARC reader dropped for a failure, as a ``--rejects`` line (``kabar ingest`` and
    ``kabar backfill`` alike); the error is the reason in class-name form (``NotIndonesian``)."""
    error = drop.reason.title().replace("_", "")
    return Reject(drop.source, drop.stage, error, one_line(drop.message), offset=drop.offset)


class StageMark:
    """Where the work is; shared with the parent so a killed worker's record still names its stage."""

    def __init__(self, shared: Any | None = None) -> None:
        self._shared = shared
        self._stage = "start"

    def enter(self, stage: str) -> None:
        self._stage = stage
        if self._shared is not None:
            self._shared.value = stage.encode("ascii", "replace")[: _STAGE_BYTES - 1]

    @property
    def stage(self) -> str:
        if self._shared is not None:
            return bytes(self._shared.value).decode("ascii", "replace") or self._stage
        return self._stage


Work = Callable[[P, StageMark], R]


# -- inside the worker ---------------------------------------------------------------------
@dataclass(slots=True)
class _Job:
    work: Callable[[Any, StageMark], Any]
    payload: Any
    cpu_left: float  # what the record has left of its budget (an earlier step may have used some)
    cpu_total: float  # the record's whole budget, for the message
    source: str


@dataclass(slots=True)
class _Done:
    value: Any
    cpu_seconds: float


@dataclass(slots=True)
class _Failed:
    stage: str
    error: str
    message: str
    cpu_seconds: float


class _CpuTimer:
    """SIGPROF after ``budget`` seconds of this process's CPU time → CpuBudgetExceeded.

    ``armed`` guards the gap between the work returning and the timer being disarmed:
    a signal landing there must not fail a record that already finished.
    """

    def __init__(self) -> None:
        self.armed = False
        self.total = 0.0

    def handler(self, signum: int, frame: FrameType | None) -> None:
        if self.armed:
            self.armed = False
            raise CpuBudgetExceeded(f"over the CPU budget of {self.total:g} s")

    def arm(self, left: float, total: float) -> None:
        self.total = total
        self.armed = True
        signal.setitimer(signal.ITIMER_PROF, max(left, 0.001))

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_PROF, 0)


def _cpu_used() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _address_space() -> int:
    with open("/proc/self/statm", "rb") as fh:
        return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def _limit(kind: int, soft: int) -> None:
    _, hard = resource.getrlimit(kind)
    if hard != resource.RLIM_INFINITY and (soft == resource.RLIM_INFINITY or soft > hard):
        soft = hard
    resource.setrlimit(kind, (soft, hard))


# The worker's youngest GC generation is collected after this many new objects, not 700: a
# record makes hundreds of thousands, nearly all gone when it ends, and each collection walks the
# young ones still alive (half a CPU-second in 800 backfill records at 700, a third at 50,000).
_YOUNG_COLLECTION = 50_000


def _settle_gc() -> None:
    """Take what the worker inherited and loaded (modules, patterns, models: never garbage) out of
    the cyclic GC, whose full collections walked it all and, in a forked process, copied every
    page they touched; and collect the young generation less often."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(_YOUNG_COLLECTION, older, oldest)


def _worker_main(
    conn: Connection,
    parent_end: Connection,
    stage: Any,
    max_memory_bytes: int,
    warm: Callable[[], object] | None,
) -> None:
    # fork copied the parent's end of the pipe into this process too: while it stays open
    # here, recv() never sees EOF, and a worker whose parent was killed (kill -9) would
    # wait for ever as an orphan. Closed, the parent's death ends the worker.
    parent_end.close()
    # Ctrl-C reaches the whole process group: the parent decides, the worker just ends with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _limit(resource.RLIMIT_CORE, 0)  # SIGXCPU's default action dumps core
    if warm is not None:
        # Models and caches load once per worker, charged to no record. If loading fails,
        # each record's own step fails with the real error and is rejected as usual.
        with contextlib.suppress(Exception):
            warm()
    _settle_gc()
    timer = _CpuTimer()
    signal.signal(signal.SIGPROF, timer.handler)
    mark = StageMark(stage)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        mark.enter("start")
        start = _cpu_used()
        reply: _Done | _Failed
        try:
            # The kernel's backstop for C-level calls the timer cannot interrupt: whole seconds.
            _limit(resource.RLIMIT_CPU, math.ceil(start + job.cpu_left + 0.25))
            _limit(resource.RLIMIT_AS, _address_space() + max_memory_bytes)
            timer.arm(job.cpu_left, job.cpu_total)
            try:
                value = job.work(job.payload, mark)
            finally:
                timer.disarm()
                _limit(resource.RLIMIT_AS, resource.RLIM_INFINITY)
            reply = _Done(value, _cpu_used() - start)
        except (Exception, CpuBudgetExceeded) as exc:  # MemoryError, RecursionError included
            timer.disarm()
            _limit(resource.RLIMIT_AS, resource.RLIM_INFINITY)
            message = message_of(job.source, exc)
            if isinstance(exc, MemoryError) and message == "-":
                message = f"over the memory budget of {max_memory_bytes // MB} MB"
            reply = _Failed(mark.stage, type(exc).__name__, message, _cpu_used() - start)
        try:
            conn.send(reply)
        except Exception as exc:  # an unpicklable value: the record fails, the worker lives on
            conn.send(_Failed("result", type(exc).__name__, one_line(str(exc)), _cpu_used() - start))


# -- in the caller -----------------------------------------------------------------------------
@dataclass(slots=True)
class _Worker:
    process: BaseProcess
    conn: Connection
    stage: Any


def _signal_name(code: int | None) -> str:
    if code is None or code >= 0:
        return f"exit status {code}"
    try:
        return signal.Signals(-code).name
    except ValueError:
        return f"signal {-code}"


class Guard:
    """Runs one record's work at a time under the budgets (thread-safe: callers take turns)."""

    def __init__(
        self, options: GuardOptions | None = None, *, warm: Callable[[], object] | None = None
    ) -> None:
        """``warm``: a module-level function each new worker runs once before its first record
        (loading models), so no record's budget pays for it."""
        self.options = options or GuardOptions()
        self.warm = warm
        self._lock = threading.Lock()
        self._worker: _Worker | None = None
        self.restarts = 0  # workers started after one was killed or died

    def __enter__(self) -> Guard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, work: Work[P, R], payload: P, *, source: str, spent: float = 0.0) -> Verdict[R]:
        """``work(payload, mark)`` for one record; ``spent``: CPU its earlier steps already used."""
        total = self.options.max_cpu_seconds
        if total - spent <= 0:
            return Verdict(
                reject=Reject(source, "start", "CpuBudgetExceeded", f"over the CPU budget of {total:g} s")
            )
        if not self.options.isolate:
            return self._run_here(work, payload, source, total - spent)
        with self._lock:
            return self._run_isolated(work, payload, source, total - spent)

    def close(self) -> None:
        with self._lock:
            worker, self._worker = self._worker, None
        if worker is None:
            return
        with contextlib.suppress(OSError, ValueError):  # already gone
            worker.conn.send(None)
        worker.process.join(timeout=2)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join()
        worker.conn.close()

    # -- in a worker process ------------------------------------------------------------------
    def _context(self) -> WorkerContext:
        # fork: the worker shares the caller's imported modules (and loaded models) at no cost;
        # it touches no archive connection and leaves through os._exit, so none is disturbed.
        # A threaded caller must not fork (kabar.guard_start.StartedGuard says why and how).
        return multiprocessing.get_context("fork")

    def _start(self) -> _Worker:
        ctx = self._context()
        here, there = ctx.Pipe()
        stage = ctx.Array("c", _STAGE_BYTES, lock=False)
        process = ctx.Process(
            target=_worker_main,
            args=(there, here, stage, self.options.max_memory_mb * MB, self.warm),
            name="kabar-guard",
            daemon=True,
        )
        process.start()
        there.close()
        return _Worker(process, here, stage)

    def _discard(self, worker: _Worker) -> None:
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join()
        worker.conn.close()
        self._worker = None
        self.restarts += 1

    def _run_isolated(self, work: Work[P, R], payload: P, source: str, budget: float) -> Verdict[R]:
        worker = self._worker if self._worker is not None and self._worker.process.is_alive() else None
        if worker is None:
            worker = self._worker = self._start()
        try:
            worker.conn.send(_Job(work, payload, budget, self.options.max_cpu_seconds, source))
        except (OSError, ValueError) as exc:  # the worker went away between records
            self._discard(worker)
            return Verdict(reject=reject_of(source, "start", exc))
        deadline = self.options.deadline(self.options.max_cpu_seconds)
        if not worker.conn.poll(deadline):
            stage = StageMark(worker.stage).stage
            self._discard(worker)
            return Verdict(
                reject=Reject(
                    source, stage, "WallTimeExceeded", f"no answer within {deadline:g} s of wall time"
                )
            )
        try:
            reply = worker.conn.recv()
        except (EOFError, OSError):
            return self._died(worker, source)
        if isinstance(reply, _Done):
            return Verdict(value=reply.value, cpu_seconds=reply.cpu_seconds)
        assert isinstance(reply, _Failed)
        if reply.error in ("MemoryError", "CpuBudgetExceeded"):
            # Budgets hit mid-way can leave half-built caches behind: start clean.
            self._discard(worker)
        failed = Reject(source, reply.stage, reply.error, reply.message)
        return Verdict(reject=failed, cpu_seconds=reply.cpu_seconds)

    def _died(self, worker: _Worker, source: str) -> Verdict[R]:
        budget = self.options.max_cpu_seconds
        stage = StageMark(worker.stage).stage
        worker.process.join(timeout=5)
        code = worker.process.exitcode
        self._discard(worker)
        if code == -signal.SIGXCPU:
            return Verdict(
                reject=Reject(
                    source,
                    stage,
                    "CpuBudgetExceeded",
                    f"over the CPU budget of {budget:g} s (stopped by the kernel inside a C call)",
                ),
                cpu_seconds=budget,
            )
        return Verdict(reject=Reject(source, stage, "WorkerDied", f"the worker ended ({_signal_name(code)})"))

    # -- in this process --------------------------------------------------------------------------
    def _run_here(self, work: Work[P, R], payload: P, source: str, budget: float) -> Verdict[R]:
        mark = StageMark()
        timer = _CpuTimer() if threading.current_thread() is threading.main_thread() else None
        previous = signal.signal(signal.SIGPROF, timer.handler) if timer is not None else None
        start = time.process_time()
        try:
            if timer is not None:
                timer.arm(budget, self.options.max_cpu_seconds)
            try:
                value = work(payload, mark)
            finally:
                if timer is not None:
                    timer.disarm()
        except (Exception, CpuBudgetExceeded) as exc:
            return Verdict(reject=reject_of(source, mark.stage, exc), cpu_seconds=time.process_time() - start)
        finally:
            if timer is not None:
                signal.signal(signal.SIGPROF, previous if previous is not None else signal.SIG_DFL)
        return Verdict(value=value, cpu_seconds=time.process_time() - start)


__all__ = [
    "CPU_SECONDS_MAX",
    "CPU_SECONDS_MIN",
    "MEMORY_MB_MAX",
    "MEMORY_MB_MIN",
    "CpuBudgetExceeded",
    "Guard",
    "GuardOptions",
    "Reject",
    "StageMark",
    "Verdict",
    "message_of",
    "one_line",
    "reject_of",
    "reject_of_drop",
]
