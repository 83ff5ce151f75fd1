"""Writers' names from a byline, a meta tag or a JSON-LD value, in any language.

``"Von: Anna Martel und Lea Wagner"`` → writers ``Anna Martel``, ``Lea Wagner``;
``"Reuters"`` → an agency, not a writer; ``"Sioux Falls Argus Leader"`` (a publication) and
``"KWCHCIK"`` (a station's code) → the source, not writers; ``"JANE DOE, Political Correspondent"`` →
``Jane Doe``.
The words (byline openers, conjunctions, roles, titles, agencies, desk words) are data:
``data/bylines.json`` under ``people``, each with where it was seen.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Set
from dataclasses import dataclass, field

from kabar.extract.tables import load_table

__all__ = [
    "People",
    "is_agency",
    "is_credential",
    "is_organisation",
    "is_site",
    "normalise_case",
    "place_first",
    "read_people",
    "split_names",
    "strip_lead",
    "tidy_name",
]

_MAX_TEXT = 400
_MAX_NAME_CHARS = 60
_MAX_NAME_WORDS = 6
# Links, addresses and handles are never part of a name ("Ani (@ani_l)", "ani@portal.id").
# Patterns here and below are entered only where no space (or digit) precedes, so that they stay
# linear along long runs (tests/test_regex_linear.py).
_URL = re.compile(r"\b(?:https?://|www\.)\S*+|(?<!\S)[^\s@]*+@\S++|(?<!\w)@\w++")
# A date, a time or a long number ends the names ("Sweidah 05.01.2025, 15:23").
_TAIL = re.compile(r"(?<!\s)\s*+\d.*+$")
# Brackets closing a name hold its agency or role, a part of their own ("Anna Muster (dpa)");
# "Robert (Bob) Smith" keeps its nickname inside the name.
_CLOSING_BRACKETS = re.compile(r"(?<!\s)\s*+\((?P<inner>[^()]{1,40})\)(?=\s*+(?:$|[,;/]))")
# A dash with spaces round it starts what is not a name ("Ani - detikNews"); "Wunderlich-Pfeiffer" stays.
_DASH_TAIL = re.compile(r"(?<!\s)\s++[-–—|](?:\s.*+)?+$")


@dataclass(slots=True)
class People:
    writers: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # wire services, desks, the outlet: sources

    def add(self, other: People) -> None:
        self.writers.extend(n for n in other.writers if n not in self.writers)
        self.agencies.extend(n for n in other.agencies if n not in self.agencies)


def _words(key: str) -> list[str]:
    table: dict[str, str] = load_table("bylines")["people"][key]
    return sorted(table, key=len, reverse=True)


def _alternation(key: str) -> str:
    return "|".join(re.escape(w) for w in _words(key))


@functools.cache
def _lead_re() -> re.Pattern[str]:
    # "Von: Ani", "By Ani", "bySauli Giliard" (a span glued to the name), "この記事の筆者 松岡大地"
    # "By, Ani" is "By" and "Ani" in two elements joined with a comma (html_authors._text_with_breaks)
    return re.compile(
        rf"^(?:{_alternation('lead_words')})(?P<colon>\s*+[:,：])?+(?P<space>\s*+)", re.IGNORECASE
    )


@functools.cache
def _split_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in _words("conjunctions") if w.isalpha())
    # One-character separators from the data ("&", the ideographic comma "、") join the fixed ones.
    marks = "".join(re.escape(w) for w in _words("conjunctions") if len(w) == 1 and not w.isalpha())
    return re.compile(rf"(?<!\s)\s*+[,;/+•·{marks}]\s*+|(?<!\s)\s++(?:{words})\s++", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    """ "A und B", "A, B dan C", "A & B" → the parts, in order (conjunctions are data)."""
    return [p for part in _split_re().split(text[:_MAX_TEXT]) if (p := part.strip())]


@functools.cache
def _role_re() -> re.Pattern[str]:
    roles = _alternation("roles")
    # "Reporter: Ani", "Ani, Korrespondentin", "Ani (Reporter)": the role word beside the name, not in it
    return re.compile(rf"^(?:{roles})\b\s*+:?\s*+|(?<!\s)\s*+\(?\b(?:{roles})\)?$", re.IGNORECASE)


@functools.cache
def _title_re() -> re.Pattern[str]:
    titles = "|".join(re.escape(t.rstrip(".")) + r"\.?" for t in _words("titles"))
    return re.compile(rf"^(?:(?:{titles})\s++)+", re.IGNORECASE)


@functools.cache
def _date_re() -> re.Pattern[str]:
    table = load_table("bylines")["people"]["date_words"]
    anywhere = "|".join(re.escape(w) for w in sorted(table["anywhere"], key=len, reverse=True))
    months = "|".join(re.escape(w) for w in sorted(table["before_number"], key=len, reverse=True))
    return re.compile(
        rf"(?<![^\W_])(?:(?:{anywhere})(?![^\W_])|(?:{months})\.?\s*+\d|(?<!\d)\d++\.?\s*+(?:{months})(?![^\W_])).*+$",
        re.IGNORECASE,
    )


@functools.cache
def _not_names() -> frozenset[str]:
    return frozenset(load_table("bylines")["people"]["not_names"])


@functools.cache
def _particles() -> frozenset[str]:
    return frozenset(load_table("bylines")["people"]["name_particles"])


@functools.cache
def _agencies() -> frozenset[str]:
    return frozenset(_words("agencies"))


@functools.cache
def _desk_re() -> re.Pattern[str]:
    words = _words("desk_words")
    latin = "|".join(re.escape(w) for w in words if w.isascii())
    other = "|".join(re.escape(w) for w in words if not w.isascii())
    # Whole words for Latin scripts ("n-tv NACHRICHTEN", "BR24 Redaktion"); scripts without spaces match inside.
    return re.compile(rf"(?<![^\W_])(?:{latin})(?![^\W_])|{other}", re.IGNORECASE)


def normalise_case(name: str) -> str:
    """``JAMES KAMALA`` → ``James Kamala``; a family name in capitals beside a given name
    (``Jean DUPONT``, ``María GARCÍA LÓPEZ``) → ``Jean Dupont``. Initials (``JD Barker``), numerals
    (``John Smith III``) and one word in capitals (``PMJS``, more often initials than a name) are
    left alone."""
    letters = [c for c in name if c.isalpha()]
    if " " not in name or not letters:
        return name
    if all(c.isupper() for c in letters if c.isupper() or c.islower()) and any(c.isupper() for c in letters):
        return " ".join(_title_word(w) for w in name.split())
    words = name.split()
    if any(c.islower() for c in letters):
        return " ".join(_title_word(w) if _family_in_capitals(w) else w for w in words)
    return name


_NUMERAL = re.compile(r"[IVX]++")


def _family_in_capitals(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    if len(letters) < _MIN_LETTERS_NO_VOWEL or not word.isupper() or _NUMERAL.fullmatch(word):
        return False
    return not word.isascii() or _vowels(word) > 0  # "CNN" is a code, not a family name


def _title_word(word: str) -> str:
    # "NEUBERG-VURAL" → "Neuberg-Vural", "O'NEIL" → "O'Neil"
    return re.sub(r"[^\W\d_]++", lambda m: m.group(0)[:1] + m.group(0)[1:].lower(), word)


def _squeeze(text: str) -> str:
    return re.sub(r"[\W_]++", "", text.casefold())


def _site_forms(site: str) -> set[str]:
    """A site name as bylines print it: "vnexpress.net" → "vnexpress"; "Legal Tribune Online" → "lto"."""
    forms = {_squeeze(site)}
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", site.casefold())
    if "." in host and " " not in host:
        forms.add(_squeeze(host.split(".")[0]))
    words = re.findall(r"[^\W\d_]++", site)
    if len(words) >= 2:
        forms.add("".join(w[0] for w in words).casefold())
        if words[0].casefold() in _site_articles():
            # "The Telegraph" signs its desk "Telegraph Sport"
            forms.add(_squeeze("".join(words[1:])))
    return {f for f in forms if f}


@functools.cache
def _site_articles() -> frozenset[str]:
    return frozenset(w for w in load_table("bylines")["people"]["site_articles"] if not w.startswith("_"))


def is_site(name: str, site_names: Set[str]) -> bool:
    """The outlet's own name, domain or initials ("LTO" for "Legal Tribune Online")."""
    squeezed = _squeeze(name)
    if not squeezed:
        return False
    for site in site_names:
        forms = _site_forms(site)
        if squeezed in forms or any(len(f) > 3 and squeezed.startswith(f) for f in forms):
            return True
    return False


