"""trafilatura's body cascade for kabar's settings, with the raw tree pruned once per page.

kabar asks trafilatura up to three times for one page (precision, its full mode, recall). Each
public call copies the tree and prunes it with the same three XPath expressions before anything
depends on the setting (``trafilatura_sequence``'s raw-tree prune), and those expressions test
every ``<div>`` and ``<section>`` through lxml's EXSLT regular expressions, a Python callback per
attribute: a tenth of kabar's time on the Zyte pages. Here the copy is pruned once, by the same
regular expressions applied in Python (the same elements, deleted in the same order), and every
call runs the rest of ``trafilatura_sequence`` and ``bare_extraction`` on that one pruned tree,
which none of those steps changes (each copies what it alters). The backup of the cleaned tree
that only the full mode's comparison reads is not made in fast mode.

This leans on trafilatura's internals, so it runs only on the version it was written against
and only while trafilatura's prune expressions read as transcribed here
(:func:`cascade_supported`); anything else (another version, a forum page, which prunes its
recall tree otherwise, or options kabar does not use) goes through ``trafilatura.extract``.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from trafilatura import core, xpaths
from trafilatura.settings import Extractor
from trafilatura.xml import delete_element

__all__ = ["PrunedTree", "body_text", "cascade_supported", "prune_raw"]

# The version whose ``trafilatura_sequence``/``bare_extraction`` steps body_text follows.
_PINNED_VERSION = "2.3.1"

_Test = Callable[[etree._Element], bool]


@dataclass(frozen=True, slots=True)
class _Prune:
    """One of trafilatura's prune expressions: the tags it selects and its test of one element."""

    tags: tuple[str, ...]
    test: _Test


def _attr_test(pattern: str) -> Callable[[etree._Element], bool]:
    """``re:test(@id, p) or re:test(@class, p)`` as lxml evaluates it: a missing attribute is ''."""
    search = re.compile(pattern).search
    return lambda el: bool(search(el.get("id", "")) or search(el.get("class", "")))


def _id_or_class(id_pattern: str, class_pattern: str) -> Callable[[etree._Element], bool]:
    id_search, class_search = re.compile(id_pattern).search, re.compile(class_pattern).search
    return lambda el: bool(id_search(el.get("id", "")) or class_search(el.get("class", "")))


@functools.cache
def _expressions() -> dict[str, tuple[str, _Prune]]:
    """Each prune: trafilatura's expression text, as its ``xpaths`` module writes it from its
    patterns, beside the same selection written in Python."""
    comments_id, comments_class = xpaths._COMMENTS_ID, xpaths._COMMENTS_CLASS
    scroll, post_add = "mvp-post-add-(?:box|wrap)|infinite-?scroll", "mvp-post-add-(?:box|wrap)"
    scroll_test, post_add_test = _attr_test(scroll), _attr_test(post_add)
    comment_test = _id_or_class(f"^(?:{comments_id}|disqus_thread|dsq-comments)", comments_class)
    list_test = _id_or_class(f"^(?:{comments_id})", comments_class)
    return {
        "scroll": (
            f"""
        .//*[self::div or self::section or self::aside][
        re:test(@id, '{scroll}') or
        re:test(@class, '{scroll}')][
        not(.//h1) or re:test(@id, '{post_add}') or re:test(@class, '{post_add}')]
        """,
            _Prune(
                ("div", "section", "aside"),
                lambda el: (
                    scroll_test(el) and (next(el.iterdescendants("h1"), None) is None or post_add_test(el))
                ),
            ),
        ),
        "share": (
            ".//*[self::div or self::section or self::aside][contains(@class, 'elementor-share-buttons')]",
            _Prune(("div", "section", "aside"), lambda el: "elementor-share-buttons" in el.get("class", "")),
        ),
        "comments_and_lists": (
            f"""
        .//*[self::div or self::list or self::section or self::details or self::ol or self::ul][
        re:test(@id, '^(?:{comments_id}|disqus_thread|dsq-comments)') or
        re:test(@class, '{comments_class}')][
        not(self::ol or self::ul) or re:test(@id, '^(?:{comments_id})') or re:test(@class, '{comments_class}')]
        """,
            _Prune(
                ("div", "list", "section", "details", "ol", "ul"),
                lambda el: comment_test(el) and (el.tag not in ("ol", "ul") or list_test(el)),
            ),
        ),
        "comments": (
            f"""
        .//*[self::div or self::list or self::section or self::details][
        re:test(@id, '^(?:{comments_id}|disqus_thread|dsq-comments)') or
        re:test(@class, '{comments_class}')]
        """,
            _Prune(("div", "list", "section", "details"), comment_test),
        ),
    }


