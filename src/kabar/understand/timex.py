"""Time expressions in an article, resolved against its publication time.

    find_time_expressions(article: Article, options: TimexOptions | None = None) -> list[TimeExpression]

Fields scanned: ``headline``, ``body:<i>`` (paragraph i) and ``caption:<i>`` (image i);
``start``/``end`` are offsets into that field's text. Every pattern of
:mod:`kabar.understand.timex_patterns` proposes matches, :mod:`kabar.understand.timex_resolve`
gives each a value, and the longest resolvable match wins where they overlap (so
``Selasa, 3 November 2020`` is one expression, not a weekday and a date).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from kabar.lang.dates import shift
from kabar.lang.time import zone_offset
from kabar.model import Article, TimeExpression
from kabar.understand import timex_resolve as r
from kabar.understand.timex_more import count_before, more_patterns, resolve_more
from kabar.understand.timex_patterns import Pattern, patterns
from kabar.understand.timex_timeml import typed

_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_SENTENCE_START = re.compile(r"(?:^|[.!?]\s*[\"'”]?\s*)$")
_CITATION = re.compile(
    r"(?:\b(?:no|nomor)\.?\s*\d+[a-z]?\s*|\b(?:undang-undang dasar|uud)\b[^.]{0,60})$", re.IGNORECASE
)


@dataclass(slots=True, frozen=True)
class TimexOptions:
    max_field_chars: int = 100_000  # longer fields are read only this far (bounded time)
    max_article_chars: int = 300_000  # and the whole article this far (a multi-megabyte dump)
    max_expressions: int = 2_000
    future_days: int = 60  # how far after publication a year-less date may fall


@dataclass(slots=True, frozen=True)
class _Candidate:
    start: int
    end: int
    rank: int  # the pattern's place in the list: earlier wins a tie
    resolved: r.Resolved
    timex: r.Timex | None  # TimeML's reading


def _fields(article: Article) -> Iterator[tuple[str, str]]:
    if article.headline:
        yield "headline", article.headline
    for i, p in enumerate(article.paragraphs):
        yield f"body:{i}", p
    for i, img in enumerate(article.images):
        if img.caption:
            yield f"caption:{i}", img.caption


def _anchor(article: Article, options: TimexOptions) -> r.Anchor:
    if article.published is not None and article.published_precision == "day":
        # A bare day (kabar.extract.time_zone.stored_time): its own date, and no hour to read
        # "this morning" against; moved into a zone it would be the day before west of UTC.
        return r.Anchor(today=article.published.date(), future_days=options.future_days)
    if article.published is not None:
        # The day in the zone the page shows (WIB/WITA/WIT): a time stored in UTC would put an
        # article of 06:00 WIB on the day before.
        zone = zone_offset(article.published_zone) if article.published_zone else None
        local = article.published.astimezone(zone) if zone and article.published.tzinfo else article.published
        return r.Anchor(today=local.date(), hour=local.hour, future_days=options.future_days)
    # No publication time: year-less dates take the latest year the article itself states.
    years = [
        int(m.group(0)) for _, t in _fields(article) for m in _YEAR.finditer(t[: options.max_field_chars])
    ]
    return r.Anchor(today=None, context_year=max(years) if years else None, future_days=options.future_days)


def _resolve(p: Pattern, m: re.Match[str], text: str, anchor: r.Anchor) -> r.Resolved | None:
    g = m.groupdict()
    name = p.name
    if name == "list":
        return r.resolve_list(m.group(0), anchor)
    if name == "range":
        return r.resolve_range(m.group(0), anchor)
    if name == "weekday_date":
        return r.resolve_date(g["date"], anchor, weekday=g["wd"])
    if name == "weekday_numeric":
        return r.resolve_numeric(int(g["d"]), int(g["m"]), g.get("y"), anchor, weekday=g["wd"])
    if name == "date":
        return r.resolve_date(m.group(0), anchor)
    if name == "date_mdy":
        month = r.vocabulary().months.get(g["mon"].lower().rstrip("."))
        return None if month is None else r.resolve_numeric(int(g["d"]), month, g["y"], anchor, None)
    if name in ("numeric", "iso"):
        return r.resolve_numeric(int(g["d"]), int(g["m"]), g["y"], anchor, None)
    if name == "month":
        return r.resolve_month(g["mon"], g.get("y"), g.get("mod"), anchor)
    if name == "year_mod":
        return r.resolve_year(g["y"], g["mod"])
    if name == "year":
        if _CITATION.search(text[max(0, m.start() - 80) : m.start()]):
            return None  # "UU No 31 Tahun 1999", "UUD … Tahun 1945": a law's name, not a time
        return r.resolve_year(g["y"], None)
    if name == "decade":
        return r.resolve_decade(g.get("y"), g.get("yy"), anchor, text[max(0, m.start() - 12) : m.start()])
    if name == "relative_period":
        if m.group("unit") == "Minggu" and not _SENTENCE_START.search(text[: m.start()]):
            return None  # capitalised mid-sentence, "Minggu lalu" is last Sunday, not last week
        if not g.get("mod") and count_before(text, m.start()):
            return None  # "berusia 37 tahun ini": the count makes "37 tahun" a duration
        return r.resolve_period(g["unit"], g["dir"], g.get("mod"), anchor)
    if name == "relative_count":
        return r.resolve_count(g.get("n"), g["unit"], g["dir"], anchor)
    if name == "day_word":
        return r.resolve_day_word(g["word"], anchor)
    if name == "weekday":
        return r.resolve_weekday(g["wd"], g.get("dir"), anchor)
    raise ValueError(f"no resolver for time pattern {name!r}")


def _select(candidates: list[_Candidate], length: int) -> list[_Candidate]:
    chosen: list[_Candidate] = []
    taken = bytearray(length + 1)  # one flag per character: linear, where pairwise checks were quadratic
    for c in sorted(candidates, key=lambda c: (-(c.end - c.start), c.rank, c.start)):
        if any(taken[c.start : c.end]):
            continue
        chosen.append(c)
        taken[c.start : c.end] = b"\x01" * (c.end - c.start)
    return sorted(chosen, key=lambda c: c.start)


_DAY_VALUE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _attach_days(chosen: list[_Candidate], anchor: r.Anchor, day: str | None) -> list[r.Timex | None]:
    """Clock times and parts of day take the day named last before them (in the field, else in the
    paragraphs before: ``day``), else the publication day ("Senin (8/8) … pukul 10.00" is Monday's)."""
    day = day or (anchor.today.isoformat() if anchor.today else "XXXX-XX-XX")
    out: list[r.Timex | None] = []
    for c in chosen:
        t = c.timex
        if t is not None and t.shift is not None:
            named = date.fromisoformat(day) if _DAY_VALUE.fullmatch(day) else None
            moved = shift(named, timedelta(days=t.shift)) if named else None
            t = r.Timex(t.type, moved.isoformat() if moved else "XXXX-XX-XX", t.mod)
            day = t.value if moved else day
        elif t is not None and t.suffix is not None:
            t = r.Timex(t.type, day + t.suffix, t.mod)
        elif t is not None and _DAY_VALUE.match(t.value):
            day = t.value[:10]
        out.append(t)
    return out


def find_in_text(
    text: str, field: str, anchor: r.Anchor, options: TimexOptions | None = None, day: str | None = None
) -> list[TimeExpression]:
    """Time expressions of one field's text (offsets into ``text``); ``day``: the day named last
    before this text, which its clock times and parts of day belong to until it names another."""
    opts = options or TimexOptions()
    text = text[: opts.max_field_chars]
    candidates: list[_Candidate] = []
    lower = text.lower()
    scanned: dict[tuple[str, ...] | str, bool] = {}
    for rank, p in enumerate(patterns()):
        if not p.may_match(lower, scanned):
            continue
        for m in p.regex.finditer(text):
            resolved = _resolve(p, m, text, anchor)
            if resolved is not None:
                timex = typed(p.name, m.groupdict(), m.group(0), resolved)
                candidates.append(_Candidate(m.start(), m.end(), rank, resolved, timex))
    first = len(patterns())
    for rank, p in enumerate(more_patterns(), start=first):
        if not p.may_match(lower, scanned):
            continue
        for m in p.regex.finditer(text):
            resolved = resolve_more(p, m, text, anchor)
            if resolved is not None:
                candidates.append(_Candidate(m.start(), m.end(), rank, resolved, resolved.timex))
    chosen = _select(candidates, len(text))
    return [
        TimeExpression(
            text=text[c.start : c.end],
            value=c.resolved.value,
            start=c.start,
            end=c.end,
            note=c.resolved.note,
            field=field,
            timex_type=t.type if t else None,
            timex_value=t.value if t else None,
            mod=t.mod if t else None,
        )
        for c, t in zip(chosen, _attach_days(chosen, anchor, day), strict=True)
    ]


def last_day(expressions: list[TimeExpression]) -> str | None:
    """The day the last of these expressions names (a date, or a time on a date), if any."""
    for t in reversed(expressions):
        if t.timex_value and _DAY_VALUE.match(t.timex_value):
            return t.timex_value[:10]
    return None


def find_time_expressions(article: Article, options: TimexOptions | None = None) -> list[TimeExpression]:
    opts = options or TimexOptions()
    anchor = _anchor(article, opts)
    found: list[TimeExpression] = []
    budget = opts.max_article_chars
    day: str | None = None
    for field, text in _fields(article):
        if budget <= 0:
            break
        here = find_in_text(text[:budget], field, anchor, opts, day if field.startswith("body:") else None)
        if field.startswith("body:"):
            day = last_day(here) or day
        found.extend(here)
        budget -= min(len(text), opts.max_field_chars)
        if len(found) >= opts.max_expressions:
            return found[: opts.max_expressions]
    return found
