"""A thousand mutants of the pages in ../shared through read → extract → understand → serialise.

The same mutations and the same per-record path as ``benchmarks/fuzz.py`` (which runs
≥100,000); here a fixed run seed over the smaller pages keeps it repeatable and under a
minute. A crash is any exception that is not kabar's own; over budget is a record over 10 s
of CPU or over its memory budget. Reproduce a failure with
``benchmarks.fuzz_mutate.mutate(seeds, RUN_SEED, number)`` (the message names the number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from benchmarks.fuzz import Budget, Target
from benchmarks.fuzz_mutate import Seed, lean_seeds, load_seeds, mutate

from conftest import shared_path

RUN_SEED = 20261206
COUNT = 1000
MAX_SEED_BYTES = 50_000  # the smaller pages (94 of 343): the mutations, not the page size, are the test


@dataclass(slots=True)
class _Run:
    statuses: dict[str, int] = field(default_factory=dict)
    crashes: list[str] = field(default_factory=list)
    over_budget: list[str] = field(default_factory=list)


def _seeds() -> list[Seed]:
    shared = shared_path("pages").parent
    return [s for s in lean_seeds(load_seeds(shared)) if len(s.data) <= MAX_SEED_BYTES]


@pytest.fixture(scope="module")
def run() -> _Run:
    seeds = _seeds()
    assert len(seeds) >= 20
    target = Target(Budget())
    out = _Run()
    try:
        target.warm(seeds)
        for number in range(COUNT):
            mutant = mutate(seeds, RUN_SEED, number)
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


@pytest.mark.shared
def test_mutants_end_in_an_article_or_a_kabar_error(run: _Run) -> None:
    assert (
        run.statuses.get("ok", 0) > COUNT // 2
    )  # most mutants still read as articles: the path was exercised
    assert not run.crashes, "\n".join(run.crashes)


@pytest.mark.shared
@pytest.mark.xfail(
    strict=True,
    reason="HTML parsing is super-linear on deeply nested markup with a huge attribute "
    "(#858 huge_attribute+deep_nesting, 1.2 MB: ~16 s in extract/html_parse.parse_html and ~16 s "
    "again in trafilatura's lxml document_fromstring; entity finding ~1 s); remove this mark when "
    "the page is parsed within budget",
)
def test_mutants_stay_within_budget(run: _Run) -> None:
    assert not run.over_budget, "\n".join(run.over_budget)
