"""HTML → flattened visible text: what a crawler's text dump of the page looks like.

Block elements become paragraphs separated by blank lines; inline text is
joined; scripts, styles and hidden elements are dropped. Used to check that the
flattened-page reader and the HTML reader agree on the same page.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from kabar.extract.html_parse import parse_html, strip_inert

_BLOCK = frozenset(
    [
        "p",
        "div",
        "section",
        "article",
        "aside",
        "header",
        "footer",
        "nav",
        "main",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "tr",
        "td",
        "th",
        "blockquote",
        "figure",
        "figcaption",
        "form",
        "center",
        "pre",
        "address",
    ]
)
_SKIP = frozenset(["head", "title", "select", "option", "button", "input", "textarea"])


@dataclass(frozen=True, slots=True)
class FlattenOptions:
    max_blocks: int = 20_000  # bound the output of hostile pages
    # libxml2 stops nesting at 256 levels; a recursive visit that deep below a caller's own deep
    # stack can still reach Python's recursion limit, and no page nests its text this deep.
    max_depth: int = 160


def _hidden(el: etree._Element) -> bool:
    style = (el.get("style") or "").replace(" ", "").lower()
    return el.get("hidden") is not None or "display:none" in style or "visibility:hidden" in style


class _Flattener:
    def __init__(self, options: FlattenOptions) -> None:
        self.options = options
        self.blocks: list[str] = []
        self.inline: list[str] = []

    def flush(self) -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text and len(self.blocks) < self.options.max_blocks:
            self.blocks.append(text)

    def visit(self, el: etree._Element, depth: int = 0) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if not tag or tag in _SKIP or _hidden(el) or depth > self.options.max_depth:
            return
        if tag == "br":
            self.flush()
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        if el.text:
            self.inline.append(el.text)
        for child in el:
            self.visit(child, depth + 1)
            if child.tail:
                self.inline.append(child.tail)
        if block:
            self.flush()


def flatten_html(html: str, options: FlattenOptions | None = None) -> str:
    """The page's visible text, one block per paragraph, blocks separated by a blank line."""
    parsed = parse_html(html)
    strip_inert(parsed.tree)
    body = parsed.tree.find(".//body")
    flattener = _Flattener(options or FlattenOptions())
    flattener.visit(body if body is not None else parsed.tree)
    flattener.flush()
    return "\n\n".join(flattener.blocks) + "\n"
