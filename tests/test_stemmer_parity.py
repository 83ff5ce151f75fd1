"""kabar's Sastrawi port gives exactly PySastrawi's stems (word list, synthetic forms, corpus)."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path
from typing import Protocol

import pytest

from conftest import FIXTURES, shared_path
from kabar.lang.analysis import Analyzer, tokenize
from kabar.lang.stemmer import SastrawiStemmer, default_stemmer, sastrawi_dictionary

WORDS = FIXTURES / "stemmer" / "words.tsv"


class _WordStemmer(Protocol):
    def stem_word(self, word: str) -> str: ...


@pytest.fixture(scope="module")
def reference() -> _WordStemmer:
    """PySastrawi's own stemmer, without its cache or text normaliser."""
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    stemmer: _WordStemmer = StemmerFactory().create_stemmer().delegatedStemmer
    return stemmer


def _word_list() -> list[tuple[str, str]]:
    rows = []
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            word, expected = line.split("\t")
            rows.append((word, expected))
    return rows


def test_word_list_gives_the_known_stems() -> None:
    stemmer = default_stemmer()
    rows = _word_list()
    assert len(rows) > 60
    got = {word: stemmer.stem_word(word) for word, _ in rows}
    assert got == dict(rows)
    # The ones the founders named, spelled out so that a fixture edit cannot hide them.
    assert got["perdamaian"] == "damai"
    assert got["menelepon"] == "telepon"
    assert got["memediasi"] == "mediasi"
    assert got["kembali"] == "kembali"
    assert got["mempermainkan"] == "main"
    assert got["pengusahanya"] == "usaha"
    assert got["diperbaiki"] == "baik"


def test_word_list_matches_installed_pysastrawi(reference: _WordStemmer) -> None:
    stemmer = default_stemmer()
    for word, _ in _word_list():
        assert stemmer.stem_word(word) == reference.stem_word(word), word


def test_synthetic_affix_combinations_match_pysastrawi(reference: _WordStemmer) -> None:
    # Every string of up to three of these pieces: prefixes stacked on suffixes, hyphens
    # (plural and particle rules), short words (Sastrawi's stop flag), empty roots.
    pieces = ["-", "ber", "ter", "meng", "peng", "mem", "per", "di", "ke", "se", "ku", "kau"]
    pieces += ["lah", "nya", "kan", "i", "an", "isasi", "a", "e", "baik", "ajar", "tahu", "rang"]
    stemmer = default_stemmer()
    diffs = []
    for k in (1, 2, 3):
        for combo in itertools.product(pieces, repeat=k):
            word = "".join(combo)
            if stemmer.stem_word(word) != reference.stem_word(word):
                diffs.append(word)
    assert diffs == []


def test_every_corpus_word_form_matches_pysastrawi(reference: _WordStemmer) -> None:
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    forms: set[str] = set()
    with corpus.open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            for key in ("title", "body"):
                value = record.get(key)
                if isinstance(value, str):
                    forms.update(tokenize(value))
    assert len(forms) > 40_000
    stemmer = SastrawiStemmer()
    diffs = [w for w in sorted(forms) if stemmer.stem_word(w) != reference.stem_word(w)]
    assert diffs == []


def test_dictionary_is_sastrawis_own_and_read_lazily() -> None:
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    words = sastrawi_dictionary()
    assert words == frozenset(StemmerFactory().create_stemmer().delegatedStemmer.dictionary.words)
    code = (
        "import kabar.lang.stemmer as m, kabar.lang.analysis as a;"
        "assert m.sastrawi_dictionary.cache_info().currsize == 0;"
        "import sys; assert 'Sastrawi' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).parent)


def test_analyzer_stems_through_the_port_and_caches_per_form() -> None:
    analyzer = Analyzer()
    assert analyzer._stemmer is default_stemmer()
    assert analyzer.analyze("Perdamaian yang diperbaiki, menelepon kembali") == [
        "damai",
        "baik",
        "telepon",
        "kembali",
    ]
    assert analyzer.cache_info() == 4
    assert analyzer.stem("Pengusahanya") == "usaha"
