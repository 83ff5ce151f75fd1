"""The lines of a sign-up box inside a body: a box that holds a form.

A newsletter or alert box set between two paragraphs prints a heading and a tagline ("Ein FUNKE
Liebe" / "Alle zwei Wochen sonntags: Antworten auf …") above its form; the body's reader keeps
them as lines (the form's controls are no text). Structure says what they are: the lines of the
form's largest ancestor, inside the body's container, that holds little text besides
(``data/form_boxes.json``), in any language.
"""

from __future__ import annotations

import functools

from lxml import etree

from kabar.extract.html_blocks import walk_container
from kabar.extract.tables import load_table

__all__ = ["form_box_lines"]


@functools.cache
def _max_box_chars() -> int:
    return int(load_table("form_boxes")["max_box_chars"]["value"])


def _text_chars(el: etree._Element) -> int:
    return len(" ".join("".join(el.itertext()).split()))


def form_box_lines(container: etree._Element | None) -> frozenset[str]:
    """The lines of every box inside ``container`` that holds a form."""
    if container is None:
        return frozenset()
    limit = _max_box_chars()
    lines: set[str] = set()
    for form in container.iter("form"):
        box: etree._Element | None = None
        node = form.getparent()
        while node is not None and node is not container and _text_chars(node) <= limit:
            box, node = node, node.getparent()
        if box is not None:
            lines.update(walk_container(box).paragraphs)
    return frozenset(lines)
