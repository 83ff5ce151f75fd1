"""Kept related rankings meet new articles (serve/cache.py, serve/related_arrivals.py).

A new article named by its change-log row is checked against the kept rankings of the
articles it names, and inserted where it belongs, instead of those rankings being dropped and
ranked afresh. Counted, never timed: which articles link/related.py ranks, and the cache's
counters, prove what was (not) ranked again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import pytest

from backends import open_test_archive
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import ListQuery
from kabar.archive.change_log import ArticleChange, ChangeBatch
from kabar.archive.change_stamp import ChangeWatch
from kabar.link import related
from kabar.model import Article, Entity
from kabar.serve import sections
from kabar.serve.cache import MAX_ARRIVALS, Arrival, RankingChanges, TtlCache
from kabar.serve.invalidation import plan
from kabar.wiring import default_indexers
from serve_support import WIB, Client, fill, make_app, make_article, rich_article, story_article

_WORDS = ("alfa", "beta", "gama")


# -- the cache alone, with a patcher that says what it is told to ------------------------------
class FakePatcher:
    def __init__(self, answer: list[int] | None = None, fail: bool = False) -> None:
        self.answer = answer
        self.fail = fail
        self.calls: list[tuple[int, tuple[int, ...]]] = []
        self.forgotten: list[int] = []
        self.cleared = 0

    def patch(
        self, article_id: int, limit: int, ids: list[int], arrivals: tuple[int, ...]
    ) -> list[int] | None:
        self.calls.append((article_id, arrivals))
        if self.fail:
            raise RuntimeError("archive gone")
        return self.answer if self.answer is not None else None

    def forget(self, article_ids: Iterable[int]) -> None:
        self.forgotten += list(article_ids)

    def clear(self) -> None:
        self.cleared += 1


def _arrive(cache: TtlCache, new_id: int, *named: int) -> int:
    return cache.apply(RankingChanges(arrivals=(Arrival(new_id, frozenset(named)),)))


def test_an_arrival_is_checked_once_not_a_cause_to_rank_again() -> None:
    patcher = FakePatcher(answer=[9, 5])
    cache = TtlCache(patcher=patcher)
    cache.put((1, 10), [5])
    cache.put((2, 10), [6])
    assert _arrive(cache, 9, 1) == 1  # noted on article 1's ranking, article 2's untouched
    assert cache.get((1, 10)) == [9, 5] and patcher.calls == [(1, (9,))]
    assert cache.get((1, 10)) == [9, 5] and len(patcher.calls) == 1  # patched once, then kept
    assert cache.get((2, 10)) == [6] and len(patcher.calls) == 1
    assert _arrive(cache, 1, 1) == 0  # an article is never its own arrival


def test_an_arrival_the_patcher_cannot_place_drops_the_ranking() -> None:
    for patcher in (FakePatcher(answer=None), FakePatcher(fail=True)):
        cache = TtlCache(patcher=patcher)
        cache.put((1, 10), [5])
        _arrive(cache, 9, 1)
        assert cache.get((1, 10)) is None  # ranked again by the caller …
        cache.put((1, 10), [9, 5])  # … and that ranking began after the arrival: kept
        assert cache.get((1, 10)) == [9, 5]
    bare = TtlCache()  # no patcher: an arrival drops what it is noted on, as a forget does
    bare.put((1, 10), [5])
    assert _arrive(bare, 9, 1) == 1 and bare.get((1, 10)) is None


def test_a_ranking_under_way_when_an_arrival_names_it_is_not_kept() -> None:
    cache = TtlCache(patcher=FakePatcher(answer=[5]))
    assert cache.get((1, 10)) is None  # a ranking begins …
    _arrive(cache, 9, 1)  # … the new article lands meanwhile
    cache.put((1, 10), [5])  # it may not have seen it
    assert cache.get((1, 10)) is None


def test_arrivals_noted_while_a_patch_runs_wait_for_the_next_look() -> None:
    cache = TtlCache()

    class Landing(FakePatcher):
        def patch(self, article_id: int, limit: int, ids: list[int], arrivals: tuple[int, ...]) -> list[int]:
            self.calls.append((article_id, arrivals))
            if len(self.calls) == 1:
                _arrive(cache, 8, 1)  # another commit read while this one is placed
            return [*arrivals, *ids]

    patcher = Landing()
    cache.patcher = patcher
    cache.put((1, 10), [5])
    _arrive(cache, 9, 1)
    assert cache.get((1, 10)) == [9, 5]
    assert cache.get((1, 10)) == [8, 9, 5]
    assert [a for _, a in patcher.calls] == [(9,), (8,)]


def test_an_update_drops_the_rankings_it_names_and_those_listing_it() -> None:
    patcher = FakePatcher(answer=[1])
    cache = TtlCache(patcher=patcher)
    for article_id, listed in ((1, [7]), (2, [3]), (3, [4]), (4, [5])):
        cache.put((article_id, 10), listed)
    _arrive(cache, 6, 4)  # pending on article 4: an update of 6 reaches it through the arrival
    dropped = cache.apply(RankingChanges(forget=frozenset({2, 7}), listed=frozenset({7, 6})))
    assert dropped == 3
    assert cache.get((1, 10)) is None and cache.get((2, 10)) is None and cache.get((4, 10)) is None
    assert cache.get((3, 10)) == [4]
    assert set(patcher.forgotten) == {2, 6, 7}
    cache.clear()
    assert patcher.cleared == 1 and cache.get((3, 10)) is None


def test_too_many_arrivals_on_one_ranking_rank_it_again() -> None:
    cache = TtlCache(patcher=FakePatcher(answer=[5]))
    cache.put((1, 10), [5])
    for new_id in range(100, 100 + MAX_ARRIVALS):
        _arrive(cache, new_id, 1)
    assert len(cache) == 1
    _arrive(cache, 999, 1)
    assert len(cache) == 0


def test_the_plan_makes_additions_arrivals_and_updates_drops() -> None:
    added = ArticleChange(1, 10, "added", None, None, (), (), affected=frozenset({11, 12}))
    updated = ArticleChange(2, 13, "updated", None, None, (), (), affected=frozenset({14}))
    copy = ArticleChange(3, 15, "copy", None, None, (), (), affected=frozenset({16}))
    rankings = plan(ChangeBatch(0, 3, 15, (added, updated, copy), complete=True)).rankings
    assert rankings.arrivals == (Arrival(10, frozenset({11, 12})),)
    assert rankings.forget == {13, 14} and rankings.listed == {13}  # a copy moves no ranking
    assert plan(ChangeBatch(0, 1, 10, (added,), complete=False)).everything


# -- over a real archive, both backends ------------------------------------------------------
def _unrelated(n: int) -> Article:
    w = _WORDS[n]
    return make_article(
        200 + n,
        headline=f"Harga cabai rawit naik di pasar Surabaya {w}",
        paragraphs=[
            f"Pedagang cabai di Pasar Keputran Surabaya mengeluhkan harga cabai rawit {w} yang melonjak.",
            "Petani Kediri gagal panen akibat hujan deras.",
        ],
        description=f"Cabai mahal {w}.",
        url=f"https://pasar.example/cabai/{w}",
        canonical_url=f"https://pasar.example/cabai/{w}",
    )


def _meeting() -> Article:
    """On the Putin article's subject in other words (no near-duplicate of anything), newest of all."""
    return make_article(
        0,
        headline="Pashinyan dan Aliyev bertemu Putin di Kremlin bahas Karabakh",
        published=datetime(2020, 11, 3, 18, 30, tzinfo=WIB),
        paragraphs=[
            "Di Kremlin, Moskow, Vladimir Putin menerima Pashinyan serta Aliyev untuk menengahi "
            "gencatan senjata Karabakh yang rapuh.",
            "Juru bicara Kremlin menyebut pertemuan tertutup itu berlangsung tiga jam.",
        ],
        url="https://kremlin.example/pertemuan",
        canonical_url="https://kremlin.example/pertemuan",
        entities=[
            Entity(name="Vladimir Putin", type="person", role="Presiden Rusia"),
            Entity(name="Nagorno-Karabakh", type="place"),
        ],
    )


