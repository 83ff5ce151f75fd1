"""What the property tests (``tests/test_fuzz_*.py``) share: settings profiles, kabar's own
errors, and strategies that build realistic-but-hostile input from small grammars.

Profiles: ``ci`` (the default: few examples, derandomised so a CI run is repeatable) and
``deep`` (``HYPOTHESIS_PROFILE=deep``: thousands of examples, random, for a long run).
The deadline is a generous per-example guard against runaway cost, not a speed test.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from benchmarks.fuzz import kabar_errors
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

KABAR_ERRORS = kabar_errors()

_SLOW = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]


@functools.cache
def _profiles() -> None:
    settings.register_profile(
        "ci",
        max_examples=40,
        deadline=timedelta(seconds=20),
        derandomize=True,
        database=None,
        suppress_health_check=_SLOW,
        print_blob=True,
    )
    settings.register_profile(
        "deep",
        max_examples=3000,
        deadline=timedelta(seconds=60),
        suppress_health_check=_SLOW,
        print_blob=True,
    )


def fuzz_settings(scale: float = 1.0) -> settings:
    """The active profile; ``scale`` shrinks or grows its example count for a costly or cheap reader."""
    _profiles()
    name = os.environ.get("HYPOTHESIS_PROFILE", "ci")
    base = settings.get_profile(name if name in ("ci", "deep") else "ci")
    return settings(base, max_examples=max(5, int(base.max_examples * scale)))


def only_kabar_errors(call: Callable[[], Any]) -> Any:
    """Run ``call``; kabar's own errors are an answer (None), anything else fails the test."""
    try:
        return call()
    except KABAR_ERRORS:
        return None


# ---------------------------------------------------------------- words, numbers, dates

WORDS = [
    "Presiden",
    "Joko",
    "Widodo",
    "meninjau",
    "lokasi",
    "banjir",
    "di",
    "Jakarta",
    "Timur",
    "pada",
    "Selasa",
    "pagi",
    "bersama",
    "gubernur",
    "dan",
    "para",
    "menteri",
    "lalu",
    "meminta",
    "warga",
    "tetap",
    "waspada",
    "Kompas.com",
    "Tempo",
    "ANTARA",
    "Reuters",
    "yang",
    "untuk",
    "dari",
    "ke",
    "memperkenalkan",
    "perekonomian",
    "keberlangsungan",
    "mempertanggungjawabkan",
    "buku-buku",
    "berlari-larian",
    "Bank",
    "Indonesia",
    "DPR",
    "RI",
    "KPK",
    "Polda",
    "Metro",
    "Jaya",
    "Kabupaten",
    "Bogor",
    "Foto:",
    "Dok.",
    "Penulis:",
    "Editor:",
    "Baca",
    "juga:",
    "Rp",
    "1.000.000",
    "US$",
    "3,5",
    "%",
    "km²",
    "«",
    "»",
    "—",
    "–",
    "…",
    "‘",
    "’",
    "“",
    "”",
    "İstanbul",
    "ß",
    "ﬁ",
    "ǅ",
]
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Jum'at", "Sabtu", "Minggu", "Ahad", "Monday", "senin")
MONTHS = tuple(
    [
        "Januari",
        "Februari",
        "Pebruari",
        "Maret",
        "April",
        "Mei",
        "Juni",
        "Juli",
        "Agustus",
        "Agt",
        "Ags",
        "September",
        "Sept",
        "Oktober",
        "November",
        "Nopember",
        "Nop",
        "Desember",
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "Jun",
        "Jul",
        "Agu",
        "Sep",
        "Okt",
        "Nov",
        "Des",
        "January",
        "Dec",
    ]
)
ZONES = ("WIB", "WITA", "WIT", "wib", "+07:00", "Z", "+14:00", "-12:00", "+99:99", "GMT", "UTC", "")
RELATIVE = (
    "lalu", "yang lalu", "depan", "mendatang", "kemarin", "lusa", "besok", "kemarin lusa", "tadi pagi",
    "pekan lalu", "sepekan lalu", "minggu depan", "bulan lalu", "tahun depan", "abad ke-21", "tahun 90-an",
    "dekade lalu", "sejak", "hingga", "pukul", "tanggal", "akhir pekan", "awal tahun",
)  # fmt: skip
UNITS = ("detik", "menit", "jam", "hari", "pekan", "minggu", "bulan", "tahun", "dekade", "abad", "windu")
NUMBER_WORDS = ("satu", "dua", "tiga", "sepuluh", "seratus", "seribu", "sejuta", "belasan", "puluhan", "se")
HOSTILE_CHARS = (
    "\x00",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\ufffd",
    "\r",
    "\x0b",
    "\x85",
    "\u2028",
    "🙂",
    "\udcff",
)


