"""Targeted invalidation: an ingest drops only the kept answers it touches (serve/invalidation.py).

Counted, never timed: the ``x-kabar-cache`` header and the middleware's counters say whether an
answer was rendered, and a hook on ``archive.get`` proves an article was not read again.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backends import open_test_archive
from cache_support import ingest_elsewhere as _ingest_elsewhere  # the names the tests here use
from cache_support import response_cache as _cache
from cache_support import story_archive
from kabar.archive import change_log
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import ListQuery
from kabar.archive.change_log import ArticleChange, ChangeBatch
from kabar.archive.change_stamp import ChangeWatch
from kabar.archive.fts import FtsIndexer
from kabar.model import Article
from kabar.serve.invalidation import Dependencies, plan
from kabar.wiring import default_indexers
from serve_support import Client, make_app, make_article, rich_article, story_article

NEW = "bagian 0"  # story_article(0)'s headline: the article ingested mid-test
_WORDS = ("alfa", "beta", "gama")


def unrelated(n: int, **overrides: object) -> Article:
    """An article sharing no distinctive word with the Karabakh story (no digits either: the
    story's text has "1 November 2020", and a shared number is a shared term)."""
    w = _WORDS[n]
    fields: dict[str, Any] = {
        "headline": f"Harga cabai rawit naik di pasar Surabaya {w}",
        "paragraphs": [
            f"Pedagang cabai di Pasar Keputran Surabaya mengeluhkan harga cabai rawit {w} yang melonjak.",
            "Petani Kediri gagal panen akibat hujan deras.",
        ],
        "description": f"Cabai mahal {w}.",
        "url": f"https://pasar.example/cabai/{w}",
        "canonical_url": f"https://pasar.example/cabai/{w}",
    }
    fields.update(overrides)
    return make_article(200 + n, **fields)


@pytest.fixture(autouse=True)
def _targeted(monkeypatch: pytest.MonkeyPatch) -> None:
    # "stamp" is the default; these tests are about the change-log mode.
    monkeypatch.setenv("KABAR_CACHE_INVALIDATION", "targeted")


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    yield from story_archive(archive_url, unrelated(0), unrelated(1))


def _id(archive: CoreArchive, headline: str | None) -> int:
    return next(r.id for r in archive.list_articles(ListQuery(limit=100)) if r.headline == headline)


def _count_gets(client: Client) -> list[int]:
    """Every article id the app reads whole from now on (rendering an article page reads it)."""
    state = client.app.state.kabar
    seen: list[int] = []
    real = state.archive.get

    def counting(article_id: int) -> Article | None:
        seen.append(article_id)
        return real(article_id)

    state.archive.get = counting
    return seen


def test_an_unrelated_article_page_is_served_from_cache_across_an_ingest(
    archive: CoreArchive, archive_url: str
) -> None:
    client = Client(make_app(archive))
    quiet = _id(archive, unrelated(0).headline)
    paths = [f"/artikel/{quiet}", f"/api/articles/{quiet}", f"/api/articles/{quiet}/related"]
    firsts = {p: client.get(p) for p in paths}
    assert all(r.status_code == 200 and r.headers["x-kabar-cache"] == "miss" for r in firsts.values())
    assert NEW not in client.get("/").text
    renders = _cache(client).counters.renders
    gets = _count_gets(client)
    _ingest_elsewhere(archive_url, story_article(0))
    for path, first in firsts.items():
        again = client.get(path)
        assert again.headers["x-kabar-cache"] == "hit", path
        assert again.text == first.text and again.headers["etag"] == first.headers["etag"], path
    assert quiet not in gets  # the article was not read again: nothing of it was rendered
    assert _cache(client).counters.renders == renders
    front = client.get("/")  # a list: stale on any new article
    assert front.headers["x-kabar-cache"] == "miss" and NEW in front.text
    assert _cache(client).counters.syncs >= 2


@pytest.mark.parametrize("mode", ["targeted", "stamp"])
def test_the_related_box_shows_a_new_article_at_once(
    archive: CoreArchive, archive_url: str, mode: str
) -> None:
    """The 5-minute lag of the related ranking's cache is gone; the "stamp" anchor still has it."""
    client = Client(make_app(archive, cache_invalidation=mode))
    putin = _id(archive, rich_article().headline)
    assert NEW not in client.get(f"/artikel/{putin}").text
    assert NEW not in client.get(f"/api/articles/{putin}/related").text
    _ingest_elsewhere(archive_url, story_article(0))
    page = client.get(f"/artikel/{putin}")
    related = client.get(f"/api/articles/{putin}/related").json()
    assert page.headers["x-kabar-cache"] == "miss"  # either mode renders it again …
    shown = any(NEW in item["headline"] for item in related["items"])
    if mode == "targeted":  # … but only the change log tells the ranking's cache to forget
        assert NEW in page.text and shown
    else:
        assert NEW not in page.text and not shown


def test_stamp_mode_renders_every_page_again_after_any_commit(archive: CoreArchive, archive_url: str) -> None:
    """The anchor: what the targeted mode saves is measured against this behaviour."""
    client = Client(make_app(archive, cache_invalidation="stamp"))
    quiet = _id(archive, unrelated(0).headline)
    client.get(f"/artikel/{quiet}")
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"
    _ingest_elsewhere(archive_url, story_article(0))
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "miss"


def test_story_members_and_the_story_page_are_rendered_again(archive: CoreArchive, archive_url: str) -> None:
    client = Client(make_app(archive))
    member = _id(archive, story_article(1).headline)
    story_id = client.get("/api/stories").json()[0]["id"]
    before = client.get(f"/api/stories/{story_id}").json()
    client.get(f"/artikel/{member}")
    client.get(f"/cerita/{story_id}")
    _ingest_elsewhere(archive_url, story_article(0))
    assert client.get(f"/artikel/{member}").headers["x-kabar-cache"] == "miss"
    assert NEW in client.get(f"/cerita/{story_id}").text
    assert client.get(f"/api/stories/{story_id}").json() != before


def _where(archive: CoreArchive) -> change_log.LogPosition:
    watch = ChangeWatch(archive.engine)
    try:
        return watch.position()
    finally:
        watch.close()


def _logged_since(archive: CoreArchive, since: int, articles_max: int) -> ChangeBatch:
    watch = ChangeWatch(archive.engine)
    try:
        return watch.read_changes(since, articles_max)
    finally:
        watch.close()


def test_a_change_names_every_member_of_its_story(archive: CoreArchive, archive_url: str) -> None:
    """Worked out when the row is written: a copy (no related ranking is run for it) still
    reaches its story's members, whose story box reads the story's label and size; reading
    the batch reads nothing else of the archive."""
    members = [_id(archive, story_article(n).headline) for n in (1, 2, 3)]
    start = _where(archive)
    copy = story_article(1)
    copy.url = copy.canonical_url = "https://cermin.example/salinan"
    _ingest_elsewhere(archive_url, copy)
    batch = _logged_since(archive, start.seq, start.articles_max)
    assert [c.change for c in batch.changes] == ["copy"]
    what = plan(batch)
    assert set(members) <= what.article_ids
    quiet = _id(archive, unrelated(0).headline)
    assert not what.affects(Dependencies(quiet)) and what.affects(Dependencies(None))
    assert plan(ChangeBatch(8, 9, 99, (), complete=False)).affects(Dependencies(quiet))


def test_a_new_article_names_the_articles_whose_related_news_it_enters(
    archive: CoreArchive, archive_url: str
) -> None:
    """The reach (link/change_reach.py) is in the log row: the Putin article, whose related box
    the new Karabakh article enters, is named; the cabai articles are not."""
    start = _where(archive)
    _ingest_elsewhere(archive_url, story_article(0))
    (change,) = _logged_since(archive, start.seq, start.articles_max).changes
    assert change.affected is not None and change.article_id not in change.affected
    assert _id(archive, rich_article().headline) in change.affected
    assert not {_id(archive, unrelated(n).headline) for n in (0, 1)} & change.affected


def test_a_row_that_does_not_name_its_pages_drops_every_answer(
    archive: CoreArchive, archive_url: str
) -> None:
    """A row from before the ``affected`` column, or from a writer without the reach indexer:
    the cache cannot tell which article pages it touches, so it drops them all."""
    client = Client(make_app(archive))
    quiet = _id(archive, unrelated(0).headline)
    client.get(f"/artikel/{quiet}")
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"
    start = _where(archive)
    bare = open_test_archive(archive_url, [FtsIndexer()])  # no reach indexer: affected stays NULL
    try:
        bare.add(story_article(0))
    finally:
        bare.close()
    (change,) = _logged_since(archive, start.seq, start.articles_max).changes
    assert change.affected is None and plan(ChangeBatch(0, 1, 1, (change,), complete=True)).everything
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "miss"
    # The same row read as an archive at revision 0008 reads it (no column): unknown as well.
    with archive.engine.connect() as conn:
        old = change_log.changes_since(conn, start.seq, start.articles_max, reach=False)
    assert old.changes[0].affected is None and plan(old).everything


def test_a_batch_is_everything_if_any_of_its_rows_is_unknown() -> None:
    named = ArticleChange(1, 10, "added", None, None, (), (), affected=frozenset({11}))
    unknown = ArticleChange(2, 12, "added", None, None, (), (), affected=None)
    assert plan(ChangeBatch(0, 1, 12, (named,), complete=True)).article_ids == {10, 11}
    assert plan(ChangeBatch(0, 2, 12, (named, unknown), complete=True)).everything
    assert plan(ChangeBatch(0, 2, 12, (unknown, named), complete=True)).everything


def test_an_updated_article_reads_anew_wherever_it_is_linked(archive: CoreArchive, archive_url: str) -> None:
    client = Client(make_app(archive))
    putin = _id(archive, rich_article().headline)
    page = client.get(f"/artikel/{putin}").text
    # the story's three near-copies fill one slot of its related box: the one shown is updated
    n = next(n for n in (1, 2, 3) if f"/artikel/{_id(archive, story_article(n).headline)}/" in page)
    member = _id(archive, story_article(n).headline)
    quiet = _id(archive, unrelated(1).headline)
    client.get(f"/artikel/{quiet}")
    changed = story_article(n)
    changed.headline = "Putin dan Aliyev bicara gencatan senjata, versi baru"
    _ingest_elsewhere(archive_url, changed)
    assert "versi baru" in client.get(f"/artikel/{putin}").text
    assert "versi baru" in client.get(f"/artikel/{member}").text
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"


def test_a_copy_shows_on_its_article_page_and_nowhere_else_is_rendered(
    archive: CoreArchive, archive_url: str
) -> None:
    client = Client(make_app(archive))
    original = _id(archive, unrelated(0).headline)
    quiet = _id(archive, story_article(1).headline)  # (the other cabai article shares its story)
    assert "cermin.example" not in client.get(f"/artikel/{original}").text
    client.get(f"/artikel/{quiet}")
    copy = unrelated(0, url="https://cermin.example/cabai", canonical_url="https://cermin.example/cabai")
    copy.outlet = "Cermin"
    other = open_test_archive(archive_url, default_indexers(note_reach=True))
    try:
        assert other.add(copy).status == "copy"
    finally:
        other.close()
    assert "cermin.example" in client.get(f"/artikel/{original}").text
    assert "cermin.example" in client.get(f"/api/articles/{original}").text
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"


def test_an_outside_link_turns_inside_when_its_article_lands(archive: CoreArchive, archive_url: str) -> None:
    """The Putin page's own related list links out to example.id/berita/b; once an article with
    that URL is stored, the link points inside the portal — though the article is on another
    subject entirely (no related ranking would name the Putin page)."""
    client = Client(make_app(archive))
    putin = _id(archive, rich_article().headline)
    assert 'href="https://example.id/berita/b"' in client.get(f"/artikel/{putin}").text
    landed = unrelated(2, url="https://example.id/berita/b", canonical_url="https://example.id/berita/b")
    _ingest_elsewhere(archive_url, landed)
    new_id = _id(archive, landed.headline)
    page = client.get(f"/artikel/{putin}")
    assert page.headers["x-kabar-cache"] == "miss"
    assert 'href="https://example.id/berita/b"' not in page.text and f"/artikel/{new_id}" in page.text


def test_a_commit_that_changes_no_article_keeps_every_answer(archive: CoreArchive) -> None:
    """The engine's fetch-log writes move the stamp; the log says nothing changed."""
    client = Client(make_app(archive))
    client.get("/")
    archive.fetch_log.prune()
    archive.add(unrelated(0))  # the same article again: "unchanged", nothing logged
    assert client.get("/").headers["x-kabar-cache"] == "hit"


def test_a_changed_notice_renders_the_page_again(archive: CoreArchive) -> None:
    """A background ingest's notice leaves pages when it ends, commit or none."""
    notice: list[str | None] = ["Memuat contoh …"]
    client = Client(make_app(archive, notice=lambda: notice[0]))
    quiet = _id(archive, unrelated(0).headline)
    assert "Memuat contoh" in client.get(f"/artikel/{quiet}").text
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"
    notice[0] = None
    again = client.get(f"/artikel/{quiet}")
    assert again.headers["x-kabar-cache"] == "miss" and "Memuat contoh" not in again.text


def test_an_article_page_is_rendered_again_after_its_maximum_age(archive: CoreArchive) -> None:
    client = Client(make_app(archive, article_cache_seconds=0.0))
    quiet = _id(archive, unrelated(0).headline)
    client.get(f"/artikel/{quiet}")
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "miss"
    client.get("/")
    assert client.get("/").headers["x-kabar-cache"] == "hit"  # lists wait for a change


def test_a_rendering_overlapping_an_invalidation_it_is_touched_by_is_not_kept(archive: CoreArchive) -> None:
    """The window a stamp check cannot close: the change is read while the page renders."""
    app = make_app(archive)
    client = Client(app)
    quiet = _id(archive, unrelated(0).headline)
    putin = _id(archive, rich_article().headline)
    client.get("/")
    cache = _cache(client)
    state = app.state.kabar
    real = state.archive.get

    def landing_meanwhile(article_id: int) -> Article | None:
        found = real(article_id)
        if article_id == putin and not landed:
            landed.append(archive.add(story_article(0)).id)
            import asyncio

            # the change is read (by another request) before this rendering is kept
            asyncio.run(cache._catch_up(cache._started, state))
        return found

    landed: list[int] = []
    state.archive.get = landing_meanwhile
    client.get(f"/artikel/{putin}")
    client.get(f"/artikel/{quiet}")  # rendered after the change was read: kept
    state.archive.get = real
    assert landed and cache.counters.refused == 1
    assert NEW in client.get(f"/artikel/{putin}").text
    assert client.get(f"/artikel/{quiet}").headers["x-kabar-cache"] == "hit"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/artikel/12", 12),
        ("/artikel/12/putin-telepon", 12),
        ("/api/articles/12", 12),
        ("/api/articles/12/related", 12),
        ("/api/articles/12/other", None),
        ("/api/articles", None),
        ("/artikel/", None),
        ("/artikel/12/a/b", None),
        ("/artikel/-3", None),
        ("/artikel/" + "9" * 40, None),  # beyond any id: a list-kind answer (and a 404, never kept)
        ("/artikel/１２", None),  # full-width digits are not an id
        ("/", None),
        ("", None),
    ],
)
def test_which_addresses_are_an_articles_own(path: str, expected: int | None) -> None:
    from kabar.serve.invalidation import article_of

    assert article_of(path) == expected


