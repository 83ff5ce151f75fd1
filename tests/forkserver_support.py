"""Work for guard workers that are started, not forked (kabar.guard_start): module-level and
light to import, since such a worker imports it by name instead of inheriting this process."""

from __future__ import annotations

import hashlib
import os

from kabar.guard import StageMark


def parent_pid(payload: int, mark: StageMark) -> int:
    """The worker's parent: a forked worker's is the caller, a forkserver worker's is the server."""
    mark.enter("parent")
    return os.getppid()


def stuck_in_c(payload: int, mark: StageMark) -> int:
    """CPU inside one C call no Python signal handler can interrupt: only the kernel's RLIMIT_CPU
    ends it (the worker is killed by SIGXCPU and the guard must start another)."""
    mark.enter("stuck")
    hashlib.pbkdf2_hmac("sha256", b"kabar", b"garam", 10**9)
    return payload
