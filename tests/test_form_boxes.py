"""A sign-up box between a body's paragraphs leaves the body (issue 20, item 3).

The fixture ``html/form_boxes/signup_box.html`` sets a newsletter box (a heading, a tagline, a form)
between paragraphs of a story; the story's own paragraph holding the same words ("Every Friday …
newsletter") stays, as does every paragraph around the box.
"""

from __future__ import annotations

from conftest import FIXTURES
from kabar.extract.form_boxes import form_box_lines
from kabar.extract.html import extract_html
from kabar.extract.html_parse import parse_html
from kabar.model import RawPage


def _html() -> str:
    return (FIXTURES / "html" / "form_boxes" / "signup_box.html").read_text(encoding="utf-8")


def test_a_sign_up_box_between_paragraphs_leaves_the_body() -> None:
    paragraphs = extract_html(RawPage(content=_html(), kind="html")).paragraphs
    assert "Weekend Walks" not in paragraphs
    assert not any(p.startswith("Every Friday: the best routes") for p in paragraphs)
    assert len(paragraphs) == 5
    assert paragraphs[-1].startswith('"Every Friday we walk this stretch')


def test_a_form_standing_among_the_story_paragraphs_takes_none_of_them() -> None:
    # No box around the form: its parent holds the story, far more text than a sign-up box.
    html = _html().replace(
        '<div class="inline-module"><section aria-label="Newsletter sign-up" class="box">', ""
    )
    html = html.replace("</section></div>", "")
    story = parse_html(html).tree.xpath("//div[@class='story']")[0]
    assert form_box_lines(story) == frozenset()
    assert form_box_lines(None) == frozenset()
