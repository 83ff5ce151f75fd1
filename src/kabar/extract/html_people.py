"""``Article.contributors`` and ``Article.authors`` for the HTML reader, once the body is known.

:func:`kabar.extract.html_authors.find_authors` reads the writers and every labelled credit from
the page; here they are put together with what only the body shows: a wire copy's closing credit
line ("(Reporting by A; Writing by X; Editing by Y)", taken out of the body) and the agency of the
dateline ("(ANTARA) -"); a signature closing the story is already among the writers passed in. The roles and the writers' rule are
:mod:`kabar.extract.people_credits`, shared with the flat reader.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from dataclasses import dataclass, field

from kabar.extract.byline import parse_byline
from kabar.extract.html_authors import AuthorsFound
from kabar.extract.people_credits import Credits, dateline_agency, opening_agency
from kabar.model import Contributor

__all__ = ["People", "credit_people"]

_TAIL_LINES = 2  # credit lines close a story: only the last few paragraphs are read


@dataclass(slots=True)
class People:
    authors: list[str] = field(default_factory=list)
    contributors: list[Contributor] = field(default_factory=list)


def credit_people(
    found: AuthorsFound,
    authors: list[str],
    paragraphs: list[str],
    dateline: str | None,
    site_names: Set[str],
    credit_lines: Sequence[str] = (),
) -> People:
    """Everyone the page credits, with roles; credit lines closing the body are removed from
    ``paragraphs``. ``authors`` are the writers the page's markup named (they stay the writers);
    where it named none, the writers of the closing credit line are. ``credit_lines`` are credit
    lines the body's edge trimming already took out ("Writing by …; Editing by …")."""
    credits = Credits()
    credits.add_bylines(found.bylines, site_names)
    for name in authors:
        if not credits.has(name):
            credits.add(name, "writer", site_names)
    for _ in range(_TAIL_LINES):
        tail = parse_byline(paragraphs[-1]) if len(paragraphs) > 1 else None
        if not tail:
            break
        paragraphs.pop()
        credits.add_bylines(tail, site_names)
    for line in credit_lines:
        if found_line := parse_byline(line):
            credits.add_bylines(found_line, site_names)
    opening = paragraphs[0] if paragraphs and not dateline else None
    if (agency := dateline_agency(dateline) or opening_agency(opening)) is not None:
        credits.add(agency, "agency")
    for name in found.agencies:
        credits.add(name, "agency")
    return People(authors=list(authors) or credits.writers(), contributors=credits.contributors)
