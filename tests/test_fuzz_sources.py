"""Property tests of the source readers: feeds, sitemaps, WARC records, JSONL records,
charset decoding and the language check. Only kabar's own errors may escape."""

from __future__ import annotations

import gzip
import json
import random
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fuzz_support import (
    URLS,
    feed_documents,
    fuzz_settings,
    html_documents,
    indonesian_dates,
    json_values,
    only_kabar_errors,
    prose,
    sitemap_documents,
)
from kabar.extract import extract
from kabar.model import Article
from kabar.serialize import article_to_dict
from kabar.sources.decode import decode_html
from kabar.sources.feeds import parse_feed
from kabar.sources.files import decode, iter_records
from kabar.sources.hints import apply_hints
from kabar.sources.langid import _text_runs, judge_html, visible_text
from kabar.sources.records import field_names, map_record
from kabar.sources.sitemaps import parse_sitemap
from kabar.sources.warc import WarcOptions, read_warc
from kabar.sources.warc_write import WarcRecordSpec, record_bytes
from kabar.understand import enrich

# Hypothesis warns when it prints a grammar strategy's (long) repr; that is expected here.
pytestmark = pytest.mark.filterwarnings("ignore:Generating overly large repr")


@fuzz_settings()
@given(feed_documents(), st.sampled_from((None, "https://contoh.id/rss", "bukan url")))
def test_feeds(data: bytes, base: str | None) -> None:
    feed = only_kabar_errors(lambda: parse_feed(data, base))
    if feed is not None:
        for entry in feed.entries:
            assert entry.url.startswith(("http://", "https://"))
            apply_hints(Article(), entry.hints)


@fuzz_settings(scale=1.5)
@given(sitemap_documents(), st.booleans())
def test_sitemaps(data: bytes, gzipped: bool) -> None:
    payload = gzip.compress(data) if gzipped else data
    sitemap = only_kabar_errors(lambda: parse_sitemap(payload))
    if sitemap is not None:
        for url in sitemap.urls:
            apply_hints(Article(), url.hints)


# ---------------------------------------------------------------- WARC

_LATIN1 = st.text(st.characters(min_codepoint=32, max_codepoint=255), max_size=40)


def _warc_spec() -> st.SearchStrategy[WarcRecordSpec]:
    return st.builds(
        WarcRecordSpec,
        url=st.one_of(st.sampled_from(URLS), _LATIN1),
        payload=st.one_of(
            html_documents().map(lambda h: h.encode("utf-8", errors="replace")),
            st.binary(max_size=500),
            st.just(b""),
        ),
        content_type=st.sampled_from(
            (
                "text/html; charset=utf-8",
                "text/html; charset=x-bogus",
                "text/html; charset=utf-16",
                "application/xhtml+xml",
                "text/plain",
                "",
                'text/html; charset="',
                "image/png",
            )
        ),
        status=st.sampled_from((200, 200, 204, 301, 404, 500, 0, 999)),
        warc_type=st.sampled_from(("response", "response", "request", "metadata", "resource", "warcinfo")),
        date=st.datetimes(
            min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC)
        ),
        extra_http_headers=st.dictionaries(
            st.sampled_from(
                ("Content-Encoding", "Transfer-Encoding", "Content-Length", "X-A", "Content-Type")
            ),
            st.sampled_from(("gzip", "chunked", "br", "-1", "99999999999999999999", "", "deflate")),
            max_size=2,
        ),
    )


def _damage(data: bytes, how: int, rng: random.Random) -> bytes:
    if how == 1:
        return data[: rng.randrange(len(data) + 1)]
    if how == 2 and data:
        out = bytearray(data)
        for _ in range(8):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    return data


