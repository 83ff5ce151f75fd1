"""An HTML page's publication and modification times, from the strongest evidence.

The evidence, strongest first:

1. a machine time with its zone: JSON-LD ``datePublished``, the publication meta tags
   (``article:published_time`` …, microdata's ``itemprop`` among them), hidden form fields named
   for the time (``data/declared.json``: ``time_fields``), the page's other JSON-LD objects (a
   WebPage beside an Article giving only the day), the first ``<time datetime>`` of the article
   (its ``itemprop`` says whether it is the publication or the update time, else its class);
2. the visible time beside the headline and byline ("Selasa, 2 Januari 2024 09:15 WITA"; in other
   languages' shapes with a zone abbreviation or none, "Nov 19, 2019, 07:47 PM EST":
   :mod:`kabar.extract.clock_line`): read from the headline down to the first paragraph of prose,
   so a date the body cites never counts;
   a portal profile's time selector names this line exactly;
3. a machine date without a time of day (``"2025-11-03"``), then a date printed beside the headline
   without a time of day ("19 Nov 2019"), then the date in the page's URL (``/2024/01/02/``): a day
   without its time of day, used only when nothing above names one, and marked so
   (``Article.published_precision == "day"``; :func:`kabar.extract.time_zone.stored_time`).

Among machine times one that states its offset wins over a bare one, and without a portal profile a
bare time (and a bare day) is read in the offset the page states on any other machine time
(published or modified), else in UTC.

Nothing inside a furniture box counts: related and teaser boxes, sidebars, figures and their
captions, footers (:func:`kabar.extract.byline_elements.furniture_kind`), whose dates are other
stories' or the photo's. Where 1 and
2 disagree the machine time wins — except over a profile's time selector, which names the page's
own line where some portals fill the meta tags with the update time — and the disagreement is kept
as a note ("time: meta 2024-01-02T10:00+07:00 vs visible …"). Where they agree within a minute the
machine time is kept (it has the seconds) and the visible line gives only the zone's name. A zone printed by name stays as
printed (``Article.published_zone``: WIB +07:00, WITA +08:00, WIT +09:00). The modification time
(``dateModified``, ``article:modified_time``, a "Diperbarui" line) is read apart and never taken
for the publication time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timezone
from itertools import pairwise

from lxml import etree

from kabar.extract.byline_elements import furniture_kind, in_furniture
from kabar.extract.clock_line import read_clock_line
from kabar.extract.flat_lines import modified_label_re
from kabar.extract.html_meta import PageMeta
from kabar.extract.html_time import FoundTime, parse_iso, parse_visible_time, time_field_names, zone
from kabar.extract.profiles import Profile
from kabar.extract.time_zone import shown_zone
from kabar.lang.dates import to_zone

__all__ = ["PageTimes", "find_times"]

_PUBLISHED_KEYS = (
    "article:published_time", "og:published_time", "datepublished", "publishdate", "pubdate",
    "publish-date", "publish_date", "dc.date.issued", "dc.date", "dcterms.created", "content_publisheddate",
    "sailthru.date", "parsely-pub-date", "date", "article_date_original", "originalpublicationdate",
)  # fmt: skip
_MODIFIED_KEYS = (
    "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "last-modified",
    "lastmod", "article:updated_time",
)  # fmt: skip
_VISIBLE_WINDOW = 2500  # characters read after the headline
_MAX_HEAD_ELEMENTS = 4000  # elements walked after the headline
_MAX_TIME_ELEMENTS = 50
_MAX_INPUTS = 200  # form fields looked at for a hidden time field
_PROSE_WORDS = 25  # a paragraph this long is the body: the time line stands above it
_SAME_SECONDS = 60
_LABEL_WORDS = 3  # "Updated", "Last updated:", "Zuletzt aktualisiert am": a label standing alone
_NOTE_DAYS = 1  # a URL date further than this from the time read is noted
# "/2024/01/02/", "/2024-01-02/", "/20240102/": a date segment of the URL's path.
_ISO_DAY = re.compile(r"((?:19|20)\d{2})-(\d{2})-(\d{2})")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})([/-]?)(\d{2})\2(\d{2})(?=[/_-]|$)")


@dataclass(slots=True)
class PageTimes:
    published: FoundTime | None = None
    modified: FoundTime | None = None
    zone: str | None = None  # Article.published_zone
    notes: list[str] = field(default_factory=list)


def _iso(value: datetime) -> str:
    return value.isoformat(timespec="minutes")


def _time_elements(tree: etree._Element) -> dict[str, list[str]]:
    """``<time datetime>`` outside furniture, by kind: the first publication one (``published``),
    every update one (``modified``); one walk serves both kinds."""
    out: dict[str, list[str]] = {"published": [], "modified": []}
    for index, el in enumerate(tree.iter("time")):
        if index >= _MAX_TIME_ELEMENTS:
            break
        raw = el.get("datetime")
        if not raw or in_furniture(el, marks=False):
            continue
        if _declares_update(el):
            out["modified"].append(raw)
        elif not out["published"]:
            out["published"].append(raw)
    return out


def _declares_update(el: etree._Element) -> bool:
    """A ``<time>`` of the modification time: its microdata property says so, else its class does.

    The property wins: a WordPress theme marks its publication time ``class="entry-published
    updated" itemprop="datePublished"``."""
    props = (el.get("itemprop") or "").lower().split()
    if "datepublished" in props or "datecreated" in props:
        return False
    classes = (el.get("class") or "").lower()
    return "datemodified" in props or "updated" in classes or "modified" in classes


