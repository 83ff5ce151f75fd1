"""A line holding only a date inside the story is story text, kept for understanding (issue 17);
the page's own time line and an update stamp stay out of the paragraphs."""

from __future__ import annotations

from conftest import FIXTURES
from kabar.extract.flat import extract_flat
from kabar.model import RawPage
from kabar.understand.timex import find_time_expressions

PAGE = FIXTURES / "flat_dates" / "schedule.txt"


def test_a_date_line_inside_the_story_is_kept() -> None:
    article = extract_flat(RawPage(content=PAGE.read_text(encoding="utf-8")))
    assert "Selasa, 9 Agustus 2016" in article.paragraphs
    assert not any("10:00 WIB" in p for p in article.paragraphs)  # the page's own time line
    values = {t.value for t in find_time_expressions(article)}
    assert "2016-08-09" in values


def test_a_date_line_with_nothing_after_it_is_not_text() -> None:
    text = PAGE.read_text(encoding="utf-8") + "\n\nRabu, 10 Agustus 2016\n"
    article = extract_flat(RawPage(content=text))
    assert "Rabu, 10 Agustus 2016" not in article.paragraphs


def test_an_update_stamp_is_not_text() -> None:
    lines = PAGE.read_text(encoding="utf-8").split("\n")
    lines.insert(6, "\nDiperbarui: Senin, 8 Agustus 2016 12:00 WIB\n")
    article = extract_flat(RawPage(content="\n".join(lines)))
    assert not any("Diperbarui" in p for p in article.paragraphs)
