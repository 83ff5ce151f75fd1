"""Authors from bylines, JSON-LD and meta tags, in any language, without site names.

trafilatura reports ``<meta name="author">`` as the author, which Indonesian
portals fill with the company ("Kompas Cyber Media", "PT VIVA MEDIA BARU",
"Web Design; Development"); a name is a writer only when it looks like a person.

Evidence is read in this order, and the first source that names a writer wins:

1. the portal profile's author XPaths (Indonesian portals, ``profiles/*.toml``);
2. labelled byline lines in the visible page ("Penulis: Ani", "Reporter : A | Editor : B", "By Ani"),
   outside teaser cards, comment forms, related boxes, photo credits and menu links, read by
   :func:`kabar.extract.byline.parse_byline` (the flat reader's rule) with the role each label
   credits; the writers among them by :meth:`kabar.extract.people_credits.Credits.writers`;
3. the article's JSON-LD ``author`` (``@graph`` included): each ``Person`` (``name``, or
   ``givenName`` + ``familyName``; ``@id`` references resolved), never an ``Organization``;
   where it declares a wire agency and no person, the article is a wire story and nobody
   further down is taken for its writer;
4. meta tags (``author``, ``article:author``, ``parsely-author``, ``sailthru.author``, … listed
   in ``data/bylines.json``), links and handles removed;
5. a byline element from just before the headline onwards (class, id or ``itemprop`` holding
   "author" or "byline"; :mod:`kabar.extract.byline_elements`), with its opener in any language
   ("Von", "Par", "Por", "Di", "Av", "Door", "Oleh", "Af", "Autor", "Od" …);
6. a short line just under the headline that opens with such a word ("von Dr. Max Kolter");
7. ``rel=author`` links;
8. nothing else: an editor, photographer or agency is never the writer (they stay in
   ``AuthorsFound.bylines`` with their roles, for ``Article.contributors``).
A name standing alone as the story's last paragraph ("Lê Phương") is read by :func:`closing_name`
once the body is known, where none of the above named a writer.

Every name goes through :func:`kabar.extract.person_names.read_people`: "X und Y" split, roles and
titles stripped, capitals made title case; wire agencies, desks, publications and the outlet's own
name are kept apart as ``AuthorsFound.agencies`` (the source), never as writers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Set
from dataclasses import dataclass, field, replace
from typing import Any

from lxml import etree

from kabar.extract.byline import Byline, label_role, no_colon_first_words, opening_first_words, parse_byline
from kabar.extract.byline_elements import (
    element_people,
    in_furniture,
    in_link_list,
    in_teaser,
    opener_people,
    rel_people,
)
from kabar.extract.html_meta import MAX_LD_DEPTH, PageMeta
from kabar.extract.html_text import byline
from kabar.extract.people_credits import Credits
from kabar.extract.person_names import (
    People,
    is_agency,
    is_organisation,
    is_site,
    normalise_case,
    place_first,
    read_people,
    tidy_name,
)
from kabar.extract.profiles import Profile
from kabar.extract.tables import load_table
from kabar.extract.word_patterns import word_pattern

_MAX_LINES = 4000


def clean_person(name: str) -> str | None:
    name = " ".join(name.split()).strip(" ,.:;-–—|()")
    if not name or len(name) > 60 or len(name.split()) > 6 or word_pattern("not_a_person").search(name):
        return None
    if not name[0].isalpha():
        return None
    return name


def person_names(text: str) -> list[str]:
    text = word_pattern("author_trail").sub("", text)
    text = re.sub(r"(?<!\s)\s++(?:Jurnalis|Wartawan|Reporter)$", "", text.strip())
    # "Kontributor Lhokseumawe, Masriadi": the role and place come before the name.
    if (where := place_first(text.strip())) is not None:
        text = text.strip()[where.end() :]
    return [n for part in word_pattern("name_separator").split(text) if (n := clean_person(part))]


def _opens_byline(raw: str) -> bool:
    """The cheap test first: most text nodes are not bylines. A label that needs its colon
    ("Di:", "Redaktur:") is tried with a colon near the start, or standing alone (the colon and
    names in the next cells: "<td>Redaktur</td><td>:</td><td>Ani</td>"); "Di Jakarta" is a sentence."""
    head = raw.lstrip(" (")[:30]
    first = _first_word(raw)
    if first not in opening_first_words():
        return False
    if first in load_table("bylines")["scan_needs_colon"]:
        return ":" in head  # "von Dr. Max Kolter": the structural readers take it (titles and all)
    if ":" in head or label_role(head.strip().rstrip(":")) is not None:
        return True
    return first in no_colon_first_words()


def _short_text(node: etree._Element, limit: int) -> str | None:
    """The node's text, or None once it passes ``limit`` characters (never reads further)."""
    parts: list[str] = []
    size = 0
    for piece in node.itertext():
        # Two elements' texts meet without a space ("<a>Meg James</a><span>Staff Writer</span>",
        # "Jeff Foust<br>Monday"): two fields, as the byline element reader separates them.
        if parts and parts[-1][-1:].isalnum() and piece[:1].isalnum():
            parts.append(", ")
        parts.append(piece)
        size += len(piece)
        if size > 4 * limit:
            return None
    text = " ".join("".join(parts).split())
    return text if len(text) <= limit else None