def _installed() -> dict[str, list[etree.XPath]]:
    return {
        "raw": xpaths.RAW_TREE_PRUNE_XPATH,
        "comments_and_lists": xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH,
        "comments": xpaths.REMOVE_COMMENTS_XPATH,
    }


@functools.cache
def cascade_supported() -> bool:
    """Whether the installed trafilatura is the one :func:`body_text` follows step for step and
    its prune expressions are the ones written here in Python."""
    if trafilatura.__version__ != _PINNED_VERSION:
        return False
    written = {name: path for name, (path, _) in _expressions().items()}
    installed = {name: [x.path for x in exprs] for name, exprs in _installed().items()}
    return installed == {
        "raw": [written["scroll"], written["share"]],
        "comments_and_lists": [written["comments_and_lists"]],
        "comments": [written["comments"]],
    }


def _prune(tree: etree._Element, *names: str) -> None:
    """``prune_unwanted_nodes(tree, expressions)``: each expression selects on the tree as the one
    before left it, and its matches go in document order, their tails kept."""
    expressions = _expressions()
    for name in names:
        prune = expressions[name][1]
        for el in [e for e in tree.iterdescendants(*prune.tags) if prune.test(e)]:
            delete_element(el)


@dataclass(slots=True)
class PrunedTree:
    """The page as every call of trafilatura's cascade starts from it (comments off)."""

    tree: lxml_html.HtmlElement
    forum: bool


def prune_raw(tree: lxml_html.HtmlElement) -> PrunedTree:
    """A copy of ``tree`` pruned as ``trafilatura_sequence`` prunes its raw tree with comments
    off: the follow-up articles and share buttons, then comment sections and lists (on a forum
    thread the recall setting keeps those: :func:`body_text` leaves such pages to trafilatura)."""
    pruned = copy.copy(tree)
    forum = core._forum_thread_page(pruned)
    _prune(pruned, "scroll", "share", "comments_and_lists")
    return PrunedTree(pruned, forum)


def _handled(page: PrunedTree, options: Extractor) -> bool:
    """The settings whose cascade :func:`body_text` follows: kabar's (text, no comments, no
    metadata, deduplication or language filter), precision or recall, not on a forum thread."""
    return (
        not page.forum
        and options.focus in ("precision", "recall")
        and options.format == "txt"
        and not (options.comments or options.with_metadata or options.dedup or options.lang)
    )


def _sequence(page: PrunedTree, options: Extractor) -> tuple[etree._Element, str]:
    """``trafilatura_sequence`` after its raw-tree prune, for the settings :func:`_handled` takes."""
    tree = page.tree
    cleaned = core.tree_cleaning(copy.copy(tree), options)
    backup = None if options.fast else copy.copy(cleaned)  # only the full mode's comparison reads it
    cleaned = core.convert_tags(cleaned, options, options.url)
    if options.focus == "precision":
        _prune(cleaned, "comments")
    postbody, text = core.extract_content(cleaned, options)
    if backup is not None:
        postbody, text = core.compare_extraction(backup, copy.copy(tree), postbody, text, options)
    if len(text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = core.baseline(tree)
        if b_len > len(text):
            postbody, text = b_body, b_text
    return postbody, text


def body_text(page: PrunedTree, options: Extractor) -> str | None:
    """``trafilatura.extract(tree, options=options) or ""`` read from the pruned tree, or None
    where the settings or the page are not ones this follows (the caller asks trafilatura)."""
    if not _handled(page, options):
        return None
    try:
        postbody, text = _sequence(page, options)
        if options.max_tree_size:
            if len(postbody) > options.max_tree_size:
                etree.strip_tags(postbody, "hi")
            if len(postbody) > options.max_tree_size:
                return ""
        if len(text) < options.min_output_size and options.min_output_comm_size > 0:
            return ""  # the text is too short and there are no comments
    except (TypeError, ValueError):  # as bare_extraction: an extraction problem discards the page
        return ""
    document = core.Document()
    document.raw_text, document.commentsbody, document.body = text, etree.Element("body"), postbody
    return core.determine_returnstring(document, options)
