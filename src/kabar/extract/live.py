"""Live reports: a page of timed posts under one headline.

Two readings. JSON-LD first: a ``LiveBlogPosting`` with its ``liveBlogUpdate`` posts (headline,
``articleBody``, ``datePublished``). Else structure: a run of sibling blocks each starting with a
clock time ("14.05 WIB", "14:05", "2:05 p.m."); a post runs from one time-led block to the next, so
both one block per post and a flat run of paragraphs read the same. A run of time-led links (a
sidebar's "latest news" list) is not a live report: a post's text is mostly not link text.

Each post becomes a :class:`LiveEntry` without its share and embed furniture; its clock time is
resolved against the article's publication date (a post more than 12 hours before it is taken to
be after midnight). The body keeps only the report's introduction.
"""

from __future__ import annotations

import functools
import html
import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import islice, pairwise
from typing import Any

from lxml import etree

from kabar.extract.html_meta import PageMeta, ld_text
from kabar.extract.html_time import parse_iso
from kabar.extract.page_kind_rules import LiveRules, ld_types, page_kind_rules, short_text
from kabar.lang.dates import shift, to_zone
from kabar.lang.time import ZONES, zone_offset
from kabar.model import LiveEntry, normalise_space

_KEY_CHARS = 80
_MAX_POST_CHARS = 20_000
_MAX_LD_BODY_CHARS = 50_000
_MAX_CANDIDATES = 5
_MAX_FOLLOWERS = 50  # blocks after a time-led one that still belong to its post
_TEASER_SHARE = 0.6  # a post whose text is this much link text is a link to another page
_SKIP_TAGS = frozenset(
    ["script", "style", "nav", "aside", "footer", "form", "button", "figure", "iframe", "noscript"]
)
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_TEXT_BLOCKS = frozenset(["p", "li", "blockquote", "dd"])
_POSTS_PER_TURN = 20
_LEAD_SEPARATORS = " -–—:|,•"


@dataclass(frozen=True, slots=True)
class _Clock:
    text: str  # as printed, e.g. "14.05 WIB"
    hour: int
    minute: int
    zone: str | None  # "WIB"/"WITA"/"WIT" when printed


@dataclass(slots=True)
class LiveReport:
    entries: list[LiveEntry] = field(default_factory=list)
    post_keys: set[str] = field(default_factory=set)  # the posts' texts as body lines would read
    intro: list[str] = field(default_factory=list)  # the report's own summary (JSON-LD), if any
    source: str = "structure"
    published: datetime | None = None  # the report's own start (JSON-LD), when the page gives one
    dropped: int = 0  # posts past the bound, not read
    embeds: str = ""  # the posts' embeds and share rows, lower-case, one per line (bounded)

    def is_post_text(self, text: str) -> bool:
        """A body line belonging to a post: it stays out of the introduction."""
        key = _key(text)
        if key in self.post_keys:
            return True
        line = normalise_space(text).lower()
        if line and (f"\n{line}\n" in self.embeds or (len(line) >= _MIN_EMBED_PART and line in self.embeds)):
            return True  # a line of an embedded post or a share row inside a post
        clock = read_clock(text)
        if clock is None:
            return False
        rest = _after_clock(text, clock)
        return not rest or _key(rest) in self.post_keys


def _key(text: str) -> str:
    return normalise_space(text)[:_KEY_CHARS].lower()


@functools.cache
def _clock_re() -> re.Pattern[str]:
    rules = page_kind_rules().live
    suffixes = sorted({*rules.meridiem, *(z.lower() for z in ZONES)}, key=len, reverse=True)
    alternation = "|".join(re.escape(s) for s in suffixes)
    # Minutes not followed by another digit or by ".2020": "14.05.2020" is a date, "10.000" a number.
    return re.compile(
        rf"(?P<h>\d{{1,2}})[.:](?P<m>[0-5]\d)(?!\d|[.:]\d)(?:\s*(?P<s>{alternation})(?![a-z]))?",
        re.IGNORECASE,
    )


