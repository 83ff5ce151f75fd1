"""The typed records that flow through the pipeline.

sources → :class:`RawPage` → extract → :class:`Article` → understand (adds
:class:`Entity`, :class:`TimeExpression`) → archive → link → serve.

Records are plain dataclasses: cheap to build (extraction runs thousands of
pages a second), picklable (so a stage can run on a Ray worker), and free of
any database or web framework. Serialisation lives in :mod:`kabar.serialize`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal, TypeVar

PageKind = Literal["text", "html"]
EntityType = Literal["person", "place", "organization"]
# What a page is, read from its structure: an index or front page is never stored as an article.
ArticleKind = Literal["article", "gallery", "video", "live", "index"]
# Who a page credits, and for what. ``agency`` is a news agency or desk credited for the copy
# ("(ANTARA)", "Reuters"), never a person.
ContributorRole = Literal["writer", "reporter", "editor", "photographer", "contributor", "agency"]
# How much of a time the page states: "day" where it prints a date with no time of day (the value is
# then that date's midnight UTC, and only its date means anything: kabar.extract.time_zone.stored_time), "minute" for a
# clock without seconds, "second" for a machine time with them. None: not known (stored before kabar
# kept it, or given by a caller).
TimePrecision = Literal["day", "minute", "second"]


@dataclass(slots=True)
class RawPage:
    """One page as a source delivered it, before extraction."""

    content: str
    kind: PageKind = "text"
    url: str | None = None
    source: str | None = None  # where it came from: a path, a feed, a WARC record id
    captured_at: datetime | None = None
    headers: dict[str, str] = field(default_factory=dict)
    hints: dict[str, str] = field(default_factory=dict)  # e.g. a feed's own title/date/summary


@dataclass(slots=True)
class Image:
    caption: str | None = None
    credit: str | None = None
    position: int = 0  # index in Article.paragraphs that the image stands before
    url: str | None = None


@dataclass(slots=True)
class Subheading:
    """A heading the page prints inside the body (its own <h2>–<h6>): structure, not body text."""

    text: str
    position: int = 0  # index in Article.paragraphs that the heading stands before


@dataclass(slots=True)
class RelatedItem:
    headline: str
    age_text: str | None = None
    age_seconds: int | None = None
    published: datetime | None = None  # absolute time, when the capture time is known
    description: str | None = None
    url: str | None = None


@dataclass(slots=True)
class Contributor:
    name: str
    role: ContributorRole = "writer"


@dataclass(slots=True)
class LiveEntry:
    """One post of a live report: its own time, optional title, and text."""

    paragraphs: list[str] = field(default_factory=list)
    published: datetime | None = None
    time_text: str | None = None  # the time as shown ("14.05 WIB")
    headline: str | None = None


@dataclass(slots=True)
class Table:
    """A data table kept beside the body (not as body text); ``position`` as for images."""

    rows: list[list[str]] = field(default_factory=list)
    caption: str | None = None
    position: int = 0


@dataclass(slots=True)
class Mention:
    start: int
    end: int
    text: str
    field: str = "body"  # headline | body | caption


@dataclass(slots=True)
class Entity:
    name: str
    type: EntityType
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)


@dataclass(slots=True)
class TimeExpression:
    text: str
    # ISO date, list of ISO dates, ISO week (2020-W44), decade (199X), range; None: a time whose
    # value falls off the calendar (resolved from a publication time at year 1 or 9999), or one with
    # no calendar value of this kind (a duration, a set, a vague reference, a clock time: see timex_value)
    value: str | list[str] | None
    start: int | None = None
    end: int | None = None
    note: str | None = None
    field: str = "body"
    # TimeML's reading (TIMEX3): type DATE/TIME/DURATION/SET, value (2016-08-12, 2016-W32,
    # 2016-08-12TMO, 2016-08-12T10:00, P3Y, XXXX-WXX-1, PRESENT_REF, 199 …) and mod (START, END,
    # APPROX …). None in data stored before kabar read TimeML; a list expression keeps its first day.
    timex_type: str | None = None
    timex_value: str | None = None
    mod: str | None = None


@dataclass(slots=True)
class Article:
    headline: str | None = None
    published: datetime | None = None  # timezone-aware
    published_text: str | None = None  # the text the time was read from
    modified: datetime | None = None
    outlet: str | None = None
    authors: list[str] = field(default_factory=list)  # the writers, in the page's order
    # How much of ``published`` / ``modified`` the page states (:data:`TimePrecision`). A "day" time
    # is its date's midnight UTC: show ``published.date()`` as it is, never converted to another zone
    # (converting would move it to the day before west of UTC).
    published_precision: TimePrecision | None = None
    modified_precision: TimePrecision | None = None
    # Every person or agency the page credits, with the role it names (writers too).
    contributors: list[Contributor] = field(default_factory=list)
    published_zone: str | None = None  # the zone as the page shows it: "WIB", "WITA", "WIT", "+07:00"
    kind: ArticleKind = "article"
    paywalled: bool = False  # the page is a teaser before a subscription wall; the body is the teaser
    page_count: int | None = None  # a multi-page article: how many pages it has
    pages_read: int | None = None  # of those, how many are in the body (fewer: incomplete)
    live_entries: list[LiveEntry] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    language: str | None = "id"
    dateline: str | None = None  # e.g. "TEMPO.CO -" or "JAKARTA, KOMPAS.com -"
    dateline_place: str | None = None
    paragraphs: list[str] = field(default_factory=list)  # the body text, subheadings apart
    subheadings: list[Subheading] = field(default_factory=list)  # empty in articles stored before them
    images: list[Image] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # cited sources (URLs or names)
    tags: list[str] = field(default_factory=list)
    related: list[RelatedItem] = field(default_factory=list)
    description: str | None = None
    section: str | None = None
    url: str | None = None
    canonical_url: str | None = None
    captured_at: datetime | None = None
    entities: list[Entity] = field(default_factory=list)
    time_expressions: list[TimeExpression] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # fields the extractor could not read
    notes: list[str] = field(default_factory=list)  # what was read but set aside, and why (one line each)
    extractor: str | None = None  # which reader produced it ("flat", "html", "jsonl")
    id: int | None = None  # archive id, once stored

    @property
    def body(self) -> str:
        """The body's text with its subheadings in place: what search and the text output read."""
        return "\n\n".join(self.blocks)

    @property
    def blocks(self) -> list[str]:
        """The body's text in page order: each subheading before the paragraph it heads."""
        return headings_in_place(self.paragraphs, [(s.position, s.text) for s in self.subheadings])

    @property
    def incomplete(self) -> bool:
        """A multi-page article whose other pages were not read."""
        return self.page_count is not None and (self.pages_read or 1) < self.page_count

    @property
    def content_hash(self) -> str:
        # Over the blocks, subheadings in place: an article stored before subheadings were told
        # apart from paragraphs keeps its identity when the same page is read again.
        return content_hash(self.headline, self.blocks)


