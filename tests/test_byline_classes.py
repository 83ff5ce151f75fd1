"""Author failure classes found beyond fundus (issue 20, item 3), one generated page per class and language:

* names in scripts whose vowels are combining signs (Devanagari, Thai, Bengali, Tamil) are names;
* byline openers of more languages ("Του", "מאת", "โดย", "लेखक", "Avtor", "Autorius", "Eftir", "Deur"),
  and the full-width colon of Chinese and Japanese bylines ("作者：王小明");
* academic degrees and titles around an Indonesian name ("Oleh: Dr. H. Ahmad Sutisna, M.Pd.",
  "Ir. Budi Santoso, M.Si", "Ani Lestari S.Sos") and credentials after an English one ("Jane Roe, PhD");
* an outlet beside the writers: a domain ("Kompas.com"), a broadcaster's letters ("CNN", "CNN Indonesia"),
  an agency in brackets or after "avec"/"mit"/"con" ("Anna Muster (dpa)", "Jean Dupont avec AFP");
* a role and its place or outlet before the name ("Kontributor Makassar, Ani Lestari", "Laporan
  Wartawan Tribunnews.com, Ani Lestari");
* role words after the name in more languages ("dziennikarka", "корреспондент", "journalister");
* a family name printed in capitals beside a given name ("Jean DUPONT"), and a closing signature in
  capitals ("DINI TEJA"): case normalised;
* a login handle declared as the author ("kei_eno", "webnata"): no writer a reader would name.
"""

from __future__ import annotations

import json

import pytest

from kabar.extract.html import extract_html
from kabar.extract.html_authors import AGENCY_NOTE
from kabar.extract.person_names import normalise_case, read_people
from kabar.model import Article, RawPage

_PARAGRAPHS = [
    "The harbour authority said on Thursday that the new ferry pier would open before the holiday season.",
    "Fishermen who use the old jetty asked for a separate landing so that their catch is not delayed.",
    "The authority promised to publish the timetable for the works once the last permits are granted.",
    "Shop owners near the quay expect more visitors once the larger ferries can dock in the town.",
]


def _page(byline_html: str = "", head: str = "", tail_html: str = "", lang: str = "en") -> str:
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS)
    return (
        f'<html lang="{lang}"><head><title>New ferry pier</title>{head}</head><body>'
        '<header class="site"><a href="/">Harbour Daily</a></header>'
        f"<article><h1>New ferry pier</h1>{byline_html}<div class='content'>{body}</div>{tail_html}</article>"
        "</body></html>"
    )


def _read(html: str) -> Article:
    return extract_html(
        RawPage(content=html, kind="html", url="https://harbour.example.org/2024/05/ferry-pier")
    )


def _agencies(article: Article) -> list[str]:
    return [n.removeprefix(AGENCY_NOTE) for n in article.notes if n.startswith(AGENCY_NOTE)]


def _ld_author(name: str) -> str:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "author": {"@type": "Person", "name": name},
    }
    return f'<script type="application/ld+json">{json.dumps(ld, ensure_ascii=False)}</script>'


@pytest.mark.parametrize(
    ("name", "lang"),
    [("राम कुमार", "hi"), ("สมชาย ใจดี", "th"), ("রবীন্দ্রনাথ ঠাকুর", "bn"), ("முருகன் சுப்பிரமணியம்", "ta")],
)
def test_names_in_scripts_with_combining_vowel_signs(name: str, lang: str) -> None:
    assert _read(_page(head=_ld_author(name), lang=lang)).authors == [name]


