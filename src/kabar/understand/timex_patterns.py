"""The vocabulary and regular expressions of Indonesian time expressions, as data.

Month and weekday names come from babel's CLDR data (Indonesian, plus English for the mixed
Indonesian/English that portals print); the spellings CLDR lacks but newspapers use
(``Ahad``, ``Nopember``, ``Pebruari``, ``Agt``, ``Sept``, ``Jum'at``) are added by hand.

Why not dateparser's ``search_dates`` alone: on Indonesian news it misses or misreads
lists (``1 dan 2 November 2020`` → only the 2nd), ``pekan lalu`` (no ISO week), ``Senin (2/11)``
(read as 11 February), decades (``1990-an`` → 3 January 1990), ``akhir Oktober`` (→ 3 October),
ranges (``27 September hingga 10 Oktober``), it cannot say that a weekday contradicts its date,
and it costs ~0.3 s per paragraph. benchmarks/timex.py measures it next to this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# Relative day words → days from publication; None means "decide from the publication hour".
DAY_WORDS: dict[str, int | None] = {
    "kemarin lusa": -2,
    "kemarin": -1,
    "hari ini": 0,
    "besok": 1,
    "esok": 1,
    "esok hari": 1,
    "lusa": 2,
    "yesterday": -1,
    "today": 0,
    "tomorrow": 1,
    "tadi malam": None,
    "semalam": None,
    "malam tadi": None,
    "tadi pagi": 0,
    "pagi tadi": 0,
    "pagi ini": 0,
    "malam ini": 0,
    "siang ini": 0,
    "sore ini": 0,
    "last night": None,
}

# Direction words after "pekan", "bulan", "tahun" or a weekday.
PAST = ("lalu", "kemarin", "silam", "yang lalu", "last")
NEXT = ("depan", "mendatang", "yang akan datang", "next")
THIS = ("ini", "this")

# How far into a period a modifier points ("akhir Oktober" → the end of October).
MODIFIERS: dict[str, str] = {
    "awal": "start",
    "early": "start",
    "pertengahan": "middle",
    "medio": "middle",
    "tengah": "middle",
    "mid": "middle",
    "akhir": "end",
    "penghujung": "end",
    "ujung": "end",
    "late": "end",
}

NUMBER_WORDS: dict[str, int] = {
    "se": 1,
    "satu": 1,
    "dua": 2,
    "tiga": 3,
    "empat": 4,
    "lima": 5,
    "enam": 6,
    "tujuh": 7,
    "delapan": 8,
    "sembilan": 9,
    "sepuluh": 10,
    "sebelas": 11,
    "dua belas": 12,
    "beberapa": 0,  # "beberapa hari lalu": no number, no value
}

UNITS: dict[str, str] = {
    "hari": "day",
    "pekan": "week",
    "minggu": "week",
    "bulan": "month",
    "tahun": "year",
    "days": "day",
    "day": "day",
    "weeks": "week",
    "week": "week",
    "months": "month",
    "month": "month",
    "years": "year",
    "year": "year",
}

RANGE_WORDS = r"(?:hingga|sampai\s+dengan|sampai|s\.\s?d\.?|s/d|sd|to|until|[-–—])"
LIST_WORDS = r"(?:\s*,\s*(?:dan\s+|serta\s+|and\s+)?|\s+(?:dan|serta|and|&)\s+)"
# Ages, not decades: "usia 20-an", "berumur 30-an".
AGE_WORDS = ("usia", "umur", "berusia", "berumur", "aged")
YEAR_CUES = r"(?:tahun|sejak|pada|hingga|sampai|periode|musim|in|since|until)"


@dataclass(slots=True, frozen=True)
class Vocabulary:
    months: dict[str, int]  # lower-cased name or abbreviation → month number
    weekdays: dict[str, int]  # lower-cased name → ISO weekday 1..7
    weekday_names: dict[int, str]  # ISO weekday → English name, for notes
    month_re: str  # full names and abbreviations (case-insensitive)
    weekday_re: str  # capitalised or upper-case only: "minggu" in lower case means "week"


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    from babel.dates import get_day_names, get_month_names

    months: dict[str, int] = {}
    for locale in ("id", "en"):
        for width in ("wide", "abbreviated"):
            for number, name in get_month_names(width, locale=locale).items():
                months[str(name).lower().rstrip(".")] = int(number)
    # Spellings CLDR lacks but Indonesian papers print.
    months.update({"nopember": 11, "pebruari": 2, "agt": 8, "agust": 8, "sept": 9, "febr": 2, "okt": 10})
    weekdays: dict[str, int] = {}
    english: dict[int, str] = {}
    for locale in ("id", "en"):
        for number, name in get_day_names("wide", locale=locale).items():
            weekdays[str(name).lower()] = int(number) + 1
            if locale == "en":
                english[int(number) + 1] = str(name)
    weekdays.update({"ahad": 7, "jum'at": 5, "jumat": 5, "jum’at": 5})
    month_re = _alternation(list(months))
    forms = [w.capitalize() for w in weekdays] + [w.upper() for w in weekdays]
    return Vocabulary(
        months=months,
        weekdays=weekdays,
        weekday_names=english,
        month_re=month_re,
        weekday_re=_alternation(forms),
    )


@dataclass(slots=True, frozen=True)
class Pattern:
    name: str  # which resolver in kabar.understand.timex_resolve handles the match
    regex: re.Pattern[str]
    # Lower-case words one of which every match holds: a text without any of them is not scanned
    # (a substring test is far cheaper than the regex; empty: always scanned).
    needs: tuple[str, ...] = ()
    # Or, where words gate too loosely (a month's three letters inside "desa"; every text has a
    # full stop), a regular expression every match's lower-case text holds; it replaces ``needs``.
    cue: str = ""

    def may_match(self, lower: str, scanned: dict[tuple[str, ...] | str, bool] | None = None) -> bool:
        """Whether ``lower`` holds one of the words (or the cue); ``scanned`` keeps the answers for
        one text, as patterns share their gates (the month names open seven of them)."""
        key = self.cue or self.needs
        if not key:
            return True
        if scanned is None:
            return _gate_re(key).search(lower) is not None
        hit = scanned.get(key)
        if hit is None:
            hit = scanned[key] = _gate_re(key).search(lower) is not None
        return hit


@lru_cache(maxsize=64)
def _gate_re(key: tuple[str, ...] | str) -> re.Pattern[str]:
    if isinstance(key, str):
        return re.compile(key, re.IGNORECASE)  # as the patterns match
    # one C-level scan for all the words, where a Python loop of substring tests costs more
    return re.compile("|".join(re.escape(w) for w in sorted(set(key), key=len, reverse=True)))


@lru_cache(maxsize=1)
def patterns() -> tuple[Pattern, ...]:
    v = vocabulary()
    mon = rf"(?:{v.month_re})\.?"
    # Case-insensitive matching for month names would make weekday names match in lower case;
    # the weekday alternation carries its own cased forms, so it sits in a (?-i:...) group.
    wd = rf"(?-i:(?P<wd>{v.weekday_re}))"
    day = r"(?:0?[1-9]|[12]\d|3[01])"
    yr = r"(?:\d{4}|'\d{2})"
    item = rf"{day}(?:\s+{mon}(?:\s+{yr})?)?"
    dated = rf"{day}\s+{mon}(?:\s+{yr})?"
    units = _alternation(list(UNITS))
    numbers = _alternation([k for k in NUMBER_WORDS if k != "se"])
    direction = _alternation([*PAST, *NEXT, *THIS])
    modifiers = _alternation(list(MODIFIERS))
    raw: list[tuple[str, str]] = [
        # 27 September hingga 10 Oktober (2020); 27 September 2020 - 10 Oktober 2020
        ("range", rf"\b{dated}\s*{RANGE_WORDS}\s*{dated}\b"),
        # 1-3 November 2020; 1 hingga 3 November
        ("range", rf"\b{day}\s*{RANGE_WORDS}\s*{dated}\b"),
        # 1 dan 2 November 2020; 1 November dan 2 November; 1, 2, dan 3 November
        ("list", rf"\b{item}(?:{LIST_WORDS}{item}){{0,8}}{LIST_WORDS}{dated}\b"),
        # Selasa, 3 November 2020; Ahad 26 Oktober; Senin (2/11); Senin, 2/11/2020
        ("weekday_date", rf"{wd}\s*,?\s*(?:\(\s*)?(?:tanggal\s+|tgl\.?\s+)?(?P<date>{dated})\b\)?"),
        (
            "weekday_numeric",
            rf"{wd}\s*,?\s*\(\s*(?P<d>{day})\s*/\s*(?P<m>0?[1-9]|1[0-2])(?:\s*/\s*(?P<y>\d{{4}}|\d{{2}}))?\s*\)",
        ),
        ("weekday_numeric", rf"{wd}\s*,?\s*(?P<d>{day})/(?P<m>0?[1-9]|1[0-2])/(?P<y>\d{{4}}|\d{{2}})\b"),
        # 3 November 2020; 3 Nov; English "November 3, 2020"
        ("date", rf"\b{dated}\b"),
        ("date_mdy", rf"\b(?P<mon>{mon})\s+(?P<d>{day})(?:st|nd|rd|th)?,?\s+(?P<y>\d{{4}})\b"),
        # 2/11/2020, 02-11-2020 (day first, as Indonesian writes), ISO 2020-11-02
        (
            "numeric",
            r"(?<![\d/.-])(?P<d>0?[1-9]|[12]\d|3[01])([/.-])(?P<m>0?[1-9]|1[0-2])\2(?P<y>\d{4})(?![\d/.-])",
        ),
        ("iso", r"(?<![\d-])(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])(?![\d-])"),
        # akhir Oktober (2020); awal bulan Mei; pertengahan 2019; Oktober 2020; bulan Oktober
        (
            "month",
            rf"\b(?:(?P<mod>{modifiers})\s+(?:bulan\s+)?|bulan\s+)(?P<mon>{mon})(?:\s+(?P<y>\d{{4}}))?\b",
        ),
        ("month", rf"\b(?P<mon>{mon})\s+(?P<y>\d{{4}})\b"),
        ("year_mod", rf"\b(?P<mod>{modifiers})\s+(?:tahun\s+)?(?P<y>(?:19|20)\d{{2}})\b(?!-an)"),
        # 1990-an; tahun 90-an; the 1990s
        ("decade", r"\b(?:tahun\s+)?(?P<y>1[5-9]\d0|20[0-9]0)\s?-?\s?an\b"),
        ("decade", r"\btahun\s+'?(?P<yy>[1-9]0)\s?-?\s?an\b"),
        ("decade", r"\b(?:the\s+)?(?P<y>1[5-9]\d0|20[0-9]0)'?s\b"),
        # tahun 2019; sejak 2015; pada 2018 (a bare number needs a cue to be a year)
        ("year", rf"\b{YEAR_CUES}\s+(?P<y>(?:19|20)\d{{2}})\b(?!\s?-?\s?an\b|[/.-]\d)"),
        # pekan lalu; minggu depan; bulan ini; tahun lalu; akhir pekan lalu; last week
        (
            "relative_period",
            rf"\b(?:(?P<mod>akhir|awal)\s+)?(?P<unit>pekan|minggu|bulan|tahun|week|month|year)\s+(?P<dir>{direction})\b",
        ),
        ("relative_period", r"\b(?P<dir>last|next|this)\s+(?P<unit>week|month|year)\b"),
        # dua hari lalu; sepekan lalu; 3 tahun silam; dua hari lagi
        (
            "relative_count",
            rf"\b(?:(?P<n>\d{{1,3}}|{numbers})\s+|(?P<se>se)(?=hari|pekan|minggu|bulan|tahun))"
            rf"(?P<unit>{units})\s+(?P<dir>yang\s+lalu|lalu|silam|lagi|kemudian|mendatang|ago)\b",
        ),
        ("day_word", rf"\b(?P<word>{_alternation(list(DAY_WORDS))})\b"),
        # Senin; Senin lalu; Kamis depan; Jumat (with no date: the latest such day by publication)
        ("weekday", rf"{wd}(?:\s+(?P<dir>lalu|kemarin|depan|mendatang|ini))?\b"),
    ]
    # A month name in a match is a whole word: each pattern has one after a day and spaces, after
    # "bulan" or at a word edge, and followed by a word edge, spaces and a year, or its full stop.
    month_cue = rf"\b(?:{v.month_re})\b"
    weekday_words = tuple(sorted(v.weekdays))
    day_words = tuple(sorted({max(k.split(), key=len) for k in DAY_WORDS}))
    needs = {
        "weekday_date": weekday_words,
        "weekday_numeric": weekday_words,
        "weekday": weekday_words,
        "relative_period": ("pekan", "minggu", "bulan", "tahun", "week", "month", "year"),
        "relative_count": tuple(sorted(UNITS)),
        "day_word": day_words,
    }
    years = r"(?:19|20)\d\d"
    cues = {
        "range": month_cue,
        "list": month_cue,
        "date": month_cue,
        "date_mdy": month_cue,
        "month": month_cue,
        "year_mod": years,
        "year": years,
        # d/m/y and y-m-d: a digit, a separator, a digit
        "numeric": r"\d[/.-]\d",
        "iso": r"\d[/.-]\d",
        # a decade's 0 before "an" (1990-an, tahun 90 an) or "s" (1990s, 90's)
        "decade": r"0(?:\s?-?\s?an|'?s)",
    }
    return tuple(
        Pattern(name, re.compile(rx, re.IGNORECASE), needs.get(name, ()), cues.get(name, ""))
        for name, rx in raw
    )
