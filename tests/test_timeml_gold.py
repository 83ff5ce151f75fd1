"""The hand-made TIMEX3 gold: it loads, fits its texts, obeys the TIMEX3 grammar and materialises as TimeML."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from benchmarks.timeml_gold import (
    GoldArticle,
    GoldError,
    GoldTimex,
    counts,
    load_bodies,
    load_gold,
    paragraphs,
    place,
    to_tml,
    valid_value,
    write_gold,
)

from conftest import shared_path


@pytest.fixture(scope="module")
def gold() -> list[GoldArticle]:
    return load_gold()


@pytest.fixture(scope="module")
def bodies(gold: list[GoldArticle]) -> dict[str, str]:
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    return load_bodies({a.id for a in gold}, corpus)


def test_gold_sizes(gold: list[GoldArticle]) -> None:
    c = counts(gold)
    assert sum(c.timex.values()) >= 300
    assert c.timex["tune"] >= 130 and c.timex["test"] >= 130
    sources = {a.source for a in gold}
    assert len(sources) == 10
    for part in ("tune", "test"):
        assert {a.source for a in gold if a.part == part} == sources  # both parts span every outlet
    assert {t.type for a in gold for t in a.timex} == {"DATE", "TIME", "DURATION", "SET"}


def test_every_value_in_the_timex3_grammar(gold: list[GoldArticle]) -> None:
    bad = [(a.id, t.text, t.type, t.value) for a in gold for t in a.timex if not valid_value(t.type, t.value)]
    assert bad == []


@pytest.mark.parametrize(
    ("type_", "value", "ok"),
    [
        ("DATE", "2016-08-12", True),
        ("DATE", "2016-W32-WE", True),
        ("DATE", "201", True),
        ("DATE", "2018-H1", True),
        ("DATE", "2017-SU", True),
        ("DATE", "PAST_REF", True),
        ("DATE", "XXXX-12-25", True),
        ("TIME", "2016-08-12T10:00", True),
        ("TIME", "2016-08-12TNI", True),
        ("DURATION", "P3Y", True),
        ("DURATION", "PT1H30M", True),
        ("DURATION", "PTXH", True),
        ("SET", "P1W", True),
        ("SET", "XXXX-WXX-1", True),
        ("DATE", "2016-08-12T10:00", False),  # this gold types anything with a time of day TIME
        ("DATE", "12/8/2016", False),
        ("TIME", "10.00", False),
        ("DURATION", "3 tahun", False),
        ("DURATION", "P", False),
        ("DURATION", "PXH", False),  # hours need the T
        ("SET", "setiap", False),
        ("NOPE", "2016", False),
    ],
)
def test_value_grammar(type_: str, value: str, ok: bool) -> None:
    assert valid_value(type_, value) is ok


def test_every_annotation_found_and_none_overlap(gold: list[GoldArticle], bodies: dict[str, str]) -> None:
    for article in gold:
        paras = paragraphs(bodies[article.id])
        placed = place(article, paras)  # raises GoldError on a miss or an overlap
        assert sum(len(p) for p in placed) == len(article.timex)
        for n, spans in enumerate(placed):
            for span in spans:
                assert paras[n][span.start : span.end] == span.timex.text


def test_materialised_files_parse_and_keep_the_text(
    gold: list[GoldArticle], bodies: dict[str, str], tmp_path: Path
) -> None:
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    paths = write_gold(tmp_path, "all", corpus)
    assert len(paths) == len(gold)
    by_id = {a.id: a for a in gold}
    kinds: Counter[str] = Counter()
    for path in paths:
        root = ET.parse(path).getroot()
        article = by_id[root.findtext("DOCID") or ""]
        dct = root.find("DCT/TIMEX3")
        assert dct is not None and dct.get("value") == article.dct
        text = root.find("TEXT")
        assert text is not None
        tags = text.findall("TIMEX3")
        assert len(tags) == len(article.timex)
        assert len({t.get("tid") for t in tags}) == len(tags)
        kinds.update(t.get("type") or "" for t in tags)
        # Removing the tags gives back the paragraphs exactly: nothing added, nothing lost.
        assert "".join(text.itertext()).strip("\n") == "\n\n".join(paragraphs(bodies[article.id]))
    assert sum(kinds.values()) == sum(len(a.timex) for a in gold)
    assert len(write_gold(tmp_path / "tune", "tune", corpus)) == sum(a.part == "tune" for a in gold)


def _one(timex: list[GoldTimex]) -> GoldArticle:
    return GoldArticle(id="x", source="s", dct="2017-01-01", part="tune", timex=tuple(timex))


def test_place_fails_loudly_on_a_missing_string() -> None:
    article = _one([GoldTimex(para=0, text="Senin", occurrence=1, type="DATE", value="2016-12-26")])
    with pytest.raises(GoldError, match="not found"):
        place(article, ["Ia datang Senin lalu."])
    with pytest.raises(GoldError, match="paragraph 3"):
        place(_one([GoldTimex(3, "Senin", 0, "DATE", "2016-12-26")]), ["Senin"])


def test_place_fails_loudly_on_overlap() -> None:
    article = _one(
        [
            GoldTimex(para=0, text="Senin (26/12)", occurrence=0, type="DATE", value="2016-12-26"),
            GoldTimex(para=0, text="(26/12) malam", occurrence=0, type="TIME", value="2016-12-26TNI"),
        ]
    )
    with pytest.raises(GoldError, match="overlap"):
        place(article, ["Ia datang Senin (26/12) malam."])


def test_tml_escapes_text_and_attributes() -> None:
    article = _one(
        [GoldTimex(para=1, text="pukul 10.00", occurrence=0, type="TIME", value="2017-01-01T10:00")]
    )
    tml = to_tml(article, 'A & B <ok>\n\nMulai pukul 10.00 "WIB".')
    root = ET.fromstring(tml)
    tag = root.find("TEXT/TIMEX3")
    assert tag is not None and tag.text == "pukul 10.00" and tag.get("tid") == "t1"
    assert "".join(root.find("TEXT").itertext()).strip() == 'A & B <ok>\n\nMulai pukul 10.00 "WIB".'  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "not JSON"),
        (b"{broken", "not JSON"),
        (b"\xff\xfe\x00\x01binary", "not UTF-8"),
        (b"[]", "'articles' list"),
        (b'{"articles": [{"id": "x", "dct": "2017-1-1", "part": "tune", "timex": []}]}', "dct"),
        (b'{"articles": [{"id": "x", "dct": "2017-01-01", "part": "dev", "timex": []}]}', "part"),
        (
            b'{"articles": [{"id": "x", "dct": "2017-01-01", "part": "tune", "timex": '
            b'[{"para": 0, "text": "kemarin", "type": "DATE", "value": "yesterday"}]}]}',
            "not a TIMEX3 DATE value",
        ),
        (
            b'{"articles": [{"id": "x", "dct": "2017-01-01", "part": "tune", "timex": '
            b'[{"para": 0, "text": "x", "type": "DATE", "value": "2017", "mod": "ABOUT"}]}]}',
            "mod",
        ),
        (
            b'{"articles": [{"id": "x", "dct": "2017-01-01", "part": "tune", "timex": [{"para": 0}]}]}',
            "lacks",
        ),
    ],
)
def test_bad_gold_files_give_a_clear_error(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "gold.json"
    path.write_bytes(content)
    with pytest.raises(GoldError, match=reason):
        load_gold(path)


def test_huge_or_absent_gold_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import benchmarks.timeml_gold as module

    path = tmp_path / "gold.json"
    path.write_bytes(b" " * 2048)
    monkeypatch.setattr(module, "MAX_GOLD_BYTES", 1024)
    with pytest.raises(GoldError, match="more than a gold file"):
        load_gold(path)
    with pytest.raises(GoldError, match="cannot read"):
        load_gold(tmp_path / "absent.json")


def test_absent_corpus_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="needs the shared corpus"):
        load_bodies({"x"}, tmp_path / "none.jsonl")