@pytest.fixture(autouse=True)
def _targeted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KABAR_CACHE_INVALIDATION", "targeted")


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = fill(
        archive_url,
        [rich_article(), *[story_article(n) for n in range(1, 4)], _unrelated(0), _unrelated(1)],
    )
    yield arch
    arch.close()


def _id(archive: CoreArchive, headline: str | None) -> int:
    return next(r.id for r in archive.list_articles(ListQuery(limit=100)) if r.headline == headline)


def _ingest_elsewhere(archive_url: str, article: Article) -> int:
    other = open_test_archive(archive_url, default_indexers(note_reach=True))
    try:
        return other.add(article).id
    finally:
        other.close()


def _in_archive(items: list[dict[str, object]]) -> list[int]:
    """The article ids of the related items the archive holds (hrefs ``/artikel/{id}/slug``)."""
    return [int(str(i["href"]).split("/")[2]) for i in items if i["in_archive"]]


def _ranked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every article link/related.py ranks from now on."""
    seen: list[int] = []
    real = related.related

    def counting(
        archive: object, article_id: int, options: object = None, **known: Any
    ) -> list[related.RelatedHit]:
        seen.append(article_id)
        return real(archive, article_id, options, **known)  # type: ignore[arg-type]

    monkeypatch.setattr(related, "related", counting)
    return seen


def test_a_relevant_new_article_enters_a_kept_related_list_without_ranking_it_again(
    archive: CoreArchive, archive_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = Client(make_app(archive))
    putin = _id(archive, rich_article().headline)
    meeting = _meeting()
    before = client.get(f"/api/articles/{putin}/related").json()["items"]
    assert meeting.headline not in {i["headline"] for i in before}
    client.get(f"/artikel/{putin}")
    ranked = _ranked(monkeypatch)
    new_id = _ingest_elsewhere(archive_url, meeting)
    page = client.get(f"/artikel/{putin}")
    items = client.get(f"/api/articles/{putin}/related").json()["items"]
    assert page.headers["x-kabar-cache"] == "miss" and f"/artikel/{new_id}/" in page.text
    assert items[0]["headline"] == meeting.headline  # the newest first, as the ranking orders
    assert putin not in ranked and ranked == [new_id]  # the new article ranked once, the list never
    # The new article's own page uses that one ranking too.
    own = client.get(f"/api/articles/{new_id}/related").json()["items"]
    assert ranked == [new_id] and putin in _in_archive(own)
    # What a fresh ranking of the whole list gives now: the same list.
    assert _in_archive(items) == [a.id for a in sections.related_articles(archive, putin, 10)]


def test_a_new_article_on_another_subject_leaves_a_kept_list_as_it_was(
    archive: CoreArchive, archive_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A third cabai article: its row names the cabai articles, and the Putin article too (the
    two share "gagal", and in a seven-article archive that is among its best BM25 matches).
    The Putin page is rendered again, but its related list is checked, not ranked again, and
    the new article does not enter it."""
    client = Client(make_app(archive))
    putin = _id(archive, rich_article().headline)
    cabai = _id(archive, _unrelated(0).headline)
    putin_before = client.get(f"/api/articles/{putin}/related").json()
    client.get(f"/api/articles/{cabai}/related")
    ranked = _ranked(monkeypatch)
    new_id = _ingest_elsewhere(archive_url, _unrelated(2))
    assert client.get(f"/api/articles/{putin}/related").json() == putin_before
    cabai_items = client.get(f"/api/articles/{cabai}/related").json()["items"]
    assert putin not in ranked and ranked.count(new_id) == 1  # the new one ranked once, for both
    # Patched, or ranked again where the new one has near-duplicates: what a fresh ranking gives.
    assert _in_archive(cabai_items) == [a.id for a in sections.related_articles(archive, cabai, 10)]