def is_agency(name: str) -> bool:
    """A wire service ("Reuters", "dpa", "Anadolu Ajansı")."""
    return " ".join(name.casefold().split()) in _agencies()


@functools.cache
def _outlet_re() -> re.Pattern[str]:
    words = [w for w in _words("outlet_words") if not w.startswith("_")]
    latin = "|".join(re.escape(w) for w in words if w.isascii())
    other = "|".join(re.escape(w) for w in words if not w.isascii())
    # As the desk words: whole words in Latin scripts, inside a run in scripts without spaces.
    return re.compile(rf"(?<![^\W_])(?:{latin})(?![^\W_])|{other}", re.IGNORECASE)


@functools.cache
def _outlet_last_words() -> frozenset[str]:
    return frozenset(w for w in _words("outlet_last_words") if not w.startswith("_"))


def _is_outlet(name: str) -> bool:
    """A publication's name ("Sioux Falls Argus Leader", "The Washington Post"); a word that is also
    a family name counts only where a person's name would not hold it ("Emily Post" is a writer)."""
    if _outlet_re().search(name) is not None:
        return True
    words = name.casefold().split()
    if len(words) < 2 or words[-1].strip(".,") not in _outlet_last_words():
        return False
    return len(words) >= 3 or words[0] in _site_articles()


