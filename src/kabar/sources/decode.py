"""Bytes from the network or an archive → text, honouring the declared charset first."""

from __future__ import annotations

import codecs
import re

from trafilatura.utils import decode_file

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)


def _known(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        return codecs.lookup(charset.strip().strip("\"'")).name
    except LookupError:
        return None


def decode_html(content: bytes, charset: str | None = None) -> str:
    """Declared charset (HTTP header, then ``<meta>``), else trafilatura's detection.

    trafilatura's ``decode_file`` guesses from the bytes alone; a page in
    windows-1252 that says so must not be guessed as something else.
    """
    declared = _known(charset)
    if declared is None:
        match = _META_CHARSET.search(content[:4096])
        declared = _known(match.group(1).decode("ascii", "ignore")) if match else None
    if declared is not None:
        try:
            return content.decode(declared)
        except UnicodeDecodeError:
            pass
    return decode_file(content, max_size=len(content) + 1)


__all__ = ["decode_html"]