def test_dependencies_of_any_body_are_bounded_and_never_raise() -> None:
    from kabar.serve.invalidation import LIST, dependencies

    assert dependencies("/", b"<a href='/artikel/3'>") is LIST  # a list depends on everything
    assert dependencies("/artikel/1", b"").links == frozenset()
    binary = bytes(range(256)) * 64
    assert dependencies("/artikel/1", binary).article_id == 1
    hostile = b"".join(b'<a href="https://x.example/%d?a=1&amp;b=2">' % i for i in range(20_000))
    deps = dependencies("/artikel/1", hostile + b'<a href="/artikel/7/s">' + b"/artikel/1")
    assert len(deps.urls) == 2_000 and "https://x.example/0?a=1&b=2" in deps.urls  # entities undone
    assert deps.links == frozenset({7})  # its own id is not a link
    json_body = b'{"href":"/artikel/5/x","url":"https://y.example/a?b=1&c=2"}'
    json_deps = dependencies("/api/articles/4/related", json_body)
    assert json_deps.links == {5} and json_deps.urls == {"https://y.example/a?b=1&c=2"}


def test_the_related_cache_refuses_a_ranking_begun_before_it_was_forgotten() -> None:
    from kabar.serve.cache import TtlCache

    cache = TtlCache()
    assert cache.get((1, 10)) is None  # a ranking of article 1 begins …
    assert cache.get((1, 10)) is None  # … and a second one, concurrently
    assert cache.forget([1, 2]) == 0  # … the change log names article 1 meanwhile
    cache.put((1, 10), [5])  # the first finishes: it may predate the change
    cache.put((1, 10), [5])  # so may the second
    assert cache.get((1, 10)) is None
    cache.put((1, 10), [6])  # ranked after the forget
    assert cache.get((1, 10)) == [6]
    assert cache.forget([]) == 0 and cache.forget([1]) == 1 and cache.get((1, 10)) is None
    cache.put((3, 10), [1])
    assert cache.get((3, 10)) == [1]
    assert cache.get((4, 10)) is None
    cache.clear()  # an incomplete log: every ranking, and every one under way, goes
    cache.put((4, 10), [2])
    assert cache.get((3, 10)) is None and cache.get((4, 10)) is None


def test_writers_note_reach_only_when_the_deployment_is_in_targeted_mode(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The reach costs each write a BM25 ranking; stamp mode (the default) never reads it.
    def noting() -> bool:
        return any(type(i).__name__ == "ReachIndexer" for i in default_indexers())

    monkeypatch.delenv("KABAR_CACHE_INVALIDATION", raising=False)
    assert not noting()
    monkeypatch.setenv("KABAR_CACHE_INVALIDATION", " Targeted ")
    assert noting()
    monkeypatch.setenv("KABAR_CACHE_INVALIDATION", "bogus")
    assert not noting()
