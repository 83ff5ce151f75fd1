"""Berita terkait's signals, each on a small archive written for it, on SQLite and PostgreSQL.

- a place whose stem is a common word ("Temanggung" → "tanggung") relates nothing by that word;
- a dateline ("JAKARTA, KOMPAS.com -") and outlet names are not shared terms;
- sharing a person outranks sharing only common words;
- closeness in time breaks a tie;
- one truly related article among many that share a word or two: the list stops after it
  (the relevance floor) instead of filling ten slots;
- the same answers on both backends (every test runs on each).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import BACKENDS, backend_url
from kabar.archive import open_archive
from kabar.archive.base import Archive, Indexer
from kabar.archive.entity_indexer import EntityIndexer
from kabar.archive.fts import FtsIndexer
from kabar.archive.story_indexer import StoryIndexer
from kabar.lang.analysis import analyze
from kabar.link.dedup import DedupIndexer
from kabar.link.related import NO_FLOOR, RelatedOptions, related
from kabar.link.related_noise import article_noise
from kabar.link.related_profile import ProfileOptions, build_profile
from kabar.model import Article, Entity, EntityType, Mention

T0 = datetime(2017, 3, 1, 8, 0, tzinfo=UTC)


@dataclass(slots=True)
class Doc:
    key: str
    headline: str
    paragraphs: list[str]
    days: float = 0.0
    outlet: str = "Contoh"
    entities: tuple[tuple[str, EntityType, int], ...] = ()  # name, type, mentions


def _article(doc: Doc) -> Article:
    url = f"https://contoh.example/{doc.key}"
    entities = [
        Entity(name=name, type=etype, mentions=[Mention(0, len(name), name)] * mentions)
        for name, etype, mentions in doc.entities
    ]
    return Article(
        headline=doc.headline,
        paragraphs=doc.paragraphs,
        published=T0 + timedelta(days=doc.days),
        outlet=doc.outlet,
        url=url,
        canonical_url=url,
        entities=entities,
    )


# Filler on other subjects, so that a word two articles share is not in every article.
FILLER = [
    Doc("f1", "Harga beras stabil", ["Harga beras di pasar induk stabil menjelang bulan puasa."]),
    Doc(
        "f2", "Kereta cepat diuji", ["Kereta cepat menjalani uji coba lintasan sepanjang sepuluh kilometer."]
    ),
    Doc(
        "f3", "Festival musik digelar", ["Festival musik tahunan menghadirkan puluhan band dari luar negeri."]
    ),
    Doc(
        "f4",
        "Nelayan melaut lagi",
        ["Nelayan kembali melaut setelah gelombang tinggi mereda di pantai utara."],
    ),
]


def _indexers() -> list[Indexer]:
    return [FtsIndexer(), DedupIndexer(), EntityIndexer(), StoryIndexer()]


@pytest.fixture(params=BACKENDS)
def archive(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Archive]:
    with backend_url(request, tmp_path) as url:
        a = open_archive(url, _indexers())
        try:
            yield a
        finally:
            a.close()


def _add(archive: Archive, docs: list[Doc]) -> dict[str, int]:
    return {d.key: archive.add(_article(d)).id for d in [*FILLER, *docs]}


def _ranked(archive: Archive, ids: dict[str, int], key: str) -> list[str]:
    back = {v: k for k, v in ids.items()}
    return [back[h.id] for h in related(archive, ids[key], RelatedOptions(limit=10))]


TEMANGGUNG = [
    Doc(
        "flood",
        "Banjir rendam rumah warga Temanggung",
        [
            "Banjir merendam ratusan rumah di Temanggung, Jawa Tengah. Warga Temanggung mengungsi ke balai desa.",
            "Sungai Progo meluap setelah hujan deras. Relawan di Temanggung membagikan makanan.",
        ],
        entities=(("Temanggung", "place", 3), ("Sungai Progo", "place", 1)),
    ),
    # Says "tanggung jawab" over and over: the stem of Temanggung, and nothing else in common.
    Doc(
        "duty",
        "Sekolah tanggung jawab bersama",
        [
            "Kepala sekolah menyebut mendidik anak tanggung jawab bersama. Orang tua ikut tanggung jawab.",
            "Guru menanggung beban administrasi, kata Ketua Komite Sekolah Budi Santoso. Semua tanggung jawab.",
        ],
        entities=(("Budi Santoso", "person", 1),),
    ),
    Doc(
        "landslide",
        "Longsor tutup jalan di Temanggung",
        ["Tanah longsor menutup jalan provinsi di Temanggung. Alat berat dikerahkan ke lokasi sejak pagi."],
        days=2,
        entities=(("Temanggung", "place", 2),),
    ),
    Doc(
        "relief",
        "Posko banjir dibuka",
        ["Posko bantuan banjir dibuka bagi warga yang mengungsi. Relawan membagikan makanan dan selimut."],
        days=1,
    ),
]


def test_a_place_stemmed_to_a_common_word_relates_nothing_by_it(archive: Archive) -> None:
    assert analyze("Temanggung") == ["tanggung"]  # the trap this test is about
    ids = _add(archive, TEMANGGUNG)
    ranked = _ranked(archive, ids, "flood")
    assert "landslide" in ranked and "relief" in ranked
    assert "duty" not in ranked, ranked
    article = archive.get(ids["flood"])
    assert article is not None
    profile = build_profile(archive.term_stats, ids["flood"], article)
    assert "tanggung" not in profile.query


def test_the_names_fallback_never_matches_a_stemmed_name(tmp_path: Path) -> None:
    """Without entities (an archive ingested without understanding), capitalised spans stand in."""
    a = open_archive(str(tmp_path / "kabar.db"), [FtsIndexer(), DedupIndexer()])
    try:
        docs = [Doc(d.key, d.headline, d.paragraphs, d.days) for d in TEMANGGUNG]  # no entities
        ids = _add(a, docs)
        assert "duty" not in _ranked(a, ids, "flood")
    finally:
        a.close()


DATELINE = [
    Doc(
        "chili",
        "Harga cabai naik tajam",
        ["JAKARTA, KOMPAS.com - Harga cabai rawit di pasar tradisional naik tajam sejak pekan lalu."],
        outlet="Kompas.com",
    ),
    Doc(
        "football",
        "Timnas menang telak",
        [
            "JAKARTA, KOMPAS.com - Timnas menang telak atas Malaysia di Stadion Utama.",
            "Dilansir Kompas.com, pelatih memuji lini tengah.",
        ],
        outlet="Kompas.com",
    ),
    Doc(
        "chili_2",
        "Pedagang keluhkan harga cabai",
        ["Pedagang pasar mengeluhkan harga cabai rawit yang terus naik."],
        days=1,
        outlet="Lain",
    ),
]


def test_a_dateline_is_not_a_shared_term(archive: Archive) -> None:
    ids = _add(archive, DATELINE)
    article = archive.get(ids["chili"])
    assert article is not None
    noise = article_noise(article)
    assert noise.body["jakarta"] == 1 and noise.dateline_place == "jakarta"
    profile = build_profile(archive.term_stats, ids["chili"], article)
    assert not {"jakarta", *analyze("KOMPAS.com")} & set(profile.query)
    ranked = _ranked(archive, ids, "chili")
    assert ranked[:1] == ["chili_2"] and "football" not in ranked, ranked
    # The plain query (nothing counted out) still has them: the benchmark's anchor.
    plain = build_profile(archive.term_stats, ids["chili"], article, ProfileOptions(count_out_noise=False))
    assert "jakarta" in plain.query


PERSON = [
    Doc(
        "rally",
        "Massa aksi bela ulama berkumpul",
        ["Rizieq Shihab memimpin massa di Monas. Rizieq Shihab meminta aparat menjaga ketertiban."],
        entities=(("Rizieq Shihab", "person", 2), ("Monas", "place", 1)),
    ),
    Doc(
        "summons",
        "Polisi panggil Rizieq Shihab",
        ["Penyidik memanggil Rizieq Shihab untuk diperiksa sebagai saksi pekan depan."],
        days=3,
        entities=(("Rizieq Shihab", "person", 1),),
    ),
    Doc(
        "traffic",
        "Massa penonton konser padati jalan",
        ["Massa penonton konser berkumpul dan aparat menjaga ketertiban di sekitar stadion."],
        days=3,
    ),
]


def test_a_shared_person_outranks_shared_common_words(archive: Archive) -> None:
    ids = _add(archive, PERSON)
    ranked = _ranked(archive, ids, "rally")
    assert "summons" in ranked, ranked
    assert "traffic" not in ranked or ranked.index("summons") < ranked.index("traffic"), ranked
    hit = next(h for h in related(archive, ids["rally"]) if h.id == ids["summons"])
    assert "Rizieq Shihab" in hit.reason


TIE = [
    Doc(
        "quake",
        "Gempa guncang Lombok",
        ["Gempa bermagnitudo enam mengguncang Lombok pagi tadi. Warga berhamburan keluar rumah."],
    ),
    # The same words, in another order (so not a near-duplicate), once near in time and once
    # far: BM25 and the names cannot tell them apart, only time can.
    Doc(
        "quake_near",
        "Warga Lombok berhamburan saat gempa",
        ["Warga berhamburan keluar rumah ketika gempa bermagnitudo enam mengguncang Lombok."],
        days=2,
    ),
    Doc(
        "quake_far",
        "Gempa Lombok saat berhamburan warga",
        ["Lombok mengguncang enam bermagnitudo gempa ketika rumah keluar berhamburan warga."],
        days=300,
    ),
]


def test_time_distance_breaks_a_tie(archive: Archive) -> None:
    ids = _add(archive, TIE)
    hits = {h.id: h for h in related(archive, ids["quake"])}
    near, far = hits[ids["quake_near"]], hits[ids["quake_far"]]
    assert near.score > far.score
    assert _ranked(archive, ids, "quake")[:2] == ["quake_near", "quake_far"]


# One article truly related to "ferry" (the same sinking, the same captain), and eight that
# each share one or two of its words in passing: what fills ten slots without a floor.
LONE = [
    Doc(
        "ferry",
        "Kapal feri tenggelam di Selat Bali",
        [
            "Kapal feri KMP Yunicee tenggelam di Selat Bali. Nakhoda Ahmad Suryadi selamat bersama "
            "puluhan penumpang. Tim SAR gabungan mencari korban hilang di perairan Gilimanuk."
        ],
        entities=(
            ("KMP Yunicee", "organization", 1),
            ("Ahmad Suryadi", "person", 1),
            ("Gilimanuk", "place", 1),
        ),
    ),
    Doc(
        "ferry_2",
        "Nakhoda KMP Yunicee diperiksa polisi",
        [
            "Polisi memeriksa nakhoda KMP Yunicee Ahmad Suryadi setelah kapal feri itu tenggelam di "
            "Selat Bali. Tim SAR masih mencari penumpang yang hilang di perairan Gilimanuk."
        ],
        days=1,
        entities=(
            ("KMP Yunicee", "organization", 1),
            ("Ahmad Suryadi", "person", 1),
            ("Gilimanuk", "place", 1),
        ),
    ),
    Doc(
        "u1",
        "Harga tiket pesawat turun",
        ["Harga tiket pesawat turun. Puluhan penumpang memadati bandara."],
        days=2,
    ),
    Doc(
        "u2",
        "Festival layang-layang di Bali",
        ["Festival layang-layang digelar di pantai Bali pekan ini."],
        days=3,
    ),
    Doc("u3", "Tim voli putri juara", ["Tim voli putri menjadi juara setelah menang di final."], days=4),
    Doc(
        "u4",
        "Anak hilang ditemukan",
        ["Seorang anak yang hilang di pasar ditemukan selamat oleh warga."],
        days=5,
    ),
    Doc("u5", "Perairan Natuna dijaga", ["TNI AL menambah kapal patroli di perairan Natuna."], days=6),
    Doc(
        "u6", "Polisi periksa saksi pencurian", ["Polisi memeriksa tiga saksi kasus pencurian motor."], days=7
    ),
    Doc(
        "u7",
        "Gabungan pengusaha minta insentif",
        ["Gabungan pengusaha meminta insentif pajak tahun depan."],
        days=8,
    ),
    Doc("u8", "Selat Sunda berombak tinggi", ["Gelombang tinggi melanda Selat Sunda sejak kemarin."], days=9),
]


def test_one_related_article_is_shown_without_unrelated_fill(archive: Archive) -> None:
    ids = _add(archive, LONE)
    back = {v: k for k, v in ids.items()}
    unfloored = [back[h.id] for h in related(archive, ids["ferry"], RelatedOptions(limit=10, floor=NO_FLOOR))]
    # The trap is set: without a floor, articles that share a word or two fill the list.
    assert unfloored[:1] == ["ferry_2"] and len({k for k in unfloored if k.startswith("u")}) >= 2, unfloored
    for mode in ("relevant", "newest"):
        shown = [back[h.id] for h in related(archive, ids["ferry"], RelatedOptions(mode=mode, limit=10))]
        assert shown == ["ferry_2"], (mode, shown)


@pytest.mark.postgres
def test_sqlite_and_postgresql_give_the_same_related_news(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Entities, stories and the counted-out terms read the same on both backends: same lists, scores, reasons."""
    server = request.getfixturevalue("pg_server")
    docs = [*TEMANGGUNG, *DATELINE, *PERSON, *TIE, *LONE]
    with server.database() as url:
        archives = [open_archive(str(tmp_path / "kabar.db"), _indexers()), open_archive(url, _indexers())]
        try:
            ids = [_add(a, docs) for a in archives]
            assert ids[0] == ids[1]
            for key in ids[0]:
                for mode in ("relevant", "newest"):
                    opts = RelatedOptions(mode=mode, limit=10)
                    want, got = (
                        [(h.id, h.score, h.reason) for h in related(a, ids[0][key], opts)] for a in archives
                    )
                    assert got == want, (key, mode)
        finally:
            for a in archives:
                a.close()
