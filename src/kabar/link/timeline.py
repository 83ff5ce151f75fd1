"""A story's timeline: dated events taken from its articles' time expressions and sentences.

Each resolved time expression in an article (``article.time_expressions``, else found now by
:func:`kabar.understand.timex.find_time_expressions`) dates the sentence it stands in; that
sentence is the event. Each article's publication adds an event too (its headline), so a story
whose articles name no dates still has a timeline. Events sort by the start of the period the
value names (a day, an ISO week, a month, a decade); the same sentence dated the same way by
two articles is kept once.

    build_timeline(articles: Sequence[Article], options: TimelineOptions | None = None) -> Timeline
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from kabar.model import Article, TimeExpression, normalise_space
from kabar.understand.timex import find_time_expressions

EventKind = Literal["mentioned", "published"]

# A sentence ends at . ! ? (optionally followed by a closing quote) before a space and a
# capital or an opening quote; initials and titles ("H.", "Dr.") are short and rarely end one.
_SENTENCE_END = re.compile(r"(?<=[^\s.]{3}[.!?])[\"'”’]?\s+(?=[\"“A-Z0-9])")


@dataclass(slots=True, frozen=True)
class TimelineOptions:
    include_published: bool = True
    max_sentence_chars: int = 400
    max_events: int = 500


@dataclass(slots=True)
class TimelineEvent:
    date: str  # ISO date, ISO week (2020-W44), month (2020-10), decade (199X), or a range a/b
    sort_key: str  # ISO date of the period's start, for ordering
    text: str  # the sentence (or headline) the date belongs to
    kind: EventKind = "mentioned"
    article_id: int | None = None
    field: str = "body"
    expression: str | None = None  # the time expression as written
    note: str | None = None


@dataclass(slots=True)
class Timeline:
    events: list[TimelineEvent] = field(default_factory=list)


def field_text(article: Article, name: str) -> str | None:
    """The text a time expression's offsets point into (``headline``, ``body:3``, ``caption:0``)."""
    if name == "headline":
        return article.headline
    kind, _, index = name.partition(":")
    if not index.isdigit():
        return article.body if kind == "body" else None
    i = int(index)
    if kind == "body" and i < len(article.paragraphs):
        return article.paragraphs[i]
    if kind == "caption" and i < len(article.images):
        return article.images[i].caption
    return None


def sentence_at(text: str, start: int, end: int) -> str:
    begin = 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() <= start:
            begin = m.end()
        elif m.start() >= end:
            return text[begin : m.start() + (1 if text[m.start()] in "\"'”’" else 0)].strip()
    return text[begin:].strip()


def sort_key(value: str) -> str:
    """The ISO date a value's period starts on (weeks, months and decades included)."""
    first = value.split("/", 1)[0]
    if m := re.fullmatch(r"(\d{4})-W(\d{2})", first):
        try:
            return date.fromisocalendar(int(m[1]), int(m[2]), 1).isoformat()
        except ValueError:
            return f"{m[1]}-01-01"
    if re.fullmatch(r"\d{3}X", first):
        return f"{first[:3]}0-01-01"
    if re.fullmatch(r"\d{4}-\d{2}", first):
        return f"{first}-01"
    if re.fullmatch(r"\d{4}", first):
        return f"{first}-01-01"
    return first


def _values(t: TimeExpression) -> list[str]:
    if t.value is None:  # off the calendar: no day to place it on
        return []
    return list(t.value) if isinstance(t.value, list) else [t.value]


def _article_events(article: Article, options: TimelineOptions) -> list[TimelineEvent]:
    expressions = article.time_expressions
    if not expressions:
        expressions = find_time_expressions(article)
    events: list[TimelineEvent] = []
    for t in expressions:
        source = field_text(article, t.field)
        if source is None or t.start is None or t.end is None:
            sentence = t.text
        else:
            sentence = sentence_at(source, t.start, t.end)
        sentence = normalise_space(sentence)[: options.max_sentence_chars]
        for value in _values(t):
            events.append(
                TimelineEvent(
                    date=value,
                    sort_key=sort_key(value),
                    text=sentence,
                    article_id=article.id,
                    field=t.field,
                    expression=t.text,
                    note=t.note,
                )
            )
    if options.include_published and article.published is not None:
        day = article.published.date().isoformat()
        events.append(
            TimelineEvent(
                date=day,
                sort_key=day,
                text=normalise_space(article.headline or article.description or ""),
                kind="published",
                article_id=article.id,
                field="headline",
            )
        )
    return events


def build_timeline(articles: Sequence[Article], options: TimelineOptions | None = None) -> Timeline:
    opts = options or TimelineOptions()
    seen: set[tuple[str, str]] = set()
    events: list[TimelineEvent] = []
    for article in articles:
        for e in _article_events(article, opts):
            key = (e.date, e.text.casefold())
            if not e.text or key in seen:
                continue
            seen.add(key)
            events.append(e)
    events.sort(key=lambda e: (e.sort_key, e.kind != "published", e.article_id or 0))
    return Timeline(events=events[: opts.max_events])
