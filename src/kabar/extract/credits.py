"""Photo credits at the end of captions: ``… Covid-19. Sputnik/Mikhail Klimentyev/Kremlin``.

Indonesian portals print the credit inside the caption text (``ANTARA FOTO/Name/abc.``,
``TEMPO/Name``, ``Dok. Humas Polri``, ``(ANTARA/Name)``, ``Foto: Name``). trafilatura and the other
extractors keep caption and credit as one string, so the split is written here. The agency names,
labels and limits are data (``data/credits.json``).

A trailing phrase is a credit when it is short (``max_words``), made of name-like words only
(Capitalised, ALL CAPS, connectors such as ``via``/``of``, or the lower-case editor initials that
end an Antara credit) and either has a slash (``Agency/Photographer``), opens with a label or
prefix (``Foto:``, ``Dok.``) or names a known agency (``Handout via REUTERS``). A copyright mark
before a web address (``… di rumahnya © instagram.com/handle``, KapanLagi) is a credit too.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from kabar.extract.tables import load_table

__all__ = ["CreditSplit", "is_credit", "split_credit"]

_TAIL_CHARS = 220  # a credit sits in the last few words: never scan more than this
_MAX_BOUNDARIES = 5


@dataclass(slots=True, frozen=True)
class CreditSplit:
    caption: str  # the text without its credit ("" when the whole text is a credit)
    credit: str | None
    named: bool = False  # the credit names more than a bare agency (slash, label or prefix)


@dataclass(slots=True, frozen=True)
class _Rules:
    agencies: frozenset[str]
    agency_re: re.Pattern[str]
    label_re: re.Pattern[str]
    prefix_re: re.Pattern[str]
    label_end_re: re.Pattern[str]
    connectors: frozenset[str]
    max_words: int
    max_bare_words: int
    openers: frozenset[str]  # first three letters (lower case) of every label and prefix
    agency_heads: frozenset[str]  # first words of two-word agencies ("ANTARA" of "ANTARA FOTO")
    opener_words: tuple[str, ...]  # first words of labels and prefixes, lower case ("foto", "dok")


@functools.cache
def _rules() -> _Rules:
    table = load_table("credits")
    agencies = sorted(table["agencies"], key=len, reverse=True)
    labels = sorted(table["labels"], key=len, reverse=True)
    prefixes = sorted(table["prefixes"], key=len, reverse=True)
    return _Rules(
        agencies=frozenset(agencies),
        agency_re=re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(a) for a in agencies) + r")(?![\w])"),
        label_re=re.compile(r"^(?:" + "|".join(re.escape(x) for x in labels) + r")\s*", re.IGNORECASE),
        label_end_re=re.compile(
            r"(?:^|\s)\(?(?:" + "|".join(re.escape(x) for x in labels) + r")$", re.IGNORECASE
        ),
        prefix_re=re.compile(
            r"^(?:" + "|".join(re.escape(x) for x in prefixes) + r")(?:\s|$|(?<=\.)(?=[A-Z]))", re.IGNORECASE
        ),
        connectors=frozenset(table["name_connectors"]),
        max_words=int(table["max_words"]),
        max_bare_words=int(table["max_bare_words"]),
        openers=frozenset(x[:3].lower() for x in [*labels, *prefixes]),
        agency_heads=frozenset(a.split()[0] for a in agencies if " " in a),
        opener_words=tuple(sorted({x.split()[0].lower().rstrip(".:") for x in [*labels, *prefixes]})),
    )


def _has_agency(text: str, rules: _Rules) -> bool:
    """Does a known agency appear as whole words? (set lookups on words and word pairs)"""
    words = text.replace("/", " ").replace("(", " ").replace(")", " ").split()
    if not rules.agencies.isdisjoint(words):
        return True
    if rules.agency_heads.isdisjoint(words):
        return False
    return any(f"{a} {b}" in rules.agencies for a, b in itertools.pairwise(words))


@functools.cache
def _name_word_re() -> re.Pattern[str]:
    # Name, NAME, EPA-EFE, detikFoto, 123RF — a bare number is a date or a count, never a name.
    return re.compile(r"^(?:[A-Z][\w.'’&-]*|[a-z]+[A-Z][\w.]*|\d+[A-Za-z][\w.]*)$")


@functools.cache
def _initials_re() -> re.Pattern[str]:
    return re.compile(r"^[a-z]{2,5}\.?$")  # Antara's editor initials: ANTARA FOTO/Name/nym.


@functools.cache
def _boundary_re() -> re.Pattern[str]:
    # Where a caption sentence can end and its credit begin.
    return re.compile(r"[.!?\"”)\]]\s+")


@functools.cache
def _trailing_paren_re() -> re.Pattern[str]:
    return re.compile(r"\(([^()]{2,100})\)\s*\.?\s*$")


def _name_like(text: str, rules: _Rules) -> bool:
    segments = [s.strip() for s in text.split("/")]
    if any(not s for s in segments):
        return False
    words = [w for s in segments for w in s.split()]
    if not words or len(words) > rules.max_words:
        return False
    last_segment = segments[-1].split()
    for seg_index, segment in enumerate(segments):
        for raw_word in segment.split():
            word = raw_word.strip("©®")  # "©KapanLagi.com®": the marks are not part of the name
            if not word or word in rules.connectors or _name_word_re().match(word):
                continue
            is_last = seg_index == len(segments) - 1 and len(segments) > 1 and len(last_segment) == 1
            if is_last and _initials_re().match(word):
                continue
            return False
    return True


def _classify(text: str) -> tuple[str, bool] | None:
    """(credit text, named) when the whole of ``text`` is a credit, else None."""
    rules = _rules()
    text = text.strip()
    if len(text) >= 2 and text[0] == "(" and text[-1] == ")":
        text = text[1:-1].strip()
    opener = text[:3].lower() in rules.openers
    label = rules.label_re.match(text) if opener else None
    if label is not None:
        body = text[label.end() :].strip().rstrip(".").strip()
        # After an explicit label a short phrase is the credit ("Foto: Istimewa", "Foto: dok.
        # pribadi"); a longer one must read as names ("FOTO: Dian Sastro Saat Berusia 13 Tahun,
        # Masih Cantik?" is a headline).
        if body and (len(body.split()) <= rules.max_bare_words + 1 or _name_like(body, rules)):
            return body, True
        return None
    if opener and rules.prefix_re.match(text):
        body = text.rstrip(".").strip()
        words = body.split()
        if 1 < len(words) <= rules.max_words and _name_like(" ".join(words[1:]), rules):
            return body, True
        return None
    body = text[:-1] if text.endswith(".") and not _initials_tail(text) else text
    body = body.strip().rstrip("/").strip()
    if not body or _sentence_break_re().search(body):  # caption text, not a credit
        return None
    if body in rules.agencies:
        return body, False
    if body.startswith("©") and _web_credit_re().fullmatch(body[1:].strip()):
        return body, True  # "© instagram.com/handle": a copyright mark before a web address
    slash = "/" in body or "©" in body
    if not slash and not _bare_agency_credit(body, rules):
        return None
    if not _name_like(body, rules):
        return None
    return body, slash


def _bare_agency_credit(body: str, rules: _Rules) -> bool:
    """A credit with no slash or label: short, and the agency unmistakable — the whole text is an
    agency (``Istimewa``, ``Getty Images``), or an ALL-CAPS agency or ``via`` is in it
    (``Handout via REUTERS``). Title Case headlines use agency names as words ("Antara" =
    between, "Istimewa" = special), so a capitalised agency word alone is not enough."""
    words = body.split()
    if len(words) > rules.max_bare_words:
        return False
    if body in rules.agencies:
        return True
    if "via" in words:
        return _has_agency(body, rules)
    return any(w.isupper() and len(w) > 1 and w in rules.agencies for w in words)


def _initials_tail(text: str) -> bool:
    tail = text.rsplit("/", 1)
    return len(tail) == 2 and bool(_initials_re().match(tail[1].strip()))


def is_credit(text: str) -> bool:
    """Is the whole of ``text`` a photo credit (``REUTERS/Name``, ``Dok. Humas Polri``)?"""
    if not text or len(text) > _TAIL_CHARS:
        return False
    return _classify(text) is not None


def _may_end_with_credit(text: str) -> bool:
    """Cheap pre-check: a credit ends with a Name, an ALL-CAPS agency, ``…/initials.`` or ``)``;
    prose ends with a lower-case word, a quote or a date such as ``(27/3).``, so most body
    paragraphs stop here."""
    last = text.rsplit(None, 1)[-1]
    if _date_paren_re().fullmatch(last):
        return False
    return "/" in last or last.endswith(")") or last[:1].isupper() or last[:1].isdigit()


@functools.cache
def _sentence_break_re() -> re.Pattern[str]:
    # A word of two or more letters, a full stop, a capital: "Kapolri. Handout", or an acronym
    # of two or more capitals: "Gedung KPK. TEMPO/Name"; initials such as "M. Akrom" are not a break.
    return re.compile(r"(?:[a-z]{2}|\b[A-Z]{2,})\. +[A-Z]")


@functools.cache
def _web_credit_re() -> re.Pattern[str]:
    # A domain with an optional path or an @handle: what KapanLagi prints after "©" under a photo.
    # Labels and their number are bounded as DNS bounds them (63 characters, a few levels): unbounded,
    # a long run of letters or of "a.b.c." made every start position scan to the run's end.
    return re.compile(r"@[\w.]{2,40}|(?:[\w-]{1,63}\.){1,8}[a-z]{2,6}(?:/[\w.@-]+){0,3}", re.IGNORECASE)


@functools.cache
def _copyright_cut_re() -> re.Pattern[str]:
    # A copyright mark after the caption's last word starts a credit even without a full stop:
    # "… di rumahnya © Instagram.com".
    return re.compile(r"(?<=\w)\s+(?=©)")


@functools.cache
def _date_paren_re() -> re.Pattern[str]:
    return re.compile(r"\(\d{1,2}/\d{1,2}(?:/\d{2,4})?\)[.,]?")


def _tail_may_hold_credit(tail: str, rules: _Rules) -> bool:
    """Any sign of a credit in the tail: a slash, a copyright mark, an agency, a label/prefix
    word, or a closing parenthesis at the very end."""
    if "/" in tail or "©" in tail or tail.endswith(")") or _has_agency(tail, rules):
        return True
    low = tail.lower()
    return any(word in low for word in rules.opener_words)


def split_credit(text: str) -> CreditSplit:
    """Split a trailing credit off a caption; ``credit`` is None when there is none (and then
    ``caption`` is the text as given)."""
    if len(text) <= _CACHED_CHARS:
        return _split_credit_cached(text)
    return _split_credit(text)


_CACHED_CHARS = 1000


@functools.lru_cache(maxsize=4096)
def _split_credit_cached(text: str) -> CreditSplit:
    # Cached for short texts: a reader asks about the same line while finding the head, the body
    # start and the captions; the result is immutable.
    return _split_credit(text)


def _split_credit(text: str) -> CreditSplit:
    if not text:
        return CreditSplit(caption="", credit=None)
    # Probe the end first, so a long paragraph without a credit is never copied.
    probe = text[-2 * _TAIL_CHARS :].rstrip()
    if not probe:
        return CreditSplit(caption="", credit=None)
    if not _may_end_with_credit(probe):
        return CreditSplit(caption=text, credit=None)
    stripped = text.strip()
    whole = _classify(stripped) if len(stripped) <= _TAIL_CHARS else None
    if whole is not None:
        return CreditSplit(caption="", credit=whole[0], named=whole[1])
    offset = max(0, len(stripped) - _TAIL_CHARS)
    tail = stripped[offset:]
    if not _tail_may_hold_credit(tail, _rules()):
        return CreditSplit(caption=text, credit=None)
    paren = _trailing_paren_re().search(tail)
    if paren is not None:
        found = _classify(paren.group(0).strip().rstrip(".").strip())
        glued = paren.start() > 0 and not tail[paren.start() - 1].isspace()
        if found is None and glued and not tail.rstrip().endswith("."):
            # Media Indonesia glues the credit to the caption: "… di Istana Negara, Jakarta(Biro
            # Pers Sekretariat Presiden)". Glued, unpunctuated and name-like, it is a credit.
            inner = paren.group(1).strip()
            if len(inner.split()) <= _rules().max_bare_words + 2 and _name_like(inner, _rules()):
                found = (inner, True)
        if found is not None:
            return CreditSplit(
                caption=stripped[: offset + paren.start()].strip(), credit=found[0], named=found[1]
            )
    cuts = [m.start() + 1 for m in _boundary_re().finditer(tail)]
    if "©" in tail:
        cuts += [m.end() for m in _copyright_cut_re().finditer(tail)]
    # A credit printed with no full stop before it: "… (2/11/2020) ANTARA FOTO/Name/abc."
    if "/" in tail:
        cuts += [m.start() for m in _rules().agency_re.finditer(tail) if tail[m.end() : m.end() + 1] == "/"]
    for cut in sorted(set(cuts), reverse=True)[:_MAX_BOUNDARIES]:
        found = _classify(tail[cut:])
        if found is not None:
            caption = stripped[: offset + cut].strip()
            label = _rules().label_end_re.search(caption)
            if label is not None:  # "… lokasi. Foto: Kompas.com/Name": the label is not caption
                caption = caption[: label.start()].strip()
            if caption:
                return CreditSplit(caption=caption, credit=found[0], named=found[1])
    return CreditSplit(caption=stripped, credit=None)
