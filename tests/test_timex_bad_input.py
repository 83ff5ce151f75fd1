"""Bad input to the time-expression finder: sensible output, no crash, bounded time."""

from __future__ import annotations

from datetime import UTC, datetime

from kabar.model import Article, Image
from kabar.understand.timex import TimexOptions, find_time_expressions

_PUB = datetime(2020, 11, 3, 16, 50, tzinfo=UTC)


def _find(text: str, published: datetime | None = _PUB) -> list[tuple[str, object]]:
    return [(t.text, t.value) for t in find_time_expressions(Article(paragraphs=[text], published=published))]


def test_empty_article() -> None:
    assert find_time_expressions(Article()) == []
    assert find_time_expressions(Article(paragraphs=["", "   "], images=[Image(caption=None)])) == []


def test_impossible_dates_keep_only_the_month_and_say_why() -> None:
    found = find_time_expressions(
        Article(paragraphs=["Pada 31 Februari dan 30 Februari 2021 tidak ada."], published=_PUB)
    )
    assert found, "an impossible date is still reported"
    for t in found:
        assert isinstance(t.value, str) and len(t.value) == 7 and t.note and "not a date" in t.note
    # not a day number at all: only the month and year are read
    assert _find("Tanggal 32 Oktober 2020 tidak ada.") == [("Oktober 2020", "2020-10")]


def test_two_digit_years() -> None:
    assert _find("Rapat Senin (2/11/20) ditunda.") == [("Senin (2/11/20)", "2020-11-02")]
    assert _find("Ia lahir Kamis (1/1/98).") == [("Kamis (1/1/98)", "1998-01-01")]


def test_mixed_indonesian_english() -> None:
    found = _find("Launching produk digelar on November 1, 2020, lalu meeting last week dan event yesterday.")
    assert found == [
        ("November 1, 2020", "2020-11-01"),
        ("last week", "2020-W44"),
        ("yesterday", "2020-11-02"),
    ]


def test_no_publication_time() -> None:
    article = Article(
        paragraphs=["Pada 1 dan 2 November 2020 ia menelepon. Forum 22 Oktober digelar kemarin, Senin."]
    )
    found = {t.text: t for t in find_time_expressions(article)}
    assert found["1 dan 2 November 2020"].value == ["2020-11-01", "2020-11-02"]
    assert found["22 Oktober"].value == "2020-10-22"  # the year the article itself states
    assert "kemarin" not in found and "Senin" not in found  # nothing to resolve them against
    bare = find_time_expressions(Article(paragraphs=["Forum digelar 22 Oktober."]))
    assert bare[0].value == "XXXX-10-22" and bare[0].note


def test_all_caps_headline() -> None:
    found = find_time_expressions(
        Article(headline="PUTIN BERTEMU ALIYEV SELASA, 3 NOVEMBER 2020", published=_PUB)
    )
    assert [(t.text, t.value, t.field) for t in found] == [
        ("SELASA, 3 NOVEMBER 2020", "2020-11-03", "headline")
    ]


def test_ten_thousand_tokens_in_bounded_time() -> None:
    words = (
        "1, 2, 3, dan 4 hingga Senin (2/11) kemarin pekan lalu 1990-an 31 Februari tahun 2019 " * 800
    ).split()
    text = " ".join(words[:10_000])
    # its CPU time: benchmarks/bounded_time.py
    found = find_time_expressions(Article(paragraphs=[text], published=_PUB))
    assert found and len(found) <= TimexOptions().max_expressions


def test_pathological_list_stays_linear() -> None:
    text = "1, " * 5000 + "x"  # a list that never reaches its month
    assert _find(text) == []  # its CPU time: benchmarks/bounded_time.py


def test_binary_and_control_characters() -> None:
    text = "\x00\x01\ufffd" * 1000 + " 3 November 2020 " + "\x7f" * 100
    assert _find(text) == [("3 November 2020", "2020-11-03")]


def test_field_is_read_only_up_to_the_limit() -> None:
    text = "x " * 60_000 + "3 November 2020"
    opts = TimexOptions(max_field_chars=100_000)
    assert find_time_expressions(Article(paragraphs=[text], published=_PUB), opts) == []
