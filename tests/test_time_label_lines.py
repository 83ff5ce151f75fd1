"""A line of labelled clock times before the story ("Uppdaterad 15.59 | Publicerad 14.14") is the
page's time, not its text (issue 20, item 3; seen on Aftonbladet, fundus tune half).

The fixture ``html/time_lines/labels_sv.html`` prints the line as a plain ``<p>`` above the first
paragraph; it fails before the rule. A first sentence that names a clock time stays.
"""

from __future__ import annotations

import pytest

from conftest import FIXTURES
from kabar.extract.html import _is_crumb, extract_html
from kabar.model import RawPage


def test_labelled_times_before_the_story_leave_the_body() -> None:
    html = (FIXTURES / "html" / "time_lines" / "labels_sv.html").read_text(encoding="utf-8")
    paragraphs = extract_html(RawPage(content=html, kind="html")).paragraphs
    assert len(paragraphs) == 3 and paragraphs[0].startswith("En 18-årig kvinna")


@pytest.mark.parametrize(
    ("line", "time_line"),
    [
        ("Updated 3:59 pm | Published 2:14 pm", True),
        ("Aktualisiert am 15:59 Uhr · Veröffentlicht 14:14", True),
        ("The meeting began at 14.30 and lasted long", False),
        ("Pukul 14.30 WIB massa mulai berkumpul di depan gedung DPR.", False),
    ],
)
def test_only_lines_of_labelled_times_are_time_lines(line: str, time_line: bool) -> None:
    assert _is_crumb(line) is time_line
