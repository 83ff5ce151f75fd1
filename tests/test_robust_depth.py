"""Deep nesting never reaches Python's recursion limit: JSON-LD of 100,000 ``[``, JSON-LD nested just
under json's own limit, 10,000 nested tags, a JSONL line of 100,000 ``[`` — read by a caller that
already stands deep in its own stack."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from kabar.extract import extract
from kabar.extract.flatten import flatten_html
from kabar.extract.html_meta import MAX_LD_DEPTH, _parse_ld, ld_names, ld_text
from kabar.model import RawPage
from kabar.sources.files import iter_records
from kabar.understand import enrich

_T = TypeVar("_T")
_PARA = (
    "<p>JAKARTA - Presiden Joko Widodo meresmikan jalan tol baru di Jawa Barat pada Senin lalu, "
    "kata Menteri Basuki Hadimuljono kepada wartawan.</p>"
)


def _page(head: str = "", body: str = "") -> str:
    return (
        f"<html><head><title>Jalan Tol Baru Diresmikan di Jawa Barat</title>{head}</head><body><article>"
        f"<h1>Jalan Tol Baru Diresmikan di Jawa Barat</h1>{_PARA}{body}{_PARA}</article></body></html>"
    )


def _ld(text: str) -> str:
    return f'<script type="application/ld+json">{text}</script>'


def _deep_in_stack(levels: int, call: Callable[[], _T]) -> _T:
    """``call()`` from ``levels`` frames down, as a server or a test runner calls a reader."""
    if levels == 0:
        return call()
    return _deep_in_stack(levels - 1, call)


def test_json_ld_beyond_the_json_limit_is_unreadable_not_an_error() -> None:
    assert _parse_ld("[" * 100_000) is None
    assert _parse_ld('{"a":' * 50_000 + "1" + "}" * 50_000) is None
    article = extract(RawPage(content=_page(_ld("[" * 100_000)), kind="html"))
    assert article.headline == "Jalan Tol Baru Diresmikan di Jawa Barat" and article.paragraphs


def test_json_ld_nested_under_the_json_limit_is_cut_at_the_depth_limit() -> None:
    nested = "[" * 900 + '"Rina"' + "]" * 900
    assert _parse_ld(nested) is None  # json reads it; kabar will not walk it
    shallow = "[" * (MAX_LD_DEPTH - 1) + '"Rina"' + "]" * (MAX_LD_DEPTH - 1)
    assert _parse_ld(shallow) is not None
    deep_value: object = "Rina"
    for _ in range(900):
        deep_value = [deep_value]
    assert ld_text(deep_value) is None and ld_names(deep_value) == []
    author = '{"@type": "NewsArticle", "headline": "Jalan Tol", "author": ' + nested + "}"
    article = _deep_in_stack(600, lambda: extract(RawPage(content=_page(_ld(author)), kind="html")))
    assert article.paragraphs


@pytest.mark.parametrize("tag", ["div", "figure", "a"])
def test_ten_thousand_nested_tags_from_a_deep_caller(tag: str) -> None:
    html = _page(body=f"<{tag}>" * 10_000 + _PARA + f"</{tag}>" * 10_000)
    limit = sys.getrecursionlimit()
    # 600 frames already used below the reader: what a server's or a test runner's stack can hold.
    article = _deep_in_stack(600, lambda: extract(RawPage(content=html, kind="html")))
    assert article.headline and article.paragraphs
    if tag == "div":
        assert _deep_in_stack(600, lambda: enrich(article)).entities
    assert _deep_in_stack(600, lambda: flatten_html(html)).strip()
    assert sys.getrecursionlimit() == limit


def test_jsonl_line_of_100k_brackets_is_one_rejected_line(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(
        '{"title": "Satu", "body": "Isi."}\n' + "[" * 100_000 + '\n{"title": "Dua", "body": "Isi."}\n'
    )
    lines = list(iter_records(path))
    assert [line.record is not None for line in lines] == [True, False, True]
    assert "deep" in (lines[1].error or "")
