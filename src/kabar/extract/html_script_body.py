"""Article text a page holds in a script, for pages whose visible body is empty or a teaser.

Next.js prints an empty shell and the story in ``<script id="__NEXT_DATA__">``; Nuxt 3 in
``__NUXT_DATA__``; other sites in ``<script type="application/json">`` stores, or the whole text
in JSON-LD ``articleBody`` under a teaser. The JSON is parsed, never executed (``window.__NUXT__=``
is JavaScript and is not read), its size and the walk's depth and length are bounded, and
nothing here raises: an unreadable script is no script. The story is found generically, never by
a site's key path: the longest string under a body-like key (``data/script_body.json``) that reads
like prose, or any string holding several ``<p>`` elements.

The script's text replaces the page's body only when the page's own body is empty, or clearly
shorter than the script's (less than half) and made of the script's words: a teaser that the
script's text extends. A page whose visible body is as long keeps it.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from kabar.extract import ExtractError
from kabar.extract.html_blocks import walk_container
from kabar.extract.html_body import Body
from kabar.extract.html_meta import PageMeta, parse_page_json
from kabar.extract.html_parse import parse_html, strip_inert
from kabar.extract.tables import load_table
from kabar.model import normalise_space

_MAX_SCRIPT_CHARS = 5_000_000  # JSON read per page, all scripts together
_MAX_SCRIPTS = 16
_MAX_DEPTH = 64  # Next.js props nest a dozen levels; deeper parts are not walked
_MAX_NODES = 100_000  # JSON values visited per page (a news page's __NEXT_DATA__: ~10,000)
_MIN_HELD_CHARS = 200  # shorter script text is a teaser or a summary itself
_EMPTY_PAGE_CHARS = 100  # a page body this short is an empty shell (a "Loading…" line)
_TEASER_SHARE = 0.5  # the page's body must be shorter than this share of the script's
_MIN_OVERLAP = 0.5  # share of the page body's word triples the script's text holds
_SHINGLE = 3
_MAX_OVERLAP_WORDS = 50_000  # a long feature is 10,000 words
_MIN_PROSE_WORDS = 30
_MAX_MEAN_WORD = 15  # base64, URLs and ids have long "words"; prose does not
_MIN_HTML_PARAGRAPHS = 2
_HTML_PARAGRAPH = re.compile(r"<p[\s>]", re.IGNORECASE)
_HTML_BLOCK = re.compile(r"<(?:p|br|div|h[1-6]|ul|ol|li|blockquote|figure)[\s>/]", re.IGNORECASE)
_REBREAK_SLACK = 0.2  # entities and markup make the two lengths differ a little
_WORD = re.compile(r"\w+")
_KEY_NOISE = re.compile(r"[_\-\s]")
_JSON_TYPE = "application/json"
_LD_SOURCE = "JSON-LD articleBody"


@dataclass(frozen=True, slots=True)
class _Words:
    body_keys: frozenset[str]
    script_ids: frozenset[str]


def _entries(values: list[Any]) -> list[str]:
    out = [v.get("word") if isinstance(v, dict) else v for v in values]
    return [v for v in out if isinstance(v, str) and v]


@functools.cache
def _words() -> _Words:
    table = load_table("script_body")
    return _Words(
        body_keys=frozenset(k.lower() for k in _entries(table["body_keys"])),
        script_ids=frozenset(_entries(table["script_ids"])),
    )


@dataclass(frozen=True, slots=True)
class HeldText:
    source: str  # where the text was read, for the note
    text: str


@dataclass(slots=True)
class HeldScripts:
    """The page's JSON scripts, as text (read before scripts are stripped), and JSON-LD's articleBody."""

    scripts: list[HeldText] = field(default_factory=list)  # JSON text; ``source``: the id or type
    ld_body: str | None = None


@dataclass(slots=True)
class HeldBody:
    body: Body
    note: str


def read_held_scripts(tree: etree._Element, meta: PageMeta) -> HeldScripts:
    """Keep the JSON scripts' text for :func:`held_body`; call before ``strip_inert``."""
    held = HeldScripts()
    ld = meta.article_ld()
    value = ld.get("articleBody") if ld else None
    if isinstance(value, str) and value.strip():
        held.ld_body = value
    budget = _MAX_SCRIPT_CHARS
    ids = _words().script_ids
    for el in tree.iter("script"):
        if len(held.scripts) >= _MAX_SCRIPTS:
            break
        sid = (el.get("id") or "").strip()
        if sid not in ids and (el.get("type") or "").strip().lower() != _JSON_TYPE:
            continue
        text = el.text or ""
        if text.strip() and len(text) <= budget:
            budget -= len(text)
            held.scripts.append(HeldText(sid or _JSON_TYPE, text))
    return held


def _is_prose(text: str) -> bool:
    words = text.split()
    return len(words) >= _MIN_PROSE_WORDS and len(text) <= _MAX_MEAN_WORD * len(words)


def _is_story_html(text: str) -> bool:
    return len(_HTML_PARAGRAPH.findall(text)) >= _MIN_HTML_PARAGRAPHS


def _block_texts(items: list[Any], keys: frozenset[str]) -> str | None:
    """A list of blocks each holding its text under a body-like key (``[{"type": "paragraph",
    "text": …}, …]``, how block editors store a story): their texts, one line each."""
    texts: list[str] = []
    for item in items:
        if isinstance(item, dict):
            texts.extend(
                v
                for k, v in item.items()
                if isinstance(v, str) and _KEY_NOISE.sub("", str(k)).lower() in keys
            )
    return "\n".join(texts) if len(texts) >= _MIN_HTML_PARAGRAPHS else None


