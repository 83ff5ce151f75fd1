"""A story's timeline: dated events from its articles' time expressions and sentences."""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.link.timeline import TimelineOptions, build_timeline, field_text, sentence_at, sort_key
from kabar.model import Article, Image, TimeExpression


def _article(i: int, paragraphs: list[str], day: int = 3) -> Article:
    return Article(
        id=i,
        headline=f"Judul berita {i}",
        published=datetime(2020, 11, day, 9, 0, tzinfo=UTC),
        paragraphs=paragraphs,
    )


def test_events_in_date_order_with_their_sentences() -> None:
    a = _article(
        1, ["Pertempuran meletus pada 27 September. Putin menelepon Aliyev pada 1 dan 2 November 2020."]
    )
    b = _article(2, ["Gencatan senjata disepakati pekan lalu. Kawasan itu bergolak sejak 1990-an."], day=4)
    events = build_timeline([a, b]).events
    assert [e.date for e in events] == [
        "199X",
        "2020-09-27",
        "2020-W44",
        "2020-11-01",
        "2020-11-02",
        "2020-11-03",
        "2020-11-04",
    ]
    first_nov = next(e for e in events if e.date == "2020-11-01")
    assert first_nov.text == "Putin menelepon Aliyev pada 1 dan 2 November 2020."
    assert (
        first_nov.expression == "1 dan 2 November 2020"
        and first_nov.article_id == 1
        and first_nov.kind == "mentioned"
    )
    published = [e for e in events if e.kind == "published"]
    assert [(e.date, e.text) for e in published] == [
        ("2020-11-03", "Judul berita 1"),
        ("2020-11-04", "Judul berita 2"),
    ]


def test_the_same_event_from_two_articles_is_kept_once() -> None:
    text = "Pertempuran meletus pada 27 September 2020."
    events = build_timeline(
        [_article(1, [text]), _article(2, [text])], TimelineOptions(include_published=False)
    ).events
    assert len(events) == 1 and events[0].article_id == 1


def test_stored_expressions_are_used_and_notes_kept() -> None:
    a = _article(1, ["Kedua negara sepakat pada Ahad 26 Oktober."])
    a.time_expressions = [
        TimeExpression("Ahad 26 Oktober", "2020-10-26", 25, 40, "weekday disagrees", "body:0")
    ]
    events = build_timeline([a], TimelineOptions(include_published=False)).events
    assert [(e.date, e.note) for e in events] == [("2020-10-26", "weekday disagrees")]


def test_captions_and_bad_offsets() -> None:
    a = _article(1, [])
    a.images = [Image(caption="Foto diambil pada 28 September 2020.")]
    a.time_expressions = [
        TimeExpression("28 September 2020", "2020-09-28", 18, 35, None, "caption:0"),
        TimeExpression("kemarin", "2020-11-02", 999, 1006, None, "body:7"),  # a field that is not there
    ]
    events = build_timeline([a], TimelineOptions(include_published=False)).events
    assert [(e.date, e.text) for e in events] == [
        ("2020-09-28", "Foto diambil pada 28 September 2020."),
        ("2020-11-02", "kemarin"),
    ]


def test_empty_and_undated() -> None:
    assert build_timeline([]).events == []
    assert build_timeline([Article(paragraphs=["Tanpa tanggal apa pun."])]).events == []


def test_helpers() -> None:
    assert sort_key("2020-W44") == "2020-10-26"
    assert sort_key("199X") == "1990-01-01" and sort_key("2020-10") == "2020-10-01"
    assert sort_key("2020-09-27/2020-10-10") == "2020-09-27" and sort_key("2019") == "2019-01-01"
    assert sort_key("2020-W99") == "2020-01-01"
    text = 'Ia datang. "Kami siap," kata dia pada 2 November. Lalu pulang.'
    start = text.index("2 November")
    assert sentence_at(text, start, start + 10) == '"Kami siap," kata dia pada 2 November.'
    art = Article(headline="H", paragraphs=["p0"], images=[Image(caption="c0")])
    assert field_text(art, "headline") == "H" and field_text(art, "body:0") == "p0"
    assert field_text(art, "caption:0") == "c0" and field_text(art, "caption:5") is None


def test_bounded_output() -> None:
    many = [_article(i, [f"Peristiwa ke-{i} terjadi pada {1 + i % 28} Oktober 2020."]) for i in range(400)]
    events = build_timeline(many, TimelineOptions(max_events=100)).events
    assert len(events) == 100
