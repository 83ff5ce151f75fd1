"""The flattened-page reader: a news page as a crawler flattened it to text → :class:`Article`.

A flattened page keeps the page's reading order but no markup: headline, a time line, captions
with their credits, the dateline paragraph, body, page furniture, a ``Sumber`` block and
related-news lists, one per line (blank lines between them or not, ``\\n`` or ``\\r\\n``), often
inside the whole site's menus and sidebars. trafilatura and its peers need markup to tell these
apart, so this reader works on the lines, with the heuristics kept as data (``data/*.json``) in
small modules it shares with the HTML reader: :mod:`~kabar.extract.dateline`,
:mod:`~kabar.extract.credits`, :mod:`~kabar.extract.furniture`, :mod:`~kabar.extract.byline`,
:mod:`~kabar.extract.related_list`, :mod:`kabar.lang.time`. :mod:`~kabar.extract.flat_head` finds
the head and the body's start; this module reads the body and what follows it. A page of
credited captions with little text is a photo gallery, by the HTML reader's rule
(:mod:`~kabar.extract.gallery`): its captions are its text.

Every step is one pass over the lines with bounded work per line, so the reader is linear in the
page size (a 20 MB page is read in seconds, see the tests).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from kabar.extract.byline import Byline, parse_byline
from kabar.extract.credits import CreditSplit, split_credit
from kabar.extract.dateline import outlet_for_domain
from kabar.extract.flat_head import Head, find_head
from kabar.extract.flat_lines import FlatOptions, is_prose, split_units, time_line
from kabar.extract.flat_restate import restates
from kabar.extract.furniture import classify_line, split_list
from kabar.extract.gallery import (
    caption_key,
    caption_keys,
    counts_as_caption,
    make_gallery,
    prose_chars,
    reads_as_gallery,
)
from kabar.extract.gallery_counter import counted_gallery
from kabar.extract.language import guess_language
from kabar.extract.people_credits import Credits, dateline_agency, opening_agency
from kabar.extract.related_list import match_header, parse_related
from kabar.extract.time_zone import shown_zone, stored_time
from kabar.model import Article, Image, RawPage

__all__ = ["FlatOptions", "extract_flat", "split_units"]

_SENTENCE_END = '.!?"”’)…:'


# ------------------------------------------------------------------------------ the body


@dataclass(slots=True)
class _Pending:
    image: Image
    raw: str
    named: bool
    in_body: bool


@dataclass(slots=True)
class _State:
    article: Article
    options: FlatOptions
    images: list[_Pending] = field(default_factory=list)
    bylines: list[Byline] = field(default_factory=list)
    mode: str = "body"  # body | sources | tags | tail
    held: list[str] = field(default_factory=list)  # short body lines waiting for prose after them
    done: bool = False


@functools.cache
def _url_re() -> re.Pattern[str]:
    return re.compile(r"https?://\S+")


def _add_image(state: _State, split: CreditSplit, raw: str, in_body: bool) -> None:
    image = Image(caption=split.caption or None, credit=split.credit, position=len(state.article.paragraphs))
    state.images.append(_Pending(image, raw, split.named, in_body))


def _caption(state: _State, unit: str, in_body: bool) -> bool:
    """Read ``unit`` as an image caption with a credit, if it is one."""
    split = split_credit(unit)
    if split.credit is None:
        return False
    if in_body and state.held:  # the held lines stand before the photo: they are the story's
        state.article.paragraphs.extend(state.held)
        state.held.clear()
    if split.caption:
        _add_image(state, split, unit, in_body)
        return True
    paragraphs = state.article.paragraphs
    if split.named and in_body and paragraphs:
        # A credit on its own line credits the caption printed just before it.
        caption = paragraphs.pop()
        _add_image(state, CreditSplit(caption, split.credit, True), f"{caption} {unit}", in_body)
        return True
    if split.named and not in_body:
        _add_image(state, split, unit, in_body)  # a photo above the story, credited, uncaptioned
        return True
    return False


def _furniture(state: _State, unit: str) -> bool:
    """Handle ``unit`` if it is furniture, a tag/source row, a byline or a related list header."""
    furniture = classify_line(unit)
    article = state.article
    if furniture is not None:
        if furniture.kind == "footer":
            state.done = True
        elif furniture.kind == "tags":
            state.mode = "tail" if furniture.value else "tags"
            article.tags.extend(t for t in split_list(furniture.value or "", False) if t not in article.tags)
        elif furniture.kind == "sources":
            state.mode = "tail" if furniture.value else "sources"
            if furniture.value:
                _add_source(article, furniture.value)
        return True
    byline = parse_byline(unit)
    if byline:
        state.bylines.extend(byline)
        return True
    return False


def _add_source(article: Article, value: str) -> None:
    values = [value] if _url_re().search(value) else split_list(value)
    article.sources.extend(v for v in values if v not in article.sources)


def _section_line(state: _State, unit: str) -> bool:
    """Lines under a ``Sumber`` or tag header: short names or URLs; anything else ends the block."""
    words = unit[:200].split()
    short = len(words) <= 6 and len(unit) <= 200 and unit[-1] not in ".!?"
    if state.mode == "sources" and (_url_re().fullmatch(unit) or short):
        _add_source(state.article, unit)
        return True
    if state.mode == "tags" and len(words) <= 4 and short:
        state.article.tags.extend(t for t in split_list(unit, False) if t not in state.article.tags)
        return True
    state.mode = "tail"
    return False


def _walk(units: list[str], start: int, state: _State) -> None:
    """Read the body and what follows it, from ``start`` to the end of the page."""
    article, options = state.article, state.options
    index = start
    while index < len(units) and not state.done:
        unit = units[index]
        index += 1
        header = match_header(unit)
        if header is not None and header.scope == "tail":
            _end_body(state)
        if header is not None:
            related = parse_related(units, index, header, article.captured_at)
            article.related.extend(related.items)
            index += related.consumed
            if header.scope == "tail":
                state.mode = "tail"
            continue
        if _furniture(state, unit):
            if state.mode != "body" or state.done:
                _end_body(state)
            continue
        if state.mode in ("sources", "tags") and _section_line(state, unit):
            continue
        if state.mode != "body":
            continue
        line = time_line(unit, options)
        if line is not None:
            if line.modified and article.modified is None:
                article.modified = line.time.value
            if line.modified or line.clock or not article.paragraphs:
                continue  # an update stamp or the page's own time, not story text
            # A date alone inside the story ("Selasa, 9 Agustus 2016" over a schedule's entry) is
            # story text: held like any short line, kept once prose follows it.
        if _caption(state, unit, in_body=True):
            continue
        _body_line(state, unit)
    _end_body(state)


def _reads_as_prose(unit: str, options: FlatOptions) -> bool:
    """A finished sentence of some length, or a long paragraph: article text, where menus and
    headline lists (no final full stop) are not."""
    words = len(unit[:1000].split())
    return words >= options.min_unpunctuated_words or (words >= 4 and unit[-1] in _SENTENCE_END)


def _body_line(state: _State, unit: str) -> None:
    """A body line. Short unfinished lines are held back until prose follows them (a list inside
    the story); a long run of them means the story has ended and the site's lists begin."""
    options = state.options
    if _reads_as_prose(unit, options):
        paragraphs = state.article.paragraphs
        paragraphs.extend(state.held)
        state.held.clear()
        if len(unit) <= options.restate_max_chars and restates(
            unit, paragraphs[-options.restate_window :], options.restate_min_words, options.restate_max_words
        ):
            # A photo's caption (or a pull quote) repeating the paragraph above: not story text.
            image = Image(caption=unit, position=len(paragraphs))
            state.images.append(_Pending(image, unit, named=False, in_body=True))
            return
        paragraphs.append(unit)
        return
    state.held.append(unit)
    if len(state.held) >= options.max_body_gap:
        state.held.clear()
        state.mode = "tail"