def numbers() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(-10, 100).map(str),
        st.sampled_from(["0", "00", "1", "9", "29", "30", "31", "32", "99", "0001", "1899", "1900", "2020",
                         "9999", "10000", "99999", "999999999999999999999", "1e400", "1,5", "2.000", "٣"]),
    )  # fmt: skip


def indonesian_dates() -> st.SearchStrategy[str]:
    """Time lines as portals print them, with every part allowed to be out of range."""
    day = numbers()
    month = st.one_of(st.sampled_from(MONTHS), numbers())
    clock = st.builds(lambda h, m: f"{h}:{m}", numbers(), numbers()) | st.just("")
    absolute = st.builds(
        lambda wd, d, sep, mon, y, c, z: f"{wd} {d}{sep}{mon}{sep}{y} {c} {z}",
        st.sampled_from((*DAYS, "", "Senin,")),
        day,
        st.sampled_from((" ", "/", "-", ".", "  ")),
        month,
        numbers(),
        clock,
        st.sampled_from(ZONES),
    )
    iso = st.builds(
        lambda y, mo, d, h, z: f"{y}-{mo}-{d}T{h}:00:00{z}",
        numbers(),
        numbers(),
        numbers(),
        numbers(),
        st.sampled_from(("Z", "+07:00", "+99:00", "", ".123456789+07:00")),
    )
    age = st.builds(
        lambda n, u, r: f"{n} {u} {r}",
        st.one_of(numbers(), st.sampled_from(NUMBER_WORDS)),
        st.sampled_from(UNITS),
        st.sampled_from(RELATIVE),
    )
    return st.one_of(absolute, iso, age, st.sampled_from(RELATIVE))


def prose(max_words: int = 40) -> st.SearchStrategy[str]:
    """Indonesian-looking text with dates, numbers, time words and now and then a hostile character."""
    token = st.one_of(
        st.sampled_from(WORDS),
        st.sampled_from(WORDS),
        indonesian_dates(),
        numbers(),
        st.sampled_from(RELATIVE + UNITS + NUMBER_WORDS + DAYS + MONTHS),
        st.sampled_from(HOSTILE_CHARS),
        st.sampled_from((".", ",", "(", ")", "\n", "\n\n", '"', "-", ":", "—", "'")),
    )
    return st.lists(token, max_size=max_words).map(" ".join)


def long_runs() -> st.SearchStrategy[str]:
    """The adversarial shapes that make a pattern backtrack: long runs of one kind of token."""
    return st.builds(
        lambda piece, n: piece * n,
        st.sampled_from(("Ab ", "A ", "9", " ", ". ", "-", "a", "Foto: ", "Jakarta, ", "3/11 ", "lalu ")),
        st.integers(100, 20_000),
    )


def text_with_hostility() -> st.SearchStrategy[str]:
    return st.one_of(prose(), prose(200), st.text(max_size=200), long_runs())


# ---------------------------------------------------------------- HTML from a grammar

TAGS = (
    "html", "head", "body", "title", "meta", "article", "main", "div", "p", "span", "h1", "h2", "a", "b",
    "i", "br", "img", "figure", "figcaption", "time", "table", "tr", "td", "ul", "li", "script", "style",
    "noscript", "template", "svg", "iframe", "header", "footer", "aside", "nav", "section", "blockquote",
    "strong", "em", "pre", "textarea", "select", "option", "math", "frameset", "xmp", "plaintext",
)  # fmt: skip
ATTR_NAMES = (
    "class", "id", "itemprop", "itemtype", "property", "name", "content", "datetime", "href", "src", "alt",
    "style", "data-src", "charset", "http-equiv", "lang", "rel", "type", "title", "srcset", "onload",
)  # fmt: skip
ATTR_VALUES = (
    "article", "content", "detail__body-text", "read__content", "headline", "author", "datePublished",
    "article:published_time", "og:title", "og:url", "description", "Content-Type", "text/html; charset=x",
    "application/ld+json", "utf-8", "windows-1252", "javascript:alert(1)", "https://contoh.id/berita/1",
    "//", "#", "",
)  # fmt: skip
ENTITIES = (
    "&amp;",
    "&nbsp;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&#65533;",
    "&bogus;",
    "&lt;p&gt;",
    "&",
    "&#",
)