def _hidden_fields(tree: etree._Element) -> dict[str, list[str]]:
    """The values of hidden form fields named for the time (``data/declared.json``: ``time_fields``),
    by kind (``published``, ``modified``): one walk over the form fields serves both kinds."""
    kinds = {kind: time_field_names(kind) for kind in ("published", "modified")}
    out: dict[str, list[str]] = {kind: [] for kind in kinds}
    for index, el in enumerate(tree.iter("input")):
        if index >= _MAX_INPUTS:
            break
        value = el.get("value")
        if not value or (el.get("type") or "").strip().lower() != "hidden":
            continue
        words = {w for attr in ("class", "name", "id") for w in (el.get(attr) or "").lower().split()}
        for kind, names in kinds.items():
            if words & names:
                out[kind].append(value)
    return out


@dataclass(slots=True)
class _Carriers:
    """The page's time carriers outside the meta tags, each by kind (``published``, ``modified``):
    read in one walk each for both kinds."""

    hidden: dict[str, list[str]]  # hidden form fields
    elements: dict[str, list[str]]  # ``<time datetime>``


def _machine_raws(meta: PageMeta, carriers: _Carriers, updated: bool) -> list[str]:
    """The page's machine times in evidence order: JSON-LD, then meta tags and hidden time fields,
    the page's other JSON-LD objects, then ``<time datetime>``;
    the publication ones, or with ``updated`` the modification ones."""
    ld = meta.article_ld()
    ld_key = "dateModified" if updated else "datePublished"
    raws: list[str] = []
    if ld is not None and isinstance(ld.get(ld_key), str):
        raws.append(ld[ld_key])
    raws.extend(meta.all(*(_MODIFIED_KEYS if updated else _PUBLISHED_KEYS)))
    kind = "modified" if updated else "published"
    raws.extend(carriers.hidden[kind])
    # The page's other JSON-LD objects (a WebPage beside an Article that gives only the day).
    raws.extend(v for obj in meta.page_lds() if obj is not ld and isinstance(v := obj.get(ld_key), str))
    raws.extend(carriers.elements[kind])
    return raws


def _first_zoned_iso(raws: list[str], tz: timezone) -> FoundTime | None:
    """The first machine time that states its zone, else the first with a time of day.

    A page may write the same time twice, once bare ("2023-04-28 18:11:01.0" in JSON-LD) and once
    with its offset (a meta tag): the bare one read in an assumed zone would be hours off."""
    first: FoundTime | None = None
    for raw in raws:
        # A CMS may fill the machine field with the printed line ("01:38:07 PM IST Nov 20, 2019").
        found = parse_iso(raw, tz) or read_clock_line(raw, tz)
        if found is None or not (found.value.hour or found.value.minute or "T" in raw or ":" in raw):
            continue
        if found.zoned:
            return found
        first = first or found
    return first


