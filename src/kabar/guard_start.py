"""Guard workers started without forking a threaded process (the API server's ingests).

:class:`kabar.guard.Guard` forks its worker from the caller: cheap, and the worker shares what
the caller imported. A process that runs threads must not fork: the child gets a copy of every
lock as another thread held it at that instant, and can deadlock on one (Python 3.12 warns:
``DeprecationWarning: This process ... is multi-threaded, use of fork() may lead to
deadlocks in the child``). The server is such a process: uvicorn's loop, FastAPI's thread pool
and the ingest pool's own threads.

:class:`StartedGuard` is the same guard whose worker is started through a *forkserver*: one
single-threaded process, started on the first worker and then kept (for every later worker and
every restart after a budget kill), that has imported kabar's ingest modules once and forks
each worker from itself. A worker so costs a fork, as before, and the first one also pays the
forkserver's own start (a fresh interpreter importing :data:`PRELOAD`); ``spawn`` would pay a
fresh interpreter and those imports for every worker. ``benchmarks/guard_start.py`` measures the
three.

What a forkserver worker does not share with the caller is the caller's state: a module patched
at run time (as the misbehaving steps of the guard tests are) is patched in a forked worker only.
"""

from __future__ import annotations

import functools
from multiprocessing.context import ForkContext, ForkServerContext, SpawnContext
from typing import Literal

from kabar.guard import Guard, WorkerContext

StartMethod = Literal["forkserver", "spawn", "fork"]

# What the forkserver imports once, before its first fork: the program's main module (a started
# worker runs it again unless its server has: for `kabar`, the whole command line) and the work
# and warm-up a worker runs.
PRELOAD = ("__main__", "kabar.prepare")

# How StartedGuard starts its workers. "fork" is there for tests whose misbehaving steps are
# patched into this process at run time and must reach the worker.
START_METHOD: StartMethod = "forkserver"


@functools.cache
def _forkserver() -> ForkServerContext:
    """The forkserver context, its preload set once, before the server's first (lazy) start."""
    context = ForkServerContext()  # its server is multiprocessing's one, shared process-wide
    context.set_forkserver_preload(list(PRELOAD))
    return context


def worker_context(method: StartMethod) -> WorkerContext:
    if method == "forkserver":
        return _forkserver()
    return SpawnContext() if method == "spawn" else ForkContext()


class StartedGuard(Guard):
    """:class:`~kabar.guard.Guard` whose worker is started by :data:`START_METHOD` (a forkserver),
    never forked from the calling process; budgets, rejects and restarts are the guard's own."""

    def _context(self) -> WorkerContext:
        return worker_context(START_METHOD)


__all__ = ["PRELOAD", "START_METHOD", "StartMethod", "StartedGuard", "worker_context"]
