"""Datelines and outlets: ``JAKARTA, KOMPAS.com -``, ``Mataram, NTB (ANTARA News) -``.

Indonesian portals open the first body paragraph with a dateline naming the place and/or the
outlet, followed by a dash. No library reads them (trafilatura keeps them in the text), so the
shapes are written here; the outlet names live in ``data/outlets.json``.

Shapes, tried in this order:

* ``PLACE (OUTLET) -``            ``Mataram, NTB (ANTARA News) -``, ``Jakarta (ANTARA) -``
* ``OUTLET[, PLACE] -``           ``TEMPO.CO -``, ``Liputan6.com, Jakarta -``, ``REPUBLIKA.CO.ID, JAKARTA --``
* ``PLACE, OUTLET -``             ``JAKARTA, KOMPAS.com -``, ``Jakarta, CNN Indonesia --``
* ``PLACE -`` (place only)        ``Jakarta -`` (detik, Okezone); only with ``allow_place_only``
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from kabar.extract.tables import load_table

__all__ = ["Dateline", "match_dateline", "outlet_for_domain", "outlet_for_name"]

_MAX_DATELINE_CHARS = 90  # a dateline is a few words; only the paragraph's head is examined


@dataclass(slots=True, frozen=True)
class Dateline:
    text: str  # as printed, spacing normalised: "JAKARTA, KOMPAS.com -"
    outlet: str | None  # canonical name from outlets.json, else as printed; None for place-only
    outlet_text: str | None  # the outlet as printed
    place: str | None  # "Jakarta", "Mataram, NTB"
    rest: str  # the paragraph after the dateline


@functools.cache
def _alias_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for outlet in load_table("outlets")["outlets"]:
        for alias in [outlet["name"], *outlet.get("aliases", [])]:
            out[alias.lower()] = outlet["name"]
    return out


@functools.cache
def _domain_map() -> dict[str, str]:
    out: dict[str, str] = {}
    for outlet in load_table("outlets")["outlets"]:
        for domain in outlet.get("domains", []):
            out[domain.lower()] = outlet["name"]
    return out


@functools.cache
def _dateline_res() -> tuple[re.Pattern[str], ...]:
    aliases = "|".join(re.escape(a) for a in sorted(_alias_map(), key=len, reverse=True))
    brand_words = "|".join(re.escape(w) for w in load_table("outlets").get("brand_words", []))
    # Possessive runs and a start that is no word's middle: the head is read with ``match``, but
    # these patterns must stay linear wherever they run (a word never has to give characters back:
    # what follows one is a space, a dash, a comma or a bracket).
    domain_like = r"[A-Za-z][A-Za-z0-9]*+(?:\.(?:com|co|id|net|org|news|tv)){1,2}"
    word = r"[A-Z][\w'’.]*+"
    branded = rf"[A-Za-z]\w*+(?:\s+[A-Za-z]\w*+){{0,2}}\s+(?:{brand_words})" if brand_words else domain_like
    outlet = rf"(?:{aliases}|{domain_like}|{branded})(?![\w.])"
    place = rf"{word}(?:[ -]{word}){{0,3}}"
    place2 = rf"{place}(?:,\s*{place})?"
    # Spaced on at least one side: "KTT AS-ASEAN", "Face-to-face" are words, not datelines.
    dash = r"(?:\s+(?:--?|–|—)\s*|(?:--?|–|—)\s+)(?=\S)"
    flags = re.IGNORECASE
    start = r"(?<![\w'’.])"
    # The PLACE parts must stay capitalised, so they are matched case-sensitively with (?-i:).
    return (
        re.compile(rf"{start}(?P<place>(?-i:{place2}))\s*\(\s*(?P<outlet>{outlet})\s*\){dash}", flags),
        re.compile(rf"{start}(?P<outlet>{outlet})(?:\s*,\s*(?P<place>(?-i:{place})))?{dash}", flags),
        re.compile(rf"{start}(?P<place>(?-i:{place})),\s*(?P<outlet>{outlet}){dash}", flags),
        # Place only: at most two words, so "Presiden Joko Widodo - yang …" is not a dateline.
        # The story then opens with a capital, a digit or a quote ("Sekonyong - konyong" and
        # "e - commerce" are words written with spaced hyphens, not datelines).
        re.compile(rf"{start}(?P<place>{word}(?:[ -]{word})?){dash}(?=[A-Z0-9\"“'‘(])"),
    )


def _normalise_place(place: str | None) -> str | None:
    if not place:
        return None
    place = " ".join(place.split()).strip(" ,")
    if place.upper() == place:
        # JAKARTA → Jakarta, but short all-caps parts are acronyms: NTB, DKI, NTT.
        place = " ".join(w if len(w) <= 3 else w.capitalize() for w in place.split(" "))
    return place


def outlet_for_name(text: str) -> str | None:
    """Canonical outlet name for a printed alias (``KOMPAS.com`` → ``Kompas.com``), else None."""
    return _alias_map().get(" ".join(text.split()).lower())


def outlet_for_domain(url_or_host: str) -> str | None:
    """Canonical outlet for a URL or host (``https://nasional.kompas.com/…`` → ``Kompas.com``)."""
    try:
        host = urlsplit(url_or_host).hostname if "//" in url_or_host else url_or_host
    except ValueError:  # "Invalid IPv6 URL" from a page's own link
        return None
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    domains = _domain_map()
    while host:
        if host in domains:
            return domains[host]
        _, _, host = host.partition(".")
    return None


def match_dateline(paragraph: str, allow_place_only: bool = False) -> Dateline | None:
    """The dateline opening ``paragraph``, if it has one.

    ``allow_place_only`` also accepts ``Jakarta -`` with no outlet: use it only on the paragraph
    that should open the body, since ``Place -`` is a weak signal elsewhere.
    """
    if not paragraph:
        return None
    if len(paragraph) <= 1000:
        return _match_cached(paragraph, allow_place_only)
    return _match(paragraph, allow_place_only)


@functools.lru_cache(maxsize=4096)
def _match_cached(paragraph: str, allow_place_only: bool) -> Dateline | None:
    # Cached: the reader tries the same paragraph while looking for the head and the body start.
    return _match(paragraph, allow_place_only)


def _match(paragraph: str, allow_place_only: bool) -> Dateline | None:
    lead = 0
    while lead < len(paragraph) and paragraph[lead].isspace():
        lead += 1
    text = paragraph[lead:] if lead else paragraph
    head = text[:_MAX_DATELINE_CHARS]
    patterns = _dateline_res()
    for index, pattern in enumerate(patterns):
        if index == len(patterns) - 1 and not allow_place_only:
            break
        m = pattern.match(head)
        if m is None:
            continue
        rest = text[m.end() :].strip()
        if not rest:
            continue
        printed = m.group("outlet") if "outlet" in pattern.groupindex else None
        outlet = (outlet_for_name(printed) or " ".join(printed.split())) if printed else None
        return Dateline(
            text=" ".join(m.group(0).split()),
            outlet=outlet,
            outlet_text=printed,
            place=_normalise_place(m.group("place")),
            rest=rest,
        )
    return None
