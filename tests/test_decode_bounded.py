"""Charset detection on a payload whose declared charset fails is bounded by a sample.

The class (fuzz run 5, mutant 53,675): a UTF-8 page with flipped bytes in its head and its tail
and megabytes in between. Its declared charset fails, trafilatura's 10 kB head-and-tail sample
finds no charset, and its detection then ran charset_normalizer over the whole payload: 62× the
payload in memory (541 MB for 8.9 MB), past the 500 MB record budget. Detection now sees at most
256 kB; the payload is still decoded whole.
"""

from __future__ import annotations

import tracemalloc

from kabar.sources.decode import _DETECT_BYTES, decode_html

_JAPANESE = "<p>日本語の記事です。東京都の知事は月曜日に記者会見を開き、新しい政策を発表した。</p>\n"


def _page(middle_bytes: int, declared: bytes = b'<meta charset="UTF-8">') -> bytes:
    head = b"<html><head>" + declared + b"<title>x</title></head><body>" + _JAPANESE.encode() * 60
    tail = _JAPANESE.encode() * 60 + b"</body></html>"
    head = head[:3000] + b"\xff" + head[3000:]  # one broken byte in the head, one in the tail
    tail = tail[:2000] + b"\xfe" + tail[2000:]
    middle = b"<meta content='0001-01-01'>" + b"9" * middle_bytes + b" 9999999999 hari lalu" * 1000
    return head + middle + tail


def _peak_ratio(data: bytes) -> float:
    tracemalloc.start()
    try:
        decode_html(data, None)
        return tracemalloc.get_traced_memory()[1] / len(data)
    finally:
        tracemalloc.stop()


def test_a_large_payload_left_to_detection_is_decoded_in_bounded_memory() -> None:
    data = _page(4_000_000, declared=b"")  # no charset said: detection decides
    assert len(data) > 10 * _DETECT_BYTES
    assert _peak_ratio(data) < 8  # was 21× here (the payload and its str are ~3×)


def test_a_declared_charset_with_a_few_broken_bytes_is_believed() -> None:
    # Detection read this page (two bad bytes in 4 MB) as a Greek code page: all of it garbled.
    text = decode_html(_page(4_000_000), None)
    # each broken byte costs at most the character it fell in (3 bytes here)
    assert text.count("日本語の記事です") == 120 and 2 <= text.count("\ufffd") <= 6


def test_a_page_that_misdeclares_its_charset_is_still_detected() -> None:
    # cp1252 curly quotes every line: too many broken bytes for the UTF-8 it claims.
    line = "<p>\u201cKami siap,\u201d kata Gubernur Jawa Barat di Bandung, Senin.</p>\n"
    data = (
        b'<html><head><meta charset="utf-8"></head><body>' + (line * 200).encode("cp1252") + b"</body></html>"
    )
    text = decode_html(data, None)
    assert "\ufffd" not in text and text.count("Kami siap") == 200


def test_it_is_still_decoded_whole_with_its_text() -> None:
    text = decode_html(_page(1_000_000), None)
    assert text.count("日本語の記事です") == 120  # both ends, multibyte text intact
    assert "hari lalu" in text and text.rstrip().endswith("</html>")


def test_small_and_valid_payloads_decode_as_before() -> None:
    assert decode_html(b'<meta charset="utf-8"><p>Berita Jakarta</p>', None).endswith("</p>")
    assert decode_html(b"<p>caf\xe9</p>", "windows-1252") == "<p>café</p>"
    small = _page(10_000)
    assert len(small) < _DETECT_BYTES and "日本語" in decode_html(small, None)
