"""Bytes from the network or an archive → text, honouring the declared charset first."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


# Codecs no page is written in that decode() would still try: besides the non-text codecs
# (rot13, hex, zlib: refused below), these raise even with errors="replace".
_NOT_PAGE_CODECS = frozenset({"idna", "punycode", "undefined", "unicode-escape", "raw-unicode-escape"})


def known_charset(charset: str | None) -> str | None:
    """The codec a declared charset names, if a page can be decoded with it; else None."""
    if not charset:
        return None
    try:
        info = codecs.lookup(charset.strip().strip("\"'"))
    except (LookupError, ValueError):  # ValueError: a NUL or a lone surrogate in the name
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CODECS:
        return None
    return info.name


def decode_html(content: bytes, charset: str | None = None) -> str:
    """Declared charset (HTTP header, then ``<meta>``), else trafilatura's detection.

    trafilatura's ``decode_file`` guesses from the bytes alone; a page in
    windows-1252 that says so must not be guessed as something else.
    """
    declared = known_charset(charset)
    if declared is None:
        match = _META_CHARSET.search(content[:4096])
        declared = known_charset(match.group(1).decode("ascii", "ignore")) if match else None
    if declared is not None:
        try:
            return content.decode(declared)
        except UnicodeError:
            pass
        # A few broken bytes (a transfer error, a truncated character) do not make the page's
        # declaration wrong: detection read a UTF-8 page with one bad byte as a Greek code page,
        # every character garbled. Many broken bytes do: a cp1252 page that says UTF-8 has its
        # curly quotes and accents every few hundred bytes, and is left to detection.
        text = content.decode(declared, errors="replace")
        if text.count("\ufffd") <= len(content) // _BROKEN_BYTES_PER:
            return text
    return _guess(content)


# At most one broken byte in this many and a declared charset is believed (see above).
_BROKEN_BYTES_PER = 10_000


# Charset detection sees at most this much of a payload. trafilatura's ``detect_encoding`` runs
# charset_normalizer over the whole payload when its 10 kB head-and-tail sample finds nothing
# (bytes that fit no charset), and that took ~60× the payload in memory: 541 MB for an 8.9 MB
# page that declared UTF-8 and had flipped bytes (fuzz run 5). A charset shows in any 256 kB.
_DETECT_BYTES = 256 * 1024


def _guess(content: bytes) -> str:
    # imported late: files.py needs only known_charset
    from trafilatura.utils import decode_file, detect_encoding, handle_compressed_file

    if len(content) <= _DETECT_BYTES:
        return decode_file(content, max_size=len(content) + 1)
    # decode_file's own steps, with detection on a bounded sample: it takes no sample size.
    content = handle_compressed_file(content, max_size=len(content) + 1)
    for guess in ["utf-8", *detect_encoding(content[:_DETECT_BYTES])]:
        try:
            return content.decode(guess)
        except (LookupError, UnicodeDecodeError):
            continue
    return content.decode("utf-8", errors="replace")


__all__ = ["decode_html", "known_charset"]
