"""People with roles and the publication time's evidence order, in both readers (issue 16 items 3–4,
issue 20 items 3–4).

Every page here is written for the test: a headline, a time line, a byline in the shape the class
names, a few paragraphs. People: ``Article.contributors`` holds every credited person or agency with
its role; ``Article.authors`` holds the writers (writer, else reporter), never an editor; an
organisation on a byline is an agency. Time: JSON-LD/meta with a zone, then the visible time beside
the headline, then the URL's date; never a date from the body or a related box; conflicts noted;
the zone kept as shown (WIB +07:00, WITA +08:00, WIT +09:00); the modified time kept apart.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from kabar.extract.flat import extract_flat
from kabar.extract.html import extract_html
from kabar.model import Article, RawPage

_HEADLINE = "Banjir Besar Melanda Kota Makassar Sejak Selasa Pagi"
_PARAGRAPHS = [
    "Banjir besar melanda kota sejak Selasa pagi setelah hujan deras mengguyur wilayah itu selama berjam-jam.",
    "Warga mengungsi ke tempat yang lebih tinggi sementara petugas membantu evakuasi di berbagai titik rawan.",
    "Pemerintah kota menyiapkan dapur umum dan posko kesehatan bagi para pengungsi di sejumlah kelurahan.",
]
_URL = "https://berita.contoh.id/read/banjir-makassar"
_WIB, _WITA, _WIT = (timezone(timedelta(hours=h)) for h in (7, 8, 9))


def _html(
    byline: str = "",
    time_line: str = "Selasa, 2 Januari 2024 09:15 WIB",
    first: str = "",
    tail: str = "",
    head: str = "",
    related: str = "",
    body: list[str] | None = None,
) -> str:
    paragraphs = list(body or _PARAGRAPHS)
    paragraphs[0] = first + paragraphs[0]
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='id'><head><title>{_HEADLINE}</title>{head}</head><body>"
        "<header class='site'><a href='/'>Berita Contoh</a></header>"
        f"<article><h1>{_HEADLINE}</h1>{related}<div class='meta'>{byline}</div>"
        f"<div class='date'>{time_line}</div><div class='content'>{text}{tail}</div></article>"
        "</body></html>"
    )


def _read_html(html: str, url: str = _URL) -> Article:
    return extract_html(RawPage(content=html, kind="html", url=url))


def _flat(
    byline: str = "",
    time_line: str = "Selasa, 02 Januari 2024 09:15 WIB",
    first: str = "MAKASSAR, KOMPAS.com - ",
    tail: str = "",
) -> Article:
    lines = ["Nasional", _HEADLINE, time_line, byline, first + _PARAGRAPHS[0], *_PARAGRAPHS[1:], tail]
    lines += ["Berita Terkait", "Judul berita lain yang juga tentang banjir"]
    return extract_flat(RawPage(content="\n".join(x for x in lines if x)))


def _roles(article: Article) -> list[tuple[str, str]]:
    return [(c.name, c.role) for c in article.contributors]


# ------------------------------------------------------------------------------ people, both readers

# (byline line, writers, contributors): one labelled line shape per case.
_BYLINES = [
    (
        "Penulis: Ani Lestari | Editor: Budi Santoso",
        ["Ani Lestari"],
        [("Ani Lestari", "writer"), ("Budi Santoso", "editor")],
    ),
    (
        "Reporter: Ani Lestari, Budi Santoso dan Citra Dewi",
        ["Ani Lestari", "Budi Santoso", "Citra Dewi"],
        [("Ani Lestari", "reporter"), ("Budi Santoso", "reporter"), ("Citra Dewi", "reporter")],
    ),
    (
        "Pewarta: Xena Putri / Editor: Yuda Pratama",
        ["Xena Putri"],
        [("Xena Putri", "reporter"), ("Yuda Pratama", "editor")],
    ),
    (
        "Reporter: Ani Lestari | Fotografer: Dedi Kurnia",
        ["Ani Lestari"],
        [("Ani Lestari", "reporter"), ("Dedi Kurnia", "photographer")],
    ),
    ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"], [("Jane Roe", "writer"), ("John Doe", "writer")]),
    ("Editor: Budi Santoso", [], [("Budi Santoso", "editor")]),  # an editor alone is not the writer
    ("Penulis: Tim Redaksi", [], [("Tim Redaksi", "agency")]),  # a desk, not a person
    ("By Reuters", [], [("Reuters", "agency")]),
    # An affiliation ends the name, whatever its case ("For Dailymail.Com" as a site title-cases it).
    ("By Jane Roe For Example.Com", ["Jane Roe"], [("Jane Roe", "writer")]),
    ("By Jane Roe for The Daily Example", ["Jane Roe"], [("Jane Roe", "writer")]),
]


@pytest.mark.parametrize(("line", "writers", "roles"), _BYLINES)
def test_html_byline_roles(line: str, writers: list[str], roles: list[tuple[str, str]]) -> None:
    article = _read_html(_html(byline=line))
    assert article.authors == writers
    assert _roles(article) == roles


@pytest.mark.parametrize(("line", "writers", "roles"), _BYLINES)
def test_flat_byline_roles(line: str, writers: list[str], roles: list[tuple[str, str]]) -> None:
    article = _flat(byline=line)
    assert article.authors == writers
    assert _roles(article) == roles


def test_german_von_list_both_readers() -> None:
    html = _read_html(_html(byline="<p class='byline'>Von Anna Martel und Lea Wagner</p>"))
    assert html.authors == ["Anna Martel", "Lea Wagner"]
    assert _roles(html) == [("Anna Martel", "writer"), ("Lea Wagner", "writer")]
    flat = _flat(byline="Von Anna Martel und Lea Wagner")
    assert flat.authors == ["Anna Martel", "Lea Wagner"]
    assert _roles(flat) == [("Anna Martel", "writer"), ("Lea Wagner", "writer")]


def test_antara_dateline_with_pewarta_closing_the_story() -> None:
    tail = "<p>Pewarta: Xena Putri</p><p>Editor: Yuda Pratama</p>"
    html = _read_html(_html(first="(ANTARA) - ", tail=tail))
    assert html.authors == ["Xena Putri"]
    assert _roles(html) == [("Xena Putri", "reporter"), ("Yuda Pratama", "editor"), ("ANTARA", "agency")]
    assert html.paragraphs[-1] == _PARAGRAPHS[-1]
    flat = _flat(first="(ANTARA) - ", tail="Pewarta: Xena Putri\nEditor: Yuda Pratama")
    assert flat.authors == ["Xena Putri"]
    assert _roles(flat) == [("Xena Putri", "reporter"), ("Yuda Pratama", "editor"), ("ANTARA", "agency")]


_WIRE_TAIL = "(Reporting by Jane Roe in London; Writing by Xavier Lee; Editing by Yvonne Kim)"
_WIRE_ROLES = [("Jane Roe", "reporter"), ("Xavier Lee", "writer"), ("Yvonne Kim", "editor")]


def test_wire_credit_tail_both_readers() -> None:
    html = _read_html(_html(tail=f"<p>{_WIRE_TAIL}</p>"))
    assert html.authors == ["Xavier Lee"]
    assert _roles(html) == _WIRE_ROLES
    assert all("Editing by" not in p for p in html.paragraphs)  # a credit line, not story text
    flat = _flat(tail=_WIRE_TAIL)
    assert flat.authors == ["Xavier Lee"]
    assert _roles(flat) == _WIRE_ROLES


# ------------------------------------------------------------------------------ time, HTML reader


def test_wita_page_keeps_its_zone_both_readers() -> None:
    html = _read_html(_html(time_line="Selasa, 2 Januari 2024 09:15 WITA"))
    assert html.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WITA)
    assert html.published_zone == "WITA"
    flat = _flat(time_line="Selasa, 02 Januari 2024 09:15 WITA")
    assert flat.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WITA)
    assert flat.published_zone == "WITA"


def test_wib_and_wit_offsets_in_the_flat_reader() -> None:
    wib = _flat(time_line="Selasa, 02 Januari 2024 09:15 WIB")
    assert (wib.published, wib.published_zone) == (datetime(2024, 1, 2, 9, 15, tzinfo=_WIB), "WIB")
    wit = _flat(time_line="Selasa, 02 Januari 2024 09:15 WIT")
    assert (wit.published, wit.published_zone) == (datetime(2024, 1, 2, 9, 15, tzinfo=_WIT), "WIT")


def test_meta_time_with_offset_shows_the_offset() -> None:
    head = '<meta property="article:published_time" content="2024-01-02T09:15:00+07:00">'
    article = _read_html(_html(head=head, time_line=""))
    assert article.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WIB)
    assert article.published_zone == "+07:00"


def test_date_modified_is_kept_apart() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": _HEADLINE,
        "datePublished": "2024-01-02T09:15:00+07:00",
        "dateModified": "2024-01-03T11:00:00+07:00",
    }
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    article = _read_html(_html(head=head))
    assert article.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WIB)
    assert article.modified == datetime(2024, 1, 3, 11, 0, tzinfo=_WIB)


def test_visible_diperbarui_line_is_the_modified_time() -> None:
    line = "Selasa, 2 Januari 2024 09:15 WIB</div><div class='update'>Diperbarui 3 Januari 2024 11:00 WIB"
    article = _read_html(_html(time_line=line))
    assert article.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WIB)
    assert article.modified == datetime(2024, 1, 3, 11, 0, tzinfo=_WIB)


_RELATED = (
    "<aside class='related'><h3><a href='/read/lain'>Banjir susulan diperkirakan datang lagi</a></h3>"
    "<time datetime='2024-03-05T10:00:00+07:00'>Selasa, 5 Maret 2024 10:00 WIB</time></aside>"
)


def test_related_box_with_a_newer_date_never_wins() -> None:
    article = _read_html(_html(related=_RELATED, time_line="Selasa, 2 Januari 2024 09:15 WIB"))
    assert article.published == datetime(2024, 1, 2, 9, 15, tzinfo=_WIB)


def test_body_date_never_wins_over_the_url_date() -> None:
    body = [
        "Rapat digelar pada Senin, 1 Januari 2024 pukul 10.00 WIB di balai kota, kata juru bicara pemerintah kota "
        "kepada wartawan yang menunggu di luar gedung sejak pagi hari.",
        *_PARAGRAPHS[1:],
    ]
    html = _html(related=_RELATED, time_line="", body=body)
    article = _read_html(html, "https://berita.contoh.id/2024/01/02/banjir-makassar")
    assert article.published is not None and article.published.date().isoformat() == "2024-01-02"
    assert any(n.startswith("time: only the URL's date") for n in article.notes)


def test_meta_and_visible_disagree_meta_wins_and_the_conflict_is_noted() -> None:
    head = '<meta property="article:published_time" content="2024-01-02T10:00:00+07:00">'
    article = _read_html(_html(head=head, time_line="Selasa, 2 Januari 2024 12:30 WIB"))
    assert article.published == datetime(2024, 1, 2, 10, 0, tzinfo=_WIB)
    assert any(n.startswith("time: meta 2024-01-02T10:00+07:00 vs visible") for n in article.notes)
