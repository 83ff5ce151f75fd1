"""Duplicate groups in SQL: merge on a new match, split when a member leaves, list them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from kabar.link.dedup_schema import dedup_groups, dedup_signatures
from kabar.link.minhash import from_blob

Verify = Callable[[np.ndarray, int, np.ndarray, int], float | None]


@dataclass(slots=True)
class DuplicateMember:
    id: int
    headline: str | None
    published: datetime | None
    outlet: str | None
    url: str | None
    similarity: float  # best verified similarity to another member of the group


@dataclass(slots=True)
class DuplicateGroup:
    group_id: int  # the smallest article id in the group
    members: list[DuplicateMember] = field(default_factory=list)


@dataclass(slots=True, frozen=True)
class GroupQuery:
    limit: int | None = None
    offset: int = 0
    min_size: int = 2


def join(conn: Connection, article_id: int, matches: list[tuple[int, float]]) -> None:
    """Put ``article_id`` in one group with its verified matches, merging their groups."""
    ids = [m for m, _ in matches]
    current = {
        int(r[0]): (int(r[1]), float(r[2]))
        for r in conn.execute(
            select(dedup_groups.c.article_id, dedup_groups.c.group_id, dedup_groups.c.similarity).where(
                dedup_groups.c.article_id.in_(ids)
            )
        )
    }
    old_groups = {current[m][0] for m in ids if m in current}
    new_group = min([article_id, *ids, *old_groups])
    if old_groups:
        conn.execute(
            update(dedup_groups).where(dedup_groups.c.group_id.in_(old_groups)).values(group_id=new_group)
        )
    for member, sim in matches:
        if member in current:
            if sim > current[member][1]:
                conn.execute(
                    update(dedup_groups).where(dedup_groups.c.article_id == member).values(similarity=sim)
                )
        else:
            conn.execute(insert(dedup_groups).values(article_id=member, group_id=new_group, similarity=sim))
    best = max(sim for _, sim in matches)
    conn.execute(insert(dedup_groups).values(article_id=article_id, group_id=new_group, similarity=best))


def leave(conn: Connection, article_id: int, verify: Verify) -> None:
    """Take an article out of its group; the rest may fall apart, so re-link them."""
    row = conn.execute(select(dedup_groups.c.group_id).where(dedup_groups.c.article_id == article_id)).first()
    if row is None:
        return
    group = int(row[0])
    members = [
        int(r[0])
        for r in conn.execute(select(dedup_groups.c.article_id).where(dedup_groups.c.group_id == group))
        if int(r[0]) != article_id
    ]
    conn.execute(delete(dedup_groups).where(dedup_groups.c.group_id == group))
    signed = {
        int(r[0]): (from_blob(r[2]), int(r[1]))
        for r in conn.execute(
            select(
                dedup_signatures.c.article_id, dedup_signatures.c.shingles, dedup_signatures.c.signature
            ).where(dedup_signatures.c.article_id.in_(members))
        )
    }
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
    rows = [{"article_id": i, "group_id": find(i), "similarity": best[i]} for i in ids if i in best]
    if rows:
        conn.execute(insert(dedup_groups), rows)


# Readers below use the driver connection: a SQLAlchemy execute would autobegin, and the
# archive's engine turns every begin into BEGIN IMMEDIATE (a write lock) — a read must
# not queue behind, or block, an ingest.


def _raw(conn: Connection) -> Any:
    raw = conn.connection.driver_connection
    assert raw is not None
    return raw


def members_of(conn: Connection, article_id: int) -> list[int]:
    """Every other article in ``article_id``'s duplicate group (empty if it has none)."""
    rows = _raw(conn).execute(
        "SELECT article_id FROM dedup_groups WHERE group_id = "
        "(SELECT group_id FROM dedup_groups WHERE article_id = ?) AND article_id != ?",
        (article_id, article_id),
    )
    return [int(r[0]) for r in rows]


def groups_of(conn: Connection, ids: list[int]) -> dict[int, int]:
    """article id → group id, for those of ``ids`` that have near-duplicates."""
    out: dict[int, int] = {}
    raw = _raw(conn)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT article_id, group_id FROM dedup_groups WHERE article_id IN ({marks})"
        out.update({int(r[0]): int(r[1]) for r in raw.execute(sql, chunk)})
    return out


def list_groups(conn: Connection, query: GroupQuery | None = None) -> list[DuplicateGroup]:
    """Groups, largest first, each with its members oldest first."""
    q = query or GroupQuery()
    raw = _raw(conn)
    limit = -1 if q.limit is None else max(0, q.limit)
    order = [
        int(r[0])
        for r in raw.execute(
            "SELECT group_id FROM dedup_groups GROUP BY group_id HAVING count(*) >= ? "
            "ORDER BY count(*) DESC, group_id LIMIT ? OFFSET ?",
            (q.min_size, limit, max(0, q.offset)),
        )
    ]
    groups = {g: DuplicateGroup(group_id=g) for g in order}
    for i in range(0, len(order), 500):
        chunk = order[i : i + 500]
        marks = ",".join("?" * len(chunk))
        rows = raw.execute(
            "SELECT g.group_id, a.id, a.headline, a.published, a.outlet, a.url, g.similarity "
            "FROM dedup_groups g JOIN articles a ON a.id = g.article_id "
            f"WHERE g.group_id IN ({marks}) ORDER BY a.published_utc IS NULL, a.published_utc, a.id",
            chunk,
        )
        for r in rows:
            groups[int(r[0])].members.append(
                DuplicateMember(
                    id=int(r[1]),
                    headline=r[2],
                    published=datetime.fromisoformat(r[3]) if r[3] else None,
                    outlet=r[4],
                    url=r[5],
                    similarity=round(float(r[6]), 3),
                )
            )
    return [groups[g] for g in order]
