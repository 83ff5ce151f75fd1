"""The per-record guard on its own: each kind of misbehaviour ends its record only."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from guard_support import echo, pid
from kabar.guard import Guard, GuardOptions, Reject, one_line


@pytest.fixture
def guard() -> Iterator[Guard]:
    g = Guard(GuardOptions(max_cpu_seconds=0.5, max_memory_mb=256))
    yield g
    g.close()


def test_a_good_record_runs_in_a_worker_that_stays(guard: Guard) -> None:
    first = guard.run(pid, None, source="a")
    second = guard.run(pid, None, source="b")
    assert first.value == second.value and first.value != os.getpid()
    assert guard.run(echo, "kabar", source="c").value == "KABAR"


def test_an_exception_rejects_its_record_and_keeps_the_worker(guard: Guard) -> None:
    before = guard.run(pid, None, source="a").value
    verdict = guard.run(echo, "boom", source="halaman-1")
    assert verdict.value is None
    assert verdict.reject == Reject("halaman-1", "echo", "ValueError", "injected failure for boom")
    assert guard.run(pid, None, source="b").value == before and guard.restarts == 0
    assert guard.run(echo, "lagi", source="c").value == "LAGI"


@pytest.mark.parametrize("label", ["spin", "stuck"])
def test_cpu_past_the_budget_ends_the_record_only(guard: Guard, label: str) -> None:
    """``spin`` is stopped by the CPU timer; ``stuck`` sits in one C call, so the kernel's
    RLIMIT_CPU kills the worker and the guard starts another."""
    verdict = guard.run(echo, label, source=f"{label}.html")
    assert verdict.reject is not None
    assert (verdict.reject.source, verdict.reject.stage) == (f"{label}.html", "echo")
    assert verdict.reject.error == "CpuBudgetExceeded" and "0.5 s" in verdict.reject.message
    assert ("kernel" in verdict.reject.message) == (label == "stuck")
    assert guard.restarts == 1  # a budget breach may leave half-built caches: a fresh worker
    assert guard.run(echo, "baik", source="next").value == "BAIK"


def test_memory_past_the_budget_ends_the_record_only(guard: Guard) -> None:
    verdict = guard.run(echo, "swell", source="besar.html")
    assert verdict.reject is not None and verdict.reject.stage == "echo"
    # Python's allocator fails cleanly; an allocation failing in C code may end the worker instead
    assert verdict.reject.error in ("MemoryError", "WorkerDied")
    if verdict.reject.error == "MemoryError":
        assert verdict.reject.message == "over the memory budget of 256 MB"
    assert guard.run(echo, "baik", source="next").value == "BAIK"


def test_a_wall_clock_deadline_ends_a_worker_that_stops_answering() -> None:
    with Guard(GuardOptions(max_cpu_seconds=5, wall_seconds=0.5)) as guard:
        verdict = guard.run(_sleep, 30.0, source="tidur")
        assert verdict.reject is not None and verdict.reject.error == "WallTimeExceeded"
        assert guard.restarts == 1 and guard.run(echo, "baik", source="next").value == "BAIK"


def _sleep(seconds: float, mark: object) -> None:
    import time

    time.sleep(seconds)


def test_in_process_mode_catches_exceptions_and_python_level_cpu() -> None:
    with Guard(GuardOptions(max_cpu_seconds=0.3, isolate=False)) as guard:
        assert guard.run(pid, None, source="x").value == os.getpid()
        failed = guard.run(echo, "boom", source="x")
        assert failed.reject is not None and failed.reject.error == "ValueError"
        spun = guard.run(echo, "spin", source="y")
        assert spun.reject is not None and spun.reject.error == "CpuBudgetExceeded"
        assert guard.run(echo, "baik", source="z").value == "BAIK"


def test_a_reject_is_one_line_and_short() -> None:
    text = "SELECT *\nFROM articles WHERE\t" + "x" * 1000
    flat = one_line(text)
    assert "\n" not in flat and len(flat) <= 300 and flat.endswith("…")
    line = Reject("a.html", "extract", "ValueError", flat).line()
    assert line.startswith("a.html: extract: ValueError: SELECT * FROM articles WHERE")


def test_a_killed_parent_leaves_no_orphan_worker(tmp_path: Path) -> None:
    """kill -9 of a batch (a user's, or a test's) must not leave the forked worker waiting for ever."""
    script = tmp_path / "parent.py"
    script.write_text(
        "import os, signal, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from guard_support import pid\n"
        "from kabar.guard import Guard, GuardOptions\n"
        "g = Guard(GuardOptions(max_cpu_seconds=5))\n"
        "print(g.run(pid, None, source='a').value, flush=True)\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == -signal.SIGKILL, done.stderr
    worker = int(done.stdout.split()[0])
    deadline = time.monotonic() + 30  # a bound on waiting, not a timing claim: the worker exits at EOF
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), f"worker {worker} outlived its killed parent"


def _alive(pid_: int) -> bool:
    try:
        state = Path(f"/proc/{pid_}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"  # a zombie has exited; only its parent's reaping is left
