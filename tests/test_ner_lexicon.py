"""The seen-name lexicon (kabar.understand.ner.lexicon) and the world-places gazetteer."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kabar.understand.ner.conll import Sentence
from kabar.understand.ner.features import FeatureResources, resources_for, sentence_features
from kabar.understand.ner.gazetteer import load_gazetteer
from kabar.understand.ner.lexicon import (
    LexiconFormatError,
    build_lexicon,
    lexicon_path,
    load_lexicon,
    write_lexicon,
)
from kabar.understand.ner.tagger import MODEL_FILE
from kabar.understand.ner.train import jackknifed_lexicons

SENTS = [
    Sentence(["Tyra", "Banks", "tampil", "di", "NBC"], ["B-PER", "I-PER", "O", "O", "B-ORG"]),
    Sentence(["Banks", "lahir", "di", "Inglewood"], ["B-PER", "O", "O", "B-LOC"]),
    Sentence(["Jalan", "Banks", "ditutup"], ["B-LOC", "I-LOC", "O"]),
    Sentence(["Jalan", "itu", "sepi"], ["O", "O", "O"]),
]


def test_entities_and_tokens_are_learned_with_their_commonest_type() -> None:
    lex = build_lexicon(SENTS)
    assert lex.entities[("tyra", "banks")] == "PER"
    assert lex.entities[("jalan", "banks")] == "LOC"
    assert lex.tokens["banks"].kind == "PER" and not lex.tokens["banks"].confident  # PER 2 of 3
    assert lex.tokens["tyra"].confident
    assert "itu" not in lex.tokens  # only words seen capitalised


def test_annotate_marks_the_longest_seen_entity() -> None:
    marks = build_lexicon(SENTS).annotate(["Kata", "Tyra", "Banks", "di", "nbc"])
    assert marks[0] == []
    assert "seen=PER:B" in marks[1] and "seenlen=2" in marks[1]
    assert "seen=PER:I" in marks[2]
    assert marks[4] == ["seen=ORG:B"]  # matched lowercased, as the gazetteer is


def test_round_trip_through_the_file(tmp_path: Path) -> None:
    lex = build_lexicon(SENTS)
    path = tmp_path / "m.lexicon.tsv.gz"
    write_lexicon(lex, path)
    back = load_lexicon(path)
    assert back.entities == lex.entities and back.tokens == lex.tokens
    assert load_lexicon(tmp_path / "absent.tsv.gz").entities == {}


def test_unreadable_lexicon_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.lexicon.tsv.gz"
    bad.write_bytes(b"\x00\xffnot gzip at all")
    with pytest.raises(LexiconFormatError, match="unreadable"):
        load_lexicon(bad)
    half = tmp_path / "half.lexicon.tsv.gz"
    whole = gzip.compress("".join(f"E\tPER\tnama{i * 7919}\n" for i in range(5000)).encode())
    half.write_bytes(whole[: len(whole) // 2])  # a truncated download or copy
    with pytest.raises(LexiconFormatError):
        load_lexicon(half)


def test_jackknife_never_shows_a_sentence_its_own_names() -> None:
    folds = jackknifed_lexicons(SENTS, 2)
    assert ("tyra", "banks") not in folds[0].entities  # sentence 0 is in fold 0
    assert ("tyra", "banks") in folds[1].entities
    assert ("inglewood",) not in folds[1].entities and ("inglewood",) in folds[0].entities


def test_features_carry_lexicon_and_world_places() -> None:
    base = resources_for(Path("/nonexistent/model.crfsuite"))
    assert base.lexicon.entities == {}
    res = FeatureResources(base.clusters, base.gazetteer, build_lexicon(SENTS))
    feats = sentence_features(["Tyra", "Banks", "ke", "Leatherhead", ",", "Wisconsin"], res)
    assert "seen=PER:B" in feats[0] and "tt=PER" in feats[0] and "tt!=PER" in feats[0]
    assert "g=city:B" in feats[3] and "g=city:B" in feats[5]
    marks = load_gazetteer().annotate(["Leatherhead", "Jakarta"])
    assert "city:B" in marks[0] and "place:B" not in marks[0]


def test_shipped_model_has_its_lexicon() -> None:
    lex = load_lexicon(lexicon_path(MODEL_FILE))
    assert len(lex.entities) > 5000 and len(lex.tokens) > 5000
    assert lex.entities.get(("jakarta",)) == "LOC"