def _page_zone(raws: list[str]) -> timezone | None:
    """The offset the page states on any of its machine times (publication ones first): the zone
    of its bare times ("2023-04-28 18:16" beside "2023-04-28T18:16:04+0200")."""
    for raw in raws:
        found = parse_iso(raw)
        if found is not None and found.zoned and isinstance(found.value.tzinfo, timezone):
            return found.value.tzinfo
    return None


def _machine_day(raws: list[str], tz: timezone) -> FoundTime | None:
    """A machine date without a time of day ("2025-11-03"): the day, at the start of it in ``tz``."""
    for raw in raws:
        if (m := _ISO_DAY.fullmatch(raw.strip())) is None:
            continue
        try:
            value = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)), tzinfo=tz)
        except ValueError:
            continue
        return FoundTime(value=value, text=raw.strip(), zoned=False, precision="day")
    return None


def _visible_day(head: list[str], tz: timezone) -> FoundTime | None:
    """A date printed beside the headline without a time of day ("19 Nov 2019", "Nov 18, 2019"):
    the day, at the start of it in ``tz``. Only its date is read: the zone it is parsed in here is
    a placeholder that never reaches the value."""
    from kabar.lang.time import find_time  # as html_time reads visible lines: babel loads on first use

    for text in _publication_lines(head):
        found = find_time(text, "WIB")
        if found is None:
            continue
        day = found.value.date()
        value = datetime(day.year, day.month, day.day, tzinfo=tz)
        return FoundTime(value=value, text=found.text, zoned=False, precision="day")
    return None


def _head_texts(tree: etree._Element) -> list[str]:
    """Text pieces from the headline down to the body's first paragraph of prose, outside furniture.

    One walk in document order that carries whether it is inside furniture
    (:func:`kabar.extract.byline_elements.furniture_kind`), so no element climbs its ancestors."""
    h1 = next(iter(tree.iter("h1")), None)
    body = tree.find(".//body")
    texts: list[str] = []
    size = 0
    started = h1 is None
    # (element, furniture): -1 inside a box, 0 outside. Photo and biography marks do not count:
    # Republika sets the article's own time line inside "index-photo".
    stack: list[tuple[etree._Element, int]] = [(body if body is not None else tree, 0)]
    # Popped in document order: before the headline, an element that does not hold it lies wholly
    # before it, so neither it nor anything inside it is looked at (the walk to the headline
    # visits its ancestors and their children, not the whole page before it).
    holds_h1 = set(h1.iterancestors()) if h1 is not None else set()
    # Each ancestor's child on the way down to the headline: the children before it lie wholly
    # before the headline and would be popped only to be skipped, so they are not pushed.
    toward_h1 = (
        {parent: child for child, parent in pairwise([h1, *h1.iterancestors()])} if h1 is not None else {}
    )
    count = 0
    while stack and count < _MAX_HEAD_ELEMENTS:
        el, outer = stack.pop()
        count += started  # after the headline, bounded
        if not isinstance(el.tag, str) or (not started and el is not h1 and el not in holds_h1):
            continue
        kind = furniture_kind(el)
        inner = -1 if outer == -1 or kind == "box" else 0
        if not started and (way := toward_h1.get(el)) is not None:
            stack.extend((child, inner) for child in reversed(el[el.index(way) :]))
        else:
            stack.extend((child, inner) for child in reversed(el))
        if el is h1:
            started = True
        if not started:
            continue
        if not inner and el.tag == "p" and len((el.text or "")[:400].split()) >= _PROSE_WORDS:
            break  # the body has begun: its dates are what the story cites
        for piece, furniture in ((el.text, inner), (el.tail, outer)):
            if piece and piece.strip() and not furniture:
                texts.append(piece.strip())
                size += len(piece)
        if size > _VISIBLE_WINDOW:
            break
    return texts


def _node_text(node: object) -> str:
    if isinstance(node, str):
        return " ".join(node.split())
    if isinstance(node, etree._Element):
        return " ".join("".join(node.itertext()).split())
    return ""