@fuzz_settings()
@given(
    st.lists(_warc_spec(), min_size=1, max_size=4),
    st.sampled_from(("1.0", "1.1")),
    st.booleans(),
    st.integers(0, 2),
    st.integers(0, 2**32),
)
def test_warc_records(
    specs: list[WarcRecordSpec], version: str, compress: bool, damage: int, seed: int
) -> None:
    rng = random.Random(seed)
    chunks = [record_bytes(spec, version) for spec in specs]  # type: ignore[arg-type]
    data = b"".join(gzip.compress(c, compresslevel=1) if compress else c for c in chunks)
    data = _damage(data, damage, rng)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "arsip.warc.gz"
        path.write_bytes(data)
        options = WarcOptions(language=None)
        pages = only_kabar_errors(lambda: list(read_warc(path, options)))
    for page in pages or []:
        article = only_kabar_errors(lambda page=page: enrich(extract(page)))
        if article is not None:
            json.dumps(article_to_dict(article), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- JSONL records

_FIELDS = sorted({name for names in field_names().values() for name in names})


def _record() -> st.SearchStrategy[dict[str, object]]:
    value = st.one_of(
        prose(30),
        indonesian_dates(),
        json_values(),
        st.lists(prose(20), max_size=4),
        st.integers(-(2**63), 2**64),
    )
    return st.dictionaries(st.sampled_from(_FIELDS), value, max_size=8)


def _line(record: dict[str, object], shape: int) -> bytes:
    if shape == 0:
        return json.dumps(record).encode()  # \\udcff escapes: lone surrogates after json.loads
    if shape == 1:
        return json.dumps(record, ensure_ascii=False).encode("utf-8", errors="surrogatepass")
    if shape == 2:
        return json.dumps(record).encode()[: len(json.dumps(record)) // 2]
    if shape == 3:
        return b"[" * 50_000
    return json.dumps([record]).encode()


@fuzz_settings()
@given(st.lists(st.tuples(_record(), st.integers(0, 4)), min_size=1, max_size=5), st.booleans())
def test_jsonl_records(lines: list[tuple[dict[str, object], int]], gzipped: bool) -> None:
    body = b"\n".join(_line(record, shape) for record, shape in lines) + b"\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("data.jsonl.gz" if gzipped else "data.jsonl")
        path.write_bytes(gzip.compress(body) if gzipped else body)
        read = only_kabar_errors(lambda: list(iter_records(path)))
    for line in read or []:
        if line.record is None:
            assert line.error
            continue
        mapped = only_kabar_errors(lambda line=line: map_record(line.record, f"data.jsonl:{line.line_no}"))
        if mapped is None or mapped.error:
            continue
        article = mapped.article
        if mapped.page is not None:
            article = only_kabar_errors(lambda mapped=mapped: extract(mapped.page))
        if article is not None:
            enrich(article)
            json.dumps(article_to_dict(article), ensure_ascii=False).encode("utf-8")


# ---------------------------------------------------------------- decoding and the language check

_CHARSETS = st.sampled_from(
    (None, "utf-8", "UTF-16", "windows-1252", "x-bogus", "utf-7", "idna", "rot13", "hex", "base64", "punycode",
     "zlib", "utf-32", "\"utf-8\"", "", " ", "a" * 50)
)  # fmt: skip


@fuzz_settings(scale=2)
@given(
    st.one_of(st.binary(max_size=2000), html_documents().map(lambda h: h.encode("utf-8", "replace"))),
    _CHARSETS,
)
def test_decoders(data: bytes, declared: str | None) -> None:
    if declared is not None:
        data = f'<meta charset="{declared}">'.encode() + data
    text = only_kabar_errors(lambda: decode(data, "x"))
    assert text is None or "\x00" not in text
    html = decode_html(data, declared)
    judge_html(html)


_RUN_PIECES = ("<", ">", "script", "SCRIPT", "style", "<!--", "-->", "</", "</script", "</script >", "a b c ",
               " ", "x", "-", "\n", "İ", "noscript", "_", "1", "<p>", "</STYLE\t>")  # fmt: skip


@fuzz_settings(scale=5)
@given(st.lists(st.sampled_from(_RUN_PIECES), max_size=40).map("".join))
def test_visible_text_splits_as_the_regex_did(html: str) -> None:
    import re

    # The pattern visible_text used before it was made linear: the same runs, in the same order.
    old = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)
    assert _text_runs(html) == old.split(html)[::2]


def test_visible_text_is_linear_on_unclosed_markup() -> None:
    """Regression: 8,000 unclosed ``<script`` took 3.5 s (quadratic); 50,000 would take minutes."""
    for piece in ("<script>", "<!--", "<", "<a", "<style></style x"):
        short, long = piece * 5_000, piece * 50_000
        start = time.process_time()
        visible_text(short)
        t_short = time.process_time() - start
        start = time.process_time()
        visible_text(long)
        t_long = time.process_time() - start
        assert t_long < 20 * max(t_short, 1e-3), (piece, t_short, t_long)
