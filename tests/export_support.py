"""A small archive for the export tests: two outlets, three years, entities, odd text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

from backends import open_test_archive
from kabar.model import Article, Entity, Image, Mention, RelatedItem, TimeExpression
from kabar.wiring import default_indexers

WIB = timezone(timedelta(hours=7))
# Emoji (outside the BMP), right-to-left scripts, a zero-width joiner, a combining accent,
# quotes, commas and line breaks (CSV's specials), and a paragraph of 200,000 characters.
ODD_HEADLINE = 'Banjir 🌊 di "Jakarta", warga: مرحبا بالعالم — שלום 👩‍👩‍👧 café'
ODD_PARAGRAPHS = [
    "Baris satu,\nbaris dua; tanda kutip \"ganda\" dan 'tunggal' 🙂.",
    "عاجل: النص من اليمين إلى اليسار mixed with Bahasa Indonesia.",
    "panjang " * 25_000,
]


@dataclass(slots=True)
class Sample:
    url: str  # the archive
    ids: list[int]  # in the order the articles were added (ids ascend)
    articles: dict[int, Article]


def _article(i: int) -> Article:
    outlet = "kompas" if i % 2 else "tempo"
    published = datetime(2022 + i % 3, 1 + i % 12, 10, 8, 30, tzinfo=WIB)
    word = "gempa" if i % 3 == 0 else "pemilu"
    return Article(
        headline=f"Berita {word} nomor {i}",
        published=published,
        published_text=f"{10} Januari {2022 + i % 3} 08:30 WIB",
        outlet=outlet,
        authors=[f"Penulis {i}", "Redaksi"],
        paragraphs=[f"Paragraf pertama tentang {word} ke-{i}.", f"Paragraf kedua {i} di Bandung."],
        url=f"https://{outlet}.example/{i}",
        canonical_url=f"https://{outlet}.example/{i}",
        captured_at=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
        tags=["nasional", word],
        images=[Image(caption=f"Foto {i}", credit="ANTARA", position=1, url=f"https://img.example/{i}.jpg")],
        related=[RelatedItem(headline=f"Terkait {i}", age_text="2 jam lalu", age_seconds=7200)],
        entities=[
            Entity(
                name="Joko Widodo",
                type="person",
                role="Presiden",
                aliases=["Jokowi"],
                roles=["Presiden"],
                mentions=[Mention(start=0, end=11, text="Joko Widodo", field="body:1")],
            ),
            Entity(name="Bandung", type="place", mentions=[Mention(23, 30, "Bandung", "body:2")]),
        ],
        time_expressions=[
            TimeExpression(text="kemarin", value="2022-01-09", start=3, end=10),
            TimeExpression(text="Senin dan Selasa", value=["2022-01-03", "2022-01-04"], note="list"),
        ],
        extractor="test",
    )


def odd_article() -> Article:
    return Article(
        headline=ODD_HEADLINE,
        published=datetime(2023, 6, 1, 12, 0, tzinfo=UTC),
        outlet="tempo",
        paragraphs=list(ODD_PARAGRAPHS),
        url="https://tempo.example/odd",
        canonical_url="https://tempo.example/odd",
        description='Deskripsi,\n"aneh"',
    )


def build_sample(url: str, count: int = 12, *, odd: bool = True) -> Sample:
    """``count`` articles (plus the odd one) stored with the default indexers (search, stories …)."""
    stored: dict[int, Article] = {}
    ids = []
    with open_test_archive(url, default_indexers()) as archive:
        for i in range(count):
            result = archive.add(_article(i))
            assert result.status == "added"
            ids.append(result.id)
            stored[result.id] = _article(i)
        if odd:
            result = archive.add(odd_article())
            ids.append(result.id)
            stored[result.id] = odd_article()
    return Sample(url=url, ids=ids, articles=stored)


__all__ = ["ODD_HEADLINE", "ODD_PARAGRAPHS", "WIB", "Sample", "build_sample", "odd_article"]