def _longest_story(data: Any) -> str | None:
    """The longest string under a body-like key that reads as prose, or holding several <p>, or a
    list of such blocks joined. An iterative walk, at most ``_MAX_DEPTH`` deep and about
    ``_MAX_NODES`` values long."""
    keys = _words().body_keys
    best = ""
    stack: list[tuple[Any, str, int]] = [(data, "", 0)]
    visited = 0
    while stack and visited < _MAX_NODES:
        value, key, depth = stack.pop()
        visited += 1
        if isinstance(value, str):
            if len(value) > max(len(best), _MIN_HELD_CHARS - 1) and (
                (key in keys and _is_prose(value)) or _is_story_html(value)
            ):
                best = value
        elif depth < _MAX_DEPTH and isinstance(value, dict):
            stack.extend((v, _KEY_NOISE.sub("", str(k)).lower(), depth + 1) for k, v in value.items())
        elif depth < _MAX_DEPTH and isinstance(value, list):
            visited += len(value)  # the blocks' look below reads each item once more
            joined = _block_texts(value, keys)
            if joined is not None and len(joined) > len(best) and _is_prose(joined):
                best = joined
            stack.extend((v, "", depth + 1) for v in value)
    return best or None


def _paragraphs(text: str, base: str | None) -> list[str]:
    """The script's text as paragraphs: HTML read by kabar's walker, plain text split at newlines."""
    if _HTML_BLOCK.search(text) is None:
        return [p for line in html.unescape(text).splitlines() if (p := normalise_space(line))]
    try:
        parsed = parse_html(text)
    except ExtractError:
        return []
    strip_inert(parsed.tree)
    root = parsed.tree.find(".//body")
    return walk_container(root if root is not None else parsed.tree, base).paragraphs


def _word_list(paragraphs: list[str], limit: int) -> list[str]:
    words: list[str] = []
    for p in paragraphs:
        words.extend(_WORD.findall(p.lower()))
        if len(words) >= limit:
            break
    return words[:limit]


def _shingles(words: list[str]) -> set[tuple[str, ...]]:
    if len(words) < _SHINGLE:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _extends(page: list[str], held: list[str]) -> bool:
    """Most of the page's word triples are in the script's text: the page shows a part of it."""
    page_sh = _shingles(_word_list(page, _MAX_OVERLAP_WORDS))
    if not page_sh:
        return False
    held_sh = _shingles(_word_list(held, _MAX_OVERLAP_WORDS))
    return len(page_sh & held_sh) >= _MIN_OVERLAP * len(page_sh)


def _candidates(held: HeldScripts, need: int) -> list[HeldText]:
    found: list[HeldText] = []
    if held.ld_body is not None:
        found.append(HeldText(_LD_SOURCE, held.ld_body))
    for script in held.scripts:
        if len(script.text) < need:
            continue  # no string inside it is longer than the script
        story = _longest_story(parse_page_json(script.text, _MAX_SCRIPT_CHARS))
        if story is not None:
            found.append(HeldText(f"the {script.source} script", story))
    return found


def _rebroken(body: Body, held: HeldScripts, base: str | None) -> HeldBody | None:
    """The page's one paragraph is JSON-LD's articleBody run together (trafilatura falls back to
    it on a page it cannot read): the same words, with articleBody's paragraph breaks."""
    if len(body.paragraphs) != 1 or held.ld_body is None:
        return None
    if abs(len(held.ld_body) - len(body.paragraphs[0])) > _REBREAK_SLACK * len(body.paragraphs[0]):
        return None
    paragraphs = _paragraphs(held.ld_body, base)
    page_words = _word_list(body.paragraphs, _MAX_OVERLAP_WORDS)
    if len(paragraphs) < 2 or _word_list(paragraphs, _MAX_OVERLAP_WORDS) != page_words:
        return None
    note = f"paragraph breaks from {_LD_SOURCE}: the page's body is its text run together"
    return HeldBody(Body(paragraphs, body.images, body.links, body.container, "script"), note)


def held_body(body: Body, held: HeldScripts, base: str | None) -> HeldBody | None:
    """The script's text as the body, when the page's own body is empty or a teaser of it."""
    if (same := _rebroken(body, held, base)) is not None:
        return same
    page_chars = sum(len(p) for p in body.paragraphs)
    need = max(_MIN_HELD_CHARS, int(page_chars / _TEASER_SHARE) + 1)
    best: list[str] = []
    best_chars = 0
    source = ""
    for candidate in _candidates(held, need):
        if len(candidate.text) < need:
            continue  # markup included, still too short to extend the page
        paragraphs = _paragraphs(candidate.text, base)
        chars = sum(len(p) for p in paragraphs)
        if chars >= need and chars > best_chars:
            best, best_chars, source = paragraphs, chars, candidate.source
    if not best or (page_chars >= _EMPTY_PAGE_CHARS and not _extends(body.paragraphs, best)):
        return None
    note = (
        f"body read from {source}: the page's visible body held {page_chars} characters, "
        f"the script {best_chars}"
    )
    return HeldBody(Body(best, body.images, body.links, body.container, "script"), note)


__all__ = ["HeldBody", "HeldScripts", "HeldText", "held_body", "read_held_scripts"]