# One word in capitals with fewer vowels than one letter in this many is a code, not a name.
_CODE_LETTERS_PER_VOWEL = 4
_MIN_CODE_LETTERS = 4  # "ANT", "RD": shorter capitals are initials, left as they are
_MIN_LETTERS_NO_VOWEL = 3  # "CNN", "SRF", "NBC": no one's name; "JD", "TJ" are initials


def _vowels(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word.casefold()) if c in "aeiouy")


def _is_code(name: str) -> bool:
    """A station's call sign or a body's initials standing as the name ("KWCHCIK", "PMJS"): one
    word in capitals that no one could say ("MASRIADI" is a name printed in capitals); or a name
    holding a broadcaster's letters, capitals without a vowel ("CNN", "CNN Indonesia")."""
    if any(map(_broadcaster_letters, name.split())):
        return True
    if " " in name or len(name) < _MIN_CODE_LETTERS or not name.isalpha() or not name.isupper():
        return False
    return _vowels(name) * _CODE_LETTERS_PER_VOWEL < len(name)


def _broadcaster_letters(word: str) -> bool:
    return (
        len(word) >= _MIN_LETTERS_NO_VOWEL
        and word.isascii()
        and word.isalpha()
        and word.isupper()
        and not _vowels(word)
    )


_MIN_HOST_CHARS = 3
_MAX_TLD_CHARS = 6


