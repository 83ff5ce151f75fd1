"""Issue 20, items 1–2: data tables beside the body; tail and promotion lines in any language.

Hand-written pages (no shared data). A data table in the story is kept as a structured ``Table``
(rows of cell texts, caption, the paragraph it stands before) and its rows leave the body, on both
body paths (trafilatura's paragraphs for an unknown host, a portal profile's container for
kompas.com); a layout table wrapping the page stays the page. Credit, standards and promotion
lines closing (or opening) a body leave it; the same words inside a sentence stay. Hostile pages
(20,000 rows, 5,000 tail-like lines) stay bounded: capped, with a note.
"""

from __future__ import annotations

import pytest

from kabar.extract.html import extract_html
from kabar.extract.html_tables import MAX_CELLS, MAX_ROWS
from kabar.model import Article, RawPage

PROSE = [
    "Harga beras di pasar tradisional naik tajam dalam sepekan terakhir, menurut data Badan Pusat "
    "Statistik yang dirilis pada hari Senin di Jakarta.",
    "Kenaikan paling besar terjadi di Jakarta, disusul Surabaya dan Medan, kata kepala badan itu "
    "kepada wartawan di kantornya pada Senin siang.",
    "Pemerintah berjanji akan menggelar operasi pasar mulai pekan depan untuk menekan harga, ujar "
    "menteri perdagangan dalam keterangan tertulis.",
    "Para pedagang mengeluhkan turunnya jumlah pembeli sejak harga mulai naik pada awal bulan ini, "
    "kata seorang pedagang di Pasar Induk Cipinang.",
]
ENGLISH = [
    "Scientists on Monday unveiled the first global geological map of Saturn's moon Titan, including "
    "vast plains and dunes of frozen organic material.",
    "The map was based on radar, infrared and other data collected by the Cassini spacecraft, which "
    "studied Saturn and its moons for thirteen years.",
    "The researchers said the lakes of liquid methane make Titan a strong candidate in the search "
    "for life beyond Earth, and a target for future missions.",
]
GERMAN = [
    "Nach 42 Sitzungen hat der Untersuchungsausschuss zur Flutkatastrophe im Ahrtal die "
    "Beweisaufnahme beendet, die Arbeit ist damit aber noch nicht vorbei.",
    "Bis zur Sommerpause wird der Bericht des Ausschussvorsitzenden erstellt, danach können die "
    "Fraktionen ihre eigenen Bewertungen hinzufügen.",
    "Politische Beobachter zeigen sich vor allem enttäuscht von der Landesregierung, die lange "
    "nicht gewusst habe, wie ernst die Lage gewesen sei.",
]
ROWS = [
    ["Kota", "Pekan lalu", "Pekan ini", "Kenaikan"],
    ["Jakarta", "Rp 12.000", "Rp 13.500", "12,5%"],
    ["Surabaya", "Rp 11.800", "Rp 12.900", "9,3%"],
]


def _table(rows: list[list[str]], caption: str | None = None) -> str:
    cap = f"<caption>{caption}</caption>" if caption else ""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>{cap}{body}</table>"


def _page(
    inner: str, host: str = "example.org", wrapper: tuple[str, str] = ("<article>", "</article>")
) -> str:
    return (
        "<html><head><title>Harga beras naik</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/ekonomi'>Ekonomi</a></nav>"
        f"{wrapper[0]}<h1>Harga beras naik di tiga kota</h1>{inner}{wrapper[1]}"
        "<footer><p>Kontak redaksi</p></footer></body></html>"
    )


def _read(html: str, host: str = "example.org") -> Article:
    return extract_html(RawPage(content=html, kind="html", url=f"https://{host}/ekonomi/2026/harga-beras"))


def _paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


def _no_cells(article: Article, rows: list[list[str]]) -> None:
    body = "\n".join(article.paragraphs)
    for row in rows[1:]:
        assert row[1] not in body


BODY_PATHS = {
    "trafilatura": ("example.org", ("<article>", "</article>")),
    "profile": ("nasional.kompas.com", ("<div class='read__content'><div class='clearfix'>", "</div></div>")),
}


@pytest.mark.parametrize("path", sorted(BODY_PATHS))
def test_data_table_in_the_middle_is_kept_beside_the_body(path: str) -> None:
    host, wrapper = BODY_PATHS[path]
    inner = _paragraphs(PROSE[:2]) + _table(ROWS, "Harga beras per kilogram") + _paragraphs(PROSE[2:])
    article = _read(_page(inner, host, wrapper), host)
    assert article.paragraphs == PROSE
    assert len(article.tables) == 1
    table = article.tables[0]
    assert table.rows == ROWS
    assert table.caption == "Harga beras per kilogram"
    assert table.position == 2  # before "Pemerintah berjanji …"
    _no_cells(article, ROWS)


def test_a_short_title_above_the_table_is_its_caption_not_a_paragraph() -> None:
    inner = (
        _paragraphs(PROSE[:2])
        + "<p><strong>Harga beras per kilogram</strong></p>"
        + _table(ROWS)
        + _paragraphs(PROSE[2:])
    )
    article = _read(_page(inner))
    assert article.paragraphs == PROSE
    assert [(t.caption, t.position) for t in article.tables] == [("Harga beras per kilogram", 2)]


