"""Bylines: ``Penulis: Name``, ``Reporter : A | Editor : B``, ``Oleh Name``, ``Name - detikinet``.

Labels and roles are data (``data/bylines.json``). trafilatura's author detection works on HTML
markup and site names; a flattened page only has these labelled lines, so they are read here.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kabar.extract.dateline import outlet_for_name
from kabar.extract.furniture import split_list
from kabar.extract.tables import load_table

__all__ = ["Byline", "parse_byline"]

_MAX_LINE_CHARS = 200


@dataclass(slots=True, frozen=True)
class Byline:
    role: str  # "author" | "editor"
    name: str
    label: str  # as printed: "Penulis", "Editor"


@functools.cache
def _label_re() -> re.Pattern[str]:
    labels = sorted(load_table("bylines")["labels"], key=len, reverse=True)
    alternation = "|".join(re.escape(x) for x in labels)
    return re.compile(rf"(?<![\w])(?P<label>{alternation})(?P<colon>\s*:)?\s*", re.IGNORECASE)


@functools.cache
def _first_words() -> frozenset[str]:
    return frozenset(label.split()[0] for label in load_table("bylines")["labels"])


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
    return [Byline(role="author", name=names.strip(), label=outlet.strip())]


def parse_byline(line: str) -> list[Byline] | None:
    """The names a byline line gives, with their roles, or None if the line is not a byline.

    The line must start with a label; several labels may share a line (``Reporter: A | Editor: B``).
    """
    if len(line) > 2 * _MAX_LINE_CHARS:
        return None
    text = line.strip().strip("|•·-–").strip()
    head = text[:24].split(None, 1)
    if not head or head[0].lower().rstrip(":") not in _first_words():
        return _name_dash_outlet(text)  # the label test turns away nearly every line
    if not text or len(text) > _MAX_LINE_CHARS:
        return None
    table = load_table("bylines")
    matches = list(_label_re().finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    out: list[Byline] = []
    for index, m in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        label = m.group("label")
        if m.group("colon") is None and label.lower() not in table["no_colon"]:
            if index == 0:
                return None
            continue  # a label word inside a name, e.g. "Oleh" mid-line: keep it with the name before
        segment = text[m.end() : end].strip(" |•·,;-–/")
        names = split_list(segment)
        if not names or not all(_is_name(n) for n in names):
            if index == 0:
                return None
            continue
        role = table["labels"][label.lower()]
        out.extend(Byline(role=role, name=n, label=label) for n in names)
    return out or None
