"""Berita terkait on a small hand-written archive: ranking, modes, duplicates, bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from backends import open_test_archive
from conftest import BACKENDS, backend_url
from kabar.archive import open_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.fts import FtsIndexer
from kabar.link.dedup import DedupIndexer
from kabar.link.related import MAX_LIMIT, NoText, RelatedOptions, UnknownArticle, related
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


@pytest.fixture(scope="module", params=BACKENDS)
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[CoreArchive, dict[str, int]]]:
    with backend_url(request, tmp_path_factory.mktemp("rel")) as url:
        archive = open_test_archive(url, indexers=[FtsIndexer(), DedupIndexer()])
        yield _fill(archive)
        archive.close()


def _fill(archive: CoreArchive) -> tuple[CoreArchive, dict[str, int]]:
    articles = load_articles()
    ids = {k: archive.add(a).id for k, a in articles.items()}
    # Two agency reprints of the second KPK story: related news must show one story once.
    kpk = articles["kpk_2"]
    for n, head in enumerate(["KPK tahan Bupati Lembah Hijau", "Sutrisno Hadi ditahan KPK"]):
        url = f"https://agensi.example/{n}"
        ids[f"kpk_2_reprint{n}"] = archive.add(
            replace(kpk, headline=head, url=url, canonical_url=url, outlet="Agensi", id=None)
        ).id
    # A reprint of flood_1: never related to flood_1 (it is the same article).
    flood = articles["flood_1"]
    ids["flood_1_reprint"] = archive.add(
        replace(
            flood,
            headline="Banjir Jakarta Timur (salinan)",
            url="https://agensi.example/f",
            canonical_url="https://agensi.example/f",
            id=None,
        )
    ).id
    return archive, ids


def test_relevant_ranks_same_story_first(built: tuple[CoreArchive, dict[str, int]]) -> None:
    archive, ids = built
    hits = related(archive, ids["flood_1"], RelatedOptions(limit=5))
    got = [h.id for h in hits]
    assert got[:2] == [ids["flood_2"], ids["flood_3"]]
    assert ids["flood_1"] not in got and ids["flood_1_reprint"] not in got
    # rain_match shares "Jakarta", "hujan", "deras", but is a football story; the phone shares nothing.
    assert ids["phone_1"] not in got[:3] and ids["rain_match"] not in got[:2]
    first = hits[0]
    assert first.headline and first.outlet == "Warta Dua" and first.published is not None
    assert "names:" in first.reason and ("kampung melayu" in first.reason or "anies baswedan" in first.reason)
    assert first.score >= hits[-1].score


def test_newest_shows_same_subject_newest_first(built: tuple[CoreArchive, dict[str, int]]) -> None:
    archive, ids = built
    got = [h.id for h in related(archive, ids["flood_1"], RelatedOptions(mode="newest"))]
    assert got[:2] == [ids["flood_3"], ids["flood_2"]]  # 15 March before 21 February
    assert ids["phone_1"] not in got and ids["kpk_1"] not in got


def test_reprints_fill_one_slot(built: tuple[CoreArchive, dict[str, int]]) -> None:
    archive, ids = built
    got = [h.id for h in related(archive, ids["kpk_1"], RelatedOptions(limit=10))]
    copies = {ids["kpk_2"], ids["kpk_2_reprint0"], ids["kpk_2_reprint1"]}
    assert len(copies & set(got)) == 1
    assert got[0] in copies


def test_limits(built: tuple[CoreArchive, dict[str, int]]) -> None:
    archive, ids = built
    assert related(archive, ids["flood_1"], RelatedOptions(limit=0)) == []
    assert len(related(archive, ids["flood_1"], RelatedOptions(limit=1))) == 1
    assert len(related(archive, ids["flood_1"], RelatedOptions(limit=10**9))) <= MAX_LIMIT


def test_works_on_an_archive_opened_read_only(built: tuple[CoreArchive, dict[str, int]]) -> None:
    archive, ids = built
    reader = open_archive(archive.url, read_only=True)  # reads only through the stores
    try:
        assert [h.id for h in related(reader, ids["football_1"], RelatedOptions(limit=1))] == [
            ids["football_2"]
        ]
    finally:
        reader.close()


@pytest.mark.parametrize("bad", [0, -1, 10**6, 2**70, "12", 3.0, True, None])
def test_unknown_or_malformed_id(built: tuple[CoreArchive, dict[str, int]], bad: object) -> None:
    archive, _ = built
    with pytest.raises(UnknownArticle) as err:
        related(archive, bad)  # type: ignore[arg-type]
    assert "\n" not in str(err.value)


def test_article_without_text(archive_url: str) -> None:
    archive = open_test_archive(archive_url, indexers=[FtsIndexer(), DedupIndexer()])
    empty = archive.add(
        Article(headline="", url="https://x.example/kosong", canonical_url="https://x.example/kosong")
    )
    with pytest.raises(NoText):
        related(archive, empty.id)
    only_headline = archive.add(
        Article(headline="Hanya judul berita", url="https://x.example/j", canonical_url="https://x.example/j")
    )
    assert related(archive, only_headline.id) == []  # nothing else in the archive to relate to


def test_document_counts_exact_below_the_cap_estimated_above(
    built: tuple[CoreArchive, dict[str, int]],
) -> None:
    archive, _ = built
    exact = archive.term_stats.doc_frequencies(["ciliwung", "sutrisno", "tidakadakatainiz", 'a"b'])
    capped = archive.term_stats.doc_frequencies(["ciliwung"], cap=2)
    # ciliwung: flood_1, flood_2, flood_3 and the flood_1 reprint; sutrisno: kpk_1, kpk_2 and two reprints
    assert exact == {"ciliwung": 4, "sutrisno": 4, "tidakadakatainiz": 0, 'a"b': 0}
    assert capped["ciliwung"] >= 2  # an estimate from the newest two matches' id span
