"""Subheadings are structure, not lost text: search reads them and an article keeps its identity.

An article stored before subheadings were told apart held each heading as a paragraph; read
again, the same page gives the heading as ``Article.subheadings``. Its content hash must stay
the same (or the archive would see a new version of every such page), and a word that only the
heading says must still find the article.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from backends import open_test_archive, search_indexer
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.lang.analysed import analyse_article
from kabar.lang.analysis import default_analyzer
from kabar.model import Article, Subheading, headings_in_place

_LEAD = "Pemerintah daerah menyiapkan posko pengungsian bagi warga yang terdampak banjir."
_HEAD = "Jembatan gantung Cikapundung terputus"
_TAIL = "Petugas gabungan masih mendata kerusakan rumah warga di bantaran sungai."


def _split() -> Article:
    return Article(
        headline="Banjir melanda Bandung",
        paragraphs=[_LEAD, _TAIL],
        subheadings=[Subheading(text=_HEAD, position=1)],
    )


def _flat() -> Article:
    return Article(headline="Banjir melanda Bandung", paragraphs=[_LEAD, _HEAD, _TAIL])


def test_the_content_hash_counts_a_subheading_as_the_paragraph_it_was() -> None:
    assert _split().content_hash == _flat().content_hash
    assert _split().body == _flat().body


def test_analysed_body_terms_hold_the_heading_in_place() -> None:
    an = default_analyzer()
    split, flat = _split(), _flat()
    got = analyse_article(split.headline, split.paragraphs, an, split.subheadings)
    want = analyse_article(flat.headline, flat.paragraphs, an)
    assert got.body == want.body
    assert got.paragraphs == [want.paragraphs[0], want.paragraphs[2]]


def test_headings_in_place_orders_by_position_and_keeps_late_ones() -> None:
    assert headings_in_place(["a", "b"], [(2, "z"), (0, "x"), (1, "y")]) == ["x", "a", "y", "b", "z"]
    assert headings_in_place([], [(3, "h")]) == ["h"]


@pytest.fixture
def archive(archive_url: str) -> Iterator[CoreArchive]:
    arch = open_test_archive(archive_url, [search_indexer(archive_url)])
    yield arch
    arch.close()


def test_a_word_only_the_subheading_says_finds_the_article(archive: CoreArchive) -> None:
    added = archive.add(_split())
    hits = archive.search(SearchQuery(text="cikapundung")).hits
    assert [h.id for h in hits] == [added.id]
