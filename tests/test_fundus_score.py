"""The fundus scorer's subheading mapping: a page's ``<h2>``–``<h6>`` lines leave a reading, as fundus
keeps them apart from its paragraphs (``benchmarks/fundus_score.py``)."""

from __future__ import annotations

import sys

from conftest import ROOT

if str(ROOT) not in sys.path:  # the benchmark package lives at the project root, beside tests/
    sys.path.insert(0, str(ROOT))

from benchmarks.fundus_score import page_subheads, rouge_lsum_f1, without_subheads

PAGE = (
    "<html><body><h1>Council votes</h1><p>The council met on Tuesday.</p>"
    "<h2> Money  for schools </h2><p>Schools get more.</p><h3>Roads</h3><p>Roads too.</p></body></html>"
)


def test_subheadings_leave_the_reading_and_the_rest_stays() -> None:
    reading = ["The council met on Tuesday.", "Money for schools", "Schools get more.", "Roads", "Roads too."]
    kept = without_subheads(reading, page_subheads(PAGE))
    assert kept == ["The council met on Tuesday.", "Schools get more.", "Roads too."]
    gold = ["The council met on Tuesday.", "Schools get more.", "Roads too."]
    assert rouge_lsum_f1(gold, kept) > rouge_lsum_f1(gold, reading)


def test_the_headline_and_a_sentence_holding_the_words_stay() -> None:
    assert page_subheads(PAGE) == frozenset({"Money for schools", "Roads"})
    assert without_subheads(["Roads are repaired.", "Council votes"], page_subheads(PAGE)) == [
        "Roads are repaired.",
        "Council votes",
    ]


def test_empty_broken_and_binary_pages_have_no_subheadings() -> None:
    for html in ("", "   ", "<h2", "\x00\x01\x02\xff"):
        assert page_subheads(html) == frozenset()
