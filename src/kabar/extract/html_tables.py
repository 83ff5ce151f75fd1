"""Data tables beside the body: kept as :class:`~kabar.model.Table`, not as body text.

A data table is a ``<table>`` with at least two rows of two or more cells whose cells hold text,
not page structure: a cell holding a nested table, a ``<div>``, a list, a heading or more than one
paragraph is a layout table (old portals wrap the whole page in one), and stays where it is.

Why set aside before the body is read: kabar's walker turns every cell into a paragraph, and
trafilatura (``include_tables=True``, needed for the portals whose story sits in a layout table)
prints a data table as Markdown rows ``| a | b |``. The data tables are swapped for an empty
placeholder while the walker reads the page, trafilatura's row lines of those tables are dropped
(:meth:`TablesAside.without_rows`), and the tables go back before anything else reads the tree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import islice

from lxml import etree

from kabar.extract.html_text import byline, is_furniture_text
from kabar.model import Image, Table, normalise_space

__all__ = ["MAX_CELLS", "MAX_ROWS", "TablesAside", "set_aside_tables"]

MAX_ROWS = 500
MAX_CELLS = 50
MAX_TABLES = 40  # data tables set aside per page; more are left as they are
_MAX_CELL_CHARS = 1_000
_MAX_PROSE_CELL_CHARS = 600  # a cell longer than this holds a story's paragraphs: layout
_JUDGE_BUDGET = 200_000  # elements visited judging tables, over the whole page (nested tables revisit)
_MIN_ROWS = 2
_MIN_CELLS = 2
_MAX_TITLE_CHARS = 120  # a short line right above a table is its title
_FOLLOWING = 300  # elements looked at after a table to find the paragraph it stands before
_KEY_CHARS = 60
_ROW_KEY_CHARS = 200
_WHOLE_CHARS = 4_000
# Rows past MAX_ROWS are still read (not kept) so that trafilatura's lines of them are known and
# dropped; beyond this many the table's remaining lines are left where trafilatura put them.
_MAX_KEYED_ROWS = 50_000
_LAYOUT_TAGS = frozenset(
    [
        "table",
        "div",
        "section",
        "article",
        "main",
        "aside",
        "nav",
        "header",
        "footer",
        "ul",
        "ol",
        "dl",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "form",
        "iframe",
        "figure",
    ]
)
_TITLE_TAGS = frozenset(["p", "h2", "h3", "h4", "h5", "h6", "strong", "b"])
_PLACEHOLDER = "kabar-table"
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


@dataclass(slots=True)
class _Found:
    element: etree._Element
    placeholder: etree._Element
    table: Table
    keys: set[str]  # the rows as trafilatura prints them, normalised
    cut: str | None  # what the caps left out, for the article's notes
    in_body: bool = False


@dataclass(slots=True)
class TablesAside:
    """The page's data tables, swapped out of the tree until :meth:`put_back`."""

    found: list[_Found] = field(default_factory=list)

    def without_rows(self, paragraphs: list[str]) -> list[str]:
        """``paragraphs`` without trafilatura's row lines of a set-aside table.

        Only the lines that are rows of such a table go, with the ``|---|`` rule of their run: a
        layout table around the story prints as rows of the same run, and those rows are the story.
        """
        if not self.found:
            return paragraphs
        out: list[str] = []
        run: list[str] = []
        for text in [*paragraphs, ""]:
            if _is_row_line(text):
                run.append(text)
                continue
            owners = [self._owner(line) for line in run]
            matched = any(owners)
            for line, owner in zip(run, owners, strict=True):
                if owner is not None:
                    owner.in_body = True
                elif not (matched and _is_rule(line)):
                    out.append(line)
            run = []
            if text:
                out.append(text)
        return out

    def _owner(self, line: str) -> _Found | None:
        key = _row_key(_CELL_SPLIT.split(line.strip().strip("|")))
        return next((f for f in self.found if key and key in f.keys), None)

    def put_back(self) -> None:
        """Return every table to its place (the related-news reader and others read the tree next)."""
        for f in self.found:
            parent = f.placeholder.getparent()
            if parent is not None:
                f.element.tail = f.placeholder.tail
                parent.replace(f.placeholder, f.element)

    def tables(
        self, container: etree._Element | None, paragraphs: list[str], images: list[Image]
    ) -> list[Table]:
        """The tables of the article: inside its ``container``, or printed in trafilatura's text;
        each placed before the paragraph that follows it on the page. A title line taken as a
        table's caption leaves ``paragraphs`` (``images`` standing after it move up one)."""
        index: dict[str, int] = {}
        for i, text in enumerate(paragraphs):
            index.setdefault(_whole(text), i)
        for i, text in enumerate(paragraphs):
            index.setdefault(_key(text), i)  # a paragraph the page prints with more around it
        out: list[Table] = []
        for f in self.found:
            inside = container is not None and (
                f.element is container or any(a is container for a in f.element.iterancestors())
            )
            if not (inside or f.in_body):
                continue
            f.in_body = True
            f.table.position = _position(f.element, index, len(paragraphs))
            out.append(f.table)
        for table in sorted(out, key=lambda t: -t.position):
            at = table.position - 1
            if table.caption and at >= 0 and normalise_space(paragraphs[at]) == table.caption:
                del paragraphs[at]
                table.position = at
                for other in out:
                    other.position -= other.position > at
                for image in images:
                    image.position -= image.position > at
        return out

    def notes(self) -> list[str]:
        return [f.cut for f in self.found if f.cut and f.in_body]


