"""The guard's worker takes what it inherited out of the cyclic GC (ingest's and backfill's alike)."""

from __future__ import annotations

import gc

from kabar.guard import Guard, StageMark


def _gc_state(payload: int, mark: StageMark) -> tuple[int, int]:
    return gc.get_freeze_count(), gc.get_threshold()[0]


def test_the_guard_worker_freezes_what_it_inherited() -> None:
    with Guard() as guard:
        verdict = guard.run(_gc_state, 0, source="gc")
    assert verdict.reject is None and verdict.value is not None, verdict
    frozen, young = verdict.value
    assert frozen > 1000  # the modules and patterns it was forked with
    assert young > gc.get_threshold()[0]  # collected less often than the caller's 700
    assert gc.get_freeze_count() == 0  # the caller itself is untouched
