"""Page-level metadata of an HTML page: meta tags, JSON-LD, canonical URL.

Read before scripts are stripped (JSON-LD lives in ``<script>``); the JSON is
parsed, never executed.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from kabar.extract.tables import load_table
from kabar.sources.json_text import loads_text

_MAX_JSONLD_CHARS = 500_000
# Real JSON-LD nests a handful of levels (an article, its author, the author's image). CPython's
# json raises RecursionError on ~100,000 "[" and returns anything shallower, which the recursive
# readers below would then walk: a block nested deeper than this is unreadable.
MAX_LD_DEPTH = 32


@functools.cache
def _article_type_ends() -> tuple[str, ...]:
    return tuple(load_table("declared")["article_type_ends"])


def _is_article_type(name: str) -> bool:
    """NewsArticle, BlogPosting, WebPage and schema.org's subtypes of them (OpinionNewsArticle,
    MedicalWebPage …): the type names end in the kind (``data/declared.json``)."""
    return name.endswith(_article_type_ends())


@dataclass(slots=True)
class PageMeta:
    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict[str, Any]] = field(default_factory=list)
    canonical: str | None = None
    title: str | None = None
    lang: str | None = None

    def first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, []):
                if value.strip():
                    return value.strip()
        return None

    def all(self, *keys: str) -> list[str]:
        return [v.strip() for key in keys for v in self.meta.get(key, []) if v.strip()]

    def page_lds(self) -> list[dict[str, Any]]:
        """Every JSON-LD object describing the article or its page (NewsArticle, WebPage …), in
        page order: a Yoast ``@graph``'s WebPage may hold the time of day its Article omits."""
        out: list[dict[str, Any]] = []
        for obj in self.jsonld:
            types = obj.get("@type")
            names = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
            if any(_is_article_type(n) for n in names):
                out.append(obj)
        return out

    def article_ld(self) -> dict[str, Any] | None:
        """The JSON-LD object describing the article itself, if any."""
        best: dict[str, Any] | None = None
        for obj in self.jsonld:
            types = obj.get("@type")
            names = {str(t).lower() for t in (types if isinstance(types, list) else [types])}
            if any(_is_article_type(n) for n in names) and (best is None or "headline" in obj):
                best = obj
                if "newsarticle" in names or "article" in names:
                    return obj
        return best


def _flatten_ld(data: Any, out: list[dict[str, Any]], depth: int = 0) -> None:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            _flatten_ld(item, out, depth + 1)
    elif isinstance(data, dict):
        out.append(data)
        if "@graph" in data:
            _flatten_ld(data["@graph"], out, depth + 1)
        # A WebPage whose ``mainEntity`` is the NewsArticle: the article's own dates and headline.
        if isinstance(data.get("mainEntity"), dict | list):
            _flatten_ld(data["mainEntity"], out, depth + 1)


def _depth_within(data: Any, limit: int) -> bool:
    """Whether ``data`` nests no deeper than ``limit`` (walked with a stack, not recursion)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return True


def _loads(text: str) -> Any:
    try:
        return loads_text(text)  # lone surrogates ("\udcff") made U+FFFD: the text must encode as UTF-8
    except RecursionError:  # nested past the interpreter's limit: no reading of it can be trusted
        return None


def parse_page_json(text: str, max_chars: int) -> Any:
    """A JSON block of a page's script, parsed (never executed); None when longer than
    ``max_chars``, unreadable, or nested past the interpreter's limit. Depth is the caller's
    to bound: the value may nest as deep as json accepts."""
    text = text.strip()
    if not text or len(text) > max_chars:
        return None
    try:
        return _loads(text)
    except ValueError:
        # Portals often leave raw newlines or tabs inside JSON strings.
        try:
            return _loads(text.replace("\n", " ").replace("\r", " ").replace("\t", " "))
        except ValueError:
            return None


# A comma left before a closing bracket ("[\"a\", \"b\", ]"): hand-written templates leave it, and
# JSON refuses the whole block for it.
_TRAILING_COMMA = re.compile(r",(?=\s*+[\]}])")


def _parse_ld(text: str) -> Any:
    data = parse_page_json(text, _MAX_JSONLD_CHARS)
    if data is None and "," in text:
        # Only where the block failed to parse: a comma inside a string is left as it stands
        # wherever the block was valid JSON.
        data = parse_page_json(_TRAILING_COMMA.sub("", text), _MAX_JSONLD_CHARS)
    return data if _depth_within(data, MAX_LD_DEPTH) else None


def read_meta(tree: etree._Element) -> PageMeta:
    meta = PageMeta()
    for el in tree.iter("meta"):
        content = el.get("content")
        if content is None:
            continue
        named = (el.get("property") or el.get("name") or "").strip().lower()
        # Microdata's itemprop lists its properties apart ("datePublished dateCreated"), and
        # counts beside a property or name (nytimes.com: property="article:published" with it).
        props = (el.get("itemprop") or "").lower().split()
        for key in ([named] if named else []) + [p for p in props if p != named]:
            meta.meta.setdefault(key, []).append(content)
    for el in tree.iter("script"):
        if (el.get("type") or "").strip().lower() == "application/ld+json":
            _flatten_ld(_parse_ld(el.text or ""), meta.jsonld)
    for el in tree.iter("link"):
        rel = (el.get("rel") or "").lower().split()
        if "canonical" in rel and el.get("href"):
            meta.canonical = el.get("href", "").strip() or None
            break
    title = tree.find(".//title")
    if title is not None:
        meta.title = " ".join("".join(title.itertext()).split()) or None
    html_el = tree if tree.tag == "html" else tree.find(".//html")
    if html_el is not None:
        meta.lang = html_el.get("lang")
    return meta


def ld_text(value: Any, depth: int = 0) -> str | None:
    """A JSON-LD value as text: a string, or a ``{"name": ...}`` object."""
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        name = value.get("name")
        return name.strip() if isinstance(name, str) and name.strip() else None
    if isinstance(value, list) and value and depth < MAX_LD_DEPTH:
        return ld_text(value[0], depth + 1)
    return None


def ld_names(value: Any, depth: int = 0) -> list[str]:
    if isinstance(value, list):
        return [n for v in value for n in ld_names(v, depth + 1)] if depth < MAX_LD_DEPTH else []
    text = ld_text(value)
    return [text] if text else []