def _is_domain(name: str) -> bool:
    """A web address standing as the name: "Kompas.com", "Tribunnews.com", "sportschau.de"."""
    labels = name.split(".")
    if len(labels) < 2 or " " in name or len(labels[0]) < _MIN_HOST_CHARS or not labels[0][0].isalnum():
        return False
    tld = labels[-1]
    if not (2 <= len(tld) <= _MAX_TLD_CHARS and tld.isascii() and tld.isalpha() and tld.islower()):
        return False
    return all(label and label.replace("-", "").isalnum() for label in labels[:-1])


def is_organisation(name: str, site_names: Set[str] = frozenset()) -> bool:
    """A wire agency, a desk or team, a publication, a broadcaster's code, a company, or the outlet
    itself."""
    low = " ".join(name.casefold().split())
    return (
        low in _agencies()
        or _desk_re().search(name) is not None
        or _is_outlet(name)
        or _is_code(name)
        or _is_domain(name)
        or is_site(name, site_names)
    )


def _looks_like_name(name: str) -> bool:
    if len(name) < 2 or len(name) > _MAX_NAME_CHARS or len(name.split()) > _MAX_NAME_WORDS:
        return False
    if not name[0].isalpha() or any(c.isdigit() for c in name):
        return False
    # Latin-script names start with a capital ("Ani Lestari", "María R. Sahuquillo", "de Vries" after one);
    # scripts without case (Japanese, Arabic, Thai…) pass on letters alone.
    words = name.split()
    if name.casefold() in _not_names() or words[0].casefold() in _not_names():
        return False
    cased = [w for w in words if w[0].isupper() or w[0].islower()]
    # Every cased word capitalised but the particles ("Ludwig van Beethoven"): "Dallas Robinson is" is prose.
    if any(w[0].islower() and w.casefold() not in _particles() for w in cased) or (
        cased and cased[0][0].islower()
    ):
        return False
    if len(words) == 1 and cased and len(name) < 3:
        return False  # "MS", "RD": credentials after a comma, not a name
    return all(_name_word(w) for w in words)


# Inside a word: apostrophes, dots and hyphens ("O'Neil", "R.", "Wunderlich-Pfeiffer"), and the joiners
# of Indic and Persian spelling (ZWNJ, ZWJ).
_WORD_MARKS = frozenset("'’.-\u200c\u200d")


def _name_word(word: str) -> bool:
    """One word of a name: a letter, then letters, combining signs (the vowel signs of Devanagari,
    Thai, Bengali, Tamil: "कुमार", "ใจดี") and the marks inside names; no digits."""
    if not word[0].isalpha():
        return False
    return all(c.isalpha() or c in _WORD_MARKS or unicodedata.category(c) in ("Mn", "Mc") for c in word[1:])


def _clean_part(part: str) -> str:
    part = " ".join(part.split()).strip(" ,.:;-–—|()[]\"'“”")
    for _ in range(2):  # "Reporter: Dr. Ani", "Ani, Editor"
        part = _role_re().sub("", part).strip(" ,.:;-–—|()")
        part = _title_re().sub("", part).strip(" ,.:;-–—|()")
    words = part.split()
    while len(words) > 1 and words[-1].islower() and len(words[-1]) <= 3 and words[-1] not in _particles():
        words.pop()  # "Louis Jacobson on" (Monday, cut as a date word)
    # "Ani Lestari S.Sos": a degree closing the name; a name in capitals keeps its last word ("KIM MA")
    while len(words) > 1 and is_credential(words[-1]) and not words[-2].isupper():
        words.pop()
    return " ".join(words)


@functools.cache
def _credentials() -> frozenset[str]:
    return frozenset(w for w in load_table("bylines")["people"]["credentials"] if not w.startswith("_"))


# A dotted degree of two or more parts: "M.Pd.", "S.H.", "S.Sos", "Ph.D." ("R." alone is an initial).
_DOTTED_DEGREE = re.compile(r"[A-Z][A-Za-z]{0,3}+\.(?:[A-Z][A-Za-z]{0,3}+\.?+){1,3}+")


