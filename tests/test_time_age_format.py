"""kabar.lang.time: relative ages and formatting times back the way portals print them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kabar.lang.time import Age, find_age, format_age, format_time, parse_age, parse_time

CAPTURED = datetime(2020, 11, 4, 12, 0, tzinfo=UTC)
DAY = 86400


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("9 jam lalu", 9 * 3600),
        ("17 jam lalu", 17 * 3600),
        ("1 hari lalu", DAY),
        ("kemarin", DAY),
        ("Kemarin", DAY),
        ("2 pekan lalu", 14 * DAY),
        ("sepekan lalu", 7 * DAY),
        ("3 bulan lalu", 90 * DAY),
        ("baru saja", 0),
        ("5 menit lalu", 300),
        ("2 minggu yang lalu", 14 * DAY),
        ("setahun lalu", 365 * DAY),
        ("sejam lalu", 3600),
        ("30 detik lalu", 30),
        ("3 hours ago", 3 * 3600),
        ("2 jam 30 menit lalu", 9000),  # compound: read by dateparser
    ],
)
def test_parse_age(text: str, seconds: int) -> None:
    age = parse_age(text)
    assert isinstance(age, Age)
    assert age.seconds == seconds
    assert age.published is None


def test_parse_age_with_capture_time_gives_absolute_time() -> None:
    age = parse_age("9 jam lalu", CAPTURED)
    assert age is not None
    assert age.published == CAPTURED - timedelta(hours=9)
    assert age.text == "9 jam lalu"


@pytest.mark.parametrize("text", ["", "lalu lintas padat", "9 jam", "hari ini", "x" * 500, "\x00lalu"])
def test_parse_age_rejects_non_ages(text: str) -> None:
    assert parse_age(text) is None


def test_find_age_inside_a_line() -> None:
    age = find_age("Nasional | 2 jam lalu")
    assert age is not None and age.text == "2 jam lalu" and age.seconds == 7200
    assert find_age("Polisi menutup jalan itu") is None


def test_format_time_in_its_own_zone() -> None:
    wib = parse_time("Selasa, 3 November 2020 16:50 WIB")
    wita = parse_time("03/11/2020, 16:50 WITA")
    assert wib is not None and wita is not None
    assert format_time(wib.value) == "Selasa, 3 November 2020 16:50 WIB"
    assert format_time(wita.value) == "Selasa, 3 November 2020 16:50 WITA"
    assert format_time(datetime(2020, 11, 3, 9, 50, tzinfo=UTC)) == "Selasa, 3 November 2020 09:50 +00:00"
    assert format_time(datetime(2020, 11, 1, 7, 5)) == "Minggu, 1 November 2020 07:05 WIB"  # naive: WIB


def test_format_time_round_trips() -> None:
    for text in [
        "Selasa, 3 November 2020 16:50 WIB",
        "Kamis, 5 November 2015 15:16 WIT",
        "Jumat, 1 Januari 2021 00:00 WITA",
    ]:
        parsed = parse_time(text)
        assert parsed is not None
        assert format_time(parsed.value) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "baru saja"),
        (59, "baru saja"),
        (300, "5 menit lalu"),
        (9 * 3600, "9 jam lalu"),
        (17 * 3600, "17 jam lalu"),  # babel would round this to "1 hari"
        (DAY, "1 hari lalu"),
        (2 * DAY, "2 hari lalu"),
        (14 * DAY, "2 minggu lalu"),
        (90 * DAY, "3 bulan lalu"),
    ],
)
def test_format_age(seconds: int, text: str) -> None:
    assert format_age(seconds) == text
    assert "yang" not in format_age(seconds)


def test_format_age_round_trips_portal_ages() -> None:
    for text in ["9 jam lalu", "17 jam lalu", "1 hari lalu", "6 hari lalu", "5 menit lalu", "3 bulan lalu"]:
        age = parse_age(text)
        assert age is not None
        assert format_age(age.seconds) == text
