"""The Sastrawi port on hostile word forms: no crash, bounded time, sensible output."""

from __future__ import annotations

import pytest

from kabar.lang.analysis import Analyzer
from kabar.lang.stemmer import default_stemmer


def test_empty_string_stays_empty() -> None:
    assert default_stemmer().stem_word("") == ""
    assert Analyzer().stem("") == ""


@pytest.mark.parametrize(
    "word",
    [
        "-" * 50_000,  # PySastrawi's particle regex is quadratic on this (~10 s at 20k)
        "-" * 50_000 + "lah",
        "ber-" * 20_000 + "nya",
        "meng" * 25_000,
        "a" * 200_000,
        "di" * 50_000 + "kan",
    ],
    ids=["hyphens", "hyphens-lah", "ber-chain", "meng-run", "one-letter", "di-kan"],
)
def test_very_long_tokens_are_stemmed(word: str) -> None:
    result = default_stemmer().stem_word(word)  # its CPU time: benchmarks/bounded_time.py
    assert isinstance(result, str) and len(result) <= len(word)


def test_non_latin_scripts_pass_through() -> None:
    stemmer = default_stemmer()
    for word in ("السلام", "東京", "москва", "ประเทศ", "😀"):
        assert stemmer.stem_word(word) == word


def test_digits_and_numbers() -> None:
    stemmer = default_stemmer()
    assert stemmer.stem_word("2017") == "2017"
    assert stemmer.stem_word("1990-an") == "1990-an"
    # The analyser never sends numbers to the stemmer at all.
    assert Analyzer().stem("ke-3") == "ke-3"


def test_hyphenated_words() -> None:
    stemmer = default_stemmer()
    assert stemmer.stem_word("desa-desa") == "desa"
    assert stemmer.stem_word("anak-anaknya") == "anak"
    assert stemmer.stem_word("berbalas-balasan") == "balas"
    assert stemmer.stem_word("nagorno-karabakh") == "nagorno-karabakh"
    assert stemmer.stem_word("-") == "-"
    assert stemmer.stem_word("--nya") == "--nya"


def test_regex_metacharacters_never_raise() -> None:
    # PySastrawi feeds the stripped word back into re.sub as a pattern and raises
    # re.error on some of these; the port answers (the one documented divergence), and
    # where PySastrawi does answer, the two agree.
    import re

    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    reference = StemmerFactory().create_stemmer().delegatedStemmer
    stemmer = default_stemmer()
    raised = []
    for word in ("di((a", "me[nya", "ber*an", "pe)kan", "ke\\i", "se.*?lah", "di.ka"):
        ours = stemmer.stem_word(word)
        try:
            assert ours == reference.stem_word(word), word
        except re.error:
            raised.append(word)
    assert raised == ["di((a", "me[nya", "pe)kan", "ke\\i"]


def test_control_characters_and_nul() -> None:
    stemmer = default_stemmer()
    assert stemmer.stem_word("\x00\x01berlari") == "\x00\x01berlari"
    assert stemmer.stem_word("berlari\x00") == "berlari\x00"


def test_bytes_are_refused_clearly() -> None:
    with pytest.raises(TypeError):
        default_stemmer().stem_word(b"berlari")  # type: ignore[arg-type]
