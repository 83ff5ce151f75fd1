"""Property tests of the page readers: flat text, HTML, JSON-LD (through the HTML reader).

Whatever the page, the full path (read the bytes → extract → understand → serialise)
ends in an article or one of kabar's own errors, and what it serialises can be written
as UTF-8 (a lone surrogate from a ``\\udcff`` escape would break the CLI's output and the archive).
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (
    KABAR_ERRORS,
    flat_pages,
    fuzz_settings,
    html_documents,
    json_ld_scripts,
    only_kabar_errors,
    prose,
)
from kabar.extract import extract
from kabar.model import Article, RawPage
from kabar.serialize import article_from_dict, article_to_dict, article_to_jsonld
from kabar.sources.files import decode, sniff_kind
from kabar.understand import enrich

# Hypothesis warns when it prints a grammar strategy's (long) repr; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


def _full_path(data: bytes, name: str) -> Article | None:
    """What ``kabar ingest FILE`` does with a file's bytes, up to (not into) the archive."""

    def run() -> Article:
        text = decode(data, name or "-")
        page = RawPage(content=text, kind=sniff_kind(name, text), source=name or "-")
        article = enrich(extract(page))
        record = article_to_dict(article)
        json.dumps(record, ensure_ascii=False).encode("utf-8")
        json.dumps(article_to_jsonld(article), ensure_ascii=False).encode("utf-8")
        article_from_dict(json.loads(json.dumps(record)))
        return article

    return only_kabar_errors(run)


ENCODINGS = st.sampled_from(
    ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "shift_jis", "gb18030")
)


@fuzz_settings()
@given(html_documents(), ENCODINGS, st.sampled_from(("a.html", "", "a.txt")))
def test_html_pages_give_an_article_or_a_kabar_error(html: str, codec: str, name: str) -> None:
    _full_path(html.encode(codec, errors="replace"), name)


@fuzz_settings()
@given(flat_pages(), ENCODINGS, st.sampled_from(("a.txt", "")))
def test_flat_pages_give_an_article_or_a_kabar_error(text: str, codec: str, name: str) -> None:
    _full_path(text.encode(codec, errors="replace"), name)


@fuzz_settings()
@given(st.lists(json_ld_scripts(), min_size=1, max_size=4), prose(20), st.sampled_from((True, False)))
def test_json_ld_is_read_or_set_aside(scripts: list[str], body: str, in_head: bool) -> None:
    ld = "".join(scripts)
    head = f"<head><title>Judul berita</title>{ld if in_head else ''}</head>"
    page = f"<html>{head}<body><article><h1>Judul</h1><p>{body}</p>{'' if in_head else ld}</article></body></html>"
    _full_path(page.encode("utf-8", errors="surrogatepass"), "a.html")


@fuzz_settings(scale=2)
@given(st.binary(max_size=3000), st.sampled_from(("a.html", "a.txt", "")))
def test_random_bytes_give_an_article_or_a_kabar_error(data: bytes, name: str) -> None:
    _full_path(data, name)


@fuzz_settings()
@given(st.text(max_size=500), st.sampled_from(("html", "text")))
def test_extract_on_any_text(text: str, kind: str) -> None:
    """Past the decoder, too: text from elsewhere (a JSONL record, the API) reaches extract directly."""
    try:
        article = enrich(extract(RawPage(content=text, kind=kind)))  # type: ignore[arg-type]
    except KABAR_ERRORS:
        return
    json.dumps(article_to_dict(article), ensure_ascii=False).encode("utf-8")
