"""A thousand mutants of the pages in ../shared through read → extract → understand → serialise.

The same mutations and the same per-record path as ``benchmarks/fuzz.py`` (which runs
≥100,000); here a fixed run seed over the smaller pages keeps it repeatable and under a
minute. A crash is any exception that is not kabar's own; over budget is a record over 10 s
of CPU or over its memory budget. Reproduce a failure with
``benchmarks.fuzz_mutate.mutate(seeds, RUN_SEED, number)`` (the message names the number).
"""

from __future__ import annotations

import multiprocessing

import pytest
from benchmarks.fuzz import FixedRun, fixed_run

from conftest import shared_path

RUN_SEED = 20261206
COUNT = 1000
MAX_SEED_BYTES = 50_000  # the smaller pages (94 of 343): the mutations, not the page size, are the test


@pytest.fixture(scope="module")
def run() -> FixedRun:
    shared = shared_path("pages").parent
    # A fresh interpreter, as the benchmark's workers are: a memory budget is a rise of the
    # process's peak, and a pytest worker's heap after hundreds of other tests shifts it by
    # several MB either way (a 537 kB mutant read 53 MB alone and 64 MB inside the suite).
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        out = pool.apply(fixed_run, (shared, RUN_SEED, COUNT, MAX_SEED_BYTES))
    assert sum(out.statuses.values()) == COUNT
    return out


@pytest.mark.shared
def test_mutants_end_in_an_article_or_a_kabar_error(run: FixedRun) -> None:
    assert (
        run.statuses.get("ok", 0) > COUNT // 2
    )  # most mutants still read as articles: the path was exercised
    assert not run.crashes, "\n".join(run.crashes)


@pytest.mark.shared
def test_mutants_stay_within_budget(run: FixedRun) -> None:
    assert not run.over_budget, "\n".join(run.over_budget)
