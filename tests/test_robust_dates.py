"""Dates at the calendar's ends (years 1 and 9999) from every door: JSON-LD, meta tags, text, a
JSONL ``published_utc``, ``--captured-at``. None of them crashes; an implausible publication time
is set aside with a note; a time expression resolved off the calendar is kept with no value."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.cli.main import app
from kabar.extract import ExtractOptions, extract
from kabar.lang.dates import TimeWindow, calendar_value, implausible, make_date, shift, to_zone
from kabar.lang.time import find_age, parse_age
from kabar.model import Article, RawPage
from kabar.serialize import article_from_dict, article_to_dict
from kabar.sources.records import map_record
from kabar.understand import enrich
from kabar.understand.timex import find_in_text, find_time_expressions
from kabar.understand.timex_resolve import OFF_CALENDAR, Anchor

FIXTURES = Path(__file__).parent / "fixtures" / "robustness"
runner = CliRunner()
WIB = timezone(timedelta(hours=7))
# Every relative shape the resolvers handle, each able to step past a calendar end.
RELATIVE = (
    "Senin lalu, kemarin, kemarin malam, dua hari lalu, besok, lusa, Rabu depan, pekan lalu, "
    "pekan depan, bulan lalu, bulan depan, tahun lalu, tahun depan, tiga tahun lalu, sepuluh bulan "
    "lagi, 3 November, 25 Desember, 1 dan 2 Januari, 30 Desember hingga 2 Januari, akhir Oktober, "
    "Senin (2/11), 20-an, tahun '98."
)


def _page(name: str, captured_at: datetime | None = None) -> RawPage:
    path = FIXTURES / name
    kind = "html" if name.endswith(".html") else "text"
    return RawPage(content=path.read_text(encoding="utf-8"), kind=kind, source=name, captured_at=captured_at)


def test_the_one_builder_turns_calendar_errors_into_none() -> None:
    assert make_date(0, 1, 1) is None and make_date(10000, 1, 1) is None and make_date(2020, 2, 30) is None
    assert shift(date.max, timedelta(days=1)) is None and shift(date.min, timedelta(days=-1)) is None
    assert shift(date(2020, 1, 1), timedelta(days=1)) == date(2020, 1, 2)
    assert to_zone(datetime(9999, 12, 31, 23, tzinfo=UTC), WIB) is None
    assert to_zone(datetime(1, 1, 1, tzinfo=WIB), UTC) is None
    assert calendar_value(lambda: 1 // 1) == 1


@pytest.mark.parametrize("today", [date(1, 1, 1), date(1, 1, 3), date(9999, 12, 31), date(9999, 12, 25)])
def test_expressions_off_the_calendar_are_kept_without_a_value(today: date) -> None:
    found = find_in_text(RELATIVE, "body", Anchor(today=today, hour=21))
    texts = {t.text for t in found}
    assert {"kemarin", "besok", "Rabu depan", "bulan depan", "tahun lalu"} <= texts  # none dropped
    off = [t for t in found if t.value is None]
    assert off and all(t.note == OFF_CALENDAR for t in off)
    for t in found:  # the rest are real dates of the calendar
        for v in t.value if isinstance(t.value, list) else [t.value] if t.value else []:
            assert v[:1] in "0123456789X" and "-" not in v[:1]


def test_ordinary_anchor_resolves_everything() -> None:
    found = find_in_text(RELATIVE, "body", Anchor(today=date(2020, 11, 3), hour=10))
    assert found and all(t.value is not None for t in found)


def test_an_unset_cms_time_is_no_time() -> None:
    # "0001-01-01T00:00:00" is what a CMS writes for a field it never set: no evidence at all, so it
    # is passed over (other evidence may still give the time) rather than read and then set aside.
    article = enrich(extract(_page("ld_year_0001.html", captured_at=datetime(2024, 5, 1, tzinfo=UTC))))
    assert article.published is None and "published" in article.missing
    assert not any(n.startswith("publication time set aside") for n in article.notes)
    assert article.headline == "Banjir Rendam Permukiman di Jakarta Timur"


@pytest.mark.parametrize("name", ["ld_year_9999.html", "meta_year_9999.html"])
def test_implausible_machine_time_is_set_aside_with_a_note(name: str) -> None:
    article = enrich(extract(_page(name, captured_at=datetime(2024, 5, 1, tzinfo=UTC))))
    assert article.published is None and "published" in article.missing
    assert len(article.notes) == 1 and article.notes[0].startswith("publication time set aside")
    assert article.headline == "Banjir Rendam Permukiman di Jakarta Timur"
    data = article_to_dict(article)
    assert data["notes"] == article.notes and article_from_dict(data).notes == article.notes


def test_the_window_is_settable_and_kept_edges_still_resolve() -> None:
    wide = ExtractOptions(time_window=TimeWindow(earliest=datetime(1, 1, 2, tzinfo=UTC)))
    captured = datetime(9999, 12, 31, tzinfo=UTC)
    late = enrich(extract(_page("ld_year_9999.html", captured_at=captured), wide))
    assert late.published is not None and late.published.year == 9999 and not late.notes
    values = {t.text: t.value for t in late.time_expressions}
    assert values["bulan depan"] is None and values["tahun depan"] is None and values["Rabu depan"] is None
    assert values["Senin lalu"] == "9999-12-27"
    assert implausible(datetime(1899, 12, 31, tzinfo=UTC), None) is not None
    assert implausible(datetime(2020, 1, 1, tzinfo=UTC), datetime(2019, 12, 30, tzinfo=UTC)) is not None
    assert implausible(datetime(2020, 1, 1, tzinfo=UTC), datetime(2019, 12, 31, 12, tzinfo=UTC)) is None


def test_far_dates_in_text_resolve_without_crashing() -> None:
    article = enrich(extract(_page("flat_far_dates.txt")))
    values = {t.text: t.value for t in article.time_expressions}
    assert values["1 Januari 0001"] == "0001-01-01" and values["31 Desember 9999"] == "9999-12-31"
    assert article.published is not None and not article.notes
    enrich(extract(_page("flat_published_9999.txt")))


def test_article_anchored_at_year_one_keeps_its_expressions() -> None:
    article = Article(headline="Uji", published=datetime(1, 1, 1, 0, 30, tzinfo=UTC), paragraphs=[RELATIVE])
    found = find_time_expressions(article)
    assert any(t.value is None for t in found) and any(t.text == "kemarin" for t in found)


def test_ages_against_a_capture_time_at_either_end() -> None:
    assert parse_age("2 hari lalu", datetime(1, 1, 1, tzinfo=UTC)) is not None
    assert parse_age("2 hari lalu", datetime(1, 1, 1, tzinfo=UTC)).published is None  # type: ignore[union-attr]
    age = find_age("Nasional | 9 jam lalu", datetime(9999, 12, 31, tzinfo=UTC))
    assert age is not None and age.published == datetime(9999, 12, 30, 15, tzinfo=UTC)


def test_record_with_published_utc_at_the_ends() -> None:
    lines = (FIXTURES / "records_far_dates.jsonl").read_text(encoding="utf-8").splitlines()
    mapped = [map_record(json.loads(line), f"line {i}") for i, line in enumerate(lines, 1)]
    articles = [m.article for m in mapped]
    assert all(a is not None for a in articles)
    first, second, third = (enrich(a) for a in articles if a is not None)
    assert first.published is None and "before 1900" in first.notes[0]
    assert second.published is None and second.notes
    assert third.published == datetime(2020, 11, 3, 9, 50, tzinfo=UTC) and not third.notes


def test_cli_ingests_the_records_file_whole(tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    result = runner.invoke(app, ["ingest", str(FIXTURES / "records_far_dates.jsonl"), "--db", str(db), "-q"])
    assert result.exit_code == 0, result.output
    assert "3 added" in result.output


@pytest.mark.parametrize(
    "captured", ["0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+00:00", "9999-12-31T23:59:59-05:00"]
)
@pytest.mark.parametrize("name", ["flat_far_dates.txt", "ld_year_9999.html", "ld_year_0001.html"])
def test_cli_captured_at_the_ends(name: str, captured: str) -> None:
    result = runner.invoke(app, ["extract", str(FIXTURES / name), "--captured-at", captured, "-f", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["headline"] and data["captured_at"]
    if captured.startswith("0001"):  # nothing can be published a day after year 1 began
        assert data["published"] is None
        assert not data["related"] or all(r["published"] is None for r in data["related"])
