"""The page-wide wall test reads class and id values in any order: each sign lies inside one value."""

from __future__ import annotations

from kabar.extract.html_parse import parse_html
from kabar.extract.html_paywall import _any_wall_attr, _wall_words


def test_wall_fragments_and_words_hold_no_space_so_no_sign_spans_two_values() -> None:
    words = _wall_words()
    assert all(f and not any(c.isspace() for c in f) for f in words.fragments)
    assert all(w and not any(c.isspace() for c in w) for w in words.words)


def test_a_sign_in_an_id_after_the_classes_is_found() -> None:
    fragment = _wall_words().fragments[0]
    page = (
        f'<html><body><div class="story"><p>Teks</p></div><div id="x-{fragment.upper()}"></div></body></html>'
    )
    assert _any_wall_attr(parse_html(page).tree)
    plain = '<html><body><div class="story" id="main"><p>Teks</p></div></body></html>'
    assert not _any_wall_attr(parse_html(plain).tree)
