"""An article's text is analysed once for the search index and the story features (issue 13):
the terms handed to both equal what each made on its own — the cut of the story lead inside a
word or inside the blank line, paragraphs naming the outlet, no headline (the URL slug), a
contextual lower-casing (final sigma) — and ingest analyses the headline once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backends import open_test_archive
from conftest import shared_path
from kabar.archive.fts import FtsIndexer
from kabar.archive.story_indexer import StoryIndexer
from kabar.archive.term_records import analysed_terms, article_terms
from kabar.lang.analysed import analyse_article
from kabar.lang.analysis import Analyzer, default_analyzer
from kabar.model import Article
from kabar.understand.story_features import FeatureOptions, article_features

WHEN = datetime(2024, 3, 4, 5, 6, tzinfo=UTC)


def _article(headline: str, paragraphs: list[str], outlet: str = "contoh.co.id") -> Article:
    return Article(
        headline=headline,
        paragraphs=paragraphs,
        published=WHEN,
        outlet=outlet,
        url="https://contoh.co.id/berita/banjir-bandang-melanda-kota-padang",
    )


def edge_articles() -> list[Article]:
    lead = "Banjir bandang melanda Kota Padang pada Senin pagi, merendam ratusan rumah warga."
    return [
        # the 3,000-character cut falls inside a word of the third paragraph
        _article("Banjir bandang di Padang", [lead, "Pemerintah daerah " * 90, "perumahan " * 200]),
        # … exactly at a paragraph's end, then inside the blank line after it
        _article("Banjir", [lead[:40], "x" * (3000 - 42)]),
        _article("Banjir", [lead[:40], "x" * (3000 - 43), "sesudah potongan"]),
        # later paragraphs naming the outlet are dropped from the story's text, not from search's
        _article(
            "Harga beras naik",
            ["Harga beras naik.", "Pedagang mengeluh.", "Baca juga berita lain di contoh.co.id", "Akhir."],
        ),
        _article("", [lead, "Warga mengungsi ke masjid terdekat."]),  # the headline from the URL slug
        # lower-casing reads a capital sigma by its neighbours; the cut leaves it at a word's end
        _article("ΟΔΟΣ", ["α" * 10, "ΑΣΑ " * 1000]),
        _article("Kosong", []),
    ]


def corpus_sample(n: int = 150) -> list[Article]:
    path = shared_path("corpus", "indosum-dev.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        for i, line in zip(range(n), fh, strict=False):
            rec = json.loads(line)
            out.append(
                Article(
                    headline="" if i % 7 == 3 else rec["title_from_slug"],
                    paragraphs=[p for p in rec["body"].split("\n\n") if p.strip()],
                    published=datetime.fromisoformat(rec["published_utc"]),
                    outlet=rec["url"].split("/")[2].removeprefix("www."),
                    url=rec["url"],
                )
            )
    return out


@pytest.mark.parametrize("source", ["edges", "corpus"])
def test_analysed_once_gives_both_their_own_terms(source: str) -> None:
    articles = edge_articles() if source == "edges" else corpus_sample()
    an = default_analyzer()
    small = FeatureOptions(max_chars=700)  # cuts most corpus leads inside a paragraph
    for article in articles:
        analysed = analyse_article(article.headline, article.paragraphs, an)
        assert analysed_terms(analysed) == article_terms(article, an)
        for options in (FeatureOptions(), small):
            assert article_features(article, options, analysed) == article_features(article, options)


@dataclass(slots=True)
class _Counting(Analyzer):
    """The default analyser, counting the texts it is given."""

    seen: list[str] | None = None

    def analyze(self, text: str) -> list[str]:
        if self.seen is None:
            self.seen = []
        self.seen.append(text)
        return Analyzer.analyze(self, text)


def test_ingest_analyses_an_articles_text_once(tmp_path: Path) -> None:
    an = _Counting()
    archive = open_test_archive(str(tmp_path / "a.db"), [FtsIndexer(analyzer=an), StoryIndexer(analyzer=an)])
    try:
        article = _article("Banjir bandang di Padang", ["Banjir melanda Padang.", "Warga mengungsi."])
        archive.add(article)
    finally:
        archive.close()
    seen = an.seen or []
    assert seen.count("Banjir bandang di Padang") == 1
    assert seen.count("Banjir melanda Padang.") == 1
    assert not any("\n\n" in text for text in seen)  # no second pass over the joined body
