"""A bulk build's near-duplicates, a chunk at a time: the same tables as one by one, in a few statements.

``DedupIndexer.index_chunk`` reads the stored buckets of all the chunk's band keys at once and
writes its signatures and bands at once; each article must still see what it would one by one:
the stored buckets, the chunk's articles before it, and each bucket cut at ``per_band`` in id
order (a crowded bucket here: reprints of one text, ``per_band`` 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import event, select

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.duplicate_store import dedup_bands, dedup_groups, dedup_signatures
from kabar.archive.stores import StoredSignature
from kabar.link.dedup import ChunkBuckets, DedupIndexer, DedupOptions
from kabar.link.minhash import to_blob
from kabar.model import Article

WORDS = [
    "banjir",
    "rob",
    "merendam",
    "ribuan",
    "rumah",
    "warga",
    "pesisir",
    "utara",
    "kota",
    "sejak",
    "pagi",
    "hari",
    "tadi",
    "dan",
    "petugas",
    "gabungan",
    "mengevakuasi",
    "lansia",
    "serta",
    "anak",
    "anak",
    "ke",
    "posko",
    "pengungsian",
    "di",
    "balai",
    "kelurahan",
    "setempat",
]


def _text(seed: int) -> list[str]:
    # two paragraphs of twenty words each, their own words: no shingle in common with another seed
    words = [f"{w}{seed}" for w in WORDS]
    return [" ".join(words[:20]), " ".join(words[20:])]


def _articles() -> list[Article]:
    base = [Article(headline=f"Berita {n}", paragraphs=_text(n)) for n in range(12)]
    reprints = [
        replace(base[n % 3], headline=f"Salinan {n}", paragraphs=[f"JAKARTA {n} -", *base[n % 3].paragraphs])
        for n in range(12)
    ]
    out = [a for pair in zip(base, reprints, strict=True) for a in pair]
    out.append(Article(headline="Pendek", paragraphs=["terlalu pendek"]))  # too short to sign
    return [
        replace(a, url=f"https://uji.example/{i}", canonical_url=f"https://uji.example/{i}")
        for i, a in enumerate(out)
    ]


def _tables(archive: CoreArchive) -> dict[str, list[Any]]:
    with archive.engine.connect() as conn:
        return {
            "signatures": [
                tuple(r)
                for r in conn.execute(select(dedup_signatures).order_by(dedup_signatures.c.article_id))
            ],
            "bands": [
                tuple(r)
                for r in conn.execute(
                    select(dedup_bands).order_by(dedup_bands.c.key, dedup_bands.c.article_id)
                )
            ],
            "groups": [
                tuple(r) for r in conn.execute(select(dedup_groups).order_by(dedup_groups.c.article_id))
            ],
        }


def _stored(archive: CoreArchive, articles: Sequence[Article]) -> list[Article]:
    out = []
    for article in articles:
        article_id = archive.add(article).id
        out.append(replace(article, id=article_id))
    return out


def test_chunks_write_what_one_by_one_writes(archive_url: str) -> None:
    options = DedupOptions(per_band_candidates=2)
    one_by_one = open_test_archive(archive_url, [DedupIndexer(options)])
    try:
        _stored(one_by_one, _articles())
        expected = _tables(one_by_one)
        assert expected["groups"], "the fixture must make near-duplicate groups"
    finally:
        one_by_one.close()
    with open_test_archive(archive_url, []) as empty:  # the same archive emptied: rows only
        with empty.engine.begin() as conn:
            for table in (dedup_groups, dedup_bands, dedup_signatures):
                conn.execute(table.delete())
        articles = [empty.get(i) for i in range(1, len(_articles()) + 1)]
        indexer = DedupIndexer(options)
        for start in (0, 5, 11, 20):  # chunks of uneven size: some reprints meet across chunks
            chunk = [a for a in articles[start : {0: 5, 5: 11, 11: 20, 20: None}[start]] if a is not None]
            with empty.engine.begin() as conn:
                indexer.index_chunk(empty.index_stores(conn), chunk)
        assert _tables(empty) == expected


def test_a_chunk_runs_a_few_statements_not_some_an_article(archive_url: str) -> None:
    archive = open_test_archive(archive_url, [])
    try:
        articles = _stored(archive, [a for a in _articles() if a.headline.startswith("Berita")])
        seen: list[str] = []

        def count(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            seen.append(statement)

        with archive.engine.begin() as conn:
            event.listen(archive.engine, "before_cursor_execute", count)
            DedupIndexer().index_chunk(archive.index_stores(conn), articles)
            event.remove(archive.engine, "before_cursor_execute", count)
        # the buckets' read, the signatures' and bands' writes; no near-duplicates among these
        assert len(seen) <= 4, seen
        assert _tables(archive)["signatures"][0][0] == articles[0].id
    finally:
        archive.close()


def test_a_chunk_sees_the_buckets_the_stored_look_up_sees(archive_url: str) -> None:
    """Article after article, the chunk's candidates are the SQL look-up's with the articles
    before it written one by one: crowded buckets cut at ``per_band`` alike."""
    archive = open_test_archive(archive_url, [])
    indexer = DedupIndexer(DedupOptions(per_band_candidates=2))
    try:
        articles = _stored(archive, _articles())
        signed = [(a.id, s) for a in articles if a.id is not None and (s := indexer.sign(a)) is not None]
        with archive.engine.begin() as conn:
            store = archive.index_stores(conn).duplicates
            before = signed[:7]  # stored before the chunk
            for article_id, one in before:
                store.add_signature(
                    StoredSignature(article_id, one.shingles, to_blob(one.signature)), one.keys
                )
            keys = sorted({k for _, one in signed for k in one.keys})
            buckets = ChunkBuckets(store.band_rows(keys, 2), 2)
            crowded = 0
            for article_id, one in signed[7:]:
                expected = store.band_candidates(one.keys, 2)
                assert buckets.candidates(one.keys) == expected
                crowded += len(expected) == 2
                buckets.add(article_id, one.keys)
                store.add_signature(
                    StoredSignature(article_id, one.shingles, to_blob(one.signature)), one.keys
                )
            assert crowded, "the fixture must crowd a bucket past per_band"
    finally:
        archive.close()
