"""Where an article ends: the run of body blocks past the last paragraph trafilatura kept.

trafilatura (fast, precision mode) reads the first container its body XPaths match and prunes
blocks by class and link density; a body split into sibling containers around an ad slot, or one
whose later paragraphs sit in a wrapper it prunes ("…-bottom", a bordered box), comes back as its
first two or three paragraphs while the article runs on. The body is the run of content inside
the container that holds what was kept, or inside the page's own declaration of it
(``itemprop=articleBody``, ``<article>``): blocks after the last kept paragraph are read on, weak
blocks (ad slots, newsletter boxes, link lists, short labels) skipped, until structure ends it
(a comment section, a related box, a footer: ``data/body_run.json``), never at the first short
or weak block. A twin of the container (the same tag and class, the body's next part) is read
on too. Where the article's JSON-LD ``articleBody`` holds the kept text, only paragraphs it
also holds are added: the declaration, checked against what the page shows.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from kabar.extract.html_blocks import is_furniture, walk_container
from kabar.extract.tables import load_table
from kabar.extract.word_patterns import attr_words_pattern
from kabar.model import normalise_space

__all__ = ["RunEnd", "continue_run"]

_KEY_CHARS = 60


@dataclass(frozen=True, slots=True)
class RunRules:
    end_tags: frozenset[str]
    end_attr: re.Pattern[str]
    skip_tags: frozenset[str]
    min_paragraph_chars: int
    min_div_chars: int
    min_run_chars: int
    min_run_paragraphs: int
    max_link_share: float
    max_blocks: int


@functools.cache
def _rules() -> RunRules:
    table = load_table("body_run")
    words = [str(e["word"]) for e in table["end_attr_words"]]
    return RunRules(
        end_tags=frozenset(str(t) for t in table["end_tags"]),
        end_attr=attr_words_pattern(words),
        skip_tags=frozenset(str(t) for t in table["skip_tags"]),
        min_paragraph_chars=int(table["min_paragraph_chars"]),
        min_div_chars=int(table["min_div_chars"]),
        min_run_chars=int(table["min_run_chars"]),
        min_run_paragraphs=int(table["min_run_paragraphs"]),
        max_link_share=float(table["max_link_share"]),
        max_blocks=int(table["max_blocks"]),
    )


@dataclass(slots=True)
class RunEnd:
    """What ended the run (for tests and notes): ``end`` (structure), ``scope`` (the container's end)."""

    paragraphs: list[str] = field(default_factory=list)
    ended_by: str = "scope"


def _key(text: str) -> str:
    return normalise_space(text)[:_KEY_CHARS].lower()


def _tag(el: etree._Element) -> str:
    return el.tag.lower() if isinstance(el.tag, str) else ""


def _is_end(el: etree._Element, rules: RunRules) -> bool:
    """A comment section, a related box, a footer: the article is over."""
    if _tag(el) in rules.end_tags:
        return True
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}"
    return bool(attrs.strip()) and bool(rules.end_attr.search(attrs))


def _prefix(el: etree._Element) -> str:
    """The start of an element's text, enough for its key: never the whole of a nested element."""
    parts: list[str] = []
    size = 0
    for piece in el.itertext():
        parts.append(piece)
        size += len(piece)
        if size > 4 * _KEY_CHARS:
            break
    return "".join(parts)


def _first_printed(el: etree._Element) -> str:
    """The first non-space character of the element's text ("" for none)."""
    for piece in el.itertext():
        if stripped := piece.lstrip():
            return stripped[0]
    return ""


def _anchor(container: etree._Element, last: str) -> etree._Element | None:
    """The element inside ``container`` whose text is the last kept paragraph."""
    wanted = _key(last)
    found: etree._Element | None = None
    for el in container.iter("p", "div", "li", "blockquote", "span", "td", "h2", "h3"):
        own = (el.text or "").strip()
        # A key starts with its text's first printed character, lower-cased on its own (no case
        # rule reads what precedes the first character): the same answer without the element's
        # text joined and normalised where that character already differs.
        first = own[:1] or _first_printed(el)
        if not first or not wanted.startswith(first.lower()):
            continue
        if _key(own if own else _prefix(el)) == wanted:
            found = el  # the last (innermost) match: its following blocks come next
    if found is None:
        return None
    # From an inline element up to the block holding it (a <span> inside the <p>).
    while found is not container and _tag(found) in ("span", "a", "strong", "b", "em", "i"):
        parent = found.getparent()
        if parent is None:
            break
        found = parent
    return found


def _following(anchor: etree._Element, top: etree._Element) -> Iterator[etree._Element]:
    """Elements after ``anchor`` in document order, sibling by sibling, climbing up to ``top``."""
    node: etree._Element | None = anchor
    while node is not None and node is not top:
        for sib in node.itersiblings():
            if isinstance(sib.tag, str):
                yield sib
        node = node.getparent()


