"""kabar's one parse for trafilatura gives trafilatura what its own loader would, call for call."""

from __future__ import annotations

import pytest
import trafilatura
from lxml import etree
from trafilatura.utils import load_html

from kabar.extract.html_parse import HtmlInputError, parse_html
from kabar.extract.trafilatura_input import (
    TrafilaturaInput,
    loads_as_parsed,
    trafilatura_options,
    trafilatura_tree,
)

_STORY = "".join(
    f"<p>Paragraf {i}: Presiden meresmikan bendungan baru di Subang pada Senin pagi bersama menteri.</p>"
    for i in range(12)
)
PAGES = [
    f"<!DOCTYPE html>\n<html><head><title>Bendungan</title></head><body><main>{_STORY}</main></body></html>",
    f"<!DOCTYPE html><html><head><title>Bendungan</title></head><body><article>{_STORY}</article></body></html>",
    # An XHTML doctype: trafilatura's repair drops it, which changes how the tags parse.
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "x">\n'
    f'<html xml:lang="id"><head><meta charset="utf-8" /></head><body><div>{_STORY}</div></body></html>',
    "<p>Hanya satu paragraf tanpa dokumen.</p>",  # not a document: trafilatura's loader refuses it
    "",
    "   ",
    "\x00\x01\x02 biner",
    '<?xml version="1.0" encoding="iso-8859-1"?><html><body><p>Teks</p></body></html>',
    "<html><body>" + "<div>" * 300 + "dalam" + "</div>" * 300 + "</body></html>",
    # A comment before the doctype: lxml.html reads a fragment, and keeps the document as it is.
    f"\n<!-- 50.245 --><!DOCTYPE html>\n<html><head><title>B</title></head><body>{_STORY}</body></html>",
    # A comment and no head: lxml.html unwraps the body's one child.
    f"<!-- x --><html><body><article>{_STORY}</article></body></html>",
]


def _shape(tree: etree._Element | None) -> bytes | None:
    return None if tree is None else etree.tostring(tree)


@pytest.mark.parametrize("html", PAGES)
def test_the_tree_is_the_one_trafilaturas_loader_makes(html: str) -> None:
    assert _shape(trafilatura_tree(html)) == _shape(load_html(html))


@pytest.mark.parametrize("html", PAGES)
@pytest.mark.parametrize(
    ("fast", "precision", "recall"), [(True, True, False), (False, True, False), (True, False, True)]
)
def test_every_call_reads_as_trafilatura_reads_the_text(
    html: str, fast: bool, precision: bool, recall: bool
) -> None:
    shared = TrafilaturaInput(html)
    expected = trafilatura.extract(
        html,
        url="https://example.id/berita/1",
        fast=fast,
        favor_precision=precision,
        favor_recall=recall,
        include_comments=False,
        include_tables=True,
        with_metadata=False,
        deduplicate=False,
    )
    got = shared.extract("https://example.id/berita/1", fast=fast, precision=precision, recall=recall)
    assert got == (expected or "")
    # The shared tree is copied by trafilatura: a second call reads the page as the first did.
    assert shared.extract("https://example.id/berita/1", fast=fast, precision=precision, recall=recall) == got


def test_options_carry_the_page_url_and_nothing_of_the_previous_page() -> None:
    first = trafilatura_options("https://a.example/1", fast=True, precision=True, recall=False)
    second = trafilatura_options(None, fast=True, precision=True, recall=False)
    assert (first.url, first.source) == ("https://a.example/1", "https://a.example/1")
    assert (second.url, second.source) == (None, None)
    assert (first.focus, first.fast, first.comments, first.tables) == ("precision", True, False, True)


@pytest.mark.parametrize("html", PAGES)
def test_the_readers_own_tree_is_shared_only_where_the_loader_makes_the_same(html: str) -> None:
    try:
        parsed = parse_html(html)
    except HtmlInputError:
        return  # the reader refuses the page before trafilatura is asked
    if not loads_as_parsed(parsed):
        assert html not in (PAGES[0], PAGES[-2])  # plain pages: their trees are shared
        return
    assert _shape(parsed.tree) == _shape(trafilatura_tree(parsed.text))
    shared = TrafilaturaInput(parsed.text, parsed.tree)
    before = etree.tostring(parsed.tree)
    for fast, precision, recall in [(True, True, False), (False, True, False), (True, False, True)]:
        alone = TrafilaturaInput(parsed.text).extract(None, fast=fast, precision=precision, recall=recall)
        assert shared.extract(None, fast=fast, precision=precision, recall=recall) == alone
    assert etree.tostring(parsed.tree) == before  # trafilatura read a copy: the reader's tree is whole


@pytest.mark.parametrize(
    "html",
    [
        "<p>Hanya satu paragraf tanpa dokumen.</p>",  # lxml.html reads a fragment, and may unwrap it
        "<html><body><p>Teks\x0b dengan kendali</p></body></html>",  # the repair drops the character
        '<!DOCTYPE html PUBLIC "x" "y" />\n<html><body><p>Teks</p></body></html>',  # the repair cuts it
        "<!DOCTYPE html><html><body><p>Teks</p></body></html>",  # no newline: the repair adds one
        "<html/>\n<body><p>Teks</p></body>",  # a self-closing <html/>: the repair opens it
        "<html><body><p>Teks \ud800 pecah</p></body></html>",  # a lone surrogate, replaced in parsing
    ],
)
def test_trafilatura_parses_for_itself_where_its_loader_would_make_another_tree(html: str) -> None:
    assert not loads_as_parsed(parse_html(html))


def test_the_characters_trafilaturas_repair_deletes_are_all_in_the_basic_plane() -> None:
    # ``loads_as_parsed`` reads the class from the pattern over the Basic Multilingual Plane only.
    from trafilatura.utils import INVALID_XML_CHARS

    assert all(INVALID_XML_CHARS.match(chr(code)) is None for code in range(0x10000, 0x110000, 97))
    assert loads_as_parsed(parse_html("<html><body><p>Teks \U0001f600 dan\ufffd</p></body></html>"))
