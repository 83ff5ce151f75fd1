"""Near-duplicates in SQL: MinHash signatures, LSH band buckets, duplicate groups (migration 0003_dedup).

The algorithm (signing, verifying, merging and splitting groups) is :mod:`kabar.link.dedup`;
this module only keeps its state.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    union_all,
    update,
)

from kabar.archive.schema import articles
from kabar.archive.sql_source import ConnectionSource
from kabar.archive.stores import (
    BandedSignature,
    DuplicateGroup,
    DuplicateMember,
    GroupQuery,
    GroupRow,
    StoredSignature,
)

metadata = MetaData()

# Core views of the tables for reads and writes; the DDL (foreign keys, cascades) is the
# migration's.

# One MinHash signature per article that has text, with its shingle count
# (the count turns estimated Jaccard into containment for truncated reprints).
dedup_signatures = Table(
    "dedup_signatures",
    metadata,
    Column("article_id", Integer, primary_key=True),
    Column("shingles", Integer, nullable=False),
    Column("signature", LargeBinary, nullable=False),
)

# LSH buckets: one row per (band key, article). Keyed lookups only, so no rowid;
# removal recomputes the keys from the stored signature, so no article_id index.
dedup_bands = Table(
    "dedup_bands",
    metadata,
    Column("key", BigInteger, primary_key=True),  # a 64-bit band hash (int8 on PostgreSQL)
    Column("article_id", Integer, primary_key=True),
    sqlite_with_rowid=False,
)

# Duplicate groups: only articles that have at least one verified near-duplicate.
# group_id is the smallest article id of the group.
dedup_groups = Table(
    "dedup_groups",
    metadata,
    Column("article_id", Integer, primary_key=True),
    Column("group_id", Integer, nullable=False),
    Column("similarity", Float, nullable=False),  # best verified similarity to another member
    Index("ix_dedup_groups_group", "group_id"),
)

_BATCH = 500  # bound parameters per IN


def _chunks(ids: Sequence[int]) -> Iterable[list[int]]:
    for i in range(0, len(ids), _BATCH):
        yield list(ids[i : i + _BATCH])


@lru_cache(maxsize=8)
def _band_probe(keys: int) -> Any:
    # One bounded probe per band (UNION ALL of LIMITed lookups) so a crowded bucket costs at
    # most ``per_band`` rows, never a scan. Each probe is a subquery: SQLite refuses a LIMIT on
    # a bare member of a compound SELECT. Built once per band count (it is the same every call).
    probes = [
        select(dedup_bands.c.article_id)
        .where(dedup_bands.c.key == bindparam(f"k{i}"))
        .limit(bindparam("lim"))
        .subquery()
        for i in range(keys)
    ]
    return union_all(*(select(p.c.article_id) for p in probes))


@lru_cache(maxsize=1)
def _pg_signatures_insert() -> Any:
    return text(
        "INSERT INTO dedup_signatures (article_id, shingles, signature) SELECT u.a, u.s, u.g "
        "FROM unnest(CAST(:ids AS integer[]), CAST(:shingles AS integer[]), CAST(:signatures AS bytea[])) "
        "AS u(a, s, g)"
    )


@lru_cache(maxsize=1)
def _pg_bands_insert() -> Any:
    return text(
        "INSERT INTO dedup_bands (key, article_id) SELECT u.k, u.a "
        "FROM unnest(CAST(:keys AS bigint[]), CAST(:ids AS integer[])) AS u(k, a) ON CONFLICT DO NOTHING"
    )


@lru_cache(maxsize=1)
def _bucket_rows() -> Any:
    # band_candidates' bound for many keys at once: each bucket's first ``lim`` articles in id
    # order (SQLite's LIMIT on the primary key (key, article_id) reads them in that order).
    rank = func.row_number().over(partition_by=dedup_bands.c.key, order_by=dedup_bands.c.article_id)
    ranked = (
        select(dedup_bands.c.key, dedup_bands.c.article_id, rank.label("n"))
        .where(dedup_bands.c.key.in_(bindparam("keys", expanding=True)))
        .subquery()
    )
    return select(ranked.c.key, ranked.c.article_id).where(ranked.c.n <= bindparam("lim"))


class SqlDuplicateStore:
    """:class:`kabar.archive.stores.DuplicateStore` in SQL."""

    def __init__(self, source: ConnectionSource) -> None:
        self._db = source

    # -- signatures and bands ---------------------------------------------------------
    def add_signature(self, signature: StoredSignature, band_keys: Sequence[int]) -> None:
        self.add_signatures([BandedSignature(signature, tuple(band_keys))])

    def add_signatures(self, signed: Sequence[BandedSignature]) -> None:
        if not signed:
            return
        bands = [(k, s.signature.article_id) for s in signed for k in s.band_keys]
        with self._db.writing() as conn:
            if conn.dialect.name == "postgresql":
                # One statement a table, the rows as arrays (psycopg's executemany is a statement per row).
                conn.execute(
                    _pg_signatures_insert(),
                    {
                        "ids": [s.signature.article_id for s in signed],
                        "shingles": [s.signature.shingles for s in signed],
                        "signatures": [s.signature.signature for s in signed],
                    },
                )
                if bands:
                    keys, ids = zip(*bands, strict=True)
                    conn.execute(_pg_bands_insert(), {"keys": list(keys), "ids": list(ids)})
                return
            # The driver's executemany: SQLAlchemy's per-row parameter handling cost more than
            # SQLite's writing of the rows (a row per band, every article).
            conn.exec_driver_sql(
                "INSERT INTO dedup_signatures (article_id, shingles, signature) VALUES (?, ?, ?)",
                [(s.signature.article_id, s.signature.shingles, s.signature.signature) for s in signed],
            )
            if bands:
                conn.exec_driver_sql(
                    "INSERT INTO dedup_bands (key, article_id) VALUES (?, ?) ON CONFLICT DO NOTHING", bands
                )

    def signature(self, article_id: int) -> StoredSignature | None:
        stmt = select(dedup_signatures.c.shingles, dedup_signatures.c.signature).where(
            dedup_signatures.c.article_id == article_id
        )
        with self._db.reading() as conn:
            row = conn.execute(stmt).first()
        return StoredSignature(article_id, int(row[0]), bytes(row[1])) if row is not None else None

    def remove_signature(self, article_id: int, band_keys: Sequence[int]) -> None:
        with self._db.writing() as conn:
            if band_keys:
                conn.execute(
                    delete(dedup_bands).where(
                        dedup_bands.c.key == bindparam("k"), dedup_bands.c.article_id == article_id
                    ),
                    [{"k": k} for k in band_keys],
                )
            conn.execute(delete(dedup_signatures).where(dedup_signatures.c.article_id == article_id))

    def band_candidates(self, keys: Sequence[int], per_band: int) -> set[int]:
        if not keys:
            return set()
        params: dict[str, int] = {f"k{i}": k for i, k in enumerate(keys)}
        params["lim"] = per_band
        with self._db.reading() as conn:
            return {int(r[0]) for r in conn.execute(_band_probe(len(keys)), params)}

    def band_rows(self, keys: Sequence[int], per_band: int) -> dict[int, list[int]]:
        out: dict[int, list[int]] = {}
        with self._db.reading() as conn:
            for chunk in _chunks(keys):
                for key, article_id in conn.execute(_bucket_rows(), {"keys": chunk, "lim": per_band}):
                    out.setdefault(int(key), []).append(int(article_id))
        for ids in out.values():
            ids.sort()
        return out

    def signatures(self, ids: Sequence[int]) -> list[StoredSignature]:
        out: list[StoredSignature] = []
        with self._db.reading() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    select(
                        dedup_signatures.c.article_id,
                        dedup_signatures.c.shingles,
                        dedup_signatures.c.signature,
                    ).where(dedup_signatures.c.article_id.in_(chunk))
                )
                out.extend(StoredSignature(int(r[0]), int(r[1]), bytes(r[2])) for r in rows)
        return out

    # -- groups ---------------------------------------------------------------------------
    def group_rows(self, ids: Sequence[int]) -> dict[int, GroupRow]:
        out: dict[int, GroupRow] = {}
        with self._db.reading() as conn:
            for chunk in _chunks(ids):
                rows = conn.execute(
                    select(
                        dedup_groups.c.article_id, dedup_groups.c.group_id, dedup_groups.c.similarity
                    ).where(dedup_groups.c.article_id.in_(chunk))
                )
                out.update({int(r[0]): GroupRow(int(r[0]), int(r[1]), float(r[2])) for r in rows})
        return out

    def merge_groups(self, groups: Iterable[int], into: int) -> None:
        old = list(groups)
        if not old:
            return
        with self._db.writing() as conn:
            conn.execute(update(dedup_groups).where(dedup_groups.c.group_id.in_(old)).values(group_id=into))

    def set_similarity(self, article_id: int, similarity: float) -> None:
        with self._db.writing() as conn:
            conn.execute(
                update(dedup_groups)
                .where(dedup_groups.c.article_id == article_id)
                .values(similarity=similarity)
            )

    def add_members(self, rows: Sequence[GroupRow]) -> None:
        if not rows:
            return
        with self._db.writing() as conn:
            conn.execute(
                insert(dedup_groups),
                [
                    {"article_id": r.article_id, "group_id": r.group_id, "similarity": r.similarity}
                    for r in rows
                ],
            )

    def group_of(self, article_id: int) -> int | None:
        with self._db.reading() as conn:
            row = conn.execute(
                select(dedup_groups.c.group_id).where(dedup_groups.c.article_id == article_id)
            ).first()
        return int(row[0]) if row is not None else None

    def group_members(self, group_id: int) -> list[int]:
        with self._db.reading() as conn:
            rows = conn.execute(select(dedup_groups.c.article_id).where(dedup_groups.c.group_id == group_id))
            return [int(r[0]) for r in rows]

    def drop_group(self, group_id: int) -> None:
        with self._db.writing() as conn:
            conn.execute(delete(dedup_groups).where(dedup_groups.c.group_id == group_id))

    # -- reading ----------------------------------------------------------------------------
    def members_of(self, article_id: int) -> list[int]:
        own = select(dedup_groups.c.group_id).where(dedup_groups.c.article_id == article_id).scalar_subquery()
        stmt = select(dedup_groups.c.article_id).where(
            dedup_groups.c.group_id == own, dedup_groups.c.article_id != article_id
        )
        with self._db.reading() as conn:
            return [int(r[0]) for r in conn.execute(stmt)]

    def groups_of(self, ids: Sequence[int]) -> dict[int, int]:
        return {i: row.group_id for i, row in self.group_rows(ids).items()}

    def list_groups(self, query: GroupQuery | None = None) -> list[DuplicateGroup]:
        q = query or GroupQuery()
        size = func.count()
        order = (
            select(dedup_groups.c.group_id)
            .group_by(dedup_groups.c.group_id)
            .having(size >= q.min_size)
            .order_by(size.desc(), dedup_groups.c.group_id)
            .offset(max(0, q.offset))
        )
        if q.limit is not None:
            order = order.limit(max(0, q.limit))
        a = articles.c
        with self._db.reading() as conn:
            group_ids = [int(r[0]) for r in conn.execute(order)]
            groups = {g: DuplicateGroup(group_id=g) for g in group_ids}
            for chunk in _chunks(group_ids):
                rows = conn.execute(
                    select(
                        dedup_groups.c.group_id,
                        a.id,
                        a.headline,
                        a.published,
                        a.outlet,
                        a.url,
                        dedup_groups.c.similarity,
                    )
                    .join(articles, a.id == dedup_groups.c.article_id)
                    .where(dedup_groups.c.group_id.in_(chunk))
                    .order_by(a.published_utc.is_(None), a.published_utc, a.id)
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
        return [groups[g] for g in group_ids]


__all__ = ["SqlDuplicateStore", "dedup_bands", "dedup_groups", "dedup_signatures"]
