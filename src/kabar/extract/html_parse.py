"""Turn untrusted HTML text into an lxml tree, within bounded time and memory.

Why by hand: lxml/libxml2 parse broken markup well, but they do not cap input
size, and a NUL byte or a UTF-16 text decoded as Latin-1 makes them return
nothing. This module is the one place that guards the HTML reader's input.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from kabar.extract import ExtractError

# A news article page is rarely above 1 MB; 50 MB pages are almost always
# inlined assets. Beyond the cap the page is cut (and the cut is reported),
# which keeps parse time and memory bounded (a few seconds, ~100 MB at the cap).
MAX_HTML_CHARS = 2_000_000

# Elements that never carry article text. Removing them first keeps scripts
# inert (they are never executed; their text never reaches a paragraph).
_STRIP_TAGS = ("script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed")
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")
# A start tag longer than this carries nothing a reader uses (a 1 MB data: URI, 100,000
# attributes), and libxml2 checks every attribute against the others: 100,000 of them took
# minutes, in each of the parses the fallback readers make. Such a tag keeps only its name.
# Possessive quantifiers: an unclosed giant tag is not rescanned from each position.
# The run is measured to the next '>' (a '<' inside does not end it: in a 100,000-attribute tag a
# few flipped bytes put '<' and stray quotes inside, libxml2 still read it as one tag, and it took
# 17 s in each parse); a run with no '>' after it is cut to the end. No complete tag lies inside
# such a run, so no markup is lost, only what libxml2 would have read as attribute garbage.
_MAX_TAG_CHARS = 16_384
_OVERSIZED_TAG = re.compile(rf"<([a-zA-Z][\w:-]*+)[^>]{{{_MAX_TAG_CHARS},}}+>?")
# libxml2 checks each attribute of a tag against all the others before it: 40,000 attributes took
# 1.6 s and 100,000 (a 1.2 MB page, the tag left unterminated by nested markup, so the rule above
# missed it) 16 s here and 28 s more in trafilatura's own parse. A tag with this many attributes,
# whether closed or not and whatever its quoted values hold, keeps only its name. Possessive
# quantifiers: one scan per tag, nothing rescanned.
_MAX_ATTRIBUTES = 1_000
_ATTRIBUTE_FLOOD = re.compile(
    r"""<([a-zA-Z][\w:-]*+)"""
    r"""(?:\s++[^\s=<>"'/]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s<>"']++))?+)"""
    rf"""{{{_MAX_ATTRIBUTES},}}+[^<>]*+>?"""
)
# In script and style bodies '<' starts no tag (and words there read like attributes), so a giant
# there costs the parser nothing and cutting it could eat the body's own end tag. Whether a body is
# open is read as a parser reads it: only a '<script' or '<style' that starts a tag opens one. A
# fuzzed page put '<style ...>' inside another tag's attributes, where libxml2 does not read it as
# a tag; taken as an opener, it shielded a 100,000-attribute tag after it (30 s in libxml2, 26 s
# more in trafilatura's parse). The tokens: a start or end tag's name, the start of a quoted value
# (skipped whole: a '>' inside it ends no tag), and '>'. As libxml2 reads them: a comment runs to
# '-->' (to the end when it never closes); '<!' or '<?' and a '</' not followed by a letter open a
# bogus comment that runs to the next '>' (libxml2 read '</<style type="text/css">' in a fuzzed page
# as a comment, so no style body began there), which is taken as a tag start with no name.
_TAG_TOKEN = re.compile(r"""<(/?)([a-zA-Z][\w:-]*+)|(<!--)|(</|<[!?])|=\s*+(["'])|>""")
_RAW_TEXT_ELEMENTS = ("script", "style")
_RAW_TEXT_END = {name: re.compile(rf"</{name}\b", re.IGNORECASE) for name in _RAW_TEXT_ELEMENTS}


class HtmlInputError(ExtractError):
    """The input cannot be read as HTML at all (empty, binary)."""


@dataclass(slots=True)
class ParsedHtml:
    tree: etree._Element
    text: str  # the (possibly truncated) HTML text the tree was parsed from
    truncated: bool
    lossless: bool = True  # ``text`` went to the parser as UTF-8 with nothing replaced


def clean_text(content: str) -> tuple[str, bool]:
    if not content or not content.strip():
        raise HtmlInputError("empty HTML page")
    sample = content[:4096]
    if len(_BINARY.findall(sample)) > max(8, len(sample) // 50):
        raise HtmlInputError("not HTML: binary content (control bytes in the first 4 KB)")
    truncated = len(content) > MAX_HTML_CHARS
    if truncated:
        content = content[:MAX_HTML_CHARS]
    if "\x00" in content:
        content = content.replace("\x00", "")
    if len(content) > _MAX_TAG_CHARS:
        content = _keep_tag_names(_OVERSIZED_TAG, content)
    content = _keep_tag_names(_ATTRIBUTE_FLOOD, content)
    return content.lstrip("\ufeff"), truncated


def _keep_tag_names(giant_tag: re.Pattern[str], content: str) -> str:
    """Each start tag ``giant_tag`` matches (oversized, or an attribute flood) keeps only its name."""
    giants = list(giant_tag.finditer(content))
    if not giants:
        return content
    # Only a body that ends shields a giant: in one that runs to the end of the page (a real one
    # left open, or an opener the tokens misread, as a fuzzed page's stray '<style' was) there is
    # no end tag for the cut to eat, and libxml2 may well read what follows as markup.
    bodies = [(start, end) for start, end in raw_text_bodies(content) if end < len(content)]
    starts = [start for start, _ in bodies]
    out: list[str] = []
    last = 0
    for giant in giants:
        at = bisect.bisect_right(starts, giant.start())
        if at and giant.start() < bodies[at - 1][1]:
            continue  # inside a script or style body
        out += [content[last : giant.start()], f"<{giant.group(1)}>"]
        last = giant.end()
    return "".join([*out, content[last:]])


def raw_text_bodies(content: str) -> list[tuple[int, int]]:
    """The script and style bodies of ``content`` as (start, end) offsets, in order.

    One pass over the tag tokens, each read once (a quoted value is jumped over), so the cost is
    linear in the page. Where the markup is ambiguous the rule leans to "no body": a giant then
    loses its attributes, which is cheap, where shielding one wrongly costs minutes. A quoted value
    that never closes leaves the rest of the page inside its tag, with no body after it.
    """
    bodies: list[tuple[int, int]] = []
    pos, in_tag, opener = 0, False, ""
    while (token := _TAG_TOKEN.search(content, pos)) is not None:
        pos = token.end()
        if token.group(2):  # a tag's name: it starts a tag only outside one
            if not in_tag:
                in_tag = True
                name = token.group(2).lower()
                opener = name if not token.group(1) and name in _RAW_TEXT_ELEMENTS else ""
        elif token.group(3):  # a comment: nothing in it is markup
            if not in_tag:
                close = content.find("-->", pos)
                if close < 0:
                    break
                pos = close + 3
        elif token.group(4):  # a bogus comment, ended by '>' as a tag is
            if not in_tag:
                in_tag, opener = True, ""
        elif token.group(5):  # a quoted value, inside a tag: jumped over whole
            if in_tag:
                close = content.find(token.group(5), pos)
                if close < 0:
                    break
                pos = close + 1
        elif in_tag:  # '>' ends the tag; after a script or style start tag, its body runs
            in_tag = False
            if opener:
                end = _RAW_TEXT_END[opener].search(content, pos)
                bodies.append((pos, end.start() if end else len(content)))
                pos, opener = bodies[-1][1], ""
    return bodies


@functools.cache
def html_parser() -> etree.HTMLParser:
    """trafilatura's ``HTML_PARSER`` options, its ``lxml.html`` element classes looked up in C.

    The HTML reader hands its tree, as parsed and before anything is taken out, to trafilatura
    (:mod:`kabar.extract.trafilatura_input`), so both parse with the same options and classes. The
    plain ``lxml.html`` parser looks up a Python class for every element visited, which cost a third
    of the reader's own time; the C lookup gives the same classes at no cost."""
    parser = etree.HTMLParser(
        collect_ids=False, default_doctype=False, encoding="utf-8", remove_comments=True, remove_pis=True
    )
    parser.set_element_class_lookup(
        etree.ElementDefaultClassLookup(
            element=lxml_html.HtmlElement,
            comment=lxml_html.HtmlComment,
            pi=lxml_html.HtmlProcessingInstruction,
            entity=lxml_html.HtmlEntity,
        )
    )
    return parser


def parse_html(content: str) -> ParsedHtml:
    text, truncated = clean_text(content)
    # Encoding declarations inside a str confuse lxml ("Unicode strings with
    # encoding declaration are not supported"): parse via UTF-8 bytes with an
    # explicit encoding instead.
    try:
        data, lossless = text.encode("utf-8"), True
    except UnicodeEncodeError:  # a lone surrogate: replaced, so the text is not what was parsed
        data, lossless = text.encode("utf-8", "replace"), False
    try:
        tree = etree.fromstring(data, parser=html_parser())
    except (etree.ParserError, ValueError) as exc:
        raise HtmlInputError(f"cannot parse HTML: {exc}") from exc
    if tree is None:
        raise HtmlInputError("cannot parse HTML: no document")
    return ParsedHtml(tree=tree, text=text, truncated=truncated, lossless=lossless)


def strip_inert(tree: etree._Element) -> None:
    """Drop elements that never carry article text (scripts, styles, embeds)."""
    etree.strip_elements(tree, *_STRIP_TAGS, with_tail=False)