def read_clock(text: str) -> _Clock | None:
    """The clock time a line starts with, or None."""
    # No leading \s* in the pattern (on a run of spaces, searched, it would be quadratic): stripped here.
    m = _clock_re().match(text.lstrip()[:40])
    if m is None:
        return None
    hour, minute = int(m.group("h")), int(m.group("m"))
    suffix = (m.group("s") or "").lower()
    rules = page_kind_rules().live
    if suffix in rules.meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix in rules.pm else 0)
        zone = None
    else:
        zone = suffix.upper() or None
    if hour > 23:
        return None
    return _Clock(" ".join(m.group(0).split()), hour, minute, zone)


def _after_clock(text: str, clock: _Clock) -> str:
    text = text.lstrip()
    m = _clock_re().match(text[:40])
    rest = text[m.end() :] if m else text
    return rest.lstrip(_LEAD_SEPARATORS).strip()


def resolve(clock: _Clock, published: datetime | None) -> datetime | None:
    """The post's time on the article's day (in the printed zone, else the article's)."""
    if published is None or published.tzinfo is None:
        return None
    tz = zone_offset(clock.zone) if clock.zone else published.tzinfo
    if tz is None:
        return None
    day = to_zone(published, tz)
    if day is None:
        return None
    value = day.replace(hour=clock.hour, minute=clock.minute, second=0, microsecond=0)
    before = shift(published, -timedelta(hours=12))
    if before is not None and value < before:
        return shift(value, timedelta(days=1))  # after midnight, on a report begun the evening before
    return value


# ---------------------------------------------------------------- JSON-LD


def _ld_paragraphs(value: Any) -> list[str]:
    """A JSON-LD text as paragraphs; portals escape it as HTML ("&#39;") inside the JSON."""
    if not isinstance(value, str):
        return []
    text = html.unescape(value[:_MAX_LD_BODY_CHARS])
    return [p for line in text.split("\n") if (p := normalise_space(line))]


def _from_ld(meta: PageMeta, rules: LiveRules) -> LiveReport | None:
    for obj in meta.jsonld:
        if not ld_types(obj) & rules.types:
            continue
        updates = obj.get("liveBlogUpdate")
        if isinstance(updates, dict):
            updates = [updates]
        if not isinstance(updates, list) or not updates:
            continue
        report = LiveReport(source="json-ld", dropped=max(0, len(updates) - rules.max_posts))
        for update in updates[: rules.max_posts]:
            if not isinstance(update, dict):
                continue
            named = ld_text(update.get("headline"))
            headline = normalise_space(html.unescape(named)) if named else None
            paragraphs = _ld_paragraphs(update.get("articleBody") or update.get("text"))
            if not paragraphs:
                paragraphs = _ld_paragraphs(update.get("description"))
            if headline and paragraphs and _key(paragraphs[0]) == _key(headline):
                paragraphs = paragraphs[1:]
            raw = update.get("datePublished")
            when = parse_iso(raw) if isinstance(raw, str) else None
            if not headline and not paragraphs:
                continue
            report.entries.append(
                LiveEntry(
                    paragraphs=paragraphs,
                    published=when.value if when and when.value.tzinfo else None,
                    time_text=raw.strip() if isinstance(raw, str) and raw.strip() else None,
                    headline=headline,
                )
            )
            report.post_keys.update(_key(t) for t in [*(paragraphs), *([headline] if headline else [])])
        report.intro = _ld_paragraphs(obj.get("articleBody")) or _ld_paragraphs(obj.get("description"))
        start = obj.get("datePublished") or obj.get("coverageStartTime")
        began = parse_iso(start) if isinstance(start, str) else None
        report.published = began.value if began and began.value.tzinfo else None
        if report.entries:
            return report
    return None


# ---------------------------------------------------------------- structure


def _head(el: etree._Element) -> str:
    """The start of a block's text, its pieces spaced ("<span>14.05 WIB</span><h4>Judul" has no space)."""
    return " ".join(" ".join(t[:40] for t in islice(el.itertext(), 6)).split())[:40]


