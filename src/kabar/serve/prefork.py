"""``kabar serve --workers N``: N processes answering on one listening socket (a pre-fork).

One Python process renders on one core at a time; the portal's work is CPU (templates,
ranking), so more cores need more processes. The socket is bound once, before forking,
and every worker accepts from it, as uvicorn's and gunicorn's workers do. The first
process serves too and owns the others: when it stops (SIGTERM, SIGINT, Ctrl-C) it
stops them, and a worker whose parent is gone stops itself, so none outlives the server.

Each worker opens the archive itself after the fork (SQLite and PostgreSQL connections
must not cross a fork) and keeps its own response cache; the archive's change stamp tells
every worker when an ingest, in any process, has changed it.

Behind a reverse proxy (nginx, Caddy): listen on 127.0.0.1, point the proxy at it, set
``KABAR_PUBLIC_URL`` to the public address and let the proxy keep the connections to the
clients; the ETag, Last-Modified and Cache-Control headers let it cache and revalidate.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

Worker = Callable[[socket.socket], None]  # serves on the socket until told to stop


def exit_on_sigterm() -> None:
    """SIGTERM ends the process through ``SystemExit(0)``, so ``finally`` blocks run.

    uvicorn handles SIGTERM itself while it serves, and after its graceful shutdown raises
    the signal again for the handler found before: this one, which stops the workers and
    exits 0 (the default action would end the process at once, workers left behind).
    """

    def _exit(_signum: int, _frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _exit)


def default_workers() -> int:
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def listen(host: str, port: int, backlog: int) -> socket.socket:
    """The listening socket every worker accepts from (port 0: the system picks one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=backlog, reuse_port=False)
    sock.set_inheritable(True)
    return sock


@dataclass(slots=True)
class Workers:
    """The forked workers of one server (the serving parent is not among them)."""

    grace_seconds: float = 10.0
    pids: list[int] = field(default_factory=list)
    _ended: dict[int, int] = field(default_factory=dict)
    _stopping: bool = False

    def start(self, count: int, sock: socket.socket, worker: Worker) -> None:
        parent = os.getpid()
        for _ in range(count):
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_child(parent, sock, worker)
            self.pids.append(pid)
            # One waiting thread per worker: waitpid(-1) would also reap the ingest guards' processes.
            threading.Thread(target=self._watch, args=(pid,), name=f"kabar-worker-{pid}", daemon=True).start()

    def _watch(self, pid: int) -> None:
        """Say when a worker ends on its own (the others go on answering)."""
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            return
        code = os.waitstatus_to_exitcode(status)
        self._ended[pid] = code
        if code != 0 and not self._stopping:
            log.warning("kabar serve: worker %d ended with exit code %d", pid, code)

    def stop(self) -> None:
        """SIGTERM to every worker, then SIGKILL to any still there after the grace period."""
        self._stopping = True
        for pid in self.pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_seconds
        for pid in self.pids:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _alive(pid):
                _signal(pid, signal.SIGKILL)


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:  # reaped already (by the watching thread)
        return False
    return done == 0


def _run_child(parent: int, sock: socket.socket, worker: Worker) -> None:
    code = 1
    try:
        exit_on_sigterm()
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        threading.Thread(target=_follow_parent, args=(parent,), name="kabar-parent", daemon=True).start()
        worker(sock)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)  # never back into the parent's code (its finally blocks, its atexit)


def _follow_parent(parent: int) -> None:
    """A worker whose server process is gone (killed) stops, as if told to."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGTERM)
