"""The paths that keep search fast at a million articles stay exact where they promise."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kabar.archive import fts
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer, RankOptions
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.model import Article

WORDS = ["banjir", "gempa", "pemilu", "harga", "beras", "jalan", "sekolah", "pasar"]


def _archive(path: Path, n: int, shuffled: bool) -> SqliteArchive:
    rng = random.Random(7)
    start = datetime(2020, 1, 1, tzinfo=UTC)
    days = list(range(n))
    if shuffled:
        rng.shuffle(days)  # ingest order unrelated to publication order (a backfill)
    archive = SqliteArchive(ArchiveOptions(path=path, indexers=[FtsIndexer()]))
    for i, day in enumerate(days):
        words = rng.sample(WORDS, 3)
        archive.add(
            Article(
                headline=f"{words[0].title()} di kota {i}",
                published=start + timedelta(days=day, minutes=i),
                outlet=rng.choice(["kompas", "tempo"]),
                paragraphs=[" ".join(words) + f" laporan nomor {i}", "isi " * rng.randint(1, 30)],
            )
        )
    return archive


@pytest.mark.parametrize("shuffled", [False, True])
def test_newest_first_is_exact_whatever_the_ingest_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shuffled: bool
) -> None:
    monkeypatch.setattr(fts, "BLOCK", 4)  # many blocks, so the early stop really runs
    archive = _archive(tmp_path / "k.db", 120, shuffled)
    with archive.engine.connect() as conn:
        for word in ("banjir", "pasar jalan"):
            for outlet in (None, "tempo"):
                got = fts.search(conn, SearchQuery(text=word, order="newest", limit=3, outlet=outlet))
                every = fts.search(conn, SearchQuery(text=word, order="newest", limit=200, outlet=outlet))
                assert len(every.hits) == every.total == got.total >= 5
                truth = sorted(every.hits, key=lambda h: (h.published, h.id), reverse=True)
                assert [h.id for h in got.hits] == [h.id for h in truth[:3]]
                paged = fts.search(
                    conn, SearchQuery(text=word, order="newest", limit=2, offset=2, outlet=outlet)
                )
                assert [h.id for h in paged.hits] == [h.id for h in truth[2:4]]
    archive.close()


def test_capped_ranking_is_exact_when_matches_fit_and_scores_are_true_bm25(tmp_path: Path) -> None:
    archive = _archive(tmp_path / "k.db", 80, False)
    with archive.engine.connect() as conn:
        query = SearchQuery(text="banjir", limit=10)
        exact = fts.search(conn, query, rank=RankOptions(candidates=10_000))
        fits = fts.search(conn, query, rank=RankOptions(candidates=exact.total))
        assert [h.id for h in fits.hits] == [h.id for h in exact.hits]
        capped = fts.search(conn, SearchQuery(text="banjir", limit=3), rank=RankOptions(5))
        assert capped.total == exact.total  # the count stays exact
        true_scores = {h.id: h.score for h in fts.search(conn, SearchQuery(text="banjir", limit=200)).hits}
        for hit in capped.hits:
            assert hit.score == true_scores[hit.id]
        # capped candidates are the newest matches (highest ids)
        newest_ids = sorted(true_scores, reverse=True)[:5]
        assert len(capped.hits) == 3 and {h.id for h in capped.hits} <= set(newest_ids)
        best_newest = sorted(newest_ids, key=lambda i: -true_scores[i])[:3]
        assert [h.id for h in capped.hits] == best_newest
    archive.close()
