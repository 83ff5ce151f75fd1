"""Related-news lists: ``Berita terkait``, ``Baca Juga``, ``Rekomendasi`` and their items.

No extractor library keeps these lists (trafilatura drops them as boilerplate), but they are data
the engine links on. Headings and limits are data (``data/related.json``). Item shapes seen on
Indonesian portals, all read by one pass with one line of look-ahead:

* headline / age / headline again / description / ``Baca Selengkapnya``   (Tempo)
* headline / age  or  headline / absolute time                          (Kompas, Detik)
* age / headline                                                          (age printed first)
* ``Category | 2 jam lalu`` inside a line; a URL line after a headline
* bare headlines, one per line, bullets or numbers allowed               (inline ``Baca Juga`` lists)
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kabar.extract.furniture import classify_line
from kabar.extract.tables import load_table
from kabar.lang.time import find_age, parse_age, parse_time
from kabar.model import RelatedItem

__all__ = ["RelatedHeader", "RelatedList", "match_header", "parse_related"]

_MAX_HEADER_CHARS = 60
_MAX_ITEM_CHARS = 400


@dataclass(slots=True, frozen=True)
class RelatedHeader:
    text: str  # as printed
    scope: str  # "tail" | "inline"


@dataclass(slots=True)
class RelatedList:
    header: RelatedHeader | None
    items: list[RelatedItem] = field(default_factory=list)
    consumed: int = 0  # how many of the given lines the list took


@functools.cache
def _headers() -> dict[str, str]:
    return {h["text"].lower(): h["scope"] for h in load_table("related")["headers"]}


@functools.cache
def _header_patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    # Few and tried only on short lines that are no exact heading: a dict miss, then these.
    return tuple(
        (re.compile(h["pattern"]), h["scope"]) for h in load_table("related").get("header_patterns", [])
    )


# Bullets before and colons or arrows after a heading are how it is printed, not its words.
_HEADER_PUNCT = " •·*>»-–|#:：.…!"


_BULLET_STARTS = frozenset("•·*»>-–0123456789")


@functools.cache
def _bullet_re() -> re.Pattern[str]:
    return re.compile(r"^(?:[•·*»>\-–]+|\d{1,2}[.)])\s+")


@functools.cache
def _url_re() -> re.Pattern[str]:
    return re.compile(r"https?://\S+")


@functools.cache
def _sentence_end_re() -> re.Pattern[str]:
    return re.compile(r"[.!?\"”…]$")


def match_header(line: str) -> RelatedHeader | None:
    """The related-list heading the whole of ``line`` is, or None."""
    if len(line) > 2 * _MAX_HEADER_CHARS:
        return None
    return _match_header(line)


@functools.lru_cache(maxsize=4096)
def _match_header(line: str) -> RelatedHeader | None:
    # Cached: the reader asks about the same short line from several places; lines are bounded.
    text = line.strip()
    if not text or len(text) > _MAX_HEADER_CHARS:
        return None
    key = text.strip(_HEADER_PUNCT).lower()
    scope = _headers().get(key)
    if scope is None:
        scope = next((s for pattern, s in _header_patterns() if pattern.fullmatch(key)), None)
    return RelatedHeader(text=text, scope=scope) if scope is not None else None


@dataclass(slots=True)
class _Reader:
    captured_at: datetime | None
    inline: bool
    items: list[RelatedItem] = field(default_factory=list)
    current: RelatedItem | None = None
    current_has_meta: bool = False  # an age, time or repeated headline followed the headline
    current_repeated: bool = False  # the headline was printed twice: the next line describes it
    pending: RelatedItem | None = None  # an age or time printed before its headline

    def set_age(self, line: str) -> bool:
        age = parse_age(line, self.captured_at)
        if age is None and len(line) <= 80:
            age = find_age(line, self.captured_at)  # "Nasional | 2 jam lalu"
        if age is None:
            return False
        target = self.current if self.current is not None and self.current.age_text is None else None
        if target is None:
            self.pending = RelatedItem(headline="", age_text=age.text, age_seconds=age.seconds)
            self.pending.published = age.published
            return True
        target.age_text, target.age_seconds, target.published = age.text, age.seconds, age.published
        self.current_has_meta = True
        return True

    def set_time(self, line: str) -> bool:
        parsed = parse_time(line)
        if parsed is None:
            return False
        if self.current is not None and self.current.published is None:
            self.current.published = parsed.value
            self.current_has_meta = True
        else:
            self.pending = RelatedItem(headline="", published=parsed.value)
        return True

    def start(self, headline: str) -> None:
        item = RelatedItem(headline=headline)
        if self.pending is not None:
            item.age_text, item.age_seconds = self.pending.age_text, self.pending.age_seconds
            item.published = self.pending.published
            self.pending = None
        self.items.append(item)
        self.current = item
        self.current_has_meta = item.age_text is not None or item.published is not None
        self.current_repeated = False


def _is_meta_line(line: str) -> bool:
    return parse_age(line) is not None or parse_time(line) is not None


def _is_description(line: str, reader: _Reader, next_line: str | None) -> bool:
    item = reader.current
    if item is None or item.description is not None or not reader.current_has_meta:
        return False
    if reader.pending is not None or (next_line is not None and _is_meta_line(next_line)):
        return False  # the line is the next item's headline (headline/age or age/headline shape)
    if reader.current_repeated:
        return True
    min_words = int(load_table("related")["description_min_words"])
    return len(line.split()) >= min_words or bool(_sentence_end_re().search(line))


def parse_related(
    lines: Sequence[str],
    start: int = 0,
    header: RelatedHeader | None = None,
    captured_at: datetime | None = None,
    end: int | None = None,
) -> RelatedList:
    """Read related items from ``lines[start:]`` (the lines after ``header``) until the list ends.

    The list ends at a footer, tag or source row, another related heading, or — for inline lists —
    the first line that reads like body text. ``consumed`` says how many lines were taken. The
    lines are indexed, not sliced, so a page of many short lists stays linear.
    """
    inline = header is not None and header.scope == "inline"
    max_words = int(load_table("related")["inline_max_words"])
    reader = _Reader(captured_at=captured_at, inline=inline)
    stop = len(lines) if end is None else min(end, len(lines))
    index = start
    bulleted = False  # an inline list printed with bullets ends at the first line without one
    for index in range(start, stop):
        line = lines[index].strip()
        if not line:
            continue
        has_bullet = line[:1] in _BULLET_STARTS and _bullet_re().match(line) is not None
        if has_bullet:
            line = _bullet_re().sub("", line)
            bulleted = True
        elif inline and bulleted:
            break
        if not _take(reader, line, _next_nonblank(lines, index + 1, stop), max_words):
            break
    else:
        index = stop
    return RelatedList(header=header, items=reader.items, consumed=index - start)


def _take(reader: _Reader, line: str, next_line: str | None, max_words: int) -> bool:
    """Read one line into the list; False when the line ends the list instead."""
    if len(line) > _MAX_ITEM_CHARS or match_header(line) is not None:
        return False
    furniture = classify_line(line)
    if furniture is not None:
        if furniture.kind in ("footer", "tags", "sources"):
            return False
        if furniture.kind == "more":
            reader.current, reader.current_has_meta = None, False
        elif furniture.kind == "read_also" and furniture.value:
            reader.start(furniture.value)
        return True
    if reader.set_age(line) or reader.set_time(line):
        return True
    current = reader.current
    if current is not None and line.startswith("http") and _url_re().fullmatch(line):
        current.url = current.url or line
        return True
    if current is not None and line == current.headline:
        reader.current_has_meta = reader.current_repeated = True  # Tempo prints the headline twice
        return True
    if _is_description(line, reader, next_line):
        assert current is not None
        current.description = line
        return True
    if reader.inline and _reads_like_body(line, max_words):
        return False
    reader.start(line)
    return True


def _reads_like_body(line: str, max_words: int) -> bool:
    """Body text again after an inline list: too long for a headline, or a finished sentence."""
    words = len(line.split())
    return words > max_words or (words >= 6 and bool(_sentence_end_re().search(line)))


def _next_nonblank(lines: Sequence[str], start: int, stop: int) -> str | None:
    for line in lines[start : min(start + 3, stop)]:
        if line.strip():
            return line.strip()
    return None
