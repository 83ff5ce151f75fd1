"""Near-duplicate groups: reprints grouped, related stories not, kept incrementally in SQLite."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.duplicate_store import dedup_bands, dedup_signatures
from kabar.archive.sqlite import open_archive
from kabar.link.dedup import DedupIndexer, DedupOptions
from kabar.model import Article

FIXTURE = Path(__file__).parent / "fixtures" / "link" / "articles.json"


def load_articles() -> dict[str, Article]:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))["articles"]
    return {
        d["key"]: Article(
            headline=d["headline"],
            published=datetime.fromisoformat(d["published"]),
            outlet=d["outlet"],
            url=d["url"],
            canonical_url=d["url"],
            paragraphs=list(d["paragraphs"]),
        )
        for d in data
    }


def reprint(a: Article, n: int, **changes: Any) -> Article:
    url = f"https://reprint.example/{n}"
    return replace(a, url=url, canonical_url=url, outlet="Agensi", id=None, **changes)


def groups(archive: CoreArchive) -> list[set[int]]:
    return [{m.id for m in g.members} for g in archive.duplicates.list_groups()]


@pytest.fixture
def articles() -> dict[str, Article]:
    return load_articles()


@pytest.fixture
def archive(archive_url: str) -> CoreArchive:
    return open_test_archive(archive_url, indexers=[DedupIndexer()])


def test_reprints_grouped_related_stories_not(archive: CoreArchive, articles: dict[str, Article]) -> None:
    ids = {k: archive.add(a).id for k, a in articles.items()}
    flood = articles["flood_1"]
    furnished = reprint(
        flood,
        1,
        headline="Ribuan rumah terendam, warga Kampung Melayu mengungsi",
        paragraphs=[
            "JAKARTA, ANTARA - " + flood.paragraphs[0],
            "Baca juga: Laga Persija di Jakarta ditunda karena hujan deras",
            *flood.paragraphs[1:4],
            "Advertisement",
            *flood.paragraphs[4:],
        ],
    )
    shuffled = reprint(flood, 2, paragraphs=[flood.paragraphs[0], *reversed(flood.paragraphs[1:])])
    r1, r2 = archive.add(furnished).id, archive.add(shuffled).id
    assert groups(archive) == [{ids["flood_1"], r1, r2}]
    assert set(archive.duplicates.members_of(r1)) == {ids["flood_1"], r2}
    assert (
        archive.duplicates.members_of(ids["flood_2"]) == []
    )  # same story, different write-up: not a reprint


def test_reprint_before_original_and_truncation(archive: CoreArchive, articles: dict[str, Article]) -> None:
    kpk = articles["kpk_1"]
    cut = reprint(kpk, 3, paragraphs=kpk.paragraphs[:3])  # a quarter cut off the end
    first = archive.add(cut).id
    original = archive.add(kpk).id
    archive.add(articles["kpk_2"])
    assert groups(archive) == [{first, original}]


def test_edited_sentences_still_grouped(archive: CoreArchive, articles: dict[str, Article]) -> None:
    flood = articles["flood_1"]
    edited = [
        p.replace("tiga ribu", "3.000").replace("Kamis pagi", "Kamis (20/2) pagi") for p in flood.paragraphs
    ]
    edited[-1] = "Warga berharap pemerintah segera menuntaskan normalisasi sungai."
    a, b = archive.add(flood).id, archive.add(reprint(flood, 4, paragraphs=edited)).id
    assert groups(archive) == [{a, b}]


def test_update_that_is_no_longer_a_reprint_leaves_the_group(
    archive: CoreArchive, articles: dict[str, Article]
) -> None:
    flood = articles["flood_1"]
    a = archive.add(flood).id
    b = archive.add(reprint(flood, 5, headline="Salinan kedua")).id
    c = archive.add(reprint(flood, 6, headline="Salinan ketiga")).id
    assert groups(archive) == [{a, b, c}]
    # Same canonical URL, new content: the archive removes and re-indexes the row.
    changed = reprint(articles["phone_1"], 5)
    assert archive.add(changed).status == "updated"
    assert groups(archive) == [{a, c}]
    archive.add(reprint(articles["phone_1"], 6, headline="Ponsel lipat, salinan"))
    assert groups(archive) == [{b, c}]  # the two updated rows are now reprints of the phone story


def test_signature_and_band_rows(archive: CoreArchive, articles: dict[str, Article]) -> None:
    for a in articles.values():
        archive.add(a)
    archive.add(
        Article(
            headline="Hanya judul", url="https://x.example/judul", canonical_url="https://x.example/judul"
        )
    )
    bands = DedupOptions().signature.bands
    with archive.engine.connect() as conn:
        signed = conn.execute(select(func.count()).select_from(dedup_signatures)).scalar_one()
        band_rows = conn.execute(select(func.count()).select_from(dedup_bands)).scalar_one()
    assert signed == len(articles)  # the headline-only article has no text to sign
    assert band_rows == bands * signed


def _statements_for_one_add(tmp_path: Path, name: str, before: int, articles: dict[str, Article]) -> int:
    archive = open_archive(tmp_path / name, indexers=[DedupIndexer()])
    pool = [a for k, a in articles.items() if k != "phone_1"]  # the article added last matches nothing
    for n in range(before):
        base = pool[n % len(pool)]
        archive.add(reprint(base, 100 + n, paragraphs=[f"Versi {n}.", *base.paragraphs]))
    seen: list[str] = []
    event.listen(archive.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    archive.add(reprint(articles["phone_1"], 999, headline="Baru"))
    archive.close()
    return sum("dedup_" in s for s in seen)


def test_adding_one_article_costs_the_same_at_any_archive_size(
    tmp_path: Path, articles: dict[str, Article]
) -> None:
    small = _statements_for_one_add(tmp_path, "small.db", 3, articles)
    large = _statements_for_one_add(tmp_path, "large.db", 27, articles)
    assert small == large > 0  # no rebuild, no scan: a fixed number of keyed statements


def test_hostile_text_is_bounded(archive: CoreArchive) -> None:
    huge = " ".join(f"kata{i % 50_000}" for i in range(120_000))
    added = archive.add(
        Article(
            headline="Besar",
            paragraphs=[huge],
            url="https://x.example/h",
            canonical_url="https://x.example/h",
        )
    )  # its CPU time: benchmarks/bounded_time.py
    assert added.status == "added"
    odd = [
        "\x00\x01 biner \ufffd rusak",
        "ÃƒÂ© mojibake Ã© teks",
        "\u202e terbalik \u200b nol lebar",
    ] * 5
    archive.add(
        Article(
            headline="Aneh", paragraphs=odd, url="https://x.example/o", canonical_url="https://x.example/o"
        )
    )
    with archive.engine.connect() as conn:
        rows = conn.execute(select(dedup_signatures.c.shingles)).scalars().all()
    assert max(rows) <= DedupOptions().shingles.max_shingles


def test_lone_surrogates_sign_without_error() -> None:
    # Text decoded with errors="surrogateescape" can carry lone surrogates; signing must not fail.
    signed = DedupIndexer().sign(
        Article(
            paragraphs=[
                "teks \udcff\udcfe rusak di sini sana " * 3,
                "satu dua tiga empat lima enam tujuh delapan",
            ]
        )
    )
    assert signed is not None and signed.shingles > 0
