"""A body's subheadings kept as structure beside its paragraphs (issue 20).

The fixture ``tests/fixtures/html/subheadings/sections_en.html`` prints a standfirst as an ``<h2>``
sentence above the first paragraph, then two section heads (``<h2>``, ``<h3>``) between paragraphs,
a photo, and a related box whose ``<h3>`` is not the body's. The paragraphs are the body text; the
heads are marked with the paragraph they stand before; every output (kabar JSON, JSON-LD, the
portal, the export) carries them, and an article stored before them reads back with none.
"""

from __future__ import annotations

import json

from conftest import FIXTURES
from kabar.archive.article_stream import StreamedArticle
from kabar.export.arrow_page import PageTables
from kabar.export.options import RecordOptions
from kabar.export.records import article_record
from kabar.extract.html import extract_html
from kabar.extract.join_pages import join_pages
from kabar.extract.subheadings import split_subheadings
from kabar.model import Article, Image, RawPage, Subheading
from kabar.serialize import article_from_dict, article_to_dict, article_to_jsonld
from kabar.serve.article_view import body_blocks

_HEADS = [Subheading("Fishermen worried", 3), Subheading("What happens next", 5)]


def _read() -> Article:
    html = (FIXTURES / "html" / "subheadings" / "sections_en.html").read_text(encoding="utf-8")
    return extract_html(RawPage(content=html, kind="html", url="https://coast.example.org/news/dredging"))


def test_section_heads_are_marked_apart_from_the_paragraphs() -> None:
    article = _read()
    assert article.subheadings == _HEADS
    assert not any(p in {"Fishermen worried", "What happens next"} for p in article.paragraphs)
    assert len(article.paragraphs) == 6
    # The standfirst set as a heading is the lead, body text; the related box's heading is no part.
    assert article.paragraphs[0].startswith("Dredging will deepen the channel")
    assert "More from the coast" not in article.blocks
    assert article.paragraphs[3].startswith("Local fishermen say")
    # The photo still stands before the paragraph it stood before.
    assert [(i.position, i.caption) for i in article.images] == [(3, "A dredger at work.")]
    assert article.blocks[2:5] == [article.paragraphs[2], "Fishermen worried", article.paragraphs[3]]


def test_split_keeps_images_in_place_and_a_trailing_head() -> None:
    images = [Image(caption="a", position=2), Image(caption="b", position=4)]
    split = split_subheadings(["One.", "Two.", "Head", "Three.", "Tail"], images, frozenset({"Head", "Tail"}))
    assert split.paragraphs == ["One.", "Two.", "Three."]
    assert split.subheadings == [Subheading("Head", 2), Subheading("Tail", 3)]
    assert [i.position for i in images] == [2, 3]
    # A heading before every paragraph that is no sentence opens a section; one that is a sentence is the lead.
    assert split_subheadings(["Intro", "Text."], [], frozenset({"Intro"})).subheadings == [
        Subheading("Intro", 0)
    ]
    assert split_subheadings(["A lead.", "Text."], [], frozenset({"A lead."})).paragraphs == [
        "A lead.",
        "Text.",
    ]


def _with_heads() -> Article:
    return Article(
        headline="Judul", paragraphs=["Satu.", "Dua.", "Tiga."], subheadings=[Subheading("Bagian", 1)]
    )


def test_kabar_json_and_jsonld_carry_the_heads() -> None:
    article = _with_heads()
    data = json.loads(json.dumps(article_to_dict(article)))
    assert data["subheadings"] == [{"text": "Bagian", "position": 1}]
    assert article_from_dict(data).subheadings == article.subheadings
    assert article_to_jsonld(article)["articleBody"] == "Satu.\n\nBagian\n\nDua.\n\nTiga."
    del data["subheadings"]  # an article stored before subheadings were kept apart
    assert article_from_dict(data).subheadings == []


def test_portal_prints_heads_as_headings() -> None:
    blocks = body_blocks(
        ["a", "b"], [Image(caption="x", position=1)], [Subheading("H", 1), Subheading("T", 9)]
    )
    assert [(b.kind, b.text or b.caption) for b in blocks] == [
        ("paragraph", "a"),
        ("heading", "H"),
        ("image", "x"),
        ("paragraph", "b"),
        ("heading", "T"),
    ]


def test_export_rows_carry_the_heads_and_old_rows_have_none() -> None:
    options = RecordOptions()
    new = StreamedArticle(1, json.dumps(article_to_dict(_with_heads())), "h" * 64)
    old = StreamedArticle(2, json.dumps({"headline": "Lama", "paragraphs": ["Teks."]}), "h" * 64)
    arrow = PageTables(options).table([new, old]).to_pylist()
    python = [article_record(a, options) for a in (new, old)]
    for row in (arrow, python):
        assert row[0]["subheadings"] == [{"text": "Bagian", "position": 1}]
        assert row[1]["subheadings"] == []


def test_joined_pages_keep_a_later_pages_heads() -> None:
    first = Article(headline="Judul", paragraphs=["Satu."])
    second = Article(headline="Judul", paragraphs=["Satu.", "Dua."], subheadings=[Subheading("Bagian", 1)])
    joined = join_pages([first, second])
    assert joined.paragraphs == ["Satu.", "Dua."]
    assert joined.subheadings == [Subheading("Bagian", 1)]


def test_a_paragraph_that_is_wholly_bold_is_a_subheading_unless_a_question() -> None:
    html = (FIXTURES / "html" / "subheadings" / "bold_heads_en.html").read_text(encoding="utf-8")
    article = extract_html(RawPage(content=html, kind="html", url="https://daily.example.org/news/lights"))
    assert article.subheadings == [Subheading("Night markets", 2), Subheading("Power bills", 5)]
    # An interview's bold question, and a bold word inside a sentence, stay body text.
    assert "Why did the town wait so long?" in article.paragraphs
    assert any("second phase of the works" in p for p in article.paragraphs)
    assert len(article.paragraphs) == 6