def _declared_scope(container: etree._Element) -> etree._Element:
    """The page's own declaration of the body around ``container``: ``itemprop=articleBody`` or
    ``<article>`` (the nearest), else the container itself."""
    for el in (container, *container.iterancestors()):
        if (el.get("itemprop") or "").lower() == "articlebody" or _tag(el) == "article":
            return el
        if _tag(el) in ("body", "html"):
            break
    return container


def _twins(container: etree._Element) -> Iterator[etree._Element]:
    """The container's following siblings; a twin (same tag, same class) is the body's next part."""
    for sib in container.itersiblings():
        if isinstance(sib.tag, str):
            yield sib


def _is_twin(el: etree._Element, container: etree._Element) -> bool:
    cls = (container.get("class") or "").strip()
    return bool(cls) and el.tag == container.tag and (el.get("class") or "").strip() == cls


def _link_share(el: etree._Element) -> float:
    total = len(normalise_space("".join(el.itertext())))
    if not total:
        return 0.0
    linked = sum(len(normalise_space("".join(a.itertext()))) for a in el.iter("a"))
    return linked / total


_SENTENCE_END = (".", "!", "?", '"', "”", "“", "»", "«", "'", ")", "。", "…", ":")


def _block_paragraphs(el: etree._Element, base: str | None, rules: RunRules) -> list[str]:
    """The body paragraphs of one block: prose (<p>, <li>, <blockquote>) of some length, or longer
    sentence text in a <div>; a subheading only where prose follows it. Link lists and furniture
    give nothing."""
    if _tag(el) in rules.skip_tags or is_furniture(el) or _link_share(el) > rules.max_link_share:
        return []
    walked = walk_container(el, base)
    if _tag(el) in ("p", "li", "blockquote"):  # the block is itself a paragraph
        walked.prose = set(range(len(walked.paragraphs)))
    out: list[str] = []
    heading: str | None = None
    for i, text in enumerate(walked.paragraphs):
        prose = i in walked.prose
        if (prose and len(text) >= rules.min_paragraph_chars) or (
            len(text) >= rules.min_div_chars and text.rstrip().endswith(_SENTENCE_END)
        ):
            if heading is not None:
                out.append(heading)
            heading = None
            out.append(text)
        elif not prose and len(text) < rules.min_paragraph_chars and not text.endswith(_SENTENCE_END):
            heading = text  # a subheading: kept only if the run goes on under it
        else:
            heading = None
    return out


def _declared_keys(declared: str | None, kept: list[str]) -> str | None:
    """The JSON-LD ``articleBody`` as comparable text, where it holds the kept paragraphs."""
    if not declared:
        return None
    text = normalise_space(declared).lower()
    long = [p for p in kept if len(p) >= _KEY_CHARS]
    if not long or not all(_key(p) in text for p in long[:2]):
        return None  # a teaser or another story's text: no evidence either way
    return text


def continue_run(
    container: etree._Element, kept: list[str], base: str | None, declared: str | None = None
) -> RunEnd:
    """Paragraphs of the article past the last of ``kept`` (not already among them)."""
    rules = _rules()
    long = [p for p in kept if len(p) >= _KEY_CHARS]
    if not long:
        return RunEnd()
    parent = container.getparent()
    if _tag(container) in ("p", "li", "blockquote") and parent is not None:
        container = parent  # one paragraph found on the page: the run is among its siblings
    anchor = _anchor(container, long[-1])
    if anchor is None:
        return RunEnd()
    scope = _declared_scope(container)
    blocks = list(_following(anchor, scope))
    ended_by = "scope"
    twins_allowed = scope is container
    seen = {_key(p) for p in kept}
    run: list[str] = []
    for count, el in enumerate(blocks):
        if count >= rules.max_blocks:
            break
        if _is_end(el, rules):
            ended_by, twins_allowed = "end", False
            break
        run.extend(_block_paragraphs(el, base, rules))
    if twins_allowed:
        for count, el in enumerate(_twins(container)):
            if count >= rules.max_blocks or _is_end(el, rules):
                ended_by = "end"
                break
            if _is_twin(el, container):
                run.extend(_block_paragraphs(el, base, rules))
            elif len(normalise_space("".join(el.itertext()))) >= rules.min_div_chars and not is_furniture(el):
                break  # another block with text of its own: the body's part is over
    run = [p for p in run if _key(p) not in seen]
    evidence = _declared_keys(declared, kept)
    if evidence is not None:
        run = [p for p in run if _key(p) in evidence or len(p) < rules.min_paragraph_chars]
    while run and len(run[-1]) < rules.min_paragraph_chars:
        run.pop()  # a subheading or label with nothing under it
    prose = [p for p in run if len(p) >= rules.min_paragraph_chars]
    if sum(len(p) for p in run) < rules.min_run_chars or len(prose) < rules.min_run_paragraphs:
        return RunEnd(ended_by=ended_by)
    return RunEnd(run, ended_by)
