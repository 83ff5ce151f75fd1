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
    from trafilatura.utils import decode_file  # imported late: files.py needs only known_charset

    return decode_file(content, max_size=len(content) + 1)


__all__ = ["decode_html", "known_charset"]
