"""A pattern's gate (its words or cue) must pass every text the pattern matches in: a gate that is
too tight would drop time expressions silently, while one too loose only costs a scan."""

from __future__ import annotations

import pytest

from kabar.understand.timex_more import more_patterns
from kabar.understand.timex_patterns import patterns

SAMPLES = [
    "Rapat digelar 3 Sept. 2020 di desa itu.",
    "Pameran 1-3 November dan 27 September hingga 10 Oktober 2020.",
    "Libur 1, 2, dan 3 Mei 2020; lalu November 3, 2020.",
    "Proyek selesai akhir Oktober, bulan Mei, atau Oktober 2020.",
    "Tanggal 2/11/2020, 02-11-2020 atau 2020-11-02.",
    "Musik 1990-an, tahun 90 an, the 1990s dan 1980's.",
    "Sejak 2015 hingga pertengahan 2019, pada 2018.",
    "Selasa, 3 November 2020 pukul 10.00 WIB; Senin (2/11).",
]


@pytest.mark.parametrize("text", SAMPLES)
def test_every_pattern_that_matches_passes_its_gate(text: str) -> None:
    lower = text.lower()
    for p in (*patterns(), *more_patterns()):
        if p.regex.search(text):
            assert p.may_match(lower, {}), (p.name, text)


def test_month_cue_wants_a_whole_month_word() -> None:
    # "seperti", "desa" and "maret" inside a longer word hold a month's letters but no month
    (date,) = [p for p in patterns() if p.name == "date"]
    assert not date.may_match("seperti di desa itu, semaretnya", {})
    assert date.may_match("tanggal 3 maret", {})