def _visible_time(
    tree: etree._Element, head: list[str], profile: Profile | None, tz: timezone
) -> FoundTime | None:
    if profile:
        # Sidebars repeat the selector's markup for other stories; the article's own line
        # is the one that states its zone ("… | 07:28 WIB"), so a zoned match wins.
        candidates = [
            f for xp in profile.time for n in tree.xpath(xp) if (f := parse_visible_time(_node_text(n), tz))
        ]
        if candidates:
            return next((c for c in candidates if c.zoned), candidates[0])
    texts = _publication_lines(head)
    found = parse_visible_time(" | ".join(texts), tz)
    if found is not None and found.zoned:
        return found
    # A line in another language's shape, with its zone abbreviation or none ("Nov 19, 2019, 07:47 PM EST"):
    # where it names its zone, it says more than a bare reading of the same line.
    clock = next((f for t in texts if (f := read_clock_line(t, tz)) is not None), None)
    return clock if clock is not None and (found is None or clock.zoned) else found


def _publication_lines(head: list[str]) -> list[str]:
    """The head's pieces but the update lines: a piece that opens with an update label, or that
    follows one holding the label alone ("<span>Updated</span> <time>1:39 am EST …</time>")."""
    out: list[str] = []
    after_label = False
    for text in head:
        labelled = _modified_label(text)
        if not labelled and not after_label:
            out.append(text)
        after_label = labelled and len(text.split()) <= _LABEL_WORDS
    return out


def _modified_label(text: str) -> bool:
    """A line that opens with an update label ("Diperbarui 02 Jan 2024, 12:30 WIB")."""
    return modified_label_re().match(text[:40].lstrip(" |:-–")) is not None


def _modified_time(updated_raws: list[str], head: list[str], tz: timezone) -> FoundTime | None:
    if (found := _first_zoned_iso(updated_raws, tz)) is not None:
        return found
    for text in head:  # "Diperbarui 02 Jan 2024, 12:30 WIB"
        if _modified_label(text) and (found := parse_visible_time(text, tz)) is not None:
            return found
    return None


def _url_time(url: str | None, tz: timezone) -> FoundTime | None:
    path = url.split("?", 1)[0].split("#", 1)[0] if url else ""
    m = _URL_DATE.search(path[:500])
    if m is None:
        return None
    try:
        value = datetime(int(m.group(1)), int(m.group(3)), int(m.group(4)), tzinfo=tz)
    except ValueError:
        return None
    return FoundTime(value=value, text=m.group(0), zoned=False, precision="day")


def _near(one: FoundTime, other: FoundTime) -> bool:
    return abs((one.value - other.value).total_seconds()) < _SAME_SECONDS


def _agreeing_machine(
    machine: FoundTime | None, visible: FoundTime | None, raws: list[str], tz: timezone
) -> FoundTime | None:
    """Where the first machine time and a visible line that names its zone disagree, another
    machine time of the page that agrees with the line: two pieces of evidence against one (a
    JSON-LD offset written wrong, "04:31:13-06:00", beside the meta tag's "04:31:13+00:00" and the
    line "10:31 pm CST")."""
    if machine is None or visible is None or not visible.zoned or _near(machine, visible):
        return machine
    for raw in raws:
        found = parse_iso(raw, tz)
        if found is not None and found.zoned and _near(found, visible):
            return found
    return machine


def _update_line(machine: FoundTime | None, visible: FoundTime, modified: FoundTime | None) -> bool:
    """The visible line is the machine modification time, not the publication time: the page prints
    when it was updated beside the headline without a label ("Wednesday 20 November 2019 11:42, UK"
    where datePublished is 06:37 and dateModified 11:42)."""
    if machine is None or modified is None:
        return False
    return not _near(machine, visible) and _near(visible, modified)