def _end_body(state: _State) -> None:
    """The story ends (a tag row, a related heading, a footer, the page's end): lines still held
    are its closing list (a results table, a line-up), fewer than ``max_body_gap`` of them. A date
    alone at the end heads nothing: the page's furniture (a footer's date), not story text."""
    while state.held and time_line(state.held[-1], state.options) is not None:
        state.held.pop()
    state.article.paragraphs.extend(state.held)
    state.held.clear()


def _prelude(units: list[str], head: Head, state: _State) -> None:
    """Lines between the head and the body: captions (images before paragraph 0), bylines, related
    lists printed above the story, a teaser (the description)."""
    for index in range(head.start, head.end):  # a byline or subtitle between headline and time
        if index in (head.headline, head.published_at):
            continue
        byline = parse_byline(units[index])
        if byline:
            state.bylines.extend(byline)
        elif state.article.description is None and is_prose(units[index], state.options):
            state.article.description = units[index]
    index = head.end
    while index < head.body:
        unit = units[index]
        index += 1
        header = match_header(unit)
        if header is not None:
            related = parse_related(units, index, header, state.article.captured_at, end=head.body)
            state.article.related.extend(related.items)
            index += related.consumed
            continue
        if _furniture(state, unit) or time_line(unit, state.options) is not None:
            continue
        if _caption(state, unit, in_body=False):
            continue
        if state.article.description is None and is_prose(unit, state.options):
            state.article.description = unit
    state.mode = "body"  # a tag row above the body does not end the body
    state.done = False


