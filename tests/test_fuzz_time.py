"""Property tests of the time readers: absolute times and ages (``lang/time.py``) and time
expressions in article text (``understand/timex*.py``), out-of-range parts included."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import fuzz_settings, indonesian_dates, long_runs, prose, text_with_hostility
from kabar.lang.time import find_age, find_time, format_age, format_time, parse_age, parse_time
from kabar.model import Article, Image
from kabar.understand.timex import find_in_text, find_time_expressions
from kabar.understand.timex_resolve import Anchor

# Hypothesis warns when it prints a grammar strategy's (long) repr; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")

ZONE = st.one_of(
    st.none(),
    st.just(UTC),
    st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m))),
)
ANY_TIME = st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59), timezones=ZONE
)
_CALENDAR_SECONDS = int((datetime(9999, 12, 31) - datetime(1, 1, 1)).total_seconds())
CAPTURED = st.one_of(st.none(), ANY_TIME.map(lambda d: d if d.tzinfo else d.replace(tzinfo=UTC)))


@fuzz_settings(scale=4)
@given(
    st.one_of(indonesian_dates(), text_with_hostility()),
    st.sampled_from(("WIB", "WITA", "WIT", None, "XYZ", "")),
)
def test_parse_and_find_time(text: str, zone: str | None) -> None:
    for found in (parse_time(text, zone), find_time(text, zone)):
        if found is not None:
            assert found.value.tzinfo is not None
            assert found.text
            format_time(found.value)


@fuzz_settings(scale=4)
@given(st.one_of(indonesian_dates(), text_with_hostility()), CAPTURED)
def test_parse_and_find_age(text: str, captured: datetime | None) -> None:
    for age in (parse_age(text, captured), find_age(text, captured)):
        if age is not None:
            format_age(age.seconds)


@fuzz_settings(scale=4)
@given(ANY_TIME, st.integers(-_CALENDAR_SECONDS, _CALENDAR_SECONDS))
def test_format_any_time_and_age(when: datetime, seconds: int) -> None:
    # Ages come from two times on the calendar (years 1 to 9999), so never exceed its span.
    assert format_time(when)
    assert format_age(seconds)


@fuzz_settings(scale=2)
@given(
    st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 12, 31)), st.sampled_from((7, 8, 9))
)
def test_formatted_time_reads_back(when: datetime, hours: int) -> None:
    """What kabar prints it reads back, to the minute, in the portal zones."""
    aware = when.replace(second=0, microsecond=0, tzinfo=timezone(timedelta(hours=hours)))
    parsed = parse_time(format_time(aware))
    assert parsed is not None and parsed.value == aware


ANCHOR = st.builds(
    Anchor,
    today=st.one_of(st.none(), st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))),
    hour=st.one_of(st.none(), st.integers(0, 23)),
    context_year=st.one_of(st.none(), st.integers(1, 9999)),
    future_days=st.integers(0, 400),
)


@fuzz_settings(scale=3)
@given(st.one_of(prose(60), long_runs(), text_with_hostility()), ANCHOR)
def test_time_expressions_in_text(text: str, anchor: Anchor) -> None:
    for expression in find_in_text(text, "body:0", anchor):
        assert text[expression.start : expression.end] == expression.text


@fuzz_settings()
@given(
    st.one_of(st.none(), prose(12)),
    st.lists(prose(60), max_size=5),
    st.lists(prose(10), max_size=2),
    CAPTURED,
)
def test_time_expressions_in_articles(
    headline: str | None, paragraphs: list[str], captions: list[str], published: datetime | None
) -> None:
    article = Article(
        headline=headline,
        paragraphs=paragraphs,
        images=[Image(url="https://contoh.id/a.jpg", caption=c) for c in captions],
        published=published,
    )
    for expression in find_time_expressions(article):
        assert expression.field