_T = TypeVar("_T")


def headings_in_place(paragraphs: Sequence[_T], headings: Sequence[tuple[int, _T]]) -> list[_T]:
    """``paragraphs`` with each heading put before the paragraph its position names (after the
    last when past the end); headings of one position keep their order."""
    if not headings:
        return list(paragraphs)
    heads = sorted(headings, key=lambda h: h[0])
    out: list[_T] = []
    at = 0
    for index, paragraph in enumerate(paragraphs):
        while at < len(heads) and heads[at][0] <= index:
            out.append(heads[at][1])
            at += 1
        out.append(paragraph)
    out.extend(h[1] for h in heads[at:])
    return out


@dataclass(slots=True, frozen=True)
class Placed:
    """One piece of the body as it is laid out: a subheading, a photo or a paragraph."""

    kind: Literal["heading", "image", "paragraph"]
    index: int  # the paragraph it stands before (for a paragraph: its own index)
    text: str = ""
    image: Image | None = None


def body_layout(
    paragraphs: Sequence[str], images: Sequence[Image], subheadings: Sequence[Subheading]
) -> list[Placed]:
    """The body in reading order: before each paragraph its subheadings, then its photos, by their
    ``position``; a position past the last paragraph stands at the end, a negative one at the start.
    One layout for every printed form (the portal's page, the CLI's text)."""
    last = len(paragraphs)
    images_at: dict[int, list[Image]] = {}
    heads_at: dict[int, list[Subheading]] = {}
    for image in images:
        images_at.setdefault(min(max(image.position, 0), last), []).append(image)
    for head in subheadings:
        heads_at.setdefault(min(max(head.position, 0), last), []).append(head)
    out: list[Placed] = []
    for index in range(last + 1):
        out.extend(Placed("heading", index, text=head.text) for head in heads_at.get(index, []))
        out.extend(Placed("image", index, image=image) for image in images_at.get(index, []))
        if index < last:
            out.append(Placed("paragraph", index, text=paragraphs[index]))
    return out


def normalise_space(text: str) -> str:
    # ``str.split()`` splits where the pattern ``\s`` matches (both read ``str.isspace``, checked over
    # every code point in tests/test_normalise_space.py): the text ``re.sub(r"\s+", " ", text).strip()``
    # gives, 5x faster (the reader calls this for every block of every page).
    return " ".join(text.split())


def content_hash(headline: str | None, paragraphs: list[str]) -> str:
    """Stable identity of an article's text: whitespace- and case-insensitive."""
    h = hashlib.sha256()
    h.update(normalise_space(headline or "").lower().encode("utf-8", "surrogatepass"))
    for p in paragraphs:
        h.update(b"\x1f")
        h.update(normalise_space(p).lower().encode("utf-8", "surrogatepass"))
    return h.hexdigest()