def test_an_article_that_changes_story_names_the_members_of_the_story_it_left(
    archive: CoreArchive, archive_url: str
) -> None:
    """Item of issue 18: the old story's members used to wait for the pages' maximum age."""
    members = {n: _id(archive, story_article(n).headline) for n in (1, 2, 3)}
    assert len({archive.stories.article_story(i) for i in members.values()}) == 1
    watch = ChangeWatch(archive.engine)
    try:
        start = watch.position()
        moved = _unrelated(2)  # the same address, now about cabai: it leaves the Karabakh story
        moved.url = moved.canonical_url = story_article(1).canonical_url
        assert _ingest_elsewhere(archive_url, moved) == members[1]
        (change,) = watch.read_changes(start.seq, start.articles_max).changes
    finally:
        watch.close()
    assert change.change == "updated" and change.affected is not None
    assert archive.stories.article_story(members[1]) != archive.stories.article_story(members[2])
    assert {members[2], members[3]} <= change.affected
    what = plan(ChangeBatch(start.seq, change.seq, start.articles_max, (change,), complete=True))
    assert {members[2], members[3]} <= what.rankings.forget  # their related news is ranked again


def test_arrivals_the_archive_does_not_hold_enter_no_list() -> None:
    """Ids from a log row are the archive's own, but a hostile or damaged row may name anything:
    zero, negative, past 64 bits, an article since gone. None of them enters a list or raises."""
    from kabar.serve.related_arrivals import ArrivalPatcher

    class Empty:
        def get(self, article_id: int) -> None:
            return None

    patcher = ArrivalPatcher(Empty())  # type: ignore[arg-type]
    odd = (0, -3, 2**63 - 1, 2**70, 12, 12)
    assert patcher.patch(1, 10, [5], odd) == [5]
    assert patcher.rankings == 5  # each ranked once (12 twice in the row: once)
    assert patcher.patch(1, 10, [5], odd) == [5] and patcher.rankings == 5  # remembered
    patcher.forget([12])
    assert patcher.patch(1, 0, [], (12,)) == [] and patcher.rankings == 6
