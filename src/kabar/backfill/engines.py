"""Which engine runs a backfill's tasks: ``local`` (processes on this machine) or ``ray``."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from kabar.backfill.ray_address import CONNECT_TIMEOUT  # sockets only: no Ray, no extraction

if TYPE_CHECKING:  # the command line imports this module; the task's imports (extraction) load later
    from kabar.backfill.task import TaskResult, TaskSpec


class Engine(StrEnum):
    local = "local"
    ray = "ray"


@dataclass(slots=True, frozen=True)
class EngineOptions:
    engine: Engine = Engine.local
    workers: int = 1
    address: str | None = None  # Ray only: a running cluster; None starts a local one
    max_retries: int = 2  # a task whose worker died runs again this many times
    connect_timeout: float = CONNECT_TIMEOUT  # Ray only: seconds for the address to answer


def run_tasks(specs: Sequence[TaskSpec], options: EngineOptions) -> Iterator[TaskResult]:
    """Each task's result as it finishes, on the chosen engine."""
    if options.engine is Engine.ray:
        from kabar.backfill.ray_engine import run_ray  # Ray is optional: imported when chosen

        return run_ray(specs, options.workers, options.address, options.max_retries, options.connect_timeout)
    from kabar.backfill.local import run_local

    return run_local(specs, options.workers, options.max_retries)


__all__ = ["Engine", "EngineOptions", "run_tasks"]