def is_credential(word: str) -> bool:
    """A degree or credential as printed after a name ("PhD", "MBA", "M.Pd.", "S.H.")."""
    word = word.strip(" ,;")
    return word.rstrip(".") in _credentials() or _DOTTED_DEGREE.fullmatch(word) is not None


def _only_credentials(part: str) -> bool:
    words = part.strip(" ,.;").split()
    return bool(words) and all(is_credential(w) for w in words)


def tidy_name(name: str) -> str | None:
    """One name a labelled byline line gave, as :func:`read_people` would keep it: a date or weekday
    after it cut ("Sherif Saed, Wednesday"), a role or title beside it stripped ("Michael Hiltzik
    Business Columnist"; a role standing alone names nobody), a name printed twice over read once ("Sean Martin Sean Martin": a visible
    and a hidden link); None when nothing of a name is left."""
    cut = _date_re().sub("", " ".join(name.split()))
    if _describes(cut) or _only_credentials(cut):
        return None  # "Staff Writer", "Business Columnist" in a field of its own: who she is
    words = _clean_part(cut).split()
    half = len(words) // 2
    if half >= 2 and len(words) == 2 * half and words[:half] == words[half:]:
        words = words[:half]
    return " ".join(words) or None


def _agency_suffix(name: str) -> tuple[str, str] | None:
    """("Errin Haines", "Associated Press") from "ERRIN HAINES Associated Press": an agency glued on."""
    low = name.casefold()
    for agency in _agencies():
        if low.endswith(" " + agency) and len(low) > len(agency) + 1:
            return name[: len(name) - len(agency)].strip(), name[len(name) - len(agency) :]
    return None


def _short_capitals(part: str) -> bool:
    part = part.strip()
    return part.isupper() and len(part) <= 4 and " " not in part


def _describes(part: str) -> bool:
    """A short phrase ending in a role word ("Political Correspondent", "Senior Editor")."""
    words = part.split()
    return (
        0 < len(words) <= 4
        and _role_re().search(" ".join(words[-2:])) is not None
        and bool(_role_re().sub("", part).strip() != part.strip())
    )


@functools.cache
def _place_first_re() -> re.Pattern[str]:
    labels = [w for w in load_table("bylines")["place_first_labels"] if not w.startswith("_")]
    words = "|".join(re.escape(w) for w in sorted(labels, key=len, reverse=True))
    return re.compile(rf"^(?:{words})\s++(?P<where>[^,:;|]{{1,40}}+),\s*+", re.IGNORECASE)


def place_first(text: str) -> re.Match[str] | None:
    """A role label without its colon, then the place or outlet and a comma, before the name
    ("Kontributor Makassar, Ani Lestari"): the match, its ``where`` group the place or outlet."""
    return _place_first_re().match(text)


def strip_lead(text: str) -> str | None:
    """The names after a byline opener ("Von: Ani" → "Ani"); None when the text opens with none.

    Without a colon the opener must stand before a capitalised word or a script without case
    ("By Ani", "bySauli Giliard"), so that "by the way" or "di Jakarta" in running text is not taken."""
    m = _lead_re().match(text)
    if m is None:
        return None
    rest = text[m.end() :]
    if not rest:
        return None
    if m.group("colon") is None:
        if not m.group("space") and not (rest[:1].isupper() and rest[1:2].islower()):
            # Glued to the opener, only a capitalised word is a name ("bySauli Giliard"): a name in
            # capitals merely starts with an opener's letters ("DINI TEJA", "BYRON", "PARKER").
            return None
        uncased = rest[0].isalpha() and not rest[0].isupper() and not rest[0].islower()
        # "By Ani", "bySauli Giliard"; a script without case needs a space after the opener
        # ("この記事の筆者 松岡大地"), so that a word merely starting with one ("記者タイムライン") is not taken.
        if not (rest[0].isupper() or (uncased and m.group("space"))):
            return None
    return rest


