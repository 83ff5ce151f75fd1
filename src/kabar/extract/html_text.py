"""Text-level furniture and datelines in an HTML article's paragraphs.

Why by hand: trafilatura keeps "Baca juga: …" lines, "(ant/ndr)" editor codes,
"Halaman 1 2 3" page links and copyright lines as body text on Indonesian
portals; these rules remove them while keeping the article's own text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kabar.extract.word_patterns import word_pattern

_SHORTCODE = re.compile(r"^\[\w+[^\]]*\].*\[/\w+\]$")
# "(ant/ndr)", "(fyk/ash)", "(mdk/fik)": editor initials closing a story.
_EDITOR_CODE = re.compile(r"^\(\s*[a-z]{1,6}(?:\s*/\s*[a-z]{1,6}){1,3}\s*\)$", re.IGNORECASE)
# "JAKARTA, KOMPAS.com —", "Mataram, NTB (ANTARA News) -", "TEMPO.CO, Jakarta -",
# "REPUBLIKA.CO.ID, JAKARTA --", "Liputan6.com, Jakarta -", "JAKARTA -".
# Runs are entered at their start and never given back, so both stay linear wherever they run.
_DATELINE_SEP = re.compile(r"(?<!\s)\s*+(?:--|—|–|-)\s+|(?<!\s)\s++(?:--|—|–)\s*")
_MAX_DATELINE_WORDS = 7


@dataclass(slots=True)
class Dateline:
    text: str | None
    place: str | None
    rest: str


def is_furniture_text(text: str) -> bool:
    """A whole paragraph that is page furniture: the shared line rules
    (``kabar.extract.furniture``, also used by the flattened-page reader) or the HTML-only
    ones here (label lines, shortcodes, reprint notices, editor initials)."""
    from kabar.extract.furniture import is_furniture as shared_is_furniture

    t = text.strip()
    if shared_is_furniture(t):
        return True
    return bool(
        word_pattern("furniture_line").match(t)
        or word_pattern("copyright").search(t[:80])
        or word_pattern("paging_line").match(t)
        or _EDITOR_CODE.match(t)
        or word_pattern("label_line").match(t)
        or _SHORTCODE.match(t)
        or word_pattern("reprint").match(t)
    ) or (len(t) < 3 and not t.isalnum())


def byline(text: str) -> tuple[str, str] | None:
    """("label", "names") when a short line is a byline ("Penulis: Ani Lestari")."""
    t = " ".join(text.split())
    if len(t) > 140:
        return None
    m = word_pattern("byline_line").match(t)
    if not m:
        return None
    labelled = ":" in t[: m.start("names")]
    if not labelled and m.group("label").lower() not in ("oleh", "by"):
        return None
    names = m.group("names").strip()
    if labelled:
        return m.group("label").lower(), names
    # "By taking off the top half…" is a sentence, not a byline: names are a few capitalised words.
    words = [w for w in re.split(r"[\s,&]+", names) if w and w.lower() not in ("dan", "and")]
    if not words or len(words) > 8 or not all(w[0].isupper() or not w[0].isalpha() for w in words):
        return None
    return m.group("label").lower(), names


def split_dateline(first: str) -> Dateline:
    """Split the dateline off an article's first paragraph.

    ``kabar.extract.dateline`` (shared with the flattened-page reader, outlet names as data)
    answers first; :func:`_split_dateline_local` takes the shapes it leaves
    ("ISTANBUL, 23 Februari 2016 (Antara/PRNewswire) --", "Kapanlagi.com -").
    """
    from kabar.extract.dateline import match_dateline

    shared = match_dateline(first, allow_place_only=True)
    if shared is not None and shared.rest.strip():
        return Dateline(shared.text, shared.place, shared.rest.strip())
    return _split_dateline_local(first)


def _split_dateline_local(first: str) -> Dateline:
    """Split the dateline off an article's first paragraph.

    The dateline is a short opening before a dash: an outlet mark (with or
    without a place), or a place in capitals ("JAKARTA -").
    """
    m = _DATELINE_SEP.search(first[:90])
    if not m or m.start() == 0:
        return Dateline(None, None, first)
    prefix = first[: m.start()].strip()
    if len(prefix.split()) > _MAX_DATELINE_WORDS or prefix.endswith((".", "!", "?", '"')):
        return Dateline(None, None, first)
    has_outlet = bool(word_pattern("dateline_outlet").search(prefix))
    words = prefix.replace(",", " ").split()
    place_like = all(w[0].isupper() and w.isalpha() for w in words) and len(words) <= 3
    if not has_outlet and not place_like:
        return Dateline(None, None, first)
    place = word_pattern("dateline_outlet").sub(" ", prefix) if has_outlet else prefix
    place = re.sub(r"\b\d{1,2}\s+\w+\s+\d{4}\b", " ", place)  # "ISTANBUL, 23 Februari 2016 (…)"
    place = " ".join(place.split()).strip(" ,")
    return Dateline(" ".join(first[: m.end()].split()), place or None, first[m.end() :].strip())
