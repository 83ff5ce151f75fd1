"""kabar.lang.time: absolute Indonesian times, zones, finding a time inside a line."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabar.lang.time import ParsedTime, find_time, parse_time

WIB = timezone(timedelta(hours=7))
WITA = timezone(timedelta(hours=8))
WIT = timezone(timedelta(hours=9))


@pytest.mark.parametrize(
    ("text", "expected", "zone"),
    [
        ("Selasa, 3 November 2020 16:50 WIB", datetime(2020, 11, 3, 16, 50, tzinfo=WIB), "WIB"),
        ("Kamis, 05 Nov 2015 15:16 WIB", datetime(2015, 11, 5, 15, 16, tzinfo=WIB), "WIB"),
        ("03/11/2020, 16:50 WITA", datetime(2020, 11, 3, 16, 50, tzinfo=WITA), "WITA"),
        ("Selasa 03 Nov 2020 | 16:50 WIT", datetime(2020, 11, 3, 16, 50, tzinfo=WIT), "WIT"),
        ("3 November 2020 16:50", datetime(2020, 11, 3, 16, 50, tzinfo=WIB), "WIB"),
        ("Senin, 27/03/2017 10:15", datetime(2017, 3, 27, 10, 15, tzinfo=WIB), "WIB"),
        ("2020-11-03T16:50:00+07:00", datetime(2020, 11, 3, 16, 50, tzinfo=WIB), "WIB"),
        ("2020-11-03T09:50:00Z", datetime(2020, 11, 3, 9, 50, tzinfo=UTC), None),
        ("Rabu, 04 November 2020 - 10:15 WIB", datetime(2020, 11, 4, 10, 15, tzinfo=WIB), "WIB"),
        ("Ahad, 1 Nov 2020 pukul 08.05 WIB", datetime(2020, 11, 1, 8, 5, tzinfo=WIB), "WIB"),
        ("Jum'at, 06/11/2020 08:00 WITA", datetime(2020, 11, 6, 8, 0, tzinfo=WITA), "WITA"),
        ("Minggu, 1 Nopember 2020 07:00 WIB", datetime(2020, 11, 1, 7, 0, tzinfo=WIB), "WIB"),
        ("Tuesday, November 3, 2020 4:50 PM", datetime(2020, 11, 3, 16, 50, tzinfo=WIB), "WIB"),
        ("3 Agustus 2017 09:30:15 WIT", datetime(2017, 8, 3, 9, 30, 15, tzinfo=WIT), "WIT"),
    ],
)
def test_parse_time_portal_shapes(text: str, expected: datetime, zone: str | None) -> None:
    parsed = parse_time(text)
    assert parsed is not None
    assert parsed.value == expected
    assert parsed.value.utcoffset() == expected.utcoffset()
    assert parsed.text == text
    assert parsed.zone == zone


def test_parse_time_marks_assumed_zone() -> None:
    printed = parse_time("03/11/2020, 16:50 WITA")
    assumed = parse_time("03/11/2020, 16:50")
    assert printed is not None and not printed.zone_assumed
    assert assumed is not None and assumed.zone_assumed and assumed.zone == "WIB"


def test_parse_time_default_zone() -> None:
    wita = parse_time("3 November 2020 16:50", default_zone="WITA")
    assert wita is not None and wita.value.utcoffset() == timedelta(hours=8)
    # With no default a zoneless time cannot be placed, so it is not returned.
    assert parse_time("3 November 2020 16:50", default_zone=None) is None
    zoned = parse_time("3 November 2020 16:50 WIT", default_zone=None)
    assert zoned is not None and zoned.zone == "WIT"


def test_parse_time_falls_back_to_dateparser_for_unknown_shapes() -> None:
    # Ordinals and a parenthesised date are not in kabar's regex; dateparser reads them.
    ordinal = parse_time("3rd November 2020 16:50")
    assert ordinal is not None and ordinal.value == datetime(2020, 11, 3, 16, 50, tzinfo=WIB)
    paren = parse_time("Selasa (3/11/2020) pukul 16.50 WITA")
    assert paren is not None and paren.value == datetime(2020, 11, 3, 16, 50, tzinfo=WITA)
    assert paren.zone == "WITA"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hello world",
        "31/02/2020 10:00",  # no such day
        "Selasa, 3 November 2020 25:61 WIB",
        "https://tass.com/world/1219289",
        "Harga naik 2020 persen",
        "\x00\x01\x02 2020",
        "x" * 10_000,
    ],
)
def test_parse_time_rejects_non_times(text: str) -> None:
    assert parse_time(text) is None


def test_find_time_inside_a_line() -> None:
    found = find_time("Kompas.com - 03/11/2020, 16:50 WIB")
    assert found is not None
    assert found.text == "03/11/2020, 16:50 WIB"
    assert found.value == datetime(2020, 11, 3, 16, 50, tzinfo=WIB)
    updated = find_time("Diperbarui Selasa, 3 November 2020 18:05 WIB oleh redaksi")
    assert updated is not None and updated.value.hour == 18
    assert find_time("Tidak ada waktu di sini, hanya 12 kata.") is None


def test_parsed_time_is_the_public_dataclass() -> None:
    parsed = parse_time("Selasa, 3 November 2020 16:50 WIB")
    assert isinstance(parsed, ParsedTime)
    assert parsed.value.tzinfo is not None


def test_parse_time_is_fast_on_lines_without_a_time() -> None:
    lines = [
        "Presiden Rusia Vladimir Putin menyampaikan pidato secara virtual di depan Sidang Umum PBB."
    ] * 5000
    # their CPU time: benchmarks/bounded_time.py
    assert all(parse_time(line) is None and find_time(line) is None for line in lines)


def test_find_time_on_a_huge_line_is_bounded() -> None:
    line = "2020 " * 400_000  # years everywhere, no time: the worst case for the pre-filter
    assert find_time(line) is None  # its CPU time: benchmarks/bounded_time.py