def _same_time(machine: FoundTime, visible: FoundTime) -> FoundTime:
    """The machine time, shown in the visible line's zone and under the zone's printed name.

    The two agree within a minute, and the machine time is the exact one: the visible line drops the
    seconds and may be a stamp written a few seconds later ("15:57" beside ``15:56:35``), which rounds
    to the wrong minute. The visible line adds how the page names the zone ("WIB") and stays the
    text shown as the time's source.
    """
    local = to_zone(machine.value, visible.value.tzinfo) if visible.value.tzinfo is not None else None
    if local is None:
        return visible
    # The printed line stays the text the time was read from: it is what a reader sees on the page.
    return FoundTime(
        local,
        visible.text,
        machine.zoned or visible.zoned,
        visible.zone_name or machine.zone_name,
        machine.precision,
    )


def _choose(
    machine: FoundTime | None, visible: FoundTime | None, profile: Profile | None, notes: list[str]
) -> FoundTime | None:
    if machine and visible and visible.value.tzinfo is not None:
        if abs((machine.value - visible.value).total_seconds()) < _SAME_SECONDS:
            return _same_time(machine, visible)
        if not machine.zoned:
            return visible
        if visible.zoned or profile is not None:
            notes.append(f"time: meta {_iso(machine.value)} vs visible {visible.text}")
        if profile is not None and profile.time:
            return visible  # the profile names the page's own time line (see the docstring)
        if not visible.zoned:
            return machine
        local = to_zone(machine.value, visible.value.tzinfo)
        return replace(machine, value=local, zoned=True, zone_name=None) if local is not None else visible
    if machine and machine.zoned:
        return machine
    if visible and (visible.zoned or profile is not None):
        return visible
    if machine and profile is not None:
        return machine
    return machine or visible


def find_times(tree: etree._Element, meta: PageMeta, profile: Profile | None, url: str | None) -> PageTimes:
    """The publication time (with its zone as shown), the modification time, and the notes."""
    carriers = _Carriers(hidden=_hidden_fields(tree), elements=_time_elements(tree))
    raws = _machine_raws(meta, carriers, updated=False)
    updated_raws = _machine_raws(meta, carriers, updated=True)
    # Without a portal profile, a bare time is read in the zone the page states elsewhere.
    page_zone = _page_zone(raws + updated_raws) if profile is None else None
    tz = zone(profile.zone_hours) if profile is not None else page_zone or UTC
    machine = _first_zoned_iso(raws, tz)
    if machine and profile is not None:
        if profile.machine_times_local:
            machine = replace(machine, value=machine.value.replace(tzinfo=tz), zoned=True, zone_name=None)
        elif machine.zoned:
            local = to_zone(machine.value, tz)  # None: 9999-12-31T23:59Z is past the calendar at +07
            machine = replace(machine, value=local, zoned=True, zone_name=None) if local is not None else None
    head = _head_texts(tree)  # one walk: the visible publication and modification lines
    visible = _visible_time(tree, head, profile, tz)
    times = PageTimes()
    if profile is None:
        if visible is not None and _update_line(machine, visible, _first_zoned_iso(updated_raws, tz)):
            times.notes.append(f"time: the line {visible.text!r} is the update time")
            visible = None
        machine = _agreeing_machine(machine, visible, raws, tz)
    published = _choose(machine, visible, profile, times.notes)
    from_url = _url_time(url, tz)
    if published is None and (day := _machine_day(raws, tz)) is not None:
        published = day  # the day is right even where no time of day is printed
        times.notes.append(f"time: only a day ({day.text}), no time of day")
    elif published is None and (day := _visible_day(head, tz)) is not None:
        published = day
        times.notes.append(f"time: only a printed day ({day.text}), no time of day")
    elif published is None and from_url is not None:
        published = from_url
        times.notes.append(f"time: only the URL's date ({from_url.text}), no time of day")
    elif published is not None and from_url is not None:
        days = abs((published.value.date() - from_url.value.date()).days)
        if days > _NOTE_DAYS:
            times.notes.append(f"time: {_iso(published.value)} vs url {from_url.value.date().isoformat()}")
    times.published = published
    if published is not None and published.value.tzinfo is not None:
        printed = published.zone_name
        if printed is None and visible is not None and visible.value == published.value:
            printed = visible.zone_name
        times.zone = shown_zone(printed, published.value)
    times.modified = _modified_time(updated_raws, head, tz)
    return times
