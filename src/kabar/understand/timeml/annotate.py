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
from kabar.understand.timex import TimexOptions, find_in_text
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


def annotate(text: str, dct: date | None, docid: str, options: TimexOptions | None = None) -> TimemlDoc:
    anchor = Anchor(today=dct)
    doc = TimemlDoc(docid=docid, text=text, dct=dct)
    for i, m in enumerate(_PARAGRAPHS.finditer(text)):
        for t in find_in_text(m.group(0), f"body:{i}", anchor, options):
            for s in _spans(t):
                doc.timexes.append(
                    Timex3(
                        start=m.start() + s.start,
                        end=m.start() + s.end,
                        type=t.timex_type or "DATE",
                        value=s.value,
                        mod=t.mod,
                        text=text[m.start() + s.start : m.start() + s.end],
                    )
                )
    for n, x in enumerate(doc.timexes, start=1):
        doc.timexes[n - 1] = Timex3(x.start, x.end, x.type, x.value, x.mod, f"t{n}", x.text)
    return doc
