"""Search that knows Indonesian: compounds, reduplication and abbreviations both ways, on both backends.

The articles are hand-written here (no third-party text). Each spelling appears in one
article only, so a test can say exactly which articles a query must find.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from backends import PgServer, open_test_archive
from conftest import BACKENDS, backend_url
from kabar.archive.articles_core import CoreArchive
from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer
from kabar.archive.pg_tsvector import tsquery_text
from kabar.archive.query_expansion import (
    DICTIONARY_ENV,
    DICTIONARY_FILE,
    decode,
    default_dictionary,
    encode,
    load_dictionary,
    parse_dictionary,
)
from kabar.archive.search_parse import ParseOptions, fts_expression, parse_query
from kabar.lang.analysis import analyze
from kabar.model import Article

TEXTS = {
    "ektp_hyphen": (
        "KPK periksa saksi korupsi e-KTP",
        "Penyidik memeriksa saksi kasus korupsi pengadaan e-KTP.",
    ),
    "ektp_joined": ("Sidang kasus eKTP berlanjut", "Sidang perkara korupsi eKTP kembali digelar pekan ini."),
    "ktp_elektronik": (
        "Korupsi proyek KTP elektronik",
        "Jaksa menuntut terdakwa korupsi proyek KTP elektronik.",
    ),
    "ektp_dash": ("Warga antre rekam data", "Warga kecamatan itu antre merekam e – KTP di kantor dinas."),
    "mendikbud": ("Mendikbud resmikan sekolah baru", "Mendikbud meresmikan gedung sekolah dasar di Malang."),
    "menteri_long": (
        "Menteri Pendidikan dan Kebudayaan kunjungi perpustakaan",
        "Menteri Pendidikan dan Kebudayaan meninjau perpustakaan daerah.",
    ),
    "fitur_redup": (
        "Aplikasi pesan diperbarui",
        "Aplikasi pesan itu menambah fitur-fitur baru untuk pengguna.",
    ),
    "fitur_plain": ("Ponsel murah dirilis", "Ponsel itu punya fitur kamera ganda."),
    "desa_redup": ("Banjir di pesisir utara", "Banjir merendam desa-desa di pesisir utara."),
    "desa_plain": ("Dana desa diusut", "Polisi mengusut korupsi dana desa."),
    "cabai": ("Harga cabai naik menjelang Lebaran", "Harga cabai rawit naik di pasar induk."),
    "kadisdik": ("Ujian sekolah ditinjau", "Kepala Dinas Pendidikan meninjau ujian sekolah."),
}


def _articles() -> list[Article]:
    out = []
    for i, (key, (headline, body)) in enumerate(TEXTS.items()):
        out.append(
            Article(
                headline=headline,
                published=datetime(2017, 3, 1 + i, 8, tzinfo=UTC),
                outlet="contoh",
                url=f"https://contoh.invalid/{key}",
                canonical_url=f"https://contoh.invalid/{key}",
                paragraphs=[body],
            )
        )
    return out


@pytest.fixture(scope="module", params=BACKENDS)
def archive(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[CoreArchive]:
    with backend_url(request, tmp_path_factory.mktemp("indonesian")) as url:
        arch = open_test_archive(url, indexers=[FtsIndexer()])
        for article in _articles():
            arch.add(article)
        yield arch
        arch.close()


def _found(archive: CoreArchive, text: str) -> set[str]:
    result = archive.search(SearchQuery(text=text, limit=50))
    return {h.url.rsplit("/", 1)[-1] for h in result.hits if h.url}


EKTP = {"ektp_hyphen", "ektp_joined", "ktp_elektronik", "ektp_dash"}


def test_korupsi_ektp_finds_every_spelling(archive: CoreArchive) -> None:
    assert _found(archive, "korupsi e-ktp") == {"ektp_hyphen", "ektp_joined", "ktp_elektronik"}
    # what plain analysis found: only the article spelled exactly as typed
    assert _found(archive, '"korupsi e-ktp"') == {"ektp_hyphen", "ektp_joined"}  # adjacent only


@pytest.mark.parametrize("text", ["e-KTP", "eKTP", "e-ktp", "ektp", "E-KTP", "KTP elektronik", "ktp-el"])
def test_every_spelling_of_ektp_finds_the_same_articles(archive: CoreArchive, text: str) -> None:
    assert _found(archive, text) == EKTP


def test_menteri_pendidikan_finds_mendikbud_and_back(archive: CoreArchive) -> None:
    both = {"mendikbud", "menteri_long"}
    assert _found(archive, "menteri pendidikan") == both
    assert _found(archive, "Mendikbud") == both
    assert _found(archive, "Menteri Pendidikan dan Kebudayaan") == both
    # one word of the long form is not an abbreviation: "menteri" alone finds the words only
    assert _found(archive, "menteri") == {"menteri_long"}


def test_reduplication_both_ways(archive: CoreArchive) -> None:
    assert _found(archive, "fitur") == {"fitur_redup", "fitur_plain"}  # Sastrawi keeps fitur-fitur whole
    assert _found(archive, "fitur-fitur") == {"fitur_redup", "fitur_plain"}
    assert _found(archive, "desa-desa") == _found(archive, "desa") == {"desa_redup", "desa_plain"}


def test_plain_queries_are_unchanged(archive: CoreArchive) -> None:
    assert _found(archive, "harga cabai") == {"cabai"}
    assert _found(archive, "korupsi") == {"ektp_hyphen", "ektp_joined", "ktp_elektronik", "desa_plain"}


def test_snippets_mark_the_spelling_the_article_uses(archive: CoreArchive) -> None:
    hits = archive.search(SearchQuery(text="korupsi e-ktp")).hits
    snippets = {h.url.rsplit("/", 1)[-1]: h.snippet for h in hits if h.url}
    assert "«eKTP»" in snippets["ektp_joined"]
    assert "«KTP» «elektronik»" in snippets["ktp_elektronik"]
    assert "«korupsi»" in snippets["ektp_hyphen"]


def test_dictionary_is_read_from_its_file(
    archive: CoreArchive, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _found(archive, "kadisdik") == set()  # not in the shipped dictionary
    extra = tmp_path / "mine.txt"
    extra.write_text("kadisdik\tkepala dinas pendidikan\t# a test's own entry\n", encoding="utf-8")
    monkeypatch.setenv(DICTIONARY_ENV, str(extra))
    assert _found(archive, "kadisdik") == {"kadisdik"}
    assert _found(archive, "kepala dinas pendidikan") == {"kadisdik"}
    # an edit takes effect on the next query
    extra.write_text("# emptied\n", encoding="utf-8")
    assert _found(archive, "kadisdik") == set()
    monkeypatch.delenv(DICTIONARY_ENV)
    assert _found(archive, "Mendikbud") == {"mendikbud", "menteri_long"}


def test_shipped_dictionary_loads_whole_and_holds_the_common_abbreviations() -> None:
    shipped = load_dictionary(DICTIONARY_FILE)
    assert shipped.skipped == []
    assert len(shipped) >= 100
    for short, long in [
        ("mendikbud", "menteri pendidikan dan kebudayaan"),
        ("menkeu", "menteri keuangan"),
        ("kapolri", "kepala kepolisian negara republik indonesia"),
        ("pemprov", "pemerintah provinsi"),
        ("dprd", "dewan perwakilan rakyat daerah"),
        ("pilkada", "pemilihan kepala daerah"),
    ]:
        assert tuple(analyze(long)) in shipped.long_by_short[(short,)]
        assert (short,) in shipped.short_by_long[tuple(analyze(long))]


def test_bad_dictionary_lines_are_skipped_and_named() -> None:
    text = (
        "# comment only\n"
        "\n"
        "no tab here\n"
        "yang\tdan\n"  # stopwords only
        "kejari\tkejaksaan negeri\n"  # the stemmer makes kejari 'kejar' (chase)
        "a\tb\tc\n"
        "bnn\tbadan narkotika nasional\t# kept\n"
    )
    parsed = parse_dictionary(text)
    assert len(parsed) == 1 and parsed.long_by_short[("bnn",)] == [("badan", "narkotika", "nasional")]
    assert len(parsed.skipped) == 4
    assert any("kejar" in s for s in parsed.skipped)
    assert load_dictionary(Path("/nonexistent/abbrev.txt")).skipped  # a missing file: named, not raised


def test_one_group_encoding_rendered_for_both_backends() -> None:
    group = encode([(("ktp",), ("elektronik",)), (("e-ktp",),), (("e", "ktp"),)])
    assert decode(group) == [(("ktp",), ("elektronik",)), (("e-ktp",),), (("e", "ktp"),)]
    # typed words of a long form: the alternatives' scores add up
    assert fts_expression([("korupsi",), group]) == (
        '"korupsi" AND (("ktp" AND "elektronik") OR "e-ktp" OR "e ktp")'
    )
    assert tsquery_text([("korupsi",), group]) == (
        "('korupsi') & ((('ktp') & ('elektronik')) | ('e-ktp') | ('e' <-> 'ktp'))"
    )
    # one typed word: an article holding it is scored by it alone (b NOT a matches as b does)
    word = encode([(("e-ktp",),), (("ektp",),), (("ktp", "elektronik"),)])
    assert fts_expression([word]) == '("e-ktp" OR ("ektp" NOT "e-ktp") OR ("ktp elektronik" NOT "e-ktp"))'
    assert tsquery_text([word]) == (
        "(('e-ktp') | (('ektp') & !('e-ktp')) | (('ktp' <-> 'elektronik') & !('e-ktp')))"
    )
    # a plain phrase renders exactly as before the groups existed
    assert fts_expression([("gencatan", "senjata")]) == '"gencatan senjata"'
    assert tsquery_text([("gencatan", "senjata")]) == "('gencatan' <-> 'senjata')"


def test_numbers_and_names_get_no_odd_spellings() -> None:
    assert parse_query("2017").phrases == [("2017",)]
    # a root word starting with e is not read as e + word
    assert all("e-konomi" not in p for p in parse_query("ekonomi").phrases)


HOSTILE = [
    "e-" * 10_000,
    "-" * 10_000,
    "a-" * 5_000 + "a",
    "e - " * 5_000,
    "e-ktp " * 100_000,
    "mendikbud menkeu kapolri pemprov dprd pilkada " * 2_000,
    "menteri " * 5_000,
    '"' + "menteri pendidikan " * 500 + '"',
    bytes(range(256)).decode("latin-1") * 50,
    "\x00e-ktp\x00\udcff",
    'NEAR("e-ktp" mendikbud) OR * AND -e-ktp ^kapolri',
    "e-ktp'); DROP TABLE articles; --",
    "' | ! & <-> :* e-ktp",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_stay_bounded(text: str) -> None:
    opts = ParseOptions()
    parsed = parse_query(text, opts)
    assert len(parsed.phrases) <= opts.max_terms
    # beyond the expansion budget only words as typed are added, and those are cut at max_chars
    assert sum(len(p) for p in parsed.phrases) <= opts.max_expanded_terms + opts.max_chars
    for phrase in parsed.phrases:
        assert decode(phrase), phrase
    fts_expression(parsed.phrases)
    tsquery_text(parsed.phrases)


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_queries_answer_on_both_backends(archive: CoreArchive, text: str) -> None:
    result = archive.search(SearchQuery(text=text))
    assert result.total >= 0 and len(result.query) <= 200


def test_dictionary_cache_follows_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    mine = tmp_path / "d.txt"
    mine.write_text("xyzq\tkata panjang sekali\n", encoding="utf-8")
    monkeypatch.setenv(DICTIONARY_ENV, str(mine))
    assert ("xyzq",) in default_dictionary().long_by_short
    monkeypatch.setenv(DICTIONARY_ENV, str(tmp_path / "missing.txt"))
    assert len(default_dictionary()) == 0 and default_dictionary().skipped


# -- the same answers on both backends ------------------------------------------------------

PARITY = [
    "korupsi e-ktp",
    "eKTP",
    "KTP elektronik",
    '"korupsi e-ktp"',
    "menteri pendidikan",
    "Mendikbud",
    "fitur",
    "desa-desa",
    "harga cabai",
    "e-ktp mendikbud",  # no article has both: the any-word fallback
]


@pytest.mark.postgres
def test_sqlite_and_postgresql_agree(pg_server: PgServer, tmp_path: Path) -> None:
    with pg_server.database() as url:
        lite = open_test_archive(str(tmp_path / "kabar.db"), indexers=[FtsIndexer()])
        pg = open_test_archive(url, indexers=[FtsIndexer()])
        try:
            for article in _articles():
                assert lite.add(article).id == pg.add(article).id
            for text in PARITY:
                a, b = (
                    lite.search(SearchQuery(text=text, limit=50)),
                    pg.search(SearchQuery(text=text, limit=50)),
                )
                assert (a.total, a.message) == (b.total, b.message), text
                assert {h.id: h.snippet for h in a.hits} == {h.id: h.snippet for h in b.hits}, text
                assert a.total > 0, text
        finally:
            lite.close()
            pg.close()
