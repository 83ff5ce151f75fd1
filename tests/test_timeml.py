"""TimeML reading, writing and TempEval-3 scoring (tests/fixtures/timeml, scores worked out by hand)."""

from __future__ import annotations

from datetime import date

import pytest

from conftest import FIXTURES
from kabar.understand.timeml.annotate import annotate
from kabar.understand.timeml.document import TimemlDoc, TimemlError, Timex3, read_timeml, write_timeml
from kabar.understand.timeml.folders import score_folders
from kabar.understand.timeml.score import count_doc

GOLD = FIXTURES / "timeml" / "gold"
RUN = FIXTURES / "timeml" / "run"


def test_reads_text_dct_and_inline_timex() -> None:
    doc = read_timeml((GOLD / "g2.tml").read_bytes())
    assert doc.docid == "g2" and doc.dct == date(2016, 8, 12)
    assert doc.text == "Banjir terjadi kemarin dan setiap tahun."
    assert [(doc.text[t.start : t.end], t.type, t.value) for t in doc.timexes] == [
        ("kemarin", "DATE", "2016-08-11"),
        ("setiap tahun", "SET", "P1Y"),
    ]


def test_scores_by_hand() -> None:
    s = score_folders(GOLD, RUN).scores
    c = s.counts
    # gold 4 + 2; system 4; strict: "pukul 10.00 WIB"; relaxed: + "Senin", "selama dua jam"
    assert (c.gold, c.system, c.strict, c.relaxed, c.type_right, c.value_right) == (6, 4, 1, 3, 3, 2)
    assert s.strict.precision == pytest.approx(1 / 4) and s.strict.recall == pytest.approx(1 / 6)
    assert s.relaxed.precision == pytest.approx(0.75) and s.relaxed.recall == pytest.approx(0.5)
    assert s.relaxed.f1 == pytest.approx(0.6)
    assert s.value.f1 == pytest.approx(2 * 0.5 * (1 / 3) / (0.5 + 1 / 3))
    assert s.type_accuracy == pytest.approx(1.0) and s.value_accuracy == pytest.approx(2 / 3)
    assert c.missing_docs == ["g2"]


def test_one_long_span_matches_one_gold_timex() -> None:
    text = "1 dan 2 Agustus"
    gold = TimemlDoc(
        "d", text, None, [Timex3(0, 1, "DATE", "2016-08-01"), Timex3(6, 15, "DATE", "2016-08-02")]
    )
    run = TimemlDoc("d", text, None, [Timex3(0, 15, "DATE", "2016-08-01")])
    c = count_doc(gold, run)
    assert (c.relaxed, c.strict, c.value_right) == (1, 0, 1)


def test_written_timeml_reads_back_the_same() -> None:
    text = 'Pada 1 dan 2 Agustus 2016 & "x" <y>, sejak 2013, selama tiga tahun, saat ini.'
    doc = annotate(text, date(2016, 8, 12), "d1")
    back = read_timeml(write_timeml(doc).encode())
    assert back.text == text and back.dct == date(2016, 8, 12)
    assert [(t.start, t.end, t.type, t.value) for t in back.timexes] == [
        (t.start, t.end, t.type, t.value) for t in doc.timexes
    ]
    # a list is one TIMEX3 per day; the signal "sejak" stays outside
    assert [t.text for t in doc.timexes] == ["1", "2 Agustus 2016", "2013", "tiga tahun", "saat ini"]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"\x00\x01\x02binary",
        b"<TimeML><TEXT>unclosed</TimeML>",
        b"<notTimeML/>",
        b"<TimeML><DOCID>x</DOCID></TimeML>",
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
        b"<TimeML><TEXT>&lol2;</TEXT></TimeML>",
        b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><TimeML><TEXT>&e;</TEXT></TimeML>',
    ],
)
def test_bad_timeml_is_a_clear_error(data: bytes) -> None:
    with pytest.raises(TimemlError):
        read_timeml(data, "x.tml")


def test_huge_timeml_is_refused_before_parsing() -> None:
    with pytest.raises(TimemlError, match="limited"):
        read_timeml(b"<TimeML><TEXT>" + b"a" * 6_000_000 + b"</TEXT></TimeML>")


def test_extents_follow_the_guidelines() -> None:
    text = "Ia tiba hari Rabu (10/8) malam WIB, 5 Agustus kemarin, Selasa (9/8) kemarin dan tahun 2015 lalu."
    doc = annotate(text, date(2016, 8, 12), "d")
    assert [(t.text, t.type, t.value) for t in doc.timexes] == [
        ("hari Rabu (10/8) malam WIB", "TIME", "2016-08-10TNI"),
        ("5 Agustus kemarin", "DATE", "2016-08-05"),
        ("Selasa (9/8) kemarin", "DATE", "2016-08-09"),
        ("tahun 2015 lalu", "DATE", "2015"),
    ]


def test_a_clock_time_takes_the_day_of_an_earlier_paragraph() -> None:
    doc = annotate("Laga digelar Senin (8/8).\n\nKick-off pukul 19.30 WIB.", date(2016, 8, 12), "d")
    assert [t.value for t in doc.timexes] == ["2016-08-08", "2016-08-08T19:30"]
