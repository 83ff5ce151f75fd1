"""The TimeML kinds kabar's calendar patterns do not cover: clock times, parts of day, vague
references, durations, sets, seasons and "akhir tahun" (a modifier on the current period).

Each pattern is built from data/timex_timeml.json (timex_words); each match resolves to a
:class:`~kabar.understand.timex_resolve.Resolved` whose ``timex`` carries the TIMEX3 reading.
kabar's own ``value`` is a day only where the expression names one ("Senin pagi"); durations,
sets, references and bare clock times have none (timelines and stories read days only).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from kabar.lang.dates import shift
from kabar.understand import timex_resolve as r
from kabar.understand.timex_patterns import DAY_WORDS, Pattern, vocabulary
from kabar.understand.timex_words import TimemlWords, timeml_words

_PAST_TAILS = ("lalu", "yang lalu", "silam")
_NEXT_TAILS = ("lagi", "mendatang")


def _alt(words: object) -> str:
    """An alternation, longest first; a hyphen may stand between spaces ("baru - baru ini", as some
    outlets' text is tokenised) and a space may be several."""
    ordered = sorted(set(words), key=len, reverse=True)  # type: ignore[call-overload]
    return "|".join(re.escape(w).replace(r"\-", r"\s*-\s*").replace(r"\ ", r"\s+") for w in ordered)


@lru_cache(maxsize=1)
def more_patterns() -> tuple[Pattern, ...]:
    w = timeml_words()
    wd = rf"(?-i:(?P<wd>{vocabulary().weekday_re}))"
    pods = _alt(w.parts_of_day)
    units = _alt(w.units)
    numbers = _alt([*w.number_words, *w.number_scales])
    number = rf"(?:\d{{1,3}}(?:[.,]\d{{1,2}})?|(?:{numbers})(?:\s+(?:{numbers}))*|{_alt(w.vague_counts)})"
    se_units = _alt([u for u in w.units if u != "malam"])  # "semalam" is a day word (last night)
    tails = _alt([*_PAST_TAILS, *_NEXT_TAILS])
    after = _alt(w.last_words)
    dmods = _alt(w.duration_mods)
    zones = _alt(w.clock_zones)
    clock_words = _alt(w.clock_words)
    day_words = _alt([k for k, v in DAY_WORDS.items() if v is not None and " " not in k])
    period_mods = _alt([k for k, v in w.mods.items() if v in ("START", "MID", "END")])
    raw: list[tuple[str, str]] = [
        # pukul 10.00 WIB; pk 19.30; jam 9 pagi; 10.00 WIB (a bare h.mm needs its zone)
        (
            "clock",
            rf"(?<![\w.])(?:(?:{clock_words})\s*(?P<h>2[0-4]|[01]?\d)(?!\d)(?:[.:](?P<mi>[0-5]\d))?"
            rf"|(?P<h2>2[0-4]|[01]?\d)[.:](?P<mi2>[0-5]\d)(?=\s*(?-i:{zones})\b))"
            rf"(?:\s*(?-i:(?P<zone>{zones}))\b)?(?:\s+(?P<pod>{pods})\b(?!-))?",
        ),
        # Senin pagi; kemarin sore; pagi hari; malam itu (no day: the day named before, or today's)
        (
            "part_of_day",
            rf"(?:(?:{wd}|\b(?P<dw>{day_words}))\s+)?\b(?P<pod>{pods})\b(?!-)(?:\s+hari\b)?"
            # Senin malam (26/9): the bracketed date names the day
            r"(?:\s*\(\s*(?P<d>0?[1-9]|[12]\d|3[01])\s*/\s*(?P<m>0?[1-9]|1[0-2])(?:\s*/\s*(?P<y>\d{4}|\d{2}))?\s*\))?",
        ),
        ("ref", rf"\b(?P<ref>{_alt(w.refs)})\b(?!-)"),
        # (sekitar) tiga tahun (terakhir); 2,5 jam; setahun; beberapa hari lalu
        (
            "duration",
            rf"\b(?:(?P<mod>{dmods})\s+)?(?:(?P<n>{number})\s*(?P<unit>{units})|(?P<se>se)(?P<seunit>{se_units}))\b(?!-)"
            rf"(?:\s+(?P<tail>{tails})\b|\s+(?P<after>{after})\b)?",
        ),
        ("redup", rf"\b(?P<word>{_alt(w.reduplicated_units)})\b"),
        # setiap Senin; tiap tahun; setiap hari Senin; setiap lima tahun; setiap malam
        (
            "set",
            rf"\b(?P<q>{_alt(w.set_words)})\s+(?:(?P<n>{number})\s+)?(?:(?:hari\s+)?{wd}|(?P<unit>{units})(?:nya)?|(?P<pod>{pods}))\b",
        ),
        ("set_adjective", rf"(?-i:\b(?P<word>{_alt(w.set_adjectives)})\b)"),
        ("season", rf"\b(?P<season>{_alt(w.seasons)})(?:\s+(?P<y>(?:19|20)\d{{2}}))?\b"),
        # akhir tahun; awal bulan; akhir pekan (the current one: "akhir tahun lalu" is a calendar pattern)
        # kemarin (12/11); hari ini (8/8/2016): the bracketed date gives the value
        (
            "day_word_date",
            r"\b(?:hari\s+ini|kemarin|besok|lusa)\s*\(\s*(?P<d>0?[1-9]|[12]\d|3[01])\s*/\s*(?P<m>0?[1-9]|1[0-2])"
            r"(?:\s*/\s*(?P<y>\d{4}|\d{2}))?\s*\)",
        ),
        ("anchored", rf"\b(?P<rel>{_alt(w.anchored_relatives)})\b"),
        # Liga 1 2017, Olimpiade 2008 dan 2012, (1991): a bare year, checked against its neighbours
        ("bare_year", r"(?<![\w./,:-])(?P<y>(?:19|20)\d{2})(?![\w/]|[.,:-]\d|\s*-\s*an\b)"),
        # musim 2015/2016 (silam); 2017/18: a sport season, valued by its starting year
        (
            "season_years",
            rf"(?:\bmusim\s+(?:kompetisi\s+)?)?(?<![\w./-])(?P<y1>(?:19|20)\d{{2}})\s*/\s*(?P<y2>\d{{4}}|\d{{2}})(?![\w/])"
            rf"(?:\s+(?P<dir>{_alt(w.deictic_after)})\b)?",
        ),
        ("sport_season", rf"\bmusim\s+(?:kompetisi\s+)?(?P<dir>{_alt(w.season_shift)})\b"),
        # Juli lalu; Desember nanti; Sepanjang Juli sampai Agustus (capitalised full names only)
        (
            "bare_month",
            rf"(?<!\d)(?<!\d\s)(?-i:\b(?P<mon>{_alt(w.month_names)})\b)(?!\s*\d)(?:\s+(?P<dir>{_alt(w.deictic_after)})\b)?",
        ),
        ("mod_period", rf"\b(?P<mod>{period_mods})\s+(?P<unit>tahun|bulan|pekan|minggu)\b(?!\s*\d)"),
    ]
    needs = _needs(w)
    return tuple(Pattern(name, re.compile(rx, re.IGNORECASE), needs.get(name, ())) for name, rx in raw)


def _needs(w: TimemlWords) -> dict[str, tuple[str, ...]]:
    """What each pattern's matches must hold (lower case), for the cheap test before its regex."""

    def first_words(words: object) -> tuple[str, ...]:
        return tuple(sorted({str(x).lower().split()[0].split("-")[0] for x in words}))  # type: ignore[attr-defined]

    def longest_words(words: object) -> tuple[str, ...]:
        return tuple(sorted({max(re.split(r"[\s-]+", str(x).lower()), key=len) for x in words}))  # type: ignore[attr-defined]

    months = tuple(sorted({m.lower() for m in w.month_names}))
    return {
        "clock": (*first_words(w.clock_words), *(z.lower() for z in w.clock_zones)),
        "part_of_day": tuple(sorted({p.split()[-1] for p in w.parts_of_day})),  # tengah malam: "malam"
        "ref": longest_words(w.refs),
        "duration": tuple(sorted(w.units)),
        "redup": first_words(w.reduplicated_units),
        "set": first_words(w.set_words),
        "set_adjective": tuple(w.set_adjectives),
        "season": ("musim",),
        "anchored": tuple(sorted({max(k.split(), key=len) for k in w.anchored_relatives})),
        "day_word_date": ("(",),
        "season_years": ("/",),
        "sport_season": ("musim",),
        "bare_month": months,
        "mod_period": first_words(k for k, v in w.mods.items() if v in ("START", "MID", "END")),
    }


def _key(text: str) -> str:
    """A matched phrase as its data key: lower case, single spaces, no spaces around a hyphen."""
    return re.sub(r" ?- ?", "-", " ".join(text.lower().split()))  # spaces already single: bounded


def count_before(text: str, start: int) -> bool:
    """Whether a number (37, tiga, puluh) stands just before ``start``."""
    word = _word_before(text, start)
    w = timeml_words()
    return word.isdigit() or word in w.number_words or word in w.number_scales


def _word_before(text: str, start: int) -> str:
    before = text[max(0, start - 24) : start].split()
    return before[-1].lower() if before else ""


def parse_number(text: str, w: TimemlWords) -> float | None:
    """Digits (2,5) or Indonesian number words (dua puluh lima); None for a vague count (beberapa)."""
    t = text.lower().strip()
    if t in w.vague_counts:
        return None
    if t[:1].isdigit():
        return float(t.replace(",", "."))
    total, current = 0.0, 0.0
    for word in t.split():
        if word in w.number_scales:
            scale = w.number_scales[word]
            if word == "belas":
                current += 10
            elif scale >= 1000:
                total += max(current, 1) * scale
                current = 0
            else:
                current = max(current, 1) * scale
        elif word in w.number_words:
            value = w.number_words[word]
            current = current + value
    return total + current


def _amount(n: float | None) -> str:
    if n is None:
        return "X"
    return str(int(n)) if n == int(n) else f"{n:g}"


def duration_value(n: float | None, unit_code: str, clock: bool) -> str:
    """P3Y, PT5H, PXD; decades and centuries in years (P2DE → P20Y reads worse in TimeML tools)."""
    amount = _amount(n)
    if unit_code == "DE":
        return f"P{amount}0Y" if n is not None else "PXDE"
    if unit_code == "CE":
        return f"P{amount}00Y" if n is not None else "PXCE"
    if unit_code.endswith("Y") and unit_code != "Y":  # windu: eight years
        years = int(unit_code[:-1])
        return f"P{_amount(n * years)}Y" if n is not None else "PXY"
    if clock and n is not None and n != int(n) and unit_code == "H":
        minutes = round((n - int(n)) * 60)  # setengah jam: PT30M; satu setengah jam: PT1H30M
        return f"PT{int(n)}H{minutes}M" if int(n) else f"PT{minutes}M"
    return f"PT{amount}{unit_code}" if clock else f"P{amount}{unit_code}"


def _today(anchor: r.Anchor) -> date | None:
    return anchor.today


def _clock(m: re.Match[str], w: TimemlWords) -> r.Resolved | None:
    h = int(m["h"] if m["h"] is not None else m["h2"])
    minute = int(m["mi"] if m["mi"] is not None else (m["mi2"] or 0))
    pod = (m["pod"] or "").lower()
    if pod in w.clock_pm and h < w.clock_pm[pod]:
        h += 12
    if h > 24:
        return None
    if h == 24:
        h = 0
    return r.Resolved(None, timex=r.Timex("TIME", "", suffix=f"T{h:02d}:{minute:02d}"))


def _day_of(m: re.Match[str], anchor: r.Anchor) -> date | None:
    """The day a weekday or day word before a part of day names."""
    if anchor.today is None:
        return None
    if m["d"]:
        dated = r.resolve_numeric(int(m["d"]), int(m["m"]), m["y"], anchor, None)
        return date.fromisoformat(dated.value) if dated and isinstance(dated.value, str) else None
    if m["wd"]:
        found = r.resolve_weekday(m["wd"], None, anchor)
        return date.fromisoformat(found.value) if found and isinstance(found.value, str) else None
    offset = DAY_WORDS.get((m["dw"] or "").lower())
    return shift(anchor.today, timedelta(days=offset)) if offset is not None else None


def _part_of_day(m: re.Match[str], text: str, anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    if not m["wd"] and not m["dw"] and _word_before(text, m.start()) in w.part_of_day_not_after:
        return None  # makan malam, jam malam: a meal, a curfew
    pod = w.parts_of_day[m["pod"].lower()]
    if m["wd"] or m["dw"] or m["d"]:
        day = _day_of(m, anchor)
        if day is None:
            return None
        return r.Resolved(day.isoformat(), timex=r.Timex("TIME", f"{day.isoformat()}T{pod}"))
    return r.Resolved(None, timex=r.Timex("TIME", "", suffix=f"T{pod}"))


def _ref(m: re.Match[str], text: str, w: TimemlWords) -> r.Resolved | None:
    if _word_before(text, m.start()) in w.ref_not_after:
        return None
    return r.Resolved(None, timex=r.Timex("DATE", w.refs[_key(m["ref"])]))


def _duration(m: re.Match[str], text: str, anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    before = _word_before(text, m.start())
    if not m["mod"] and before in w.count_not_after:
        return None  # UU No 31 Tahun 1999: a law's number
    unit_word = (m["unit"] or m["seunit"]).lower()
    unit = w.units[unit_word]
    n = 1.0 if m["se"] else parse_number(m["n"], w)
    if n is not None and (n <= 0 or n > 10_000):
        return None
    if m["se"] and not m["mod"] and not m["tail"] and before in w.per_unit_words:
        # tiga kali sehari, 10 jam sehari: a rate, so a SET of days
        return r.Resolved(None, timex=r.Timex("SET", duration_value(1.0, unit, unit_word in w.clock_units)))
    mod = w.mods.get(" ".join(m["mod"].lower().split())) if m["mod"] else None
    tail = " ".join((m["tail"] or "").lower().split())
    if tail in _PAST_TAILS or tail in _NEXT_TAILS:
        if n is None:  # beberapa hari lalu: some time ago, no day
            ref = "PAST_REF" if tail in _PAST_TAILS else "FUTURE_REF"
            return r.Resolved(None, timex=r.Timex("DATE", ref, mod))
        if n != int(n) or unit_word in w.clock_units:
            return r.Resolved(
                None, timex=r.Timex("DATE", "PAST_REF" if tail in _PAST_TAILS else "FUTURE_REF")
            )
        count = r.resolve_count(str(int(n)), unit_word, tail, anchor)
        if count is None or count.value is None or not isinstance(count.value, str):
            return None
        return r.Resolved(count.value, count.note, timex=r.Timex("DATE", count.value, mod))
    if not re.match(r"\s{0,2}[^\W\d_]", text[m.end() : m.end() + 3]):  # "1,5 jam lebih lama": a comparison
        mod = mod or w.last_words.get(_key(m["after"] or "")) or None  # satu bulan lebih: MORE_THAN
    return r.Resolved(
        None, timex=r.Timex("DURATION", duration_value(n, unit, unit_word in w.clock_units), mod)
    )


def _set(m: re.Match[str], w: TimemlWords) -> r.Resolved | None:
    if m["wd"]:
        day = vocabulary().weekdays.get(m["wd"].lower())
        return None if day is None else r.Resolved(None, timex=r.Timex("SET", f"XXXX-WXX-{day}"))
    if m["pod"]:
        return r.Resolved(None, timex=r.Timex("SET", f"XXXX-XX-XXT{w.parts_of_day[m['pod'].lower()]}"))
    unit_word = m["unit"].lower()
    n = parse_number(m["n"], w) if m["n"] else 1.0
    return r.Resolved(
        None, timex=r.Timex("SET", duration_value(n, w.units[unit_word], unit_word in w.clock_units))
    )


def _season(m: re.Match[str], anchor: r.Anchor, w: TimemlWords) -> r.Resolved:
    code = w.seasons[" ".join(m["season"].lower().split())]
    year = m["y"] or (f"{anchor.today.year:04d}" if anchor.today else "XXXX")
    return r.Resolved(None, timex=r.Timex("DATE", f"{year}-{code}"))


def _mod_period(m: re.Match[str], anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    if anchor.today is None:
        return None
    mod = w.mods[m["mod"].lower()]
    unit = m["unit"].lower()
    today = anchor.today
    if unit == "tahun":
        return r.Resolved(None, timex=r.Timex("DATE", f"{today.year:04d}", mod))
    if unit == "bulan":
        return r.Resolved(None, timex=r.Timex("DATE", f"{today.year:04d}-{today.month:02d}", mod))
    y, wk, _ = today.isocalendar()
    if mod == "END":
        return r.Resolved(None, timex=r.Timex("DATE", f"{y}-W{wk:02d}-WE"))
    return r.Resolved(None, timex=r.Timex("DATE", f"{y}-W{wk:02d}", mod))


def _bare_year(m: re.Match[str], text: str, anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    year = int(m["y"])
    latest = (anchor.today.year if anchor.today else anchor.context_year or 2100) + 30
    if year > latest or _word_before(text, m.start()) in w.year_not_after:
        return None
    following = text[m.end() : m.end() + 24].split()
    if following and following[0].lower().strip(".,;:)") in w.year_not_before:
        return None  # 2000 orang: a count
    return r.Resolved(None, timex=r.Timex("DATE", m["y"]))


def _season_years(m: re.Match[str]) -> r.Resolved | None:
    first = int(m["y1"])
    second = int(m["y2"]) if len(m["y2"]) == 4 else first - first % 100 + int(m["y2"])
    if second != first + 1:
        return None  # 2015/2017, 1998/99 across a century: not one season
    return r.Resolved(None, timex=r.Timex("DATE", m["y1"]))


def _sport_season(m: re.Match[str], anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    if anchor.today is None:
        return None
    start = anchor.today.year if anchor.today.month >= w.season_start_month else anchor.today.year - 1
    return r.Resolved(None, timex=r.Timex("DATE", f"{start + w.season_shift[m['dir'].lower()]:04d}"))


def _bare_month(m: re.Match[str], text: str, anchor: r.Anchor, w: TimemlWords) -> r.Resolved | None:
    month = vocabulary().months.get(m["mon"].lower())
    before = _word_before(text, m.start())
    if month is None or before in w.mods or before == "bulan":
        return None  # "awal Oktober", "bulan Mei": the calendar patterns' (with their mod and value)
    direction = (m["dir"] or "").lower()
    if anchor.today is None:
        return r.Resolved(None, timex=r.Timex("DATE", f"XXXX-{month:02d}"))
    year = anchor.today.year
    if direction in ("lalu", "kemarin", "silam", "yang lalu") and month >= anchor.today.month:
        year -= 1 if month > anchor.today.month else 0
    elif direction in ("depan", "mendatang", "nanti") and month < anchor.today.month:
        year += 1
    elif not direction:  # the nearest such month (TimeML: the value nearest the creation time)
        here = anchor.today.year * 12 + anchor.today.month
        year = min((year - 1, year, year + 1), key=lambda y: abs(y * 12 + month - here))
    return r.Resolved(None, timex=r.Timex("DATE", f"{year:04d}-{month:02d}"))


def resolve_more(p: Pattern, m: re.Match[str], text: str, anchor: r.Anchor) -> r.Resolved | None:
    w = timeml_words()
    name = p.name
    if name == "clock":
        return _clock(m, w)
    if name == "part_of_day":
        return _part_of_day(m, text, anchor, w)
    if name == "ref":
        return _ref(m, text, w)
    if name == "duration":
        return _duration(m, text, anchor, w)
    if name == "redup":
        unit = w.reduplicated_units[_key(m["word"])]  # "D", "1D", "CE": a count, then a unit code
        digits = len(unit) - len(unit.lstrip("0123456789"))
        count, code = (float(unit[:digits]) if digits else None), unit[digits:]
        return r.Resolved(None, timex=r.Timex("DURATION", duration_value(count, code, code == "H")))
    if name == "set_adjective":
        return r.Resolved(None, timex=r.Timex("SET", w.set_adjectives[m["word"]]))
    if name == "set":
        return _set(m, w)
    if name == "season":
        return _season(m, anchor, w)
    if name == "anchored":
        return r.Resolved(None, timex=r.Timex("DATE", "", shift=w.anchored_relatives[_key(m["rel"])]))
    if name == "day_word_date":
        found = r.resolve_numeric(int(m["d"]), int(m["m"]), m["y"], anchor, None)
        if found is None or not isinstance(found.value, str):
            return None
        return r.Resolved(found.value, found.note, timex=r.Timex("DATE", found.value))
    if name == "bare_year":
        return _bare_year(m, text, anchor, w)
    if name == "season_years":
        return _season_years(m)
    if name == "sport_season":
        return _sport_season(m, anchor, w)
    if name == "bare_month":
        return _bare_month(m, text, anchor, w)
    if name == "mod_period":
        return _mod_period(m, anchor, w)
    raise ValueError(f"no resolver for TimeML pattern {name!r}")