def test_layout_table_wrapping_the_page_stays_the_page() -> None:
    # An old portal: the whole page in one table; the story is a cell of paragraphs (layout), and
    # one real data table stands inside the story. trafilatura prints the layout table's cells as
    # rows too: those are the story and stay.
    story = _paragraphs(PROSE[:2]) + _table(ROWS) + _paragraphs(PROSE[2:])
    inner = (
        "<table width='100%'><tr><td class='menu'><a href='/'>Home</a><br><a href='/a'>Ekonomi</a></td>"
        f"<td><div class='isi'>{story}</div></td></tr>"
        "<tr><td colspan='2'>Kontak redaksi</td></tr></table>"
    )
    article = _read(_page(inner, wrapper=("", "")))
    body = " ".join(article.paragraphs)
    assert all(p in body for p in PROSE)
    assert [t.rows for t in article.tables] == [ROWS]  # the data table only, not the wrapper
    _no_cells(article, ROWS)


def test_single_cell_wrapper_and_credit_box_are_not_tables() -> None:
    credits = _table([["Penulis", ": Ani Lestari"], ["Editor", ": Budi Santoso"]])
    inner = (
        f"<table><tr><td>{_paragraphs(PROSE[:2])}</td></tr></table>"
        + _table(ROWS)
        + _paragraphs(PROSE[2:])
        + credits
    )
    article = _read(_page(inner))
    assert [t.rows for t in article.tables] == [ROWS]
    body = " ".join(article.paragraphs)
    assert all(p in body for p in PROSE)
    _no_cells(article, ROWS)


TAILS = {
    "english": (
        ENGLISH,
        [
            "(Reporting by Will Dunham; Editing by Tom Brown)",
            "Our Standards: The Thomson Reuters Trust Principles.",
            "Join our commenting forum",
            "Sign up for our daily newsletter",
        ],
    ),
    "german": (GERMAN, ["Mehr zum Thema: Zwei Rücktritte im Ahrtal-Ausschuss"]),
    "spanish": (GERMAN, ["Lea también: El Gobierno aprueba el presupuesto"]),
    "indonesian": (
        PROSE,
        ["Simak juga: Harga cabai ikut naik di Jakarta", "Baca artikel selengkapnya di Tempo.co"],
    ),
    "french": (ENGLISH, ["Lire aussi : Le conflit a pris un caractère mondial"]),
}


@pytest.mark.parametrize("language", sorted(TAILS))
def test_tail_lines_leave_the_body(language: str) -> None:
    prose, tail = TAILS[language]
    article = _read(_page(_paragraphs(prose) + _paragraphs(tail)))
    assert article.paragraphs == prose


def test_a_closing_heading_takes_the_headlines_under_it() -> None:
    # kompas.com's container, read by kabar's walker: the bare heading reaches the body there.
    host, wrapper = BODY_PATHS["profile"]
    tail = ["Simak juga", "Harga cabai ikut naik di Jakarta", "Operasi pasar digelar di Bekasi"]
    article = _read(_page(_paragraphs(PROSE + tail), host, wrapper), host)
    assert article.paragraphs == PROSE


def test_prompts_before_the_story_leave_the_body() -> None:
    # Longer than a breadcrumb label (those go already), so only the prompt's phrase tells.
    article = _read(_page(_paragraphs(["Save this article for later", *ENGLISH])))
    assert article.paragraphs == ENGLISH


def test_the_words_inside_a_sentence_stay() -> None:
    sentence = (
        "Readers who want the full study can read the original article in the journal, which the "
        "team published on Monday after two years of review."
    )
    prose = [*ENGLISH, sentence]
    article = _read(_page(_paragraphs([*prose, "Read the original article."])))
    assert article.paragraphs == prose


def test_hostile_table_is_capped_with_a_note() -> None:
    rows = [[str(i), f"Desa {i}", str(3 * i)] for i in range(20_000)]
    wide = [[f"k{j}" for j in range(MAX_CELLS + 10)], [f"v{j}" for j in range(MAX_CELLS + 10)]]
    inner = (
        _paragraphs(PROSE[:2])
        + _table(rows)
        + _paragraphs(PROSE[2:3])
        + _table(wide)
        + _paragraphs(PROSE[3:])
    )
    article = _read(_page(inner))
    assert article.paragraphs == PROSE
    long, broad = article.tables
    assert len(long.rows) == MAX_ROWS and long.rows[0] == ["0", "Desa 0", "0"]
    assert (long.position, broad.position) == (2, 3)
    assert all(len(r) == MAX_CELLS for r in broad.rows)
    assert any(f"{MAX_ROWS} of 20000 rows" in n for n in article.notes)
    assert any(f"{MAX_CELLS} of {MAX_CELLS + 10} cells" in n for n in article.notes)


def test_hostile_tail_lines_are_read_once() -> None:
    tail = [f"Editing by Tom Brown {i}" for i in range(5_000)]
    article = _read(_page(_paragraphs(ENGLISH + tail)))
    assert article.paragraphs == ENGLISH