def set_aside_tables(tree: etree._Element) -> TablesAside:
    """Swap every data table of ``tree`` (up to :data:`MAX_TABLES`) for an empty placeholder."""
    aside = TablesAside()
    budget = [_JUDGE_BUDGET]
    candidates = list(islice(tree.iter("table"), 4 * MAX_TABLES))
    for el in candidates:
        if len(aside.found) >= MAX_TABLES or budget[0] <= 0:
            break
        if any(f.element is a for f in aside.found for a in el.iterancestors("table")):
            continue
        read = _read(el, budget)
        if read is None:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        placeholder = etree.Element(_PLACEHOLDER)
        placeholder.tail, el.tail = el.tail, None
        parent.replace(el, placeholder)
        read.placeholder = placeholder
        aside.found.append(read)
    return aside


def _rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _is_layout(cell: etree._Element, budget: list[int]) -> bool:
    paragraphs = 0
    for node in cell.iterdescendants():
        budget[0] -= 1
        if budget[0] <= 0:
            return True
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _LAYOUT_TAGS:
            return True
        paragraphs += tag == "p"
        if paragraphs > 1:
            return True
    return False


def _cell_text(cell: etree._Element) -> str:
    parts: list[str] = []
    size = 0
    for piece in cell.itertext():
        parts.append(piece)
        size += len(piece)
        if size > _MAX_CELL_CHARS:
            break
    return normalise_space("".join(parts))[:_MAX_CELL_CHARS]


def _read(el: etree._Element, budget: list[int]) -> _Found | None:
    """The table's rows when it is a data table, else None (layout, or too few rows)."""
    rows = _rows(el)
    full: list[list[str]] = []
    keys: set[str] = set()
    wide = 0
    widest = 0
    cut_rows = max(0, len(rows) - MAX_ROWS)
    for row in rows:
        budget[0] -= 1
        cells = [c for c in row if c.tag in ("td", "th")]
        texts: list[str] = []
        size = 0
        for cell in cells:
            if len(texts) >= MAX_CELLS and size > _ROW_KEY_CHARS:
                break  # enough for the row's key (how trafilatura prints it opens the same)
            budget[0] -= 1
            if _is_layout(cell, budget):
                return None
            text = _cell_text(cell)
            if len(text) > _MAX_PROSE_CELL_CHARS:
                return None
            texts.append(text)
            size += len(text) + 1
        if not any(texts):
            continue
        widest = max(widest, len(cells))
        wide += len(cells) >= _MIN_CELLS
        keys.add(_row_key(texts))
        texts = texts[:MAX_CELLS]
        if len(full) < MAX_ROWS:
            full.append(texts)
        elif len(keys) >= _MAX_KEYED_ROWS:
            break
    if wide < _MIN_ROWS or all(_is_credit_row(row) for row in full):
        return None
    cuts = []
    if cut_rows:
        cuts.append(f"the first {MAX_ROWS} of {len(rows)} rows")
    if widest > MAX_CELLS:
        cuts.append(f"the first {MAX_CELLS} of {widest} cells a row")
    cut = f"table cut to {' and '.join(cuts)}" if cuts else None
    table = Table(rows=full, caption=_caption(el))
    cap = el.find("caption")
    if cap is not None and table.caption:
        keys.add(_row_key([table.caption]))  # trafilatura prints a <caption> as a row of its own
    return _Found(el, el, table, keys, cut)


