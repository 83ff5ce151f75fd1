"""The HTML reader: one news page's HTML in, one :class:`Article` out.

Body text starts from trafilatura (or a portal profile's container), images
stay in place with caption and credit, and the metadata trafilatura gets wrong
on Indonesian portals (time zone, bylines, datelines, related lists) is read
from JSON-LD, meta tags and the visible page. Input is capped at
``MAX_HTML_CHARS`` characters (the cut is named in ``Article.missing``), so
time and memory stay bounded; scripts are parsed away, never executed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from kabar.extract import ExtractError
from kabar.extract.body_edges import headline_list_lines, is_stray_line, trim_edges
from kabar.extract.body_filter import drop_paragraphs
from kabar.extract.body_lead import find_lead
from kabar.extract.form_boxes import form_box_lines
from kabar.extract.headline_parts import is_heading_line
from kabar.extract.html_authors import AGENCY_NOTE, closing_name, find_authors
from kabar.extract.html_body import (
    Body,
    generic_body,
    lead_figures,
    paragraphs_of_parsed,
    profile_body,
    too_nested,
)
from kabar.extract.html_canonical import find_canonical
from kabar.extract.html_fields import (
    cited_sources,
    find_headline,
    find_outlet,
    find_tags,
)
from kabar.extract.html_meta import PageMeta, read_meta
from kabar.extract.html_parse import MAX_HTML_CHARS, HtmlInputError, parse_html, strip_inert
from kabar.extract.html_paywall import find_walls, remove_walls, without_wall_lines
from kabar.extract.html_people import credit_people
from kabar.extract.html_related import find_related
from kabar.extract.html_script_body import held_body, read_held_scripts
from kabar.extract.html_tables import set_aside_tables
from kabar.extract.html_text import byline, is_furniture_text, split_dateline
from kabar.extract.html_time import parse_visible_time
from kabar.extract.html_when import find_times
from kabar.extract.page_kind import read_page, settle_kind
from kabar.extract.person_names import normalise_case
from kabar.extract.profiles import Profile, host_of, profile_for_host
from kabar.extract.subheadings import page_headings, split_subheadings
from kabar.extract.time_zone import stored_time
from kabar.extract.word_patterns import word_pattern
from kabar.model import Article, Image, RawPage, normalise_space

__all__ = ["LEAD_NOTE", "MAX_HTML_CHARS", "HtmlOptions", "extract_html"]

# How Article.notes says the description is the lead the page prints under its headline (a
# standfirst: a summary beside the body, not its first paragraph; fundus counts it as the body's
# summary, the Zyte benchmark's article body leaves it out).
LEAD_NOTE = "description: the lead printed under the headline"


@dataclass(frozen=True, slots=True)
class HtmlOptions:
    favor_precision: bool = True  # trafilatura's setting for the generic body
    use_profiles: bool = True
    related: bool = True


def _page_url(page: RawPage, meta: PageMeta) -> str | None:
    return page.url or meta.canonical or meta.first("og:url")


def _profile(page: RawPage, meta: PageMeta, options: HtmlOptions) -> Profile | None:
    if not options.use_profiles:
        return None
    for url in (page.url, meta.canonical, meta.first("og:url")):
        if profile := profile_for_host(host_of(url)):
            return profile
    return None


def _clean_paragraphs(body: Body, headline: str | None) -> list[str]:
    """Drop furniture and byline lines; keep every image before the same paragraph."""
    out: list[str] = []
    kept_before: list[int] = []  # kept paragraphs before original index i
    head = normalise_space(headline or "").lower()
    after_label = after_tags = False
    for i, text in enumerate(body.paragraphs):
        kept_before.append(len(out))
        if out and word_pattern("tail_heading").match(text):
            kept_before.extend([len(out)] * (len(body.paragraphs) - i))
            break  # a related-news heading ends the story ("Berita Terkait", "Jangan Lewatkan")
        label_only = word_pattern("label_only").match(text) is not None
        if after_tags and "," in text and len(text) < _MAX_TAG_LIST_CHARS:
            after_tags = False
            continue  # the tag list under a "Tags" label
        after_tags = word_pattern("tags_label").match(text) is not None
        # "Penulis" / ": Ani Lestari" split over two table cells.
        if (
            is_furniture_text(text)
            or is_stray_line(text)
            or byline(text) is not None
            or label_only
            or (after_label and text.startswith(":"))
        ):
            after_label = label_only
            continue
        after_label = False
        if i < 3 and head and is_heading_line(text, head):
            continue  # the headline again, or the heading with its kicker
        out.append(text)
    kept_before = kept_before[: len(body.paragraphs)]
    kept_before.append(len(out))
    out = _trim_edges(out, kept_before)
    for image in body.images:
        image.position = kept_before[max(0, min(image.position, len(body.paragraphs)))]
    return out


_MAX_TAG_LIST_CHARS = 600
_MAX_CRUMB_CHARS = 25  # "home", "Headline", "Berita › Nasional": labels, not story text
_MAX_TIME_LINE_CHARS = 60
_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")
_CLOCK = re.compile(r"\b\d{1,2}[:.h]\d{2}\b")
# No \s* round the separator: split parts are only searched and counted by words, and a leading
# \s* is quadratic over a run of spaces (tests/test_regex_linear.py).
_TIME_PARTS = re.compile(r"[|·•]")
_MAX_TIME_LABEL_WORDS = 4  # "Uppdaterad 15.59", "Aktualisiert am 15:59 Uhr": a label and its clock time


def _is_crumb(text: str) -> bool:
    t = text.strip()
    if _is_dateline_only(t) or (t.isupper() and "," in t):  # "BAAR, SWITZERLAND": a dateline line
        return False
    if len(t) <= _MAX_CRUMB_CHARS and not t.endswith((".", "!", "?", '"', "”")):
        return True
    if len(t) > _MAX_TIME_LINE_CHARS:
        return False
    # A bare date-and-time line ("November 20, 2019 - 11:28 AMT"): the page's time, not its text;
    # or labelled clock times only ("Uppdaterad 15.59 | Publicerad 14.14").
    if parse_visible_time(t) is not None or bool(_YEAR.search(t) and _CLOCK.search(t)):
        return True
    parts = _TIME_PARTS.split(t)
    return all(_CLOCK.search(p) and len(p.split()) <= _MAX_TIME_LABEL_WORDS for p in parts)


def _trim_edges(paragraphs: list[str], kept_before: list[int]) -> list[str]:
    """Drop label crumbs and a bare time line before the story; join a detached
    dateline ("Jakarta -") to the paragraph it opens."""
    out = list(paragraphs)
    lead = 0
    while lead < len(out) - 1 and _is_crumb(out[lead]):
        lead += 1
    if lead:
        out = out[lead:]
        kept_before[:] = [max(0, k - lead) for k in kept_before]
    if len(out) > 1 and _is_dateline_only(out[0]):
        out[1] = f"{out[0]} {out[1]}"
        out = out[1:]
        kept_before[:] = [max(0, k - 1) for k in kept_before]
    return out


_AGENCIES = {"antara", "reuters", "ap", "afp", "bbc", "cnn", "xinhua", "tempo", "kompas"}
_MAX_SIGNATURE_WORDS = 4


def _signature(paragraphs: list[str]) -> str | None:
    """A closing line in capitals ("DINI TEJA", "ANTARA"): the reporter's or agency's signature."""
    if len(paragraphs) < 2:
        return None
    last = paragraphs[-1].strip()
    words = last.split()
    if 0 < len(words) <= _MAX_SIGNATURE_WORDS and last.isupper() and all(w.isalpha() for w in words):
        return last
    return None


def _is_dateline_only(text: str) -> bool:
    t = text.strip()
    return len(t) < 60 and t.endswith(("-", "–", "—")) and len(t.split()) <= 6


def _description(meta: PageMeta) -> str | None:
    return meta.first("og:description", "description", "twitter:description")


def _declared_body(meta: PageMeta) -> str | None:
    ld = meta.article_ld()
    text = ld.get("articleBody") if ld else None
    return text if isinstance(text, str) and text.strip() else None


def _add_lead(body: Body, lead: list[Image]) -> None:
    """Put the lead photo first; where the body already holds it, give it the caption."""
    by_url = {i.url: i for i in body.images if i.url}
    for image in lead:
        same = by_url.get(image.url) if image.url else None
        if same is None:
            body.images.insert(0, image)
        elif not same.caption and not same.credit:
            same.caption, same.credit = image.caption, image.credit


def _apply_drops(tree: etree._Element, profile: Profile | None) -> None:
    for xp in profile.drop if profile else ():
        for node in tree.xpath(xp):
            if isinstance(node, etree._Element) and node.getparent() is not None:
                node.getparent().remove(node)


def extract_html(page: RawPage, options: HtmlOptions | None = None) -> Article:
    options = options or HtmlOptions()
    try:
        parsed = parse_html(page.content)
    except HtmlInputError as exc:
        raise ExtractError(f"{page.source or 'page'}: {exc}") from exc
    tree = parsed.tree
    meta = read_meta(tree)
    url = _page_url(page, meta)
    profile = _profile(page, meta, options)
    page_too_nested = too_nested(tree)  # as trafilatura will read it: scripts and all
    # Where the generic body will be read, trafilatura reads the tree now, before anything is taken
    # out of it (and the page is parsed once); a profile's container may make it needless.
    early = None
    if not page_too_nested and not (profile and profile.body):
        early = paragraphs_of_parsed(parsed, url, options.favor_precision, fast=profile is None)
    held = read_held_scripts(tree, meta)  # a story held in a script: read before scripts go
    strip_inert(tree)
    walls = find_walls(tree, meta)
    remove_walls(walls)
    outlet = find_outlet(meta, profile, url)
    site_names = {
        n.lower() for n in (outlet, meta.first("og:site_name"), profile.name if profile else None) if n
    }
    site_names |= {s.lower() for s in (profile.title_suffixes if profile else ())}
    headline = find_headline(tree, meta, profile, site_names)
    times = find_times(tree, meta, profile, url)
    found_time = times.published
    found_authors = find_authors(tree, meta, profile, site_names)
    authors = found_authors.writers

    _apply_drops(tree, profile)
    aside = set_aside_tables(tree)  # data tables go beside the body, not into it
    body = profile_body(tree, profile.body, url) if profile and profile.body else None
    lead: str | None = None  # the standfirst under the headline: the description, not body text
    if body is None:
        # On a known portal whose profile names no matching container, trafilatura's full mode
        # (with its readability/jusText comparison) reads old portal layouts better than fast mode.
        body = generic_body(
            tree,
            parsed.text,
            url,
            options.favor_precision,
            fast=profile is None,
            page_too_nested=page_too_nested,
            without_rows=aside.without_rows,
            declared=_declared_body(meta),
            paragraphs=early,
        )
        if body.method == "trafilatura":  # the lead under the headline, outside the body's container
            lead = find_lead(tree, body.paragraphs, headline, _description(meta))
    aside.put_back()
    body.paragraphs = without_wall_lines(body.paragraphs, walls)
    # A paywalled page keeps its teaser; any other empty or teaser body gives way to a script's text.
    script = None if walls.paywalled else held_body(body, held, url)
    body = script.body if script else body
    if profile and profile.captions:
        _add_lead(body, lead_figures(tree, profile.captions, url))
    # Pagination and live posts leave the body here; the kind is settled on the finished article.
    reading = read_page(tree, meta, body, url, found_time.value if found_time else None)
    # Credit and promotion lines at the body's edges, any language: before the cleaning (a closing
    # heading is still there to take its headlines) and after it (a prompt under the headline).
    edges = trim_edges(body.paragraphs, body.images, known=is_furniture_text)
    body.paragraphs = edges.paragraphs
    if listed := {body.paragraphs[i] for i in headline_list_lines(body.paragraphs)}:
        drop_paragraphs(body, listed.__contains__)  # a box of links to other stories, mid-story
    if boxed := form_box_lines(body.container):
        drop_paragraphs(body, boxed.__contains__)  # a sign-up box's heading and tagline, mid-story
    paragraphs = _clean_paragraphs(body, headline)
    late_edges = trim_edges(paragraphs, body.images)
    paragraphs = late_edges.paragraphs
    credit_lines = [e.text for e in (*edges.dropped, *late_edges.dropped) if e.kind == "credits"]
    signature = _signature(paragraphs)
    if signature is not None:
        paragraphs.pop()
        if not authors and signature.lower() not in _AGENCIES:
            authors = [normalise_case(signature)]  # "DINI TEJA" signs as Dini Teja
    elif not authors and (name := closing_name(paragraphs, site_names)) is not None:
        paragraphs.pop()  # "Lê Phương" closing the story: the writer's signature, not body text
        authors = [name]
    # The page's own section headings among the lines: structure beside the body text.
    split = split_subheadings(paragraphs, body.images, page_headings(tree))
    paragraphs = split.paragraphs
    dateline = split_dateline(paragraphs[0]) if paragraphs else None
    if dateline and dateline.text and paragraphs:
        paragraphs[0] = dateline.rest
    people = credit_people(
        found_authors, authors, paragraphs, dateline.text if dateline else None, site_names, credit_lines
    )

    ld = meta.article_ld()
    article = Article(
        headline=headline,
        published=stored_time(found_time.value, found_time.precision)
        if found_time and found_time.value.tzinfo
        else None,
        published_text=found_time.text if found_time else None,
        published_zone=times.zone if found_time and found_time.value.tzinfo else None,
        modified=stored_time(times.modified.value, times.modified.precision)
        if times.modified and times.modified.value.tzinfo
        else None,
        published_precision=found_time.precision if found_time and found_time.value.tzinfo else None,
        modified_precision=times.modified.precision
        if times.modified and times.modified.value.tzinfo
        else None,
        outlet=outlet,
        authors=people.authors,
        contributors=people.contributors,
        language=(meta.lang or "id").split("-")[0].lower() or "id",
        dateline=dateline.text if dateline else None,
        dateline_place=dateline.place if dateline else None,
        paragraphs=paragraphs,
        subheadings=split.subheadings,
        images=body.images,
        sources=cited_sources(body.links, host_of(url)),
        tags=find_tags(tree, meta, profile),
        description=lead or _description(meta),
        section=meta.first("article:section")
        or (str(ld.get("articleSection")) if ld and ld.get("articleSection") else None),
        url=page.url or url,
        canonical_url=find_canonical(tree, meta, page.url),
        captured_at=page.captured_at,
        extractor="html",
    )
    if options.related:
        exclude = {u for u in (url, article.canonical_url) if u}
        article.related = find_related(
            tree, profile.related if profile else (), url, exclude, page.captured_at
        )
    article.tables = aside.tables(body.container, paragraphs, body.images)
    article.notes.extend(aside.notes())
    settle_kind(article, reading, page.source)  # raises NotAnArticle for an index page
    article.missing = _missing(article, parsed.truncated)
    article.paywalled = walls.paywalled
    article.notes.extend([*walls.notes, *([script.note] if script else [])])
    # A wire agency or desk named where a writer would be: the source, not a writer.
    article.notes.extend(AGENCY_NOTE + a for a in found_authors.agencies)
    if lead is not None:
        article.notes.append(LEAD_NOTE)
    article.notes.extend(times.notes)
    return article


def _missing(article: Article, truncated: bool) -> list[str]:
    missing = [name for name in ("headline", "published", "paragraphs") if not getattr(article, name)]
    if not article.authors:
        missing.append("authors")
    if truncated:
        missing.append(f"content after {MAX_HTML_CHARS} characters (page cut)")
    return missing
