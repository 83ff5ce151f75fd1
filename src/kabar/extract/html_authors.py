"""Authors from bylines, JSON-LD and meta tags, without site names.

trafilatura reports ``<meta name="author">`` as the author, which Indonesian
portals fill with the company ("Kompas Cyber Media", "PT VIVA MEDIA BARU",
"Web Design; Development"); the visible byline is the reliable source.
"""

from __future__ import annotations

import re

from lxml import etree

from kabar.extract.html_meta import PageMeta, ld_names
from kabar.extract.html_text import byline
from kabar.extract.profiles import Profile

_NOT_A_PERSON = re.compile(
    r"\b(?:media|cyber|pt|tbk|web|design|development|redaksi|news|network|group|com|co\.id|online|tim|team"
    r"|admin|editorial|desk|kantor berita|agency|www|http|facebook|twitter)\b|[.@/;]|\d",
    re.IGNORECASE,
)
_WRITER_LABELS = (
    "penulis",
    "reporter",
    "pewarta",
    "oleh",
    "laporan",
    "kontributor",
    "author",
    "writer",
    "by",
)
_EDITOR_LABELS = ("red", "editor", "editing", "redaktur", "penyunting")
# Whitespace runs are entered at their start and never given back: linear on long runs of spaces.
_SPLIT = re.compile(r"(?<!\s)\s*+(?:,|&|\bdan\b|\band\b|;|\|)\s*")
_TRAIL = re.compile(r"(?<!\s)\s*+(?:[-–—|]|\bEditor\b|\bFoto\b|\bSumber\b|\bPewarta\b|\bReporter\b).*+$")
_MAX_LINES = 4000


def clean_person(name: str) -> str | None:
    name = " ".join(name.split()).strip(" ,.:;-–—|()")
    if not name or len(name) > 60 or len(name.split()) > 6 or _NOT_A_PERSON.search(name):
        return None
    if not name[0].isalpha():
        return None
    return name


def person_names(text: str) -> list[str]:
    text = _TRAIL.sub("", text)
    text = re.sub(r"(?<!\s)\s++(?:Jurnalis|Wartawan|Reporter)$", "", text.strip())
    # "Kontributor Lhokseumawe, Masriadi": the role and place come before the name.
    text = re.sub(r"^(?:Kontributor|Koresponden|Wartawan)\s+[\w ]+?,\s*", "", text.strip())
    return [n for part in _SPLIT.split(text) if (n := clean_person(part))]


_LABEL_START = re.compile(
    r"^(?:red\b|penulis|reporter|fotografer|editor|editing|pewarta|oleh|laporan|kontributor|redaktur|penyunting|author|writer|by)\b",
    re.IGNORECASE,
)


def _visible_bylines(tree: etree._Element) -> tuple[list[str], list[str]]:
    """Bylines whose label and names may sit in sibling cells ("<td>Penulis</td><td>: Ani</td>")."""
    writers: list[str] = []
    editors: list[str] = []
    for i, el in enumerate(tree.iter()):
        if i > _MAX_LINES:
            break
        if not isinstance(el.tag, str):
            continue
        for raw, start in ((el.text, el), (el.tail, el.getparent())):
            if not raw or start is None or not _LABEL_START.match(raw.lstrip()[:16]):
                continue  # the cheap test first: most text nodes are not bylines
            own = " ".join(raw.split())
            if len(own) > 80:
                continue
            found = _byline_around(start)
            if found is None:
                continue
            label, names = found
            target = writers if label in _WRITER_LABELS else editors if label in _EDITOR_LABELS else None
            if target is not None:
                target.extend(n for n in person_names(names) if n not in target)
    return writers, editors


def _byline_around(el: etree._Element) -> tuple[str, str] | None:
    """The byline an element starts: climb while the label stands alone ("<td>Redaktur</td><td>:</td>…")."""
    node: etree._Element | None = el
    for _ in range(4):
        if node is None:
            return None
        text = " ".join("".join(node.itertext()).replace("|", " ").split())
        if len(text) > 140:
            return None
        found = byline(re.sub(r"(?<!\s)\s++:", ":", text))
        if found is not None:
            return found
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


def find_authors(
    tree: etree._Element, meta: PageMeta, profile: Profile | None, site_names: set[str]
) -> list[str]:
    """Writers first; editors only where no writer is named."""

    def keep(names: list[str]) -> list[str]:
        out: list[str] = []
        for n in names:
            if n.lower() not in site_names and n not in out:
                out.append(n)
        return out

    if profile and profile.authors:
        names = keep([n for t in _xpath_texts(tree, profile.authors) for n in person_names(_strip_label(t))])
        if names:
            return names
    writers, editors = _visible_bylines(tree)
    if writers := keep(writers):
        return writers
    ld = meta.article_ld()
    if ld is not None and (
        names := keep([n for raw in ld_names(ld.get("author")) for n in person_names(raw)])
    ):
        return names
    for raw in meta.all("author", "article:author", "dc.creator", "byl", "content_author"):
        if names := keep(person_names(raw)):
            return names
    return keep(editors)


def _strip_label(text: str) -> str:
    found = byline(text)
    return found[1] if found else text
