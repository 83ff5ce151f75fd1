"""The best ``want`` of a window by an exact score, scoring only what could still make it.

Search ranks the newest matches of a query by BM25 (:mod:`kabar.archive.pg_related`). Each
match's score is the sum of its query terms' parts; the window already holds the part of
the term that found it, and every other term's part is an index probe. MaxScore-style
pruning: each candidate carries an upper bound on its score (its known part plus the most
each other term can add, BM25's saturation ``idf · (k1 + 1)``), candidates are scored
exactly best bound first, in batches (a statement each), and scoring stops once the next
bound falls below the ``want``-th best exact score found — no later candidate can enter.

The result is the exhaustive ranking's first ``want``, scores and order (score descending,
newer id first on ties) alike: only bounds below a score already found are skipped.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from kabar.archive.term_records import ScoredId

# Bounds come from the same parts as the exact sums but added in another order: a relative
# slack far above float rounding (~1e-16 a term) and far below any real gap in scores.
SLACK = 1e-9


@dataclass(slots=True, frozen=True)
class Bounded:
    """A candidate: its exact score when already known (nothing left to add), else None,
    and a bound no exact score of it can exceed."""

    id: int
    bound: float
    exact: float | None = None


@dataclass(slots=True, frozen=True)
class TopK:
    hits: list[ScoredId]  # best first (ties: newer id first), at most ``want``
    scored: int  # candidates that needed a scoring statement (the probes' cause)
    batches: int  # scoring statements run


def _key(s: ScoredId) -> tuple[float, int]:
    return (s.score, s.id)


def best_first(
    candidates: Sequence[Bounded],
    want: int,
    score: Callable[[list[int]], dict[int, float]],
    first_batch: int | None = None,
) -> TopK:
    """The ``want`` best of ``candidates`` by exact score; ``score`` gives exact scores of
    a batch of ids (every id asked for). Batches double from ``first_batch`` (default
    ``2 · want + 8``: enough to set a floor, few enough that most probes are saved)."""
    if want <= 0 or not candidates:
        return TopK([], 0, 0)
    known = [ScoredId(c.id, c.exact) for c in candidates if c.exact is not None]
    pending = sorted((c for c in candidates if c.exact is None), key=lambda c: (c.bound, c.id), reverse=True)
    at, size, batches = 0, max(1, first_batch or 2 * want + 8), 0
    while at < len(pending):
        floor = heapq.nlargest(want, known, key=_key)[-1].score if len(known) >= want else None
        take: list[int] = []
        for c in pending[at : at + size]:
            # A tie with the floor can still win on its id: only a bound strictly below it is out.
            if floor is not None and c.bound * (1 + SLACK) + SLACK < floor:
                break
            take.append(c.id)
        if not take:
            break
        got = score(take)
        known.extend(ScoredId(i, got[i]) for i in take)
        at += len(take)
        size *= 2
        batches += 1
    hits = heapq.nlargest(want, known, key=_key)
    return TopK(hits, at, batches)


__all__ = ["SLACK", "Bounded", "TopK", "best_first"]