def _visible_bylines(tree: etree._Element) -> list[Byline]:
    """Labelled bylines in the page, with the role each label credits; label and names may sit in
    sibling cells ("<td>Penulis</td><td>: Ani</td>")."""
    found: list[Byline] = []
    firsts = opening_first_words()
    for i, el in enumerate(tree.iter()):
        if i > _MAX_LINES:
            break
        if not isinstance(el.tag, str):
            continue
        # Most pieces are the spaces between tags or start with no label's first word: the first
        # word is read here, where it costs no call (as ``_first_word`` reads it).
        text, tail = el.text, el.tail
        if text and not text.isspace():
            words = text.lstrip(" (")[:30].split(None, 1)
            if words and words[0].lower().rstrip(":") in firsts and _opens_byline(text):
                _add_byline(found, text, el)
        if tail and not tail.isspace():
            words = tail.lstrip(" (")[:30].split(None, 1)
            opens = bool(words) and words[0].lower().rstrip(":") in firsts and _opens_byline(tail)
            if opens and (parent := el.getparent()) is not None:
                _add_byline(found, tail, parent)
    return found


def _first_word(raw: str) -> str:
    """The lower-case first word of ``raw`` as :func:`_opens_byline` reads it ("" for none)."""
    words = raw.lstrip(" (")[:30].split(None, 1)
    return words[0].lower().rstrip(":") if words else ""


def _add_byline(found: list[Byline], raw: str, start: etree._Element) -> None:
    if len(" ".join(raw.split())) > 140:
        return
    bylines = _byline_around(start)
    if not bylines or in_teaser(start) or in_furniture(start) or in_link_list(start):
        return
    for b in bylines:
        name = tidy_name(b.name)
        tidied = replace(b, name=name) if name and name != b.name else b
        if name and tidied not in found:
            found.append(tidied)


def _byline_around(el: etree._Element) -> list[Byline] | None:
    """The byline an element starts: climb while the label stands alone ("<td>Redaktur</td><td>:</td>…")."""
    node: etree._Element | None = el
    for _ in range(4):
        if node is None:
            return None
        text = _short_text(node, 140)
        if text is None:
            return None
        text = re.sub(r"(?<!\s)\s++:", ":", text)
        if found := parse_byline(text):
            return found
        # The older, looser reading: "Penulis: Ani Lestari - detikNews" (the outlet after a dash).
        if (loose := byline(text.replace("|", " "))) is not None:
            credit = label_role(loose[0])
            if credit is None or loose[0] in load_table("bylines")["not_first"]:
                return None  # "Sumber: …", "FOTO: Headline": not a person's credit
            return [Byline("author", n, loose[0], credit) for n in person_names(loose[1])] or None
        node = node.getparent()
    return None


