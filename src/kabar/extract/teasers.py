"""Teaser links: the headline links an index or front page is made of.

A teaser is a link whose text reads like a headline (a few words at least) to an address other
than the page itself; counted once per address (front pages link their own sub-sites too). A body
line holding a teaser's opening words is a teaser line (front pages print "nasional 14 menit lalu
<headline> <summary>" as one line); body text in other lines is the page's prose: an article has
plenty, an index page next to none, or only short summaries under its headlines.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from kabar.extract.page_kind_rules import page_kind_rules, short_text
from kabar.sources.urls import join_url

_MAX_TEASER_CHARS = 200


@dataclass(frozen=True, slots=True)
class Teasers:
    count: int  # distinct addresses linked with a headline-like text
    prose_chars: int  # body text outside teaser lines
    teaser_lines: int  # body lines holding a teaser's text
    long_lines: int  # other body lines of a paragraph's length


def _words(text: str) -> list[str]:
    return text.lower().split()


def find_teasers(tree: etree._Element, url: str | None, paragraphs: list[str]) -> Teasers:
    rules = page_kind_rules().index
    width = rules.teaser_words
    own = (url or "").split("#")[0].rstrip("/")
    targets: set[str] = set()
    openings: set[tuple[str, ...]] = set()  # the first ``width`` words of each teaser text
    for n, a in enumerate(tree.iter("a")):
        if n >= rules.max_links:
            break
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        words = _words(short_text(a, _MAX_TEASER_CHARS))
        if len(words) < width:
            continue
        target = join_url(url, href)
        if target is None:
            continue
        target = target.split("#")[0].rstrip("/")
        if target and target != own:
            targets.add(target)
            openings.add(tuple(words[:width]))
    prose = teaser_lines = long_lines = 0
    for paragraph in paragraphs:
        words = _words(paragraph)
        # One pass of word windows: linear in the line, whatever the number of teasers.
        if any(tuple(words[i : i + width]) in openings for i in range(max(0, len(words) - width + 1))):
            teaser_lines += 1
            continue
        prose += len(paragraph)
        long_lines += len(paragraph) >= rules.long_line_chars
    return Teasers(len(targets), prose, teaser_lines, long_lines)
