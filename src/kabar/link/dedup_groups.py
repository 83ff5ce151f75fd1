"""Duplicate groups: merge on a new match, split when a member leaves (kept by the archive's DuplicateStore).

Reading them: ``archive.duplicates.list_groups()``, ``members_of(id)``, ``groups_of(ids)``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from kabar.archive.stores import DuplicateStore, GroupRow
from kabar.link.minhash import from_blob

Verify = Callable[[np.ndarray, int, np.ndarray, int], float | None]


def join(store: DuplicateStore, article_id: int, matches: list[tuple[int, float]]) -> None:
    """Put ``article_id`` in one group with its verified matches, merging their groups."""
    ids = [m for m, _ in matches]
    current = store.group_rows(ids)
    old_groups = {current[m].group_id for m in ids if m in current}
    new_group = min([article_id, *ids, *old_groups])
    store.merge_groups(old_groups, new_group)
    fresh = []
    for member, sim in matches:
        if member in current:
            if sim > current[member].similarity:
                store.set_similarity(member, sim)
        else:
            fresh.append(GroupRow(member, new_group, sim))
    best = max(sim for _, sim in matches)
    store.add_members([*fresh, GroupRow(article_id, new_group, best)])


def leave(store: DuplicateStore, article_id: int, verify: Verify) -> None:
    """Take an article out of its group; the rest may fall apart, so re-link them."""
    group = store.group_of(article_id)
    if group is None:
        return
    members = [m for m in store.group_members(group) if m != article_id]
    store.drop_group(group)
    signed = {s.article_id: (from_blob(s.signature), s.shingles) for s in store.signatures(members)}
    ids = sorted(signed)
    parent = {i: i for i in ids}
    best: dict[int, float] = {}

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    # Groups are small (a handful of reprints), so all pairs is cheap and exact.
    for x, a in enumerate(ids):
        for b in ids[x + 1 :]:
            sim = verify(signed[a][0], signed[a][1], signed[b][0], signed[b][1])
            if sim is None:
                continue
            best[a] = max(best.get(a, 0.0), sim)
            best[b] = max(best.get(b, 0.0), sim)
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    store.add_members([GroupRow(i, find(i), best[i]) for i in ids if i in best])


__all__ = ["join", "leave"]
