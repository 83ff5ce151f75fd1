"""The seed page: every value of its expected file, from the shared copy and the shipped example."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from conftest import shared_path
from flat_compare import differences, furniture_leaks
from kabar.extract import extract
from kabar.extract.flat import extract_flat
from kabar.model import RawPage
from kabar.serialize import article_to_dict

CAPTURED = datetime(2020, 11, 4, 9, 0, tzinfo=UTC)


def _expected() -> dict[str, object]:
    return dict(json.loads(shared_path("seed", "000_b561e05cfa5aa674.expected.json").read_text("utf-8")))


def test_seed_recovers_every_expected_value() -> None:
    expected = _expected()
    page = RawPage(content=shared_path("seed", "000_b561e05cfa5aa674.txt").read_text("utf-8"))
    got = article_to_dict(extract_flat(page))
    assert differences(expected, got) == []
    assert furniture_leaks(expected, got) == []


def test_seed_extra_fields() -> None:
    page = RawPage(content=shared_path("seed", "000_b561e05cfa5aa674.txt").read_text("utf-8"))
    article = extract_flat(page)
    assert article.dateline == "TEMPO.CO -"
    assert article.dateline_place is None
    assert article.missing == []
    assert article.extractor == "flat"
    assert article.authors == []  # the page prints no byline
    assert [r.published for r in article.related] == [None] * 10  # no capture time given


def test_seed_related_items_get_absolute_times_with_a_capture_time() -> None:
    page = RawPage(
        content=shared_path("seed", "000_b561e05cfa5aa674.txt").read_text("utf-8"), captured_at=CAPTURED
    )
    article = extract_flat(page)
    assert len(article.related) == 10
    for item in article.related:
        assert item.age_seconds is not None
        assert item.published == CAPTURED - timedelta(seconds=item.age_seconds)
    assert article.related[0].published == datetime(2020, 11, 4, 0, 0, tzinfo=UTC)


def test_shipped_example_matches_the_expected_headline_and_structure(example_path: Path) -> None:
    # The example ships with the project, so this test runs even where ../shared is absent.
    article = extract(RawPage(content=example_path.read_text("utf-8")))
    assert article.headline == "Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik"
    assert article.published == datetime(2020, 11, 3, 16, 50, tzinfo=timezone(timedelta(hours=7)))
    assert article.published_text == "Selasa, 3 November 2020 16:50 WIB"
    assert article.outlet == "TEMPO.CO"
    assert len(article.paragraphs) == 7
    assert article.paragraphs[0].startswith("Presiden Rusia Vladimir Putin kembali memediasi")
    assert [(i.credit, i.position) for i in article.images] == [
        ("Sputnik/Mikhail Klimentyev/Kremlin", 0),
        ("Defence Ministry of Azerbaijan/Handout via REUTERS", 4),
    ]
    assert article.sources == ["https://tass.com/world/1219289"]
    assert [r.age_text for r in article.related][:3] == ["9 jam lalu", "17 jam lalu", "1 hari lalu"]
    assert len(article.related) == 10
    assert all(r.description for r in article.related)


def test_shipped_example_is_the_seed(example_path: Path) -> None:
    expected = _expected()
    got = article_to_dict(extract_flat(RawPage(content=example_path.read_text("utf-8"))))
    assert differences(expected, got) == []