def read_people(text: str, site_names: Set[str] = frozenset(), *, strict: bool = False) -> People:
    """The writers a byline text names, and the agencies or desks it names instead of writers.

    ``strict`` (for visible text, not declared values): every part must be a name, an agency or a
    role, or nothing is taken: "Di Jakarta, hujan turun sejak pagi" is a sentence, not a byline."""
    found = People()
    text = unicodedata.normalize("NFC", " ".join(text.split()))[:_MAX_TEXT]
    text = _URL.sub(" ", text)
    if (rest := strip_lead(text)) is not None:
        text = rest
    text = _DASH_TAIL.sub("", _TAIL.sub("", _date_re().sub("", text)))
    clauses = _clauses(text, site_names)
    found.agencies.extend(clauses.sources)
    for index, raw in enumerate(_split_re().split(clauses.names)):
        if index and _describes(raw):
            continue  # "Jane Doe, Political Correspondent": the words after the comma describe her
        if index and _only_credentials(raw):
            continue  # "Ilana Muhlstein, MS, RDN", "Jane Roe, PhD": credentials after the name
        if index and _short_capitals(raw) and not is_organisation(raw.strip()):
            continue  # other capitals after the name: more credentials ("AFP", "CNN" are sources)
        name = _clean_part(raw)
        if not name:
            continue
        if (glued := _agency_suffix(name)) is not None:
            name, agency = glued
            if agency not in found.agencies:
                found.agencies.append(agency)
        if is_site(name, site_names):
            continue  # the outlet itself: Article.outlet already says so
        if is_organisation(name):
            if name not in found.agencies:
                found.agencies.append(name)
            continue
        name = normalise_case(name)
        if not _looks_like_name(name):
            if strict:
                return People(agencies=found.agencies)
            continue
        if name not in found.writers:
            found.writers.append(name)
    found.add(clauses.helpers)
    return found


@dataclass(slots=True)
class _Clauses:
    names: str  # the text that names the writers
    sources: list[str] = field(default_factory=list)  # an outlet the role before them files for
    helpers: People = field(default_factory=People)  # what a with-clause after them credits


def _clauses(text: str, site_names: Set[str]) -> _Clauses:
    """The writers' names apart from what stands round them: brackets closing a name read as a part of
    their own, a role's place or outlet before them ("Kontributor Makassar, Ani"), a with-clause after
    them ("Jean Dupont avec AFP")."""
    out = _Clauses(_CLOSING_BRACKETS.sub(r", \g<inner>", text))
    if (where := place_first(out.names)) is not None:
        place = where.group("where").strip()
        if is_organisation(place) and not is_site(place, site_names):
            out.sources.append(place)
        out.names = out.names[where.end() :]
    if (credit := _with_re().search(out.names)) is not None:
        out.names = out.names[: credit.start()]
        out.helpers = _with_clause(credit.group("rest"), site_names)
    return out


@functools.cache
def _with_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in _words("with_words") if not w.startswith("_"))
    material = "|".join(re.escape(w) for w in _words("with_material") if not w.startswith("_"))
    # "Par Jean Dupont avec AFP", "Von Anna Muster mit Material von dpa", "… (mit dpa)" read as ", mit dpa"
    return re.compile(
        rf"(?<!\s)(?:\s*+,)?\s++(?:{words})\s++(?:(?:{material})(?:\s++|$))?(?P<rest>.*+)$", re.IGNORECASE
    )


def _with_clause(text: str, site_names: Set[str]) -> People:
    """What a with-clause credits: agencies (the source) and helpers named as people; anything else
    ("agences") names nobody, and never turns the writers before it away."""
    found = People()
    for raw in _split_re().split(text):
        name = _clean_part(raw)
        if not name or is_site(name, site_names):
            continue
        if is_organisation(name):
            found.agencies.append(name)
        elif _looks_like_name(name := normalise_case(name)):
            found.writers.append(name)
    return found
