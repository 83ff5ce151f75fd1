"""Who an article credits, with roles: the one rule both readers use to fill
``Article.contributors`` and, from them, ``Article.authors``.

Both readers find labelled byline lines with :func:`kabar.extract.byline.parse_byline`
("Penulis: A | Editor: B", "Pewarta: X", "(Reporting by A; Writing by X; Editing by Y)"); the HTML
reader adds what its markup declares (JSON-LD, meta tags, byline elements). This module keeps them
in order, one entry per name and role, and decides who the writers are:

* the writers are the names credited as ``writer``; where none is, the ``reporter`` names; where
  none is, the ``contributor`` names (Indonesian "Kontributor" is the regional reporter who filed
  the story). Editors, photographers and agencies are never writers;
* an organisation, desk or the outlet's own name on a byline ("Tim Redaksi", "Reuters") is credited
  as ``agency`` (:func:`kabar.extract.person_names.is_organisation`), never as a writer;
* a wire agency in the dateline ("(ANTARA) -", "Mataram (ANTARA News) -") is credited as ``agency``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Set
from dataclasses import dataclass, field

from kabar.extract.byline import Byline
from kabar.extract.person_names import is_agency, is_organisation
from kabar.model import Contributor, ContributorRole

__all__ = ["Credits", "dateline_agency", "opening_agency"]

# The roles that may be the article's writers, strongest first.
_WRITER_ORDER: tuple[ContributorRole, ...] = ("writer", "reporter", "contributor")
_MAX_CONTRIBUTORS = 40
_MAX_DATELINE_CHARS = 120


@dataclass(slots=True)
class Credits:
    contributors: list[Contributor] = field(default_factory=list)

    def add(self, name: str, role: ContributorRole, site_names: Set[str] = frozenset()) -> None:
        """Credit ``name`` with ``role``; an organisation is credited as an agency."""
        name = " ".join(name.split())
        if not name or len(self.contributors) >= _MAX_CONTRIBUTORS:
            return
        if role != "agency" and is_organisation(name, site_names):
            role = "agency"
        key = name.casefold()
        for c in self.contributors:
            if c.name.casefold() == key and (c.role == role or role == "agency" or c.role == "agency"):
                return  # named twice ("Penulis: A" in the byline, A again in JSON-LD)
        self.contributors.append(Contributor(name=name, role=role))

    def add_bylines(self, bylines: Iterable[Byline], site_names: Set[str] = frozenset()) -> None:
        for b in bylines:
            self.add(b.name, b.credit, site_names)

    def has(self, name: str) -> bool:
        key = name.casefold()
        return any(c.name.casefold() == key for c in self.contributors)

    def writers(self) -> list[str]:
        """The writers: credited as writer; else reporters; else contributors; never editors."""
        role = self.writer_role()
        return list(dict.fromkeys(c.name for c in self.contributors if c.role == role)) if role else []

    def writer_role(self) -> ContributorRole | None:
        """The role :meth:`writers` takes the writers from (None where nobody may be the writer)."""
        roles = {c.role for c in self.contributors}
        return next((role for role in _WRITER_ORDER if role in roles), None)


_PAREN = re.compile(r"\(([^()]{1,60})\)")


def dateline_agency(dateline: str | None) -> str | None:
    """The wire agency a dateline credits: "(ANTARA) -" → "ANTARA", "Mataram (ANTARA News) -" →
    "ANTARA"; an outlet's own mark ("JAKARTA, KOMPAS.com -") is not an agency."""
    if not dateline or len(dateline) > _MAX_DATELINE_CHARS:
        return None
    last = dateline.strip(" -–—").rsplit(",", 1)[-1].strip()
    if is_agency(last):
        return last  # "JAKARTA, REUTERS -"
    for m in _PAREN.finditer(dateline):
        inner = m.group(1).replace("/", " ").split()
        for size in (2, 1):
            for start in range(len(inner) - size + 1):
                words = " ".join(inner[start : start + size]).strip(".,")
                if is_agency(words):
                    return words
    return None


_OPENING_DASH = re.compile(r"\s(?:--|[-–—])\s")
_OPENING_CHARS = 60


def opening_agency(paragraph: str | None) -> str | None:
    """The agency of a dateline no dateline shape took: "(ANTARA) - Gubernur …" → "ANTARA"."""
    if not paragraph:
        return None
    m = _OPENING_DASH.search(paragraph[:_OPENING_CHARS])
    return dateline_agency(paragraph[: m.start()]) if m is not None else None