@pytest.mark.parametrize(
    ("byline", "lang", "writers"),
    [
        ('<p class="byline">Του Γιώργου Παπαδόπουλου</p>', "el", ["Γιώργου Παπαδόπουλου"]),
        ('<div class="author">מאת: דני כהן</div>', "he", ["דני כהן"]),
        ('<div class="author">โดย สมชาย ใจดี</div>', "th", ["สมชาย ใจดี"]),
        ('<div class="author">लेखक: राम कुमार</div>', "hi", ["राम कुमार"]),
        ('<div class="author">Avtor: Janez Novak</div>', "sl", ["Janez Novak"]),
        ('<div class="author">Autorius: Jonas Jonaitis</div>', "lt", ["Jonas Jonaitis"]),
        ('<div class="author">Eftir Jón Jónsson</div>', "is", ["Jón Jónsson"]),
        ('<div class="author">Deur Piet Pienaar</div>', "af", ["Piet Pienaar"]),
        ('<div class="author">作者：王小明</div>', "zh", ["王小明"]),
        ('<div class="author">نویسنده: علی رضایی</div>', "fa", ["علی رضایی"]),
    ],
)
def test_byline_openers_of_more_languages(byline: str, lang: str, writers: list[str]) -> None:
    assert _read(_page(byline, lang=lang)).authors == writers


@pytest.mark.parametrize(
    ("byline", "lang", "writers"),
    [
        ('<p class="author">Oleh: Dr. H. Ahmad Sutisna, M.Pd.</p>', "id", ["Ahmad Sutisna"]),
        ('<p class="author">Oleh: Ir. Budi Santoso, M.Si</p>', "id", ["Budi Santoso"]),
        ('<p class="author">Oleh: Prof. Dr. Ani Lestari, S.H., M.H.</p>', "id", ["Ani Lestari"]),
        ('<p class="author">Penulis: Ani Lestari S.Sos</p>', "id", ["Ani Lestari"]),
        ('<div class="byline">Jane Roe, PhD</div>', "en", ["Jane Roe"]),
        ('<div class="byline">By Jane Roe, MSc, and John Doe, MBA</div>', "en", ["Jane Roe", "John Doe"]),
    ],
)
def test_degrees_and_titles_are_not_names(byline: str, lang: str, writers: list[str]) -> None:
    assert _read(_page(byline, lang=lang)).authors == writers


@pytest.mark.parametrize(
    ("byline", "head", "lang", "writers", "source"),
    [
        ("", '<meta name="author" content="Kompas.com">', "id", [], "Kompas.com"),
        (
            "",
            '<meta name="author" content="Ani Lestari, Tribunnews.com">',
            "id",
            ["Ani Lestari"],
            "Tribunnews.com",
        ),
        ("", '<meta name="author" content="CNN Indonesia">', "id", [], "CNN Indonesia"),
        ('<div class="byline">Ani Lestari, CNN Indonesia</div>', "", "id", ["Ani Lestari"], "CNN Indonesia"),
        ('<div class="byline">By Jane Roe, CNN</div>', "", "en", ["Jane Roe"], "CNN"),
        ("", '<meta name="author" content="Anna Muster (dpa)">', "de", ["Anna Muster"], "dpa"),
        ('<div class="byline">Par Jean Dupont avec AFP</div>', "", "fr", ["Jean Dupont"], "AFP"),
        ('<div class="byline">Von Anna Muster mit dpa</div>', "", "de", ["Anna Muster"], "dpa"),
        ('<div class="byline">Por Ana García con EFE</div>', "", "es", ["Ana García"], "EFE"),
    ],
)
def test_an_outlet_beside_the_writers_is_the_source(
    byline: str, head: str, lang: str, writers: list[str], source: str
) -> None:
    article = _read(_page(byline, head=head, lang=lang))
    assert article.authors == writers
    assert source in _agencies(article)


@pytest.mark.parametrize(
    "byline",
    [
        '<div class="byline">Kontributor Makassar, Ani Lestari</div>',
        '<div class="byline">Laporan Wartawan Tribunnews.com, Ani Lestari</div>',
        '<div class="reporter">Laporan Wartawan Tribun Jabar, Ani Lestari</div>',
        '<div class="reporter">Laporan Wartawan Tribunnews Bogor, Ani Lestari</div>',
    ],
)
def test_a_role_s_place_or_outlet_before_the_name_is_not_a_writer(byline: str) -> None:
    assert _read(_page(byline, lang="id")).authors == ["Ani Lestari"]


