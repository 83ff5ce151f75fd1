"""The shipped NER model and its pieces: tokenizer, scoring, reader, gazetteer, credits, tagger."""

from __future__ import annotations

from pathlib import Path

import pytest

from kabar.understand.ner.conll import normalise_tag, parse_conll
from kabar.understand.ner.credits import credit_ranges
from kabar.understand.ner.gazetteer import load_gazetteer
from kabar.understand.ner.scoring import Score, spans
from kabar.understand.ner.tagger import MODEL_FILE, NerTagger, TaggerOptions, load_tagger
from kabar.understand.ner.tokenize import sentences, tokenize


def test_model_ships_and_is_small() -> None:
    assert MODEL_FILE.exists()
    assert MODEL_FILE.stat().st_size < 20_000_000
    assert (MODEL_FILE.parent / "NOTICE.txt").exists()


def test_tagger_tags_news_sentence() -> None:
    tagger = load_tagger()
    tokens = [
        "Presiden",
        "Rusia",
        "Vladimir",
        "Putin",
        "menelepon",
        "Perdana",
        "Menteri",
        "Armenia",
        "Nikol",
        "Pashinyan",
        ".",
    ]
    tags = tagger.tag(tokens)
    assert tags[2:4] == ["B-PER", "I-PER"]
    assert tags[8:10] == ["B-PER", "I-PER"]
    assert tags[1] == "O"  # idner-news-2k leaves the country of a title untagged…
    assert load_tagger("nerui").tag(tokens)[1] == "B-LOC"  # …NER-UI tags it
    assert tagger.tag([]) == []
    assert load_tagger() is tagger  # cached factory


def test_conventions_and_errors(tmp_path: object) -> None:
    assert load_tagger("nergrit").tag(["Jakarta"])[0].endswith("LOC")
    with pytest.raises(ValueError):
        NerTagger(TaggerOptions(convention="nope"))


def test_long_input_is_tagged_in_bounded_time() -> None:
    tokens = ["Gubernur", "Anies", "Baswedan", "meninjau", "Jakarta", "."] * 2000
    tags = load_tagger().tag(tokens)  # its CPU time: benchmarks/bounded_time.py
    assert len(tags) == len(tokens)
    assert tags.count("B-PER") > 1500
    assert not any(t.startswith("I-") and p == "O" for p, t in zip(["O", *tags], tags, strict=False))


def test_tokenize_offsets_and_shapes() -> None:
    text = "AS melalui Menteri, Senin (2/11) di Nagorno-Karabakh. Sputnik/Mikhail"
    toks = tokenize(text)
    assert [t.text for t in toks][:4] == ["AS", "melalui", "Menteri", ","]
    assert "2/11" in [t.text for t in toks] and "Nagorno-Karabakh" in [t.text for t in toks]
    assert all(text[t.start : t.end] == t.text for t in toks)
    assert [len(s) for s in sentences(tokenize("a b. c d e! f"))] == [3, 4, 1]
    assert max(len(s) for s in sentences(tokenize("x " * 1000), max_len=200)) == 200


def test_scoring_follows_conlleval() -> None:
    assert spans(["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "I-PER"]) == {
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "ORG"),
        (5, 6, "PER"),
    }
    score = Score()
    score.add(["B-PER", "I-PER", "O", "B-LOC"], ["B-PER", "I-PER", "O", "B-ORG"])
    assert score.f1("PER") == 100.0 and score.f1("LOC") == 0.0
    assert round(score.macro_f1(), 1) == 33.3


def test_reader_maps_the_three_tag_sets() -> None:
    assert normalise_tag("B-PERSON") == "B-PER"
    assert normalise_tag("I-PLACE") == "I-LOC"
    assert normalise_tag("B-ORGANISATION") == "B-ORG"
    assert normalise_tag("B-LOCATION") == "B-LOC"
    assert normalise_tag("B-MISC") == "O" and normalise_tag("garbage") == "O"
    sents = list(parse_conll(["Joko\tPROPN\tB-PER\r\n", "\r\n", "di\tO\n", "Solo\tB-PLACE\n"]))
    assert [s.tokens for s in sents] == [["Joko"], ["di", "Solo"]]
    assert sents[1].tags == ["O", "B-LOC"]


def test_gazetteer_has_cldr_and_subdivisions() -> None:
    marks = load_gazetteer().annotate(
        ["di", "Jawa", "Barat", "dan", "Amerika", "Serikat", "kata", "Presiden"]
    )
    assert "place:B" in marks[1] and "place:I" in marks[2]
    assert "place:B" in marks[4]
    assert "title:B" in marks[7]


def test_credits() -> None:
    text = "Putin berpidato. Sputnik/Mikhail Klimentyev/Kremlin"
    [(a, b)] = credit_ranges(text)
    assert text[a:b] == "Sputnik/Mikhail Klimentyev/Kremlin"
    assert credit_ranges("Pilkada Jawa Barat/Jawa Tengah digelar besok") == []
    assert credit_ranges("kata dia. Foto: Dok. Humas", ["Dok. Humas"])


def test_training_never_reads_a_test_split(tmp_path: Path) -> None:
    from kabar.understand.ner.train import SPLITS, TrainOptions, training_sentences

    assert not any("test" in name for train, dev in SPLITS.values() for name in (*train, *dev))
    for train, dev in SPLITS.values():
        for name in (*train, *dev):
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_text("Jakarta\tB-LOC\n")
    got = training_sentences(TrainOptions(data=tmp_path, include_dev=False))
    assert {k: len(v) for k, v in got.items()} == {"idner": 1, "nergrit": 1, "nerui": 1}


def test_features_use_word_classes_gazetteer_and_cues() -> None:
    from kabar.understand.ner.features import augment, sentence_features

    feats = sentence_features(["Presiden", "Rusia", "Vladimir", "Putin"])
    assert "g=title:B" in feats[0]
    assert "g=place:B" in feats[1]
    assert any(f.startswith("cf=") and f != "cf=?" for f in feats[1])  # "rusia" has a learned class
    assert "caps=always" in feats[1]
    assert any(f.startswith("ng=") for f in feats[2])
    assert augment([["a"]], "idner") == [["a", "idner|a"]]
