"""The fast tagging path (cached features by attribute id, numpy Viterbi) against the reference path
(every feature string built afresh and handed to pycrfsuite): the tags and entities must be identical."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import shared_path
from kabar.model import Article, Image
from kabar.understand.entities import EntityOptions, find_entities
from kabar.understand.ner.conll import read_conll
from kabar.understand.ner.crfmodel import ModelFormatError, load_weights
from kabar.understand.ner.encoder import FeatureEncoder
from kabar.understand.ner.tagger import CONVENTIONS, MODEL_FILE, WINDOW, NerTagger, TaggerOptions
from kabar.understand.ner.tokenize import sentences, tokenize

TEXT = """Presiden Rusia Vladimir Putin menelepon Perdana Menteri Armenia Nikol Pashinyan dan Presiden
Azerbaijan Ilham Aliyev, Selasa (10/11/2020). Gubernur Jawa Barat Ridwan Kamil meninjau banjir di Kota
Bandung bersama Kapolda Irjen Rudy Sufahriadi! Apa kata Bank Indonesia (BI)?! Menteri Keuangan Sri Mulyani
Indrawati said the World Bank would help. Kementerian Pekerjaan Umum dan Perumahan Rakyat (PUPR) mencatat
2.5 persen kenaikan. AS melalui Menteri Luar Negeri Mike Pompeo menyerukan gencatan senjata di
Nagorno-Karabakh , " kata Ibnu bin Abdullah . PT Garuda Indonesia Tbk. - Jakarta : ÉCOLE ṢAḤĪḤ 中文 Ωmega
KPK MEMERIKSA WALI KOTA SURABAYA TRI RISMAHARINI"""


def _sentences() -> list[list[str]]:
    out = [[t.text for t in s] for s in sentences(tokenize(TEXT))]
    out += [
        [],
        ["!?"],
        [".!", "Jakarta"],
        [" ", "", "Budi", "\t"],
        ["Budi"] * 3,
        ["Kota", "|", "Bandung", "a|b", "Jawa", "Barat"],
    ]
    out.append([w for s in out for w in s] * 2)  # longer than a window: tagged in overlapping windows
    assert len(out[-1]) > WINDOW
    return out


@pytest.fixture(scope="module")
def taggers() -> tuple[NerTagger, NerTagger]:
    return NerTagger(), NerTagger(TaggerOptions(cached_features=False))


def test_fast_tags_equal_reference_on_fixture(taggers: tuple[NerTagger, NerTagger]) -> None:
    fast, ref = taggers
    sents = _sentences()
    for convention in CONVENTIONS:
        for s in sents:
            assert fast.tag_conventions(s, (convention,)) == ref.tag_conventions(s, (convention,)), s
    pair = ("nerui", "idner")
    expected = [ref.tag_conventions(s, pair) for s in sents]
    assert [fast.tag_conventions(s, pair) for s in sents] == expected
    assert fast.tag_batch(sents, pair) == expected
    assert ref.tag_batch(sents, pair) == expected
    assert any("B-PER" in t for tags in expected for t in tags)  # the fixture does exercise names


def test_small_caches_give_the_same_tags() -> None:
    """Evicting from the per-form caches mid-sentence must not change a feature."""
    weights = load_weights(MODEL_FILE)
    tiny = FeatureEncoder(weights.attributes, ("idner",), cache_size=2)
    full = FeatureEncoder(weights.attributes, ("idner",))
    for s in _sentences()[:-1]:
        assert weights.decode([tiny.encode(s, ("idner",))]) == weights.decode([full.encode(s, ("idner",))])


def test_unknown_convention_is_refused(taggers: tuple[NerTagger, NerTagger]) -> None:
    with pytest.raises(ValueError):
        taggers[0].tag_batch([["Budi"]], ("nope",))
    with pytest.raises(ValueError):
        taggers[0].tag_batch([["Budi"]], ())


def test_model_reader_refuses_other_files(tmp_path: Path) -> None:
    for data in (b"", b"\x00" * 10, b"not a model at all, just some text " * 4, MODEL_FILE.read_bytes()[:40]):
        bad = tmp_path / "bad.crfsuite"
        bad.write_bytes(data)
        with pytest.raises(ModelFormatError):
            load_weights(bad)


def test_model_reader_matches_pycrfsuite_labels() -> None:
    import pycrfsuite

    crf = pycrfsuite.Tagger()
    crf.open(str(MODEL_FILE))
    weights = load_weights(MODEL_FILE)
    assert list(weights.labels) == crf.labels()
    assert len(weights.attributes) > 1000
    assert not weights.state[weights.pad].any()  # the padding row adds nothing


def _articles() -> list[Article]:
    body = [p.replace("\n", " ") for p in TEXT.split(". ")]
    return [
        Article(
            headline="KPK MEMERIKSA WALI KOTA SURABAYA TRI RISMAHARINI DI JAKARTA",
            paragraphs=body,
            images=[
                Image(caption="Ridwan Kamil di Bandung. (ANTARA/Budi Santoso)", credit="ANTARA/Budi Santoso")
            ],
        ),
        Article(headline="Putin Telepon Pashinyan Dan Aliyev Soal Karabakh", paragraphs=body[:3]),
        Article(headline="Ridwan Kamil meninjau banjir", paragraphs=[]),
    ]


def test_find_entities_fast_equals_reference_on_fixture() -> None:
    ref = EntityOptions(cached_features=False)
    for article in _articles():
        got = find_entities(article)
        assert got == find_entities(article, ref)
    assert any(e.type == "person" for e in find_entities(_articles()[0]))


def test_fast_tags_equal_reference_on_idner_dev(taggers: tuple[NerTagger, NerTagger]) -> None:
    fast, ref = taggers
    sents = read_conll(shared_path("ner", "idner-news-2k", "dev.txt"))[:400]
    tokens = [s.tokens for s in sents]
    assert [fast.tag(t) for t in tokens] == [ref.tag(t) for t in tokens]
    assert fast.tag_batch(tokens, ("nerui", "idner")) == ref.tag_batch(tokens, ("nerui", "idner"))


def test_find_entities_fast_equals_reference_on_indosum() -> None:
    path = shared_path("corpus", "indosum-dev.jsonl")
    articles = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            paragraphs = [p for p in (record.get("body") or "").split("\n\n") if p.strip()]
            articles.append(Article(headline=record.get("title_from_slug"), paragraphs=paragraphs))
            if len(articles) >= 15:
                break
    ref = EntityOptions(cached_features=False)
    for article in articles:
        assert find_entities(article) == find_entities(article, ref)


def test_marks_at_listed_starts_equal_annotate() -> None:
    """The encoder asks for gazetteer and seen-name marks only where a match may start, across a
    whole batch; the marks must be those of annotating each sentence on its own."""
    from kabar.understand.ner.features import default_resources

    res = default_resources()
    sents = _sentences()[:-1]
    flat = [t.lower() for s in sents for t in s]
    for table in (res.gazetteer, res.lexicon):
        starts, end = [], 0
        for s in sents:
            end += len(s)
            starts += [(k, end) for k in range(end - len(s), end) if flat[k] in table.longest]
        marks = table.marks_at(flat, starts)
        assert [marks.get(k, []) for k in range(len(flat))] == [m for s in sents for m in table.annotate(s)]
        assert marks  # the fixture does name places and seen names
