"""trafilatura's input, made once per page: its tree and its options.

The generic body asks trafilatura up to three times for one page (precision, then recall or its full
mode when the first reading is short). Handed the HTML text, trafilatura parses it afresh each time,
and its ``lxml.html`` parser calls a Python class lookup for every element it ever touches (a
quarter of a million calls over the Zyte pages). Here the page is parsed once as trafilatura's own
``load_html`` would parse it, with the same parser options but lxml's C-level class lookup giving
the same ``HtmlElement`` class, and each call gets that tree (trafilatura copies a tree it is given,
so the calls never see each other's pruning). The options record is built once per setting and
copied with the page's URL, as trafilatura's ``Extractor(...)`` would build it per call.
"""

from __future__ import annotations

import copy
import functools
import logging
import re

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura.settings import Extractor
from trafilatura.utils import DOCTYPE_TAG, INVALID_XML_CHARS, is_dubious_html, repair_faulty_html

from kabar.extract.html_parse import ParsedHtml, html_parser
from kabar.extract.trafilatura_cascade import PrunedTree, body_text, cascade_supported, prune_raw

__all__ = ["TrafilaturaInput", "loads_as_parsed", "trafilatura_options", "trafilatura_tree"]

_LOG = logging.getLogger(__name__)


def _from_bytes(text: str) -> lxml_html.HtmlElement | None:
    try:
        return lxml_html.fromstring(text.encode("utf8", "surrogatepass"), parser=html_parser())
    except Exception as exc:  # as trafilatura's ``fromstring_bytes``: any parser failure is "no tree"
        _LOG.debug("lxml parser bytestring %s", exc)
    return None


def trafilatura_tree(text: str) -> lxml_html.HtmlElement | None:
    """The tree ``trafilatura.utils.load_html(text)`` returns, step for step (repair, parse the
    text, else its UTF-8 bytes, reject a near-empty non-HTML tree), or None where it returns None."""
    beginning = text[:50].lower()
    dubious = is_dubious_html(beginning)
    text = repair_faulty_html(text, beginning)
    tree: lxml_html.HtmlElement | None = None
    from_bytes = False
    try:
        tree = lxml_html.fromstring(text, parser=html_parser())
    except ValueError:  # "Unicode strings with encoding declaration are not supported."
        tree = _from_bytes(text)
        from_bytes = True
    except Exception as exc:  # as trafilatura: a parser failure leaves no tree
        _LOG.debug("lxml parsing failed: %s", exc)
    if (tree is None or len(tree) < 1) and not from_bytes:
        tree = _from_bytes(text)
    if tree is not None and dubious and len(tree) < 2:
        tree = None
    return tree


# lxml.html's test for a whole document: anything else it parses as a fragment and may unwrap.
_FULL_DOCUMENT = re.compile(r"^\s*<(?:html|!doctype)", re.IGNORECASE)


@functools.cache
def _invalid_chars() -> tuple[str, ...]:
    """The characters trafilatura's repair deletes (``INVALID_XML_CHARS``, a class of the Basic
    Multilingual Plane: control characters and two non-characters), read from its own pattern."""
    return tuple(c for code in range(0x10000) if INVALID_XML_CHARS.match(c := chr(code)))


def _kept_whole(tree: etree._Element) -> bool:
    """lxml.html's fragment reading (a page opening with a comment, then its doctype) returns the
    document as parsed when it has a <head> and at most one <body>: it merges only several
    bodies or heads, and unwraps only a page with no head."""
    return len(tree.findall("head")) == 1 and len(tree.findall("body")) <= 1


def loads_as_parsed(parsed: ParsedHtml) -> bool:
    """Whether ``trafilatura_tree(parsed.text)`` is the tree :func:`parse_html` built, so that tree,
    untouched, can be handed to trafilatura instead of a second parse (a tenth of the reader's CPU).

    Both parsers are one (:func:`html_parser`); trafilatura parses the text as a str, kabar its
    UTF-8 bytes, which libxml2 reads alike when nothing was replaced in encoding. The rest are the
    steps of trafilatura's loader that could make another tree: its repairs (control characters,
    a doctype closed with '/', a self-closing ``<html/>``: each answered here without the copy of
    the page a repair makes) and lxml.html's fragment handling of a text that does not open with
    ``<html`` or a doctype (:func:`_kept_whole`). Where any applies, trafilatura parses the text itself, as before."""
    text = parsed.text
    if not parsed.lossless or not (_FULL_DOCUMENT.match(text) or _kept_whole(parsed.tree)):
        return False
    if any(char in text for char in _invalid_chars()):  # a substring test per character: 4x the regex
        return False
    beginning = text[:50].lower()
    if "doctype" in beginning:
        newline = text.find("\n")
        if newline < 0 or DOCTYPE_TAG.search(text, 0, newline):
            return False  # the repair would rewrite the first line (or add a newline)
    return not any("<html" in line and line.endswith("/>") for line in text[:4096].splitlines()[:4])


@functools.cache
def _template(fast: bool, precision: bool, recall: bool) -> Extractor:
    return Extractor(
        output_format="txt",
        fast=fast,
        precision=precision,
        recall=recall,
        comments=False,
        tables=True,
        dedup=False,
        with_metadata=False,
    )


def trafilatura_options(url: str | None, *, fast: bool, precision: bool, recall: bool) -> Extractor:
    """``Extractor(..., url=url)`` for kabar's settings: a copy of one built once, given the URL
    as ``Extractor.__init__`` sets it (its other fields do not depend on the page)."""
    options = copy.copy(_template(fast, precision, recall))
    options.url = url
    options.source = url and url.encode("utf-8", "replace").decode("utf-8")
    return options


class TrafilaturaInput:
    """One page's input to trafilatura: parsed on first use, then shared by every call, and
    pruned once for all of them where :mod:`kabar.extract.trafilatura_cascade` applies."""

    __slots__ = ("_parsed", "_pruned", "_text", "_tree")

    def __init__(self, text: str, tree: etree._Element | None = None) -> None:
        """``tree``: the page as :func:`parse_html` parsed ``text``, given only where
        :func:`loads_as_parsed` holds and nothing has been taken out of it yet."""
        self._text = text
        self._tree: lxml_html.HtmlElement | None = None
        self._parsed = False
        self._pruned: PrunedTree | None = None
        if isinstance(tree, lxml_html.HtmlElement):
            # The loader's last check: a text that is not plainly HTML and parses to almost nothing.
            keep = not (is_dubious_html(text[:50].lower()) and len(tree) < 2)
            self._tree, self._parsed = (tree if keep else None), True

    def extract(self, url: str | None, *, fast: bool, precision: bool, recall: bool) -> str:
        if not self._parsed:
            self._tree, self._parsed = trafilatura_tree(self._text), True
        if self._tree is None:
            return ""  # trafilatura's own loader finds no tree: it extracts nothing either
        options = trafilatura_options(url, fast=fast, precision=precision, recall=recall)
        if cascade_supported():
            if self._pruned is None:
                self._pruned = prune_raw(self._tree)
            text = body_text(self._pruned, options)
            if text is not None:
                return text
        return trafilatura.extract(self._tree, url=url, options=options) or ""