@pytest.mark.parametrize(
    ("byline", "lang", "writers"),
    [
        ('<div class="byline">Autor: Anna Kowalska, dziennikarka</div>', "pl", ["Anna Kowalska"]),
        ('<div class="byline">Автор: Иван Петров, корреспондент</div>', "ru", ["Иван Петров"]),
        (
            '<div class="byline">Av Kari Nordmann og Ola Hansen, journalister</div>',
            "no",
            ["Kari Nordmann", "Ola Hansen"],
        ),
    ],
)
def test_role_words_after_the_names_in_more_languages(byline: str, lang: str, writers: list[str]) -> None:
    assert _read(_page(byline, lang=lang)).authors == writers


def test_family_name_in_capitals_beside_a_given_name() -> None:
    assert _read(_page('<div class="author">Par Jean DUPONT</div>', lang="fr")).authors == ["Jean Dupont"]
    assert _read(_page(head=_ld_author("María GARCÍA LÓPEZ"), lang="es")).authors == ["María García López"]
    assert normalise_case("JD Barker") == "JD Barker"  # initials stay
    assert normalise_case("John Smith III") == "John Smith III"  # a numeral stays


def test_closing_signature_in_capitals_is_title_cased() -> None:
    article = _read(_page(tail_html="<p>DINI TEJA</p>", lang="id"))
    assert article.authors == ["Dini Teja"]


@pytest.mark.parametrize("handle", ["kei_eno", "webnata"])
def test_a_login_handle_declared_as_the_author_is_no_writer(handle: str) -> None:
    """A WordPress login in JSON-LD is not a name the page shows its readers ("Kei Eno" is a guess)."""
    assert _read(_page(head=_ld_author(handle), lang="ja")).authors == []


def test_agency_in_brackets_after_a_name_is_read_apart() -> None:
    found = read_people("Anna Muster (dpa)")
    assert found.writers == ["Anna Muster"] and found.agencies == ["dpa"]


@pytest.mark.parametrize(
    ("byline", "lang", "writers", "agencies"),
    [
        ('<div class="byline">Von Anna Muster mit Material von dpa</div>', "de", ["Anna Muster"], ["dpa"]),
        ('<div class="byline">Von Hans Meier (mit dpa)</div>', "de", ["Hans Meier"], ["dpa"]),
        ('<div class="byline">Por Ana García con información de EFE</div>', "es", ["Ana García"], ["EFE"]),
        ('<div class="byline">Par Jean Dupont avec agences</div>', "fr", ["Jean Dupont"], []),
        ('<div class="byline">By Jane Roe with John Doe</div>', "en", ["Jane Roe", "John Doe"], []),
    ],
)
def test_a_with_clause_credits_the_copy_used_not_another_writer(
    byline: str, lang: str, writers: list[str], agencies: list[str]
) -> None:
    article = _read(_page(byline, lang=lang))
    assert article.authors == writers
    assert _agencies(article) == agencies


@pytest.mark.parametrize(
    ("byline", "writers", "source"),
    [
        ('<div class="byline">Von Hans Meier (Text)</div>', ["Hans Meier"], None),
        ('<div class="byline">By Jane Roe, USA TODAY</div>', ["Jane Roe"], "USA TODAY"),
    ],
)
def test_what_the_writer_did_and_a_paper_in_capitals_after_the_name(
    byline: str, writers: list[str], source: str | None
) -> None:
    article = _read(_page(byline))
    assert article.authors == writers
    assert _agencies(article) == ([source] if source else [])


@pytest.mark.parametrize(
    ("byline", "lang", "writer", "photographer"),
    [
        (
            '<div class="author">Text: Anna Muster / Fotos: Peter Meier</div>',
            "de",
            "Anna Muster",
            "Peter Meier",
        ),
        ('<div class="byline">Story by Jane Roe • Photos by John Doe</div>', "en", "Jane Roe", "John Doe"),
    ],
)
def test_a_photographer_credited_beside_the_writer_is_not_a_writer(
    byline: str, lang: str, writer: str, photographer: str
) -> None:
    article = _read(_page(byline, lang=lang))
    assert article.authors == [writer]
    assert any(c.name == photographer and c.role == "photographer" for c in article.contributors)