def _attr_value() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(ATTR_VALUES),
        indonesian_dates(),
        prose(8),
        st.builds(lambda s, n: s * n, st.sampled_from(("a", "x ", "&amp;", '"')), st.integers(1, 50_000)),
    )


def _attrs() -> st.SearchStrategy[str]:
    pair = st.builds(
        lambda n, v, q: f" {n}={q}{v}{q}" if q != "none" else f" {n}",
        st.sampled_from(ATTR_NAMES),
        _attr_value(),
        st.sampled_from(('"', "'", "", "none")),
    )
    return st.lists(pair, max_size=4).map("".join)


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attrs: str, inner: list[str], close: str) -> str:
        body = "".join(inner)
        if close == "none":
            return f"<{tag}{attrs}>{body}"
        if close == "wrong":
            return f"<{tag}{attrs}>{body}</{'p' if tag != 'p' else 'div'}>"
        if close == "selfclose":
            return f"<{tag}{attrs}/>{body}"
        return f"<{tag}{attrs}>{body}</{tag}>"

    return st.builds(
        render,
        st.sampled_from(TAGS),
        _attrs(),
        st.lists(children, max_size=5),
        st.sampled_from(("ok", "ok", "ok", "none", "wrong", "selfclose")),
    )


def _leaf() -> st.SearchStrategy[str]:
    return st.one_of(
        prose(30),
        st.sampled_from(ENTITIES),
        st.sampled_from(HOSTILE_CHARS),
        st.sampled_from(("<!-- komentar -->", "<!--", "<![CDATA[ x ]]>", "<?php echo 1 ?>", "</", "<", ">")),
        json_ld_scripts(),
    )


def html_fragments() -> st.SearchStrategy[str]:
    return st.recursive(_leaf(), _element, max_leaves=40)


def _deep(fragment: str, tag: str, depth: int, closed: bool) -> str:
    return f"<{tag}>" * depth + fragment + (f"</{tag}>" * depth if closed else "")


def html_documents() -> st.SearchStrategy[str]:
    """Whole pages: a head with metadata, a body of tag soup, now and then absurdly deep."""
    head = st.builds(
        lambda title, metas: f"<head><title>{title}</title>{metas}</head>",
        prose(12),
        st.lists(
            st.builds(
                lambda n, v: f'<meta property="{n}" content="{v}"><meta name="{n}" content="{v}">',
                st.sampled_from(("article:published_time", "og:title", "og:site_name", "author", "pubdate",
                                 "description", "keywords", "og:url", "article:modified_time", "content")),
                st.one_of(indonesian_dates(), prose(10)),
            ),
            max_size=4,
        ).map("".join),
    )  # fmt: skip
    body = html_fragments()
    page = st.builds(
        lambda doctype, h, b: f"{doctype}<html lang='id'>{h}<body>{b}</body></html>",
        st.sampled_from(("<!DOCTYPE html>", "", "\ufeff<!doctype html>", "<?xml version='1.0'?>")),
        head,
        body,
    )
    deep = st.builds(
        _deep,
        body,
        st.sampled_from(("div", "p", "b", "table", "li", "span")),
        st.integers(50, 12_000),
        st.booleans(),
    )
    return st.one_of(page, page, deep.map(lambda b: f"<html><body>{b}</body></html>"))


# ---------------------------------------------------------------- JSON-LD

