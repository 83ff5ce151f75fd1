"""``normalise_space`` by ``str.split`` gives what the ``\\s+`` pattern gave, for every character."""

from __future__ import annotations

import re
import sys

from kabar.model import normalise_space


def test_split_reads_whitespace_as_the_pattern_does_over_every_code_point() -> None:
    space = re.compile(r"\s")
    differ = [c for c in range(sys.maxunicode + 1) if bool(space.match(chr(c))) != chr(c).isspace()]
    assert differ == []


def test_runs_of_any_whitespace_become_one_space_and_the_ends_go() -> None:
    text = "\u00a0 Presiden\t\tJoko\u2003Widodo\n\u3000meresmikan\x1c bendungan \u200b "
    assert normalise_space(text) == re.sub(r"\s+", " ", text).strip()
    assert normalise_space(text) == "Presiden Joko Widodo meresmikan bendungan \u200b"
    assert normalise_space("") == ""
    assert normalise_space(" \n\t ") == ""
