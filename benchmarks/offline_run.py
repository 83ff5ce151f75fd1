"""`make run` in a fresh copy of the repository, cut off from the network, and what it serves.

Shared by the first-run test (tests/test_first_run.py) and benchmark (benchmarks/first_run.py).

- The copy holds what a commit of the working tree would: ``git ls-files`` (tracked and new,
  not ignored), so no archive, venv or cache of the working tree comes along.
- Offline: as root with ``unshare`` and ``ip``, `make run` runs in a network namespace of
  its own with only a loopback interface; the caller reaches the portal from a thread that
  joins that namespace (``setns`` acts on the calling thread only), and so do the processes
  that thread starts (Chromium). Without a namespace, kabar is handed a configuration whose
  only source is a closed loopback port (refused as a private address, so nothing is fetched),
  and the proxies are taken out of the environment.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

CLONE_NEWNET = 0x40000000
_SKIPPED = {".venv", ".git", "__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "screenshots"}

# kabar's [engine] defaults with one source that cannot be fetched: a closed port on loopback,
# refused before any connection (allow_private is off).
OFFLINE_CONFIG = """[engine]
db = "kabar.db"

[[source]]
name = "Lokal"
kind = "feed"
url = "http://127.0.0.1:9/rss.xml"
"""


def fresh_copy(repo: Path, dest: Path) -> Path:
    """The repository's files as a fresh clone of the working tree would have them, at ``dest``."""
    try:
        listed = subprocess.run(
            ["git", "-C", str(repo), "ls-files", "-co", "--exclude-standard", "-z"],
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        names = [n for n in listed.split("\0") if n]
    except (OSError, subprocess.CalledProcessError):  # not a checkout: everything but the caches
        names = [
            str(p.relative_to(repo))
            for p in repo.rglob("*")
            if p.is_file() and not _SKIPPED.intersection(p.relative_to(repo).parts)
        ]
    for name in names:
        source = repo / name
        if not source.is_file():  # deleted in the working tree, not yet from the index
            continue
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return dest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def namespace_available() -> bool:
    """A network namespace can be made here (root, unshare, ip) and joined from a thread."""
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    try:
        probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return probe.returncode == 0


def offline_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment without proxies: nothing may route a request out through one."""
    env = dict(os.environ if base is None else base)
    for key in list(env):
        if key.lower() in {"http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "no_proxy"}:
            del env[key]
    return env


def _join_namespace(pid: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open(f"/proc/{pid}/ns/net", os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns into the run's network namespace failed")
    finally:
        os.close(fd)


@dataclass(slots=True)
class TimedLine:
    seconds: float  # since the command started
    text: str


@dataclass
class MakeRun:
    """A running `make run`: its output (each line with the time it came) and a way to reach it."""

    proc: subprocess.Popen[bytes]
    base: str
    started: float  # time.monotonic() when the command was started
    namespace: bool
    lines: list[TimedLine] = field(default_factory=list)
    _reader: threading.Thread | None = None

    def output(self) -> str:
        return "\n".join(line.text for line in list(self.lines))

    def call(self, work: Callable[[], T]) -> T:
        """``work()`` where the portal can be reached: in a thread inside the run's namespace."""
        if not self.namespace:
            return work()
        box: dict[str, object] = {}

        def inside() -> None:
            try:
                _join_namespace(self.proc.pid)
                box["value"] = work()
            except BaseException as exc:  # handed to the caller's thread
                box["error"] = exc

        thread = threading.Thread(target=inside, name="in-run-namespace")
        thread.start()
        thread.join()
        if "error" in box:
            raise box["error"]  # type: ignore[misc]
        return box["value"]  # type: ignore[return-value]

    def stop(self, timeout: float = 30.0) -> int:
        """Ctrl-C, as a person stops it (the whole group: make and kabar), then wait."""
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGINT)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)
        if self._reader is not None:
            self._reader.join(10)
        return int(self.proc.returncode)


def start_make_run(
    workdir: Path,
    make_args: Sequence[str],
    *,
    port: int,
    env: dict[str, str],
    namespace: bool,
) -> MakeRun:
    """Start ``make run PORT=port make_args…`` in ``workdir``, offline (see the module's note)."""
    args = ["make", "--no-print-directory", "run", f"PORT={port}", "HOST=127.0.0.1", *make_args]
    if namespace:
        # exec: the namespace's first process is make itself, so its pid names the namespace
        script = 'ip link set lo up && exec "$@"'
        cmd = ["unshare", "-n", "sh", "-c", script, "sh", *args]
    else:
        config = workdir / "offline.toml"
        config.write_text(OFFLINE_CONFIG, encoding="utf-8")
        cmd = [*args, f"RUN_ARGS=--config {config}"]
    started = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        cwd=workdir,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() ends make and kabar together
    )
    run = MakeRun(proc=proc, base=f"http://127.0.0.1:{port}", started=started, namespace=namespace)

    def read() -> None:  # drained at once: an unread pipe would stall the server
        assert proc.stdout is not None
        for raw in proc.stdout:
            run.lines.append(TimedLine(time.monotonic() - started, raw.decode("utf-8", "replace").rstrip()))

    run._reader = threading.Thread(target=read, name="make-run-output", daemon=True)
    run._reader.start()
    return run


__all__ = [
    "OFFLINE_CONFIG",
    "MakeRun",
    "TimedLine",
    "free_port",
    "fresh_copy",
    "namespace_available",
    "offline_env",
    "start_make_run",
]
