"""kabar's time expressions over a plain text, as TIMEX3 spans of a :class:`TimemlDoc`.

The text is read paragraph by paragraph (blank lines part them, as in kabar's articles), each
against the document's creation day. Two things differ from kabar's own expressions, as the
TimeML guidelines ask: a list or range ("1 dan 2 November", "27 September hingga 10 Oktober")
is one TIMEX3 per day named, and a leading signal word ("sejak 2015") stays outside the TIMEX3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from kabar.model import TimeExpression
from kabar.understand.timeml.document import TimemlDoc, Timex3
from kabar.understand.timex import TimexOptions, find_in_text, last_day
from kabar.understand.timex_patterns import vocabulary
from kabar.understand.timex_resolve import Anchor
from kabar.understand.timex_words import timeml_words

_PARAGRAPHS = re.compile(r"[^\n]+(?:\n(?![ \t]*\n)[^\n]*)*")


@dataclass(slots=True, frozen=True)
class Span:
    start: int
    end: int
    value: str


@lru_cache(maxsize=1)
def _item_re() -> re.Pattern[str]:
    mon = vocabulary().month_re
    return re.compile(
        rf"(?<!\d)\d{{1,2}}(?!\d)(?:\s+(?:{mon})\.?(?:\s+(?:\d{{4}}|'\d{{2}}))?)?", re.IGNORECASE
    )


def _days(value: str | list[str] | None) -> list[str]:
    if isinstance(value, list):
        return value
    if isinstance(value, str) and "/" in value:
        return value.split("/")
    return []


def _spans(t: TimeExpression) -> list[Span]:
    """One span per TIMEX3 (offsets relative to the expression's field)."""
    start = t.start or 0
    days = _days(t.value)
    if len(days) > 1:
        items = list(_item_re().finditer(t.text))
        if len(items) == len(days):
            return [Span(start + m.start(), start + m.end(), d) for m, d in zip(items, days, strict=True)]
    if t.timex_value is None:
        return []
    text = t.text
    first, _, rest = text.partition(" ")
    if rest and first.lower() in timeml_words().signals:
        start += len(text) - len(rest.lstrip())
    return [Span(start, (t.start or 0) + len(text), t.timex_value)]


_DAY = re.compile(r"\d{4}-\d{2}-\d{2}$")
_POD_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}T(?:MO|MI|AF|EV|NI)$")


@dataclass(slots=True, frozen=True)
class Edges:
    """The words that widen a TIMEX3 to TimeML's extent."""

    after: re.Pattern[str]  # a deictic word after a calendar expression: [Juli lalu]
    before: re.Pattern[str]  # a head noun before a date: [hari Rabu (12/10)]
    zone: re.Pattern[str]  # a clock zone after a part of day: [Sabtu (16/9) malam WIB]


@lru_cache(maxsize=1)
def _edges() -> Edges:
    w = timeml_words()

    def alt(words: frozenset[str]) -> str:
        return "|".join(re.escape(x) for x in sorted(words, key=len, reverse=True))

    # Spaces bounded: an unbounded run, tried from every position of a long blank stretch, is quadratic.
    after = re.compile(rf"[ \t]{{1,4}}(?:{alt(w.deictic_after)})\b", re.IGNORECASE)
    before = re.compile(rf"\b(?:{alt(w.head_before)})[ \t]{{1,4}}$", re.IGNORECASE)
    zone = re.compile(rf"[ \t]{{0,4}}(?-i:{alt(frozenset(w.clock_zones))})\b")
    return Edges(after, before, zone)


def _widen(timexes: list[Timex3], text: str) -> list[Timex3]:
    """TimeML's extents: a deictic word after a calendar expression and a head noun before a date
    go inside ([Juli lalu], [hari Rabu (12/10)]); a date with a part of day after it is one TIME
    ([Sabtu (16/9) malam WIB])."""
    edges = _edges()
    after, before, zone = edges.after, edges.before, edges.zone
    out: list[Timex3] = []
    for i, x in enumerate(timexes):
        start, end, kind, value = x.start, x.end, x.type, x.value
        nxt = timexes[i + 1] if i + 1 < len(timexes) else None
        limit = nxt.start if nxt else len(text)
        if out and out[-1].end > start:
            continue  # merged into the one before
        if kind == "DATE" and _DAY.match(value) and nxt is not None and _POD_ONLY.match(nxt.value):
            gap = text[end : nxt.start]
            if not gap.strip() and nxt.value.startswith(value):
                end, kind, value = nxt.end, "TIME", nxt.value
                limit = timexes[i + 2].start if i + 2 < len(timexes) else len(text)
                z = zone.match(text, end, limit)
                end = z.end() if z else end
        if kind in ("DATE", "TIME") and value[:1].isdigit():
            follower = timexes[i + 1] if i + 1 < len(timexes) and timexes[i + 1].start >= end else None
            if follower is not None and after.fullmatch(text, end, follower.end):
                limit = follower.end  # "Selasa (19/9) kemarin": the deictic word joins the date
            a = after.match(text, end, limit)
            if a is not None and not text[start:end].lower().endswith(a.group(0).strip().lower()):
                end = a.end()
        if x.type == "DATE" and x.value[:1].isdigit():
            b = before.search(text, max(0, start - 12), start)
            if b is not None and not (out and out[-1].end > b.start()):
                start = b.start()
        out.append(Timex3(start, end, kind, value, x.mod, x.tid, text[start:end]))
    return out


def annotate(text: str, dct: date | None, docid: str, options: TimexOptions | None = None) -> TimemlDoc:
    anchor = Anchor(today=dct)
    doc = TimemlDoc(docid=docid, text=text, dct=dct)
    found: list[Timex3] = []
    day: str | None = None
    for i, m in enumerate(_PARAGRAPHS.finditer(text)):
        expressions = find_in_text(m.group(0), f"body:{i}", anchor, options, day)
        day = last_day(expressions) or day
        for t in expressions:
            for s in _spans(t):
                found.append(
                    Timex3(
                        start=m.start() + s.start,
                        end=m.start() + s.end,
                        type=t.timex_type or "DATE",
                        value=s.value,
                        mod=t.mod,
                    )
                )
    for n, x in enumerate(_widen(found, text), start=1):
        doc.timexes.append(Timex3(x.start, x.end, x.type, x.value, x.mod, f"t{n}", x.text))
    return doc