LD_KEYS = (
    "@context", "@type", "@graph", "@id", "headline", "name", "datePublished", "dateModified", "dateCreated",
    "author", "publisher", "image", "url", "articleBody", "description", "keywords", "articleSection",
    "mainEntityOfPage", "itemListElement", "item", "logo", "caption", "inLanguage",
)  # fmt: skip
LD_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "Person", "Organization", "WebPage",
            "BreadcrumbList", "ImageObject", "ListItem", "VideoObject", "")  # fmt: skip


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.sampled_from(LD_TYPES),
        indonesian_dates(),
        prose(12),
        st.text(max_size=30),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(LD_KEYS), inner, max_size=6)
        ),
        max_leaves=25,
    )


def _json_text(value: Any, ascii_only: bool) -> str:
    import json

    return json.dumps(value, ensure_ascii=ascii_only)


def json_ld_texts() -> st.SearchStrategy[str]:
    """JSON-LD bodies: schema.org-shaped objects, broken JSON, and very deep nesting."""
    obj = st.dictionaries(st.sampled_from(LD_KEYS), json_values(), max_size=8)
    valid = st.builds(_json_text, st.one_of(obj, st.lists(obj, max_size=3), json_values()), st.booleans())
    broken = st.builds(lambda t, cut: t[:cut], valid, st.integers(0, 200))
    deep = st.builds(
        lambda opener, closer, n, closed: opener * n + "1" + (closer * n if closed else ""),
        st.sampled_from(("[", '{"@graph":[', '{"author":')),
        st.sampled_from(("]", "]}", "}")),
        st.integers(100, 50_000),
        st.booleans(),
    )
    return st.one_of(valid, valid, broken, deep, st.just(""), st.just("<!--"), st.just("</script>"))


def json_ld_scripts() -> st.SearchStrategy[str]:
    return st.builds(
        lambda body, n: '<script type="application/ld+json">' + body + "</script>" * n,
        json_ld_texts(),
        st.integers(0, 2),
    )


# ---------------------------------------------------------------- flat text pages


def flat_pages() -> st.SearchStrategy[str]:
    """Flattened pages: the line shapes portals print (time line, byline, captions, 'Baca juga')."""
    line = st.one_of(
        prose(20),
        prose(80),
        st.builds(lambda o, d: f"{o} - {d}", st.sampled_from(("Kompas.com", "TEMPO.CO", "Jakarta", "")), indonesian_dates()),
        st.builds(lambda n: f"Penulis: {n}", prose(4)),
        st.builds(lambda n: f"Editor: {n}", prose(4)),
        st.builds(lambda t: f"Baca juga: {t}", prose(10)),
        st.builds(lambda c: f"Foto: {c}", prose(8)),
        indonesian_dates(),
        st.sampled_from(("", " ", "Advertisement", "Scroll to continue with content", "•", "|")),
        long_runs(),
    )  # fmt: skip
    return st.lists(line, min_size=1, max_size=40).map("\n".join)


# ---------------------------------------------------------------- feeds and sitemaps

XML_HEADS = (
    "<?xml version='1.0' encoding='utf-8'?>",
    "<?xml version='1.0' encoding='windows-1252'?>",
    "<?xml version='1.0' encoding='x-bogus'?>",
    "<?xml version='1.0' encoding='utf-16'?>",
    "\ufeff<?xml version='1.0'?>",
    "<!DOCTYPE rss [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>",
    "<!DOCTYPE x SYSTEM 'file:///etc/passwd'>",
    "",
)
URLS = (
    "https://www.kompas.com/read/2020/11/03/165000/judul-berita",
    "http://contoh.id/a?b=1&amp;c=2#frag",
    "/relatif/berita-1",
    "javascript:alert(1)",
    "https://[::1",
    "https://xn--ls8h.la/",
    "http://",
    "https://a.id/" + "x" * 300,
    "",
)


def _xml_text() -> st.SearchStrategy[str]:
    return st.one_of(
        prose(10),
        indonesian_dates(),
        st.sampled_from(URLS),
        st.sampled_from(("<![CDATA[<p>isi</p>]]>", "&a;&b;", "&amp;", "&#0;", "<b>tebal</b>", "]]>")),
    )


def _xml_elements(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda n, t, closed: f"<{n}>{t}</{n}>" if closed else f"<{n}>{t}",
        st.sampled_from(names),
        _xml_text(),
        st.booleans(),
    )