def _may_lead_with_clock(el: etree._Element) -> bool:
    """Whether :func:`_head` could start with a clock: its first printed character is a digit (a
    cheap look at the first pieces, before the head is joined and the pattern tried)."""
    for piece in islice(el.itertext(), 6):
        if start := piece[:40].lstrip():
            return start[0].isdigit()  # ``\d`` matches decimal digits, a subset of these
    return False


_MAX_EMBED_CHARS = 2_000
_MIN_EMBED_PART = 20  # a shorter line ("Jakarta") is taken from an embed only when it is the whole embed
_MAX_EMBEDS_CHARS = 50_000  # all embeds' text together: each body line is searched in it once


def _embed_text(el: etree._Element) -> str:
    """An embed's or share row's text, lower-case, as one line (bounded)."""
    return short_text(el, _MAX_EMBED_CHARS, pieces=200).lower()


def _is_furniture(el: etree._Element, rules: LiveRules) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    attrs = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    return bool(attrs.strip()) and any(word in attrs for word in rules.furniture_attr)


@dataclass(slots=True)
class _Post:
    entry: LiveEntry
    words: int
    link_chars: int
    chars: int
    keys: set[str]
    embeds: set[str]


def _read_post(blocks: list[etree._Element], clock: _Clock, rules: LiveRules) -> _Post:
    headline: str | None = None
    paragraphs: list[str] = []
    loose: list[str] = []  # text outside paragraphs ("<div>14.05 WIB Presiden tiba …</div>")
    link_chars = 0
    furniture: set[str] = set()
    budget = rules.max_post_nodes
    # (element, tail): tail=True stands for the text after the element, read in document order.
    stack: list[tuple[etree._Element, bool]] = [(b, False) for b in reversed(blocks)]
    while stack and budget > 0:
        el, tail = stack.pop()
        budget -= 1
        if tail:
            if el.tail and el.tail.strip():
                loose.append(normalise_space(el.tail))
            continue
        if not isinstance(el.tag, str):
            continue
        if _is_furniture(el, rules):
            furniture.add(_embed_text(el))  # an embedded post or share row leaves the body too
            continue
        tag = el.tag.lower()
        if tag in _HEADINGS or tag in _TEXT_BLOCKS:
            text = short_text(el, _MAX_POST_CHARS, pieces=400)
            link_chars += sum(len(short_text(a, _MAX_POST_CHARS, pieces=40)) for a in el.iter("a"))
            if text and tag in _HEADINGS and headline is None and not paragraphs:
                headline = text
            elif text:
                paragraphs.append(text)
            continue
        if tag == "a":
            link_chars += len(short_text(el, _MAX_POST_CHARS, pieces=40))
        if el.text and el.text.strip():
            loose.append(normalise_space(el.text))
        for child in reversed([c for c in el if isinstance(c.tag, str)]):
            stack.append((child, True))
            stack.append((child, False))
    keys = {_key(p) for p in paragraphs}
    if loose:
        line = normalise_space(" ".join(loose))
        keys |= {_key(line), _key(_after_clock(line, clock))}
        if not paragraphs:  # no paragraph elements: the loose text is the post
            paragraphs = [line]
        # Beside paragraphs, loose text is the post's label row (its time, author, "KEY EVENT").
    if paragraphs and read_clock(paragraphs[0]) is not None:
        paragraphs[0] = _after_clock(paragraphs[0], clock)
        keys.add(_key(paragraphs[0]))
    if headline and read_clock(headline) is not None:
        headline = _after_clock(headline, clock) or None
    if headline:
        keys.add(_key(headline))
    paragraphs = [p for p in paragraphs if p]
    chars = sum(len(p) for p in paragraphs) + len(headline or "")
    words = sum(len(p.split()) for p in paragraphs)  # a title alone is a list item, not a post
    entry = LiveEntry(paragraphs=paragraphs, time_text=clock.text, headline=headline)
    return _Post(entry, words, link_chars, chars, keys, furniture)


