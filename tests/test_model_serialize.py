from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

from kabar.model import Article, Entity, Image, Mention, RelatedItem, TimeExpression, content_hash
from kabar.serialize import article_from_dict, article_to_dict, article_to_jsonld

WIB = timezone(timedelta(hours=7))


def _article() -> Article:
    return Article(
        headline="Gubernur Resmikan Jembatan Baru",
        published=datetime(2020, 11, 3, 16, 50, tzinfo=WIB),
        published_text="Selasa, 3 November 2020 16:50 WIB",
        outlet="TEMPO.CO",
        authors=["Budi Santoso"],
        dateline="TEMPO.CO -",
        paragraphs=["Paragraf pertama.", "Paragraf kedua."],
        images=[Image(caption="Jembatan baru.", credit="TEMPO/Budi", position=1, url="https://x.test/a.jpg")],
        sources=["https://tass.com/world/1"],
        tags=["jembatan"],
        related=[RelatedItem(headline="Lain", age_text="9 jam lalu", age_seconds=32400)],
        url="https://x.test/read/1",
        canonical_url="https://x.test/read/1",
        captured_at=datetime(2020, 11, 4, tzinfo=UTC),
        entities=[Entity(name="Budi", type="person", role="Gubernur", mentions=[Mention(0, 4, "Budi")])],
        time_expressions=[TimeExpression(text="kemarin", value="2020-11-02")],
    )


def test_round_trip_keeps_every_field() -> None:
    original = _article()
    data = json.loads(json.dumps(article_to_dict(original)))
    back = article_from_dict(data)
    assert article_to_dict(back) == article_to_dict(original)
    assert back.published == original.published and back.published.utcoffset() == timedelta(hours=7)


def test_content_hash_ignores_whitespace_and_case_only() -> None:
    a = content_hash("Judul", ["Satu  dua.", "Tiga"])
    assert a == content_hash(" judul ", ["satu dua.", "tiga"])
    assert a != content_hash("Judul", ["Satu dua.", "Empat"])


def test_jsonld_is_a_schema_org_news_article() -> None:
    doc = article_to_jsonld(_article())
    assert doc["@context"] == "https://schema.org"
    assert doc["@type"] == "NewsArticle"
    assert doc["headline"] == "Gubernur Resmikan Jembatan Baru"
    assert doc["datePublished"] == "2020-11-03T16:50:00+07:00"
    assert doc["publisher"] == {"@type": "Organization", "name": "TEMPO.CO"}
    assert doc["author"][0]["@type"] == "Person"
    assert doc["image"][0]["caption"] == "Jembatan baru." and doc["image"][0]["creditText"] == "TEMPO/Budi"
    assert doc["articleBody"].startswith("Paragraf pertama.")
    assert doc["mentions"][0] == {"@type": "Person", "name": "Budi", "jobTitle": "Gubernur"}
    json.dumps(doc)  # serialisable as is
