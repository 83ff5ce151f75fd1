"""The two ways a row is made agree on stored JSON of any shape: Arrow's (Parquet) and Python's (JSON Lines, CSV).

No database: stored JSON is written by hand, as the archive stores it (``json.dumps`` of
``article_to_dict``) and in the shapes older or odd data may have.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from kabar.archive.article_stream import StreamedArticle
from kabar.export.arrow_page import PageTables, time_expressions_of
from kabar.export.options import RecordOptions
from kabar.export.records import article_record
from kabar.model import Article, Entity, TimeExpression
from kabar.serialize import article_to_dict

WITH = RecordOptions(with_entities=True)
TRAP = 'kutipan: "time_expressions": [1, 2] dan \\"value\\"'


def _stored(article: Article, article_id: int = 1) -> StreamedArticle:
    # exactly how kabar.archive.articles_core.article_row stores an article
    return StreamedArticle(article_id, json.dumps(article_to_dict(article), ensure_ascii=False), "h" * 64)


def _same(streamed: list[StreamedArticle]) -> list[dict[str, object]]:
    arrow = PageTables(WITH).table(streamed).to_pylist()
    python = [article_record(a, WITH) for a in streamed]
    for a, p in zip(arrow, python, strict=True):
        for key in a:
            assert a[key] == p[key], key
    return arrow


def test_the_time_expressions_key_inside_text_does_not_fool_the_decoder() -> None:
    article = Article(
        headline=TRAP,
        paragraphs=[TRAP, '"time_expressions": "x"'],
        entities=[Entity(name=TRAP, type="person")],
        time_expressions=[
            TimeExpression(text=TRAP, value="2024-01-01"),
            TimeExpression(text="Senin dan Selasa", value=["2024-01-01", "2024-01-02"]),
            TimeExpression(text="tahun 10000", value=None, note="off the calendar"),
        ],
    )
    stored = _stored(article)
    assert time_expressions_of(stored.json_text) == article_to_dict(article)["time_expressions"]
    (row,) = _same([stored])
    assert [(t["value"], t["values"]) for t in row["time_expressions"]] == [  # type: ignore[union-attr]
        ("2024-01-01", None),
        (None, ["2024-01-01", "2024-01-02"]),
        (None, None),
    ]
    assert row["headline"] == TRAP and row["entities"][0]["name"] == TRAP  # type: ignore[index]


def test_old_or_sparse_stored_json_reads_with_the_models_defaults() -> None:
    sparse = StreamedArticle(
        7, json.dumps({"headline": "Judul", "published": "2020-01-02T03:04:05"}), "h" * 64
    )
    (row,) = _same([sparse])
    assert row["paragraphs"] == [] and row["body"] == "" and row["tags"] == []
    assert row["entities"] == [] and row["time_expressions"] == []
    # a time without an offset (never written by kabar) is read as UTC by both paths
    assert row["published"] == datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize("offset", [7, -5.5, 0])
def test_times_become_the_same_utc_instant(offset: float) -> None:
    zone = timezone(timedelta(hours=offset))
    published = datetime(2024, 2, 29, 23, 30, 15, 123456, tzinfo=zone)
    (row,) = _same([_stored(Article(headline="x", published=published, paragraphs=["a", "b"]))])
    assert row["published"] == published
    assert row["body"] == "a\n\nb"


def test_a_bare_day_exports_its_precision_and_old_rows_none() -> None:
    day = Article(
        headline="Hari saja",
        paragraphs=["Teks."],
        published=datetime(2024, 5, 3, tzinfo=UTC),  # "3 Mei 2024", no time of day
        published_precision="day",
        published_zone="-05:00",
    )
    old = json.loads(_stored(day, 2).json_text)
    del old["published_precision"], old["modified_precision"]  # stored before kabar kept it
    rows = _same([_stored(day), StreamedArticle(2, json.dumps(old), "h" * 64)])
    assert [(r["published_precision"], r["modified_precision"]) for r in rows] == [
        ("day", None),
        (None, None),
    ]
    assert rows[0]["published"] == datetime(2024, 5, 3, tzinfo=UTC)  # its UTC date is the page's day