def _is_credit_row(row: list[str]) -> bool:
    """ "Penulis | : Ani" — a portal's credit box laid out as a table (seen: kompas.com, id/anpandu):
    the body's cleaning reads those lines, they are not data."""
    text = " ".join(row)
    return byline(text) is not None or is_furniture_text(text)


def _caption(el: etree._Element) -> str | None:
    """``<caption>``, the ``<figcaption>`` of a figure around it, or a short title line above it."""
    cap = el.find("caption")
    if cap is not None and (text := _cell_text(cap)):
        return text
    node = el
    for _ in range(3):  # a table wrapped in a div or two: the title stands above the wrapper
        parent = node.getparent()
        if parent is None:
            return None
        if parent.tag == "figure":
            figcap = parent.find("figcaption")
            if figcap is not None and (text := _cell_text(figcap)):
                return text
        prev = node.getprevious()
        while prev is not None and not isinstance(prev.tag, str):
            prev = prev.getprevious()
        if prev is None:
            if (parent.text or "").strip():
                return None  # loose text above the table, inside its wrapper
            node = parent
            continue
        if (prev.tail or "").strip() or prev.tag not in _TITLE_TAGS:
            return None
        text = _cell_text(prev)
        short = 0 < len(text) <= _MAX_TITLE_CHARS and not text.endswith(
            (".", "!", "?", ",", ";", ":")
        )  # "Berikut rinciannya:" leads in
        return text if short else None
    return None


def _is_rule(text: str) -> bool:
    return not text.strip("|-: ")


def _is_row_line(text: str) -> bool:
    return len(text) > 1 and text.startswith("|") and text.endswith("|")


def _row_key(cells: list[str]) -> str:
    return " ".join(" ".join(c.replace("\\|", "|") for c in cells).split()).lower()[:_ROW_KEY_CHARS]


def _key(text: str) -> str:
    return normalise_space(text)[:_KEY_CHARS].lower()


def _following(el: etree._Element) -> list[etree._Element]:
    """Up to :data:`_FOLLOWING` elements after ``el`` in document order, not inside it."""
    out: list[etree._Element] = []
    node: etree._Element | None = el
    while node is not None and len(out) < _FOLLOWING:
        for sib in node.itersiblings():
            for d in sib.iter():
                if isinstance(d.tag, str):
                    out.append(d)
                if len(out) >= _FOLLOWING:
                    return out
        node = node.getparent()
    return out


def _whole(text: str) -> str:
    return normalise_space(text[:_WHOLE_CHARS]).lower()


def _head(node: etree._Element) -> str:
    """The opening of an element's text: up to 64 text pieces, cut at :data:`_WHOLE_CHARS`."""
    parts: list[str] = []
    size = 0
    for piece in islice(node.itertext(), 64):
        parts.append(piece[: _WHOLE_CHARS - size])
        size += len(parts[-1])
        if size >= _WHOLE_CHARS:
            break
    return "".join(parts)


def _position(el: etree._Element, index: dict[str, int], end: int) -> int:
    """The index of the first paragraph found in the elements after ``el``: by its whole text
    (paragraphs may share an opening), else by its opening words."""
    for node in _following(el):
        head = _head(node)
        hit = index.get(_whole(head))
        if hit is None:
            hit = index.get(_key(head))
        if hit is not None:
            return hit
    return end
