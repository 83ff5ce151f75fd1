"""How the portal writes times, ages, periods and addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from kabar.model import Image
from kabar.serve.article_view import body_blocks
from kabar.serve.display import age_seconds, article_href, format_period, format_time, slugify


def test_format_time_keeps_the_article_zone() -> None:
    wita = timezone(timedelta(hours=8))
    assert format_time(datetime(2020, 11, 3, 16, 50, tzinfo=timezone(timedelta(hours=7)))) == (
        "Selasa, 3 November 2020 16:50 WIB"
    )
    assert format_time(datetime(2020, 11, 3, 17, 50, tzinfo=wita)).endswith("17:50 WITA")
    # a UTC instant (how a corpus stores it) is shown as Jakarta time
    assert format_time(datetime(2020, 11, 3, 9, 50, tzinfo=UTC)) == "Selasa, 3 November 2020 16:50 WIB"
    assert format_time(None) == ""


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-11-01", "1 November 2020"),
        ("2020-10", "Oktober 2020"),
        ("2020-W44", "pekan 26 Oktober 2020"),
        ("199X", "1990-an"),
        ("2020-11-01/2020-11-02", "1 November 2020 – 2 November 2020"),
        ("sesuatu", "sesuatu"),
    ],
)
def test_format_period(value: str, expected: str) -> None:
    assert format_period(value) == expected


def test_age_and_slug() -> None:
    now = datetime(2020, 11, 4, tzinfo=UTC)
    assert age_seconds(now - timedelta(hours=9), now) == 9 * 3600
    assert age_seconds(now + timedelta(hours=1), now) == 0  # a clock skew never shows a negative age
    assert age_seconds(None, now) is None
    assert slugify("Vladimir Putin: Telepon «Pemimpin» Armenia!") == "vladimir-putin-telepon-pemimpin-armenia"
    assert slugify("</script>") == "script"
    assert article_href(5, None) == "/artikel/5"
    assert article_href(5, "Banjir Jakarta") == "/artikel/5/banjir-jakarta"


def test_images_stand_before_their_paragraph() -> None:
    blocks = body_blocks(
        ["a", "b", "c"],
        [Image(caption="x", position=0), Image(caption="y", position=2), Image(caption="z", position=99)],
    )
    assert [(b.kind, b.text or b.caption) for b in blocks] == [
        ("image", "x"),
        ("paragraph", "a"),
        ("paragraph", "b"),
        ("image", "y"),
        ("paragraph", "c"),
        ("image", "z"),
    ]
    assert [b.lead for b in blocks if b.kind == "paragraph"] == [True, False, False]


def test_related_cache_expires_and_stays_bounded() -> None:
    from kabar.serve.cache import TtlCache

    now = [0.0]
    cache = TtlCache(max_entries=2, ttl_seconds=10, clock=lambda: now[0])
    cache.put((1, 10), [5, 6])
    assert cache.get((1, 10)) == [5, 6]
    now[0] = 11
    assert cache.get((1, 10)) is None  # expired
    cache.put((1, 10), [1])
    cache.put((2, 10), [2])
    cache.get((1, 10))  # (1, 10) is now the most recently used
    cache.put((3, 10), [3])
    assert cache.get((2, 10)) is None and cache.get((1, 10)) == [1] and len(cache) == 2
    off = TtlCache(max_entries=0)
    off.put((1, 10), [1])
    assert off.get((1, 10)) is None


def test_warmer_ranks_the_newest_articles_into_the_cache(tmp_path: Path) -> None:
    from kabar.serve.warm import Warmer
    from serve_support import fill, make_app, make_article

    archive = fill(tmp_path / "k.db", [make_article(n) for n in range(1, 8)])
    try:
        state = make_app(archive).state.kabar
        warmer = Warmer(state, latest=3)
        assert warmer.warm([1, 2, 3]) == 3
        assert state.related_cache.get((1, 10)) is not None
        assert state.related_cache.get((7, 10)) is None
        warmer.stop.set()
        assert warmer.warm([4, 5]) == 0  # a stopped warmer does no more work
    finally:
        archive.close()
