"""Bylines: ``Penulis: Name``, ``Reporter : A | Editor : B``, ``Oleh Name``, ``Name - detikinet``,
``(Reporting by A and B; Writing by X; Editing by Y)``.

Labels and the role each credits are data (``data/bylines.json``). trafilatura's author detection
works on HTML markup and site names; a flattened page only has these labelled lines, so they are
read here, and the HTML reader reads its labelled lines with the same rule.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kabar.extract.dateline import outlet_for_name
from kabar.extract.furniture import split_list
from kabar.extract.person_names import is_organisation, place_first, split_names
from kabar.extract.tables import load_table
from kabar.model import ContributorRole

__all__ = [
    "Byline",
    "label_first_words",
    "label_role",
    "no_colon_first_words",
    "opening_first_words",
    "parse_byline",
]

_MAX_LINE_CHARS = 200


@dataclass(slots=True, frozen=True)
class Byline:
    role: str  # "author" (writer, reporter, contributor) | "editor" | "photographer"
    name: str
    label: str  # as printed: "Penulis", "Editor"
    credit: ContributorRole = "writer"  # the role the label credits (Article.contributors)


_AUTHOR_CREDITS = frozenset({"writer", "reporter", "contributor"})


def label_role(label: str) -> ContributorRole | None:
    """The role a byline label credits ("Pewarta" → reporter), from ``data/bylines.json``."""
    entry = load_table("bylines")["labels"].get(" ".join(label.lower().split()))
    if not isinstance(entry, dict):
        return None
    role: ContributorRole = entry["role"]
    return role


def _byline(credit: ContributorRole, name: str, label: str) -> Byline:
    role = "author" if credit in _AUTHOR_CREDITS else credit
    return Byline(role=role, name=name, label=label, credit=credit)


@functools.cache
def _place_re() -> re.Pattern[str]:
    words = "|".join(re.escape(w) for w in load_table("bylines")["place_words"])
    # "Jane Roe in London": the place after the name is not part of it. From a run's start only;
    # the name is cut at the match, so nothing after it is scanned.
    return re.compile(rf"(?<!\s)\s++(?:{words})\s")


def _without_place(name: str) -> str:
    m = _place_re().search(name)
    return name[: m.start()] if m is not None else name


def _names(segment: str) -> list[str]:
    """ "A, B dan C", "A und B", "Jane Roe in London and John Doe" → the names, in order."""
    out: list[str] = []
    for part in split_list(segment):
        for piece in split_names(part):
            name = _without_place(piece).strip(" .")
            # "Kontributor Lhokseumawe, Masriadi": a role and a place before the name, not a name.
            if name and name.split()[0].lower() not in load_table("bylines")["labels"] and name not in out:
                out.append(name)
    return out


@functools.cache
def _label_re() -> re.Pattern[str]:
    labels = sorted(load_table("bylines")["labels"], key=len, reverse=True)
    alternation = "|".join(re.escape(x) for x in labels)
    # Whole words: "Red" in "Redita" or "Di" in "Dian" is part of a name, not a label.
    return re.compile(rf"(?<![\w])(?P<label>{alternation})(?!\w)(?P<colon>\s*:)?\s*", re.IGNORECASE)


@functools.cache
def label_first_words() -> frozenset[str]:
    """The first word of every byline label, lower case: a cheap test before the full reading."""
    return frozenset(label.split()[0] for label in load_table("bylines")["labels"])


@functools.cache
def opening_first_words() -> frozenset[str]:
    """The first words of the labels that may open a byline: a ``not_first`` label ("Foto:", "Photos
    by") credits a picture unless another label opens the line, so a line it opens is none."""
    table = load_table("bylines")
    return frozenset(label.split()[0] for label in table["labels"] if label not in table["not_first"])


@functools.cache
def no_colon_first_words() -> frozenset[str]:
    """First words of the labels that stand without a colon ("Oleh Ani", "Writing by X")."""
    return frozenset(label.split()[0] for label in load_table("bylines")["no_colon"])


@functools.cache
def _name_word_re() -> re.Pattern[str]:
    return re.compile(r"^(?:[A-Z][\w'’.-]*|[A-Z]\.|\([A-Za-z0-9 ]+\))$")


def _is_name(text: str) -> bool:
    table = load_table("bylines")
    words = text.split()
    if not words or len(words) > int(table["max_name_words"]):
        return False
    connectors = set(table["name_connectors"])
    return all(_name_word_re().match(w) or w in connectors for w in words)


def _name_dash_outlet(text: str) -> list[Byline] | None:
    """Detik's byline: ``Fino Yurio Kristo - detikinet`` (names, a dash, the outlet)."""
    if " - " not in text or len(text) > 80:
        return None
    names, _, outlet = text.rpartition(" - ")
    if outlet_for_name(outlet) is None or len(names.split()) > 4 or not _is_name(names.strip()):
        return None
    return [_byline("writer", names.strip(), outlet.strip())]


def _accepted(text: str, matches: list[re.Match[str]]) -> list[re.Match[str]]:
    """The label matches that open a credit: with a colon, or (``no_colon`` labels) at the line's
    start or after a separator ("A; Editing by B"). A label word inside a name ("Hans von Trapp")
    stays with the name."""
    no_colon = load_table("bylines")["no_colon"]
    out: list[re.Match[str]] = []
    for m in matches:
        if m.group("colon") is not None:
            out.append(m)
            continue
        before = text[: m.start()].rstrip()
        if " ".join(m.group("label").lower().split()) in no_colon and (not before or before[-1] in "|;/,•·"):
            out.append(m)
    return out


def parse_byline(line: str) -> list[Byline] | None:
    """The names a byline line gives, with their roles, or None if the line is not a byline.

    The line must start with a label; several labels may share a line (``Reporter: A | Editor: B``).
    """
    if len(line) > 2 * _MAX_LINE_CHARS:
        return None
    text = line.strip().strip("|•·-–").strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1].strip()  # wire copy closes with "(Reporting by …; Editing by …)"
    head = text[:24].split(None, 1)
    if not head or head[0].lower().rstrip(":") not in label_first_words():
        return _name_dash_outlet(text)  # the label test turns away nearly every line
    if not text or len(text) > _MAX_LINE_CHARS:
        return None
    table = load_table("bylines")
    matches = _accepted(text, list(_label_re().finditer(text)))
    if not matches or matches[0].start() != 0:
        return None
    if " ".join(matches[0].group("label").lower().split()) in table["not_first"]:
        return None  # "Foto: Ani" alone is a photo credit, not a byline
    out: list[Byline] = []
    for index, m in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        label = m.group("label")
        segment = text[m.end() : end].strip(" |•·,;-–/")
        if m.group("colon") is None and (where := place_first(text[m.start() : end])) is not None:
            # "Laporan Wartawan Tribunnews Bogor, Ani": the outlet or place she files from, then her
            place = where.group("where").strip()
            if is_organisation(place):
                out.append(Byline("agency", place, label, "agency"))
            segment = text[m.start() + where.end() : end].strip(" |•·,;-–/")
        names = _names(segment)
        credit = label_role(label)
        if credit is None or not names or not all(_is_name(n) for n in names):
            if index == 0:
                return None
            continue
        out.extend(_byline(credit, n, label) for n in names)
    return out or None
