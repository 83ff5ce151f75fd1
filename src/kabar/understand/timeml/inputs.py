"""What ``kabar timex`` reads: plain text, a flattened page, HTML (through kabar's extractor) or
TimeML (its DCT and TEXT). Each becomes one text with its creation day, ready for ``annotate``."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from kabar.model import Article, RawPage
from kabar.understand.timeml.document import MAX_BYTES, TimemlDoc, TimemlError, read_timeml

KINDS = ("auto", "text", "flat", "html", "timeml")
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|p|div)\b", re.IGNORECASE)
_XML = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?<TimeML\b")


@dataclass(slots=True, frozen=True)
class Source:
    docid: str
    text: str
    dct: date | None
    stem: str  # the input file's name without its suffix: the name of its output file
    gold: TimemlDoc | None = None  # the TimeML read, when the input was TimeML


def _bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TimemlError(f"cannot read {path}: {exc.strerror or exc}") from None
    if path.name.endswith(".gz"):
        try:
            data = _gunzip(data)
        except (OSError, EOFError, zlib.error):
            raise TimemlError(f"{path} is not a readable gzip file") from None
    if len(data) > MAX_BYTES:
        raise TimemlError(f"{path} is over {MAX_BYTES:,} bytes; kabar timex reads one article at a time")
    return data


def _gunzip(data: bytes) -> bytes:
    # at most MAX_BYTES + 1 out: a gzip bomb stops there
    d = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return d.decompress(data, MAX_BYTES + 1)


def _text(data: bytes, name: str) -> str:
    if not data.strip():
        raise TimemlError(f"{name} is empty")
    if b"\x00" in data[:65536]:
        raise TimemlError(f"{name} looks binary (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TimemlError(f"{name} is not UTF-8 text (bad byte at offset {exc.start})") from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def kind_of(path: Path, data: bytes) -> str:
    if path.suffix.lower() in (".tml", ".timeml") or _XML.match(data[:2048]):
        return "timeml"
    if _HTML.search(data[:4096]):
        return "html"
    return "text"


def _article_text(article: Article) -> str:
    """Headline, paragraphs and photo captions, a blank line between each (kabar's fields, in order)."""
    captions = [i.caption or "" for i in article.images]
    return "\n\n".join(p for p in [article.headline or "", *article.paragraphs, *captions] if p.strip())


def _day(published: datetime | None) -> date | None:
    return published.date() if published is not None else None


def read_source(path: Path, kind: str = "auto", published: datetime | None = None) -> Source:
    """One input file as a text and its creation day (``published`` overrides the file's own)."""
    from kabar.extract import ExtractError, extract

    data = _bytes(path)
    name = str(path)
    chosen = kind_of(path, data) if kind == "auto" else kind
    docid = path.name.removesuffix(".gz").rsplit(".", 1)[0] or path.name
    if chosen == "timeml":
        doc = read_timeml(data, name)
        return Source(doc.docid, doc.text, _day(published) or doc.dct, docid, gold=doc)
    text = _text(data, name)
    if chosen == "text":
        return Source(docid, text, _day(published), docid)
    try:
        article = extract(RawPage(content=text, kind="html" if chosen == "html" else "text", source=name))
    except ExtractError as exc:
        raise TimemlError(str(exc)) from None
    body = _article_text(article)
    if not body:
        raise TimemlError(f"{name}: no article text found")
    return Source(docid, body, _day(published) or _day(article.published), docid)
