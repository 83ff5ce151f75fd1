"""The readers the benchmark compares: kabar, trafilatura (its best setting), newspaper4k."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import trafilatura

from kabar.extract import ExtractError
from kabar.extract.html import extract_html
from kabar.model import Article, RawPage


@dataclass(slots=True)
class Reading:
    body: str = ""
    headline: str | None = None
    published: datetime | None = None
    published_date_only: str | None = None  # trafilatura/htmldate give a date without time
    authors: list[str] = field(default_factory=list)
    captions: list[tuple[str | None, str | None]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


def with_dateline(a: Article) -> list[str]:
    """The article's text as a reference parser keeps it: kabar holds the dateline ("BERLIN --") in
    its own field, the text is dateline + paragraphs. Structured parts kabar keeps beside the body
    (tables, live posts) are read back by each scorer as its gold set counts them."""
    text = list(a.paragraphs)
    if a.dateline and text:
        text[0] = f"{a.dateline} {text[0]}"
    return text


def read_kabar(html: str, url: str | None) -> Reading:
    try:
        a = extract_html(RawPage(content=html, kind="html", url=url))
    except ExtractError:
        return Reading()
    # The Zyte set's article bodies hold their subheadings and data tables as text (one row a
    # line), and the Indonesian gold counts subheadings as paragraphs: both read back in place.
    text = with_dateline(a)
    heads: dict[int, list[str]] = {}
    for head in a.subheadings:
        heads.setdefault(min(head.position, len(text)), []).append(head.text)
    for table in a.tables:
        rows = "\n".join(" ".join(row) for row in table.rows)
        heads.setdefault(min(table.position, len(text)), []).append(
            f"{table.caption}\n{rows}" if table.caption else rows
        )
    body = [
        line for index in range(len(text) + 1) for line in [*heads.get(index, []), *text[index : index + 1]]
    ]
    return Reading(
        body="\n\n".join(body),
        headline=a.headline,
        published=a.published,
        authors=list(a.authors),
        captions=[(i.caption, i.credit) for i in a.images],
        paragraphs=a.blocks,
    )


def trafilatura_reader(**settings: bool) -> Callable[[str, str | None], Reading]:
    def read(html: str, url: str | None) -> Reading:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, **settings)
        if doc is None:
            return Reading()
        text = doc.text or ""
        return Reading(
            body=text,
            headline=doc.title,
            published_date_only=doc.date,
            authors=[a.strip() for a in (doc.author or "").split(";") if a.strip()],
            paragraphs=[p for p in text.split("\n") if p.strip()],
        )

    return read


def read_newspaper(html: str, url: str | None) -> Reading:
    import newspaper

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        config = newspaper.Config()
        config.fetch_images = False  # newspaper4k would download the top image: no network here
        art = newspaper.Article(url or "http://example.com/", config=config)
        try:
            art.download(input_html=html)
            art.parse()
        except Exception:  # newspaper4k raises bare exceptions on odd pages
            return Reading()
    text = art.text or ""
    return Reading(
        body=text,
        headline=art.title or None,
        published=art.publish_date,
        authors=list(art.authors),
        paragraphs=[p for p in text.split("\n") if p.strip()],
    )
