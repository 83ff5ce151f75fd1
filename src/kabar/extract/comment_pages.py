"""Whether a page link of an article's own address pages through its comments or reviews.

A comment or review section under an article is often paged on the article's own address
(``?p=2`` in a reviews block, ``?page=2#comments``): its numbered links look like the article's
pages. A link belongs to the comments when it sits inside a comment/review container — an ancestor
whose class or id says so, or whose nearest heading before the link's branch names the comments
("Komentar", "Отзывы") — or when its fragment points into them. The words are data
(``data/page_kinds.json``, ``pagination.comment_*``).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from kabar.extract.page_kind_rules import PaginationRules, short_text

_WORD = re.compile(r"[^\w]+|_")
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_STOP_AT = frozenset({"article", "main", "body", "html"})  # a comment block never holds these
_MAX_SIBLINGS = 24  # looked at before a link's branch for its section's heading
_HEADING_CHARS = 80
_COUNT = re.compile(r"[\d\W_]+")


def _words(value: str) -> set[str]:
    return {w for w in _WORD.split(value.lower()) if w}


class CommentBlocks:
    """Answers for the links of one page; a container's answer is kept for its other links."""

    def __init__(self, rules: PaginationRules) -> None:
        self._rules = rules
        self._known: dict[etree._Element, bool] = {}

    def holds(self, link: etree._Element, target: str) -> bool:
        """Whether ``link`` (to ``target``) pages through comments or reviews, not the article."""
        fragment = urlsplit(target).fragment
        if fragment and _words(fragment) & self._rules.comment_fragments:
            return True
        parent = link.getparent()
        if parent is None:
            return False
        known = self._known.get(parent)
        if known is None:
            known = self._known[parent] = self._inside_comments(parent)
        return known

    def _inside_comments(self, parent: etree._Element) -> bool:
        node: etree._Element | None = parent
        for _ in range(self._rules.comment_levels):
            if node is None or not isinstance(node.tag, str) or node.tag in _STOP_AT:
                return False
            marks = f"{node.get('class') or ''} {node.get('id') or ''}"
            if marks.strip() and _words(marks) & self._rules.comment_attr:
                return True
            heading = _heading_before(node)
            if heading is not None:
                # The nearest heading names the section the links sit in: comments, or not.
                return self._comment_heading(heading)
            node = node.getparent()
        return False

    def _comment_heading(self, heading: etree._Element) -> bool:
        # "Komentar (12)", "12 Komentar": the count is no part of the name
        text = " ".join(_COUNT.sub(" ", short_text(heading, _HEADING_CHARS).lower()).split())
        return text in self._rules.comment_headings


def _heading_before(branch: etree._Element) -> etree._Element | None:
    for n, sibling in enumerate(branch.itersiblings(preceding=True)):
        if n >= _MAX_SIBLINGS:
            return None
        if sibling.tag in _HEADINGS:
            return sibling
    return None
