"""A TimeML document (TempEval-3 ``.tml``): its DOCID, creation time (DCT) and TEXT with inline TIMEX3.

Read with lxml under a parser that loads no DTD, resolves no entity and touches no network; a
document that declares a DOCTYPE or entities is refused before parsing (an entity bomb never
expands). Offsets are into the TEXT element's character content, tags removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

MAX_BYTES = 5_000_000  # a news article's TimeML is tens of kB
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_DCT_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class TimemlError(ValueError):
    """The input is not a TimeML document kabar can read (the message says why, in one line)."""


@dataclass(slots=True, frozen=True)
class Timex3:
    start: int
    end: int
    type: str
    value: str
    mod: str | None = None
    tid: str = ""
    text: str = ""


@dataclass(slots=True)
class TimemlDoc:
    docid: str
    text: str
    dct: date | None = None
    timexes: list[Timex3] = field(default_factory=list)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _walk(el: etree._Element, parts: list[str], found: list[Timex3], length: list[int]) -> None:
    """Collect the text of ``el`` (without its own tail) and the TIMEX3 elements inside it."""
    if el.text:
        parts.append(el.text)
        length[0] += len(el.text)
    for child in el:
        if _local(child.tag) == "TIMEX3":
            start = length[0]
            _walk(child, parts, [], length)
            a = child.attrib
            found.append(
                Timex3(
                    start=start,
                    end=length[0],
                    type=str(a.get("type", "")).upper(),
                    value=str(a.get("value", "")).strip(),
                    mod=str(a["mod"]) if a.get("mod") else None,
                    tid=str(a.get("tid", "")),
                    text="".join(parts)[start:],
                )
            )
        else:  # EVENT, SIGNAL and other TempEval-3 tags: their text stays, the tag goes
            _walk(child, parts, found, length)
        if child.tail:
            parts.append(child.tail)
            length[0] += len(child.tail)


def read_timeml(data: bytes, name: str = "input") -> TimemlDoc:
    if not data.strip():
        raise TimemlError(f"{name} is empty")
    if len(data) > MAX_BYTES:
        raise TimemlError(f"{name} is {len(data):,} bytes; TimeML input is limited to {MAX_BYTES:,}")
    if b"\x00" in data:
        raise TimemlError(f"{name} looks binary (it contains NUL bytes), not TimeML")
    if _DTD.search(data):
        raise TimemlError(f"{name} declares a DOCTYPE or entities; kabar reads TimeML without them")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise TimemlError(f"{name} is not well-formed XML: {exc.msg} (line {exc.lineno})") from None
    if _local(root.tag) != "TimeML":
        raise TimemlError(f"{name}: the root element is <{_local(root.tag)}>, not <TimeML>")
    text_el = next((e for e in root.iter() if _local(e.tag) == "TEXT"), None)
    if text_el is None:
        raise TimemlError(f"{name} has no <TEXT> element")
    parts: list[str] = []
    found: list[Timex3] = []
    _walk(text_el, parts, found, [0])
    text = "".join(parts)
    return TimemlDoc(docid=_docid(root, name), text=text, dct=_dct(root), timexes=found)


def _docid(root: etree._Element, name: str) -> str:
    el = next((e for e in root.iter() if _local(e.tag) == "DOCID"), None)
    return (el.text or "").strip() if el is not None and el.text else name


def _dct(root: etree._Element) -> date | None:
    dct = next((e for e in root.iter() if _local(e.tag) == "DCT"), None)
    if dct is None:
        return None
    timex = next((e for e in dct.iter() if _local(e.tag) == "TIMEX3"), None)
    raw = str(timex.get("value", "")) if timex is not None else "".join(dct.itertext())
    m = _DCT_DAY.search(raw)
    if m is None:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def write_timeml(doc: TimemlDoc) -> str:
    """The document as TempEval-3 TimeML: the DCT as t0, each TIMEX3 inline in TEXT (ordered, not overlapping)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', "<TimeML>", f"<DOCID>{escape(doc.docid)}</DOCID>"]
    if doc.dct is not None:
        day = doc.dct.isoformat()
        out.append(
            f'<DCT><TIMEX3 tid="t0" type="DATE" value="{day}" temporalFunction="false" '
            f'functionInDocument="CREATION_TIME">{day}</TIMEX3></DCT>'
        )
    body: list[str] = []
    pos = 0
    for i, t in enumerate(sorted(doc.timexes, key=lambda t: t.start), start=1):
        if t.start < pos:
            continue  # overlapping spans cannot nest in XML: the first one stands
        attrs = f"tid={quoteattr(t.tid or f't{i}')} type={quoteattr(t.type)} value={quoteattr(t.value)}"
        if t.mod:
            attrs += f" mod={quoteattr(t.mod)}"
        body.append(escape(_xml_chars(doc.text[pos : t.start])))
        body.append(f"<TIMEX3 {attrs}>{escape(_xml_chars(doc.text[t.start : t.end]))}</TIMEX3>")
        pos = t.end
    body.append(escape(_xml_chars(doc.text[pos:])))
    out.append("<TEXT>" + "".join(body) + "</TEXT>")
    out.append("</TimeML>")
    return "\n".join(out) + "\n"


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_chars(text: str) -> str:
    """XML 1.0 cannot carry control characters: each becomes a space (offsets stay)."""
    return _NOT_XML.sub(" ", text)