# ------------------------------------------------------------------------------ the article


def _finish(state: _State, units: list[str], head: Head) -> None:
    article = state.article
    for pending in state.images:
        # A bare-agency credit ("… (Reuters)") on the last paragraph is the story's attribution,
        # not a photo: an image needs a body paragraph after it, or a credit naming someone.
        credited = pending.image.credit is not None  # a restated caption has none: never text
        if (
            credited
            and pending.in_body
            and not pending.named
            and pending.image.position >= len(article.paragraphs)
        ):
            article.paragraphs.append(pending.raw)
            continue
        article.images.append(pending.image)
    _settle_gallery(article, units)
    credits = Credits()
    credits.add_bylines(state.bylines)
    opening = article.paragraphs[0] if article.paragraphs else None
    if (agency := dateline_agency(article.dateline) or opening_agency(opening)) is not None:
        credits.add(agency, "agency")
    article.contributors = credits.contributors
    article.authors = credits.writers()  # never the editors
    if head.headline is not None:
        article.headline = units[head.headline]
        article.section = head.section
    if head.published is not None:
        article.published = stored_time(head.published.value, head.published.precision)
        article.published_text = head.published.text
        article.published_precision = head.published.precision
        article.published_zone = shown_zone(
            None if head.published.zone_assumed else head.published.zone, head.published.value
        )
    if head.modified is not None and article.modified is None:
        article.modified = stored_time(head.modified.value, head.modified.precision)
        article.modified_precision = head.modified.precision
    if article.outlet is None and article.url:
        article.outlet = outlet_for_domain(article.url)
    article.language = guess_language(article.paragraphs)
    checks = {
        "headline": article.headline,
        "published": article.published,
        "outlet": article.outlet,
        "paragraphs": article.paragraphs,
    }
    article.missing = [name for name, value in checks.items() if not value]


def _settle_gallery(article: Article, units: list[str]) -> None:
    """Captioned photos with little text around them are a photo gallery, by the HTML reader's
    rule (:mod:`~kabar.extract.gallery`). Flat text has no caption elements: a line is known as a
    caption by its photo credit (inline or on the next line), so only credited captions count; a
    restated caption without one may be a pull quote. What declares a gallery in flat text is its
    photo counter (:mod:`~kabar.extract.gallery_counter`): each counted photo's caption is the line
    after its counter, credited or not, and the counters are not text."""
    photos = [i for i in article.images if i.credit is not None and counts_as_caption(i.caption)]
    if reads_as_gallery(photos, prose_chars(article.paragraphs, caption_keys(photos)), declared=False):
        make_gallery(article, photos)
        return
    counted = counted_gallery(units)
    if counted is None:
        return
    counters = {units[i].strip() for i in counted.counter_lines}
    paragraphs = [p for p in article.paragraphs if p.strip() not in counters]
    keys = caption_keys(counted.photos)
    if not reads_as_gallery(counted.photos, prose_chars(paragraphs, keys), declared=True):
        return
    # The captions are the text, each photo before its own; other lines (a lead) stay before them.
    others = [p for p in paragraphs if caption_key(p) not in keys]
    article.paragraphs = others
    article.images = []
    make_gallery(article, [i for i in counted.photos if i.caption])
    if others:
        article.paragraphs = [*others, *(i.caption for i in counted.photos if i.caption)]
        article.images = [
            Image(i.caption, None, len(others) + n, i.url) for n, i in enumerate(counted.photos)
        ]


def extract_flat(page: RawPage, options: FlatOptions | None = None) -> Article:
    """Read a flattened news page. Never raises on odd text: what could not be read is named in
    ``Article.missing``."""
    options = options or FlatOptions()
    article = Article(url=page.url, captured_at=page.captured_at, extractor="flat")
    units = split_units(page.content or "", options.max_units)
    head = find_head(units, options)
    state = _State(article=article, options=options)
    _prelude(units, head, state)
    body_start = head.body
    if head.dateline is not None and body_start < len(units):
        article.dateline, article.dateline_place = head.dateline.text, head.dateline.place
        article.outlet = head.dateline.outlet
        article.paragraphs.append(head.dateline.rest)
        body_start += 1
    _walk(units, body_start, state)
    _finish(state, units, head)
    return article