def _posts_of(children: list[etree._Element], clocks: list[_Clock | None], rules: LiveRules) -> list[_Post]:
    posts: list[_Post] = []
    i = 0
    while i < len(children) and len(posts) < rules.max_posts:
        clock = clocks[i]
        if clock is None:
            i += 1
            continue
        j = i + 1
        while j < len(children) and clocks[j] is None and j - i <= _MAX_FOLLOWERS:
            j += 1
        posts.append(_read_post(children[i:j], clock, rules))
        i = j
    return posts


def _in_time_order(clocks: list[_Clock]) -> bool:
    """Posts run newest first or oldest first; the clock may turn past midnight (once, or once in
    every ``_POSTS_PER_TURN`` posts of a report running for days)."""
    minutes = [c.hour * 60 + c.minute for c in clocks]
    later = sum(b > a for a, b in pairwise(minutes))
    earlier = sum(b < a for a, b in pairwise(minutes))
    return min(later, earlier) <= max(1, len(minutes) // _POSTS_PER_TURN)


def _from_structure(tree: etree._Element, rules: LiveRules) -> LiveReport | None:
    candidates: list[tuple[int, list[etree._Element], list[_Clock | None]]] = []
    for parent in tree.iter():
        if len(parent) < rules.min_posts or not isinstance(parent.tag, str) or parent.tag in _SKIP_TAGS:
            continue  # (too few children of any kind: no list built)
        children = [c for c in parent if isinstance(c.tag, str)]
        if len(children) < rules.min_posts:
            continue
        clocks = [read_clock(_head(c)) if _may_lead_with_clock(c) else None for c in children]
        led = sum(c is not None for c in clocks)
        if led >= rules.min_posts:
            candidates.append((led, children, clocks))
    candidates.sort(key=lambda c: -c[0])
    for _led, children, clocks in candidates[:_MAX_CANDIDATES]:
        posts = _posts_of(children, clocks, rules)
        if len(posts) < rules.min_posts:
            continue
        teasers = sum(p.chars > 0 and p.link_chars >= _TEASER_SHARE * p.chars for p in posts)
        if teasers * 2 >= len(posts):
            continue  # a list of timed links to other pages ("Berita terkini")
        if statistics.median(p.words for p in posts) < rules.min_post_words:
            continue  # a schedule ("19.00 WIB Pembukaan") or a playlist of titles, not reported posts
        if not _in_time_order([c for c in clocks if c is not None]):
            continue  # video durations ("01:45", "11:57") or scores: clock-shaped, in no order
        led_total = sum(c is not None for c in clocks)
        report = LiveReport(dropped=max(0, led_total - len(posts)))
        embeds: set[str] = set()
        for post in posts:
            report.entries.append(post.entry)
            report.post_keys |= post.keys
            embeds |= post.embeds
        report.embeds = ("\n" + "\n".join(sorted(e for e in embeds if e)))[:_MAX_EMBEDS_CHARS] + "\n"
        return report
    return None


def _enough_clocks(tree: etree._Element, needed: int) -> bool:
    """Whether the page's text holds ``needed`` clock times at all: a post's head starts with one,
    so a page with fewer has no live report (one pass of C over the text, no element visited)."""
    text = str(tree.xpath("string()"))
    return any(n + 1 >= needed for n, _m in enumerate(_clock_re().finditer(text)))


def find_live(tree: etree._Element, meta: PageMeta, published: datetime | None) -> LiveReport | None:
    """The page's live posts, or None when it is not a live report."""
    rules = page_kind_rules().live
    report = _from_ld(meta, rules)
    if report is None:
        if not _enough_clocks(tree, rules.min_posts):
            return None  # the structural scan reads every element's head: not where no post can be
        report = _from_structure(tree, rules)
        if report is None:
            return None
        for entry in report.entries:
            clock = read_clock(entry.time_text or "")
            entry.published = resolve(clock, published) if clock else None
    return report