def _xpath_texts(tree: etree._Element, xpaths: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for xp in xpaths:
        for node in tree.xpath(xp):
            text = node if isinstance(node, str) else " ".join("".join(node.itertext()).split())
            if text.strip():
                out.append(str(text))
        if out:
            break
    return out


# How Article.notes records an agency or desk named where a writer would be (kabar.extract.html).
AGENCY_NOTE = "byline names an agency or desk, not a writer: "


@dataclass(slots=True)
class AuthorsFound:
    writers: list[str] = field(default_factory=list)
    agencies: list[str] = field(default_factory=list)  # wire services and desks named instead of writers
    bylines: list[Byline] = field(default_factory=list)  # every labelled credit, with its role
    source: str | None = None  # which evidence named the writers ("json-ld", "byline element", …)


_PERSON_TYPES = {"person"}
_MIN_PARAGRAPHS_FOR_SIGNATURE = 3


@functools.cache
def _people_table() -> dict[str, Any]:
    table: dict[str, Any] = load_table("bylines")["people"]
    return table


def _types(obj: dict[str, Any]) -> set[str]:
    kinds = obj.get("@type")
    return {str(t).lower() for t in (kinds if isinstance(kinds, list) else [kinds]) if t}


def _ld_person_name(obj: dict[str, Any]) -> str | None:
    name = obj.get("name")
    if isinstance(name, dict):  # {"name": {"name": "Ani"}}: as trafilatura reads it
        name = name.get("name")
    if isinstance(name, list):  # {"@type": "Person", "name": ["Ani", "Budi"]}: one name each
        name = ", ".join(n.strip() for n in name[:20] if isinstance(n, str) and n.strip())
    if isinstance(name, str) and name.strip():
        return name
    given, family = obj.get("givenName"), obj.get("familyName")
    if isinstance(given, str) and isinstance(family, str) and (given.strip() or family.strip()):
        return f"{given.strip()} {family.strip()}".strip()
    return None


def _ld_people(meta: PageMeta, site_names: Set[str]) -> People:
    """Persons of the article's JSON-LD ``author`` (or ``creator``); organisations as agencies."""
    found = People()
    ld = meta.article_ld()
    if ld is None:
        return found
    by_id = {str(o["@id"]): o for o in meta.jsonld if isinstance(o.get("@id"), str)}
    stack: list[tuple[Any, int]] = [(ld.get("author") or ld.get("creator"), 0)]
    items: list[Any] = []
    while stack:  # flattened in order; lists nest in some CMS output
        value, depth = stack.pop(0)
        if isinstance(value, list) and depth < MAX_LD_DEPTH:
            stack[0:0] = [(v, depth + 1) for v in value]
        elif value is not None:
            items.append(value)
    for item in items[:20]:
        if isinstance(item, str):
            found.add(read_people(item, site_names))
            continue
        if not isinstance(item, dict):
            continue
        if set(item) <= {"@id", "@type"} and str(item.get("@id")) in by_id:
            item = by_id[str(item["@id"])]  # {"@id": "#/schema/person/…"}: the Person in the @graph
        name = _ld_person_name(item)
        if name is None:
            continue
        kinds = _types(item)
        if kinds and not kinds & _PERSON_TYPES:  # Organization, NewsMediaOrganization, …
            org = " ".join(name.split())
            if not is_site(org, site_names) and org not in found.agencies:
                found.agencies.append(org)
            continue
        found.add(read_people(name, site_names))
    return found


def _family_first(value: str) -> str:
    """``Brazil, Rachel`` → ``Rachel Brazil`` (library order in ``dc.creator``/``citation_author``)."""
    family, sep, given = value.partition(",")
    if sep and given.strip() and "," not in given and len(family.split()) <= 3 and len(given.split()) <= 3:
        return f"{given.strip()} {family.strip()}"
    return value


def _meta_people(meta: PageMeta, site_names: Set[str]) -> People:
    found = People()
    family_first = set(_people_table()["family_first_keys"])
    for key in _people_table()["meta_keys"]:
        for raw in meta.all(key):
            found.add(read_people(_family_first(raw) if key in family_first else raw, site_names))
        if found.writers:
            break
    return found


def closing_name(paragraphs: list[str], site_names: Set[str]) -> str | None:
    """A writer's name standing alone as the last paragraph ("Lê Phương"), in any case.

    Only a short line that is one person's name and nothing else: two to four words, no sentence
    punctuation, read whole by :func:`read_people`."""
    if len(paragraphs) < _MIN_PARAGRAPHS_FOR_SIGNATURE:
        return None
    last = " ".join(paragraphs[-1].split())
    words = last.split()
    if not 2 <= len(words) <= 4 or len(last) > 40 or any(c in last for c in '.!?:;,"“”()'):
        return None
    people = read_people(last, site_names)
    if len(people.writers) == 1 and people.writers[0].casefold() == last.casefold():
        return people.writers[0]
    return None


def find_authors(
    tree: etree._Element, meta: PageMeta, profile: Profile | None, site_names: set[str]
) -> AuthorsFound:
    """Writers first; editors only where no writer is named (the order in the module's docstring)."""

    agencies: list[str] = []
    bylines = _visible_bylines(tree)  # every labelled credit, for Article.contributors

    def keep(names: list[str]) -> list[str]:
        out: list[str] = []
        for n in map(normalise_case, names):
            # "JERUSALEM POST STAFF", "REUTERS", the outlet itself on a labelled line: a source.
            if n.lower() in site_names or is_site(n, site_names) or is_organisation(n):
                if n not in agencies:
                    agencies.append(n)
            elif n not in out:
                out.append(n)
        return out

    def done(writers: list[str], source: str) -> AuthorsFound:
        return AuthorsFound(writers=writers, agencies=agencies, source=source, bylines=bylines)

    if profile and profile.authors:
        names = keep([n for t in _xpath_texts(tree, profile.authors) for n in person_names(_strip_label(t))])
        if names:
            return done(names, "profile")
    credits = Credits()
    credits.add_bylines(bylines, site_names)
    agencies.extend(c.name for c in credits.contributors if c.role == "agency" and c.name not in agencies)
    ld = _ld_people(meta, site_names)
    agencies.extend(ld.agencies)
    if writers := keep(credits.writers()):
        if credits.writer_role() == "contributor":
            # Only a helper is credited on the page's lines ("Additional reporting by X"): the
            # writer the article declares, where it declares one, wrote it.
            # A declared name the lines credit otherwise (the editor in JSON-LD) is not the writer.
            declared = keep(ld.writers) or keep(_meta_people(meta, site_names).writers)
            if declared and not any(credits.has(n) for n in declared):
                return done(declared, "json-ld or meta")
        return done(writers, "byline line")
    if names := keep(ld.writers):
        return done(names, "json-ld")
    if any(is_agency(a) for a in ld.agencies):
        # The article declares a wire agency as its author: a wire story, whoever else the page
        # names in its teasers.
        return done([], "json-ld agency")
    readers = (
        ("meta", lambda: _meta_people(meta, site_names)),
        ("byline element", lambda: element_people(tree, site_names)),
        ("opener line", lambda: opener_people(tree, site_names)),
        ("rel=author", lambda: rel_people(tree, site_names)),
    )
    for source, read in readers:
        people = read()
        agencies.extend(a for a in people.agencies if a not in agencies)
        if names := keep(people.writers):
            return done(names, source)
    return done([], "none")  # an editor alone is never the writer


def _strip_label(text: str) -> str:
    found = byline(text)
    return found[1] if found else text