def feed_documents() -> st.SearchStrategy[bytes]:
    item_fields = ("title", "link", "pubDate", "description", "guid", "dc:date", "dc:creator", "author",
                   "published", "updated", "summary", "id", "category", "content:encoded")  # fmt: skip
    item = st.lists(_xml_elements(item_fields), max_size=8).map(lambda xs: "".join(xs))
    rss = st.builds(
        lambda head, title, items: (
            f"{head}<rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/'>"
            f"<channel><title>{title}</title>{''.join(f'<item>{i}</item>' for i in items)}</channel></rss>"
        ),
        st.sampled_from(XML_HEADS),
        _xml_text(),
        st.lists(item, max_size=6),
    )
    atom = st.builds(
        lambda head, items: (
            f"{head}<feed xmlns='http://www.w3.org/2005/Atom'>"
            + "".join(f"<entry>{i}<link href='{u}'/></entry>" for i, u in items)
            + "</feed>"
        ),
        st.sampled_from(XML_HEADS),
        st.lists(st.tuples(item, st.sampled_from(URLS)), max_size=6),
    )
    text = st.one_of(rss, atom, html_documents(), prose(30))
    return st.builds(
        _encode_hostile, text, st.sampled_from(("utf-8", "utf-16", "cp1252", "latin-1")), st.integers(0, 3)
    )


def _encode_hostile(text: str, codec: str, damage: int) -> bytes:
    data = text.encode(codec, errors="replace")
    if damage == 1:
        return data[: len(data) // 2]
    if damage == 2:
        return data.replace(b">", b"\x00>", 3)
    return data


def sitemap_documents() -> st.SearchStrategy[bytes]:
    url_fields = ("loc", "lastmod", "changefreq", "priority")
    news = st.builds(
        lambda t, d, n: (
            f"<news:news><news:publication><news:name>{n}</news:name></news:publication>"
            f"<news:publication_date>{d}</news:publication_date><news:title>{t}</news:title></news:news>"
        ),
        _xml_text(),
        indonesian_dates(),
        _xml_text(),
    )
    url = st.builds(
        lambda parts, n: f"<url>{''.join(parts)}{n}</url>",
        st.lists(_xml_elements(url_fields), max_size=4),
        news | st.just(""),
    )
    urlset = st.builds(
        lambda head, urls: (
            f"{head}<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9' "
            f"xmlns:news='http://www.google.com/schemas/sitemap-news/0.9'>{''.join(urls)}</urlset>"
        ),
        st.sampled_from(XML_HEADS),
        st.lists(url, max_size=8),
    )
    index = st.builds(
        lambda head, locs: (
            f"{head}<sitemapindex>{''.join(f'<sitemap><loc>{u}</loc></sitemap>' for u in locs)}</sitemapindex>"
        ),
        st.sampled_from(XML_HEADS),
        st.lists(st.sampled_from(URLS), max_size=5),
    )
    plain = st.lists(st.one_of(st.sampled_from(URLS), prose(3)), max_size=10).map("\n".join)
    text = st.one_of(urlset, urlset, index, plain)
    return st.builds(_encode_hostile, text, st.sampled_from(("utf-8", "utf-16", "cp1252")), st.integers(0, 3))


# ---------------------------------------------------------------- search queries

QUERY_TOKENS = (
    "banjir", "Jakarta", "gencatan", "senjata", "harga", "cabai", "AND", "OR", "NOT", "NEAR", "NEAR(",
    '"', "'", "(", ")", "*", "^", ":", "-", "+", "headline:", "body:", "{", "}", "[", "]", ";", "--",
    "\x00", "\ufeff", "\udcff", "'; DROP TABLE articles; --", "%", "_", "\\", "/", "🙂", "",
)  # fmt: skip


def search_texts() -> st.SearchStrategy[str]:
    token = st.one_of(st.sampled_from(QUERY_TOKENS), st.sampled_from(WORDS), st.text(max_size=8))
    joined = st.builds(
        lambda tokens, sep: sep.join(tokens),
        st.lists(token, max_size=12),
        st.sampled_from((" ", "", "  ", "\t")),
    )
    return st.one_of(joined, joined, st.text(max_size=60), long_runs().map(lambda s: s[:5000]))
