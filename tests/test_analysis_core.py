"""Indonesian analysis: tokeniser, stopwords, the cached Sastrawi stemmer."""

from __future__ import annotations

import pytest

from kabar.lang.analysis import (
    Analyzer,
    AnalyzerOptions,
    analyze,
    default_analyzer,
    is_stopword,
    stem,
    token_spans,
    tokenize,
)


def test_tokenize_keeps_hyphenated_words_and_numbers() -> None:
    text = "Desa-desa di Nagorno-Karabakh sejak 1990-an; harga Rp 80.000, naik 3,5 persen."
    assert tokenize(text) == [
        "desa-desa",
        "di",
        "nagorno-karabakh",
        "sejak",
        "1990-an",
        "harga",
        "rp",
        "80.000",
        "naik",
        "3,5",
        "persen",
    ]


def test_tokenize_drops_punctuation_and_underscores() -> None:
    assert tokenize('"Kami siap," ujarnya -- (Jakarta) __init__ *NEAR*') == [
        "kami",
        "siap",
        "ujarnya",
        "jakarta",
        "init",
        "near",
    ]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("perdamaian", "damai"),
        ("menelepon", "telepon"),
        ("memediasi", "mediasi"),
        # Snowball's and PostgreSQL's Indonesian stemmers strip "ke-" here: kembali → mbali.
        ("kembali", "kembali"),
        ("desa-desa", "desa"),
        ("Perdamaian", "damai"),
        ("nagorno-karabakh", "nagorno-karabakh"),
        ("1990-an", "1990-an"),
        ("2020", "2020"),
    ],
)
def test_stem(word: str, expected: str) -> None:
    assert stem(word) == expected


def test_analyze_removes_stopwords_and_stems() -> None:
    assert analyze("Rusia bersedia memediasi perundingan damai yang disengketakan sejak 1990-an") == [
        "rusia",
        "sedia",
        "mediasi",
        "runding",
        "damai",
        "sengketa",
        "1990-an",
    ]
    assert analyze("perdamaian") == analyze("damai") == ["damai"]


def test_stopwords() -> None:
    assert is_stopword("yang") and is_stopword("Dan")
    # Content words that Sastrawi's own stopword list would drop stay searchable.
    for word in ("kasus", "masalah", "kembali", "hari", "ibu"):
        assert not is_stopword(word)


class _CountingStemmer:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def stem_word(self, word: str) -> str:
        self.calls.append(word)
        return word.removeprefix("me")


def test_cache_stems_each_word_form_once() -> None:
    an = Analyzer()
    fake = _CountingStemmer()
    an._stemmer = fake
    an.analyze("menulis menulis menulis membaca")
    an.analyze("Menulis lagi, membaca lagi")
    assert sorted(fake.calls) == ["membaca", "menulis"]


def test_cache_is_bounded() -> None:
    an = Analyzer(AnalyzerOptions(cache_size=10))
    an.analyze(" ".join(f"kata{i}x" for i in range(100)))
    assert an.cache_info() <= 10


def test_default_analyzer_is_created_once_and_lazily() -> None:
    assert default_analyzer() is default_analyzer()


def test_token_spans_point_into_the_original_text() -> None:
    text = "Warga DESA-DESA mengungsi."
    spans = token_spans(text)
    assert [text[a:b] for a, b in spans] == ["Warga", "DESA-DESA", "mengungsi"]
    assert [text[a:b].lower() for a, b in spans] == tokenize(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\x00\x01\x02\xff",
        "\udcff\udcfe rusak",  # lone surrogates from a mis-decoded page
        "a" * 200_000,  # one absurd token
        "-" * 10_000 + "x",
        "ﷺ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ٣٤٥ 中文",
    ],
)
def test_hostile_text_is_handled(text: str) -> None:
    terms = analyze(text)  # its CPU time: benchmarks/bounded_time.py
    assert all(len(t) <= 64 for t in terms)


def test_large_text_is_linear() -> None:
    text = "Presiden menelepon para menteri soal perdamaian. " * 20_000  # ~1 MB
    terms = analyze(text)  # its CPU time: benchmarks/bounded_time.py
    assert terms[:4] == ["presiden", "telepon", "menteri", "soal"]
    # none lost at size: every sentence gives its terms
    assert len(terms) == 20_000 * len(analyze("Presiden menelepon para menteri soal perdamaian."))
