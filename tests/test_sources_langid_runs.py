"""The language check's text runs and prose: the regex fast paths give exactly what the tag-by-tag walk gave.

The walk below is the reader as it was before (one Python step per ``<``), kept as the spec:
the fast path must split every page into the same runs, so the verdicts (and a backfill's
shards) stay the same. Compared on real pages and on seeded random strings made of the
pieces the walk treats specially (unclosed inert elements and comments, bare ``<``, ``<>``,
ASCII and non-ASCII case folding, whitespace before ``>``).
"""

from __future__ import annotations

import gzip
import random
import re
from collections.abc import Iterator

import pytest

from conftest import shared_path
from kabar.sources.langid import _text_runs, visible_text

_INERT = ("script", "style", "noscript")


def _walk_runs(html: str) -> list[str]:
    """The spec: each ``<`` in turn, an inert element to its closer, a comment to ``-->``, a tag to ``>``."""

    def find(needle: str, start: int) -> int:
        match = re.compile(re.escape(needle), re.IGNORECASE | re.ASCII).search(html, start)
        return match.start() if match else -1

    def markup_end(lt: int) -> int | None:
        for name in _INERT:
            after = lt + 1 + len(name)
            piece = html[lt + 1 : after]
            if (
                piece.isascii()
                and piece.lower() == name
                and not (after < len(html) and (html[after].isalnum() or html[after] == "_"))
            ):
                close = find("</" + name, after)
                while close >= 0:
                    j = close + 2 + len(name)
                    while j < len(html) and html[j].isspace():
                        j += 1
                    if j < len(html) and html[j] == ">":
                        return j + 1
                    close = find("</" + name, close + 1)
                break
        if html.startswith("<!--", lt):
            close = find("-->", lt + 4)
            if close >= 0:
                return close + 3
        if lt + 1 < len(html) and html[lt + 1] != ">":
            close = html.find(">", lt + 1)
            if close >= 0:
                return close + 1
        return None

    def runs() -> Iterator[str]:
        start = cursor = 0
        while (lt := html.find("<", cursor)) >= 0:
            end = markup_end(lt)
            if end is None:
                cursor = lt + 1
                continue
            yield html[start:lt]
            start = cursor = end
        yield html[start:]

    return list(runs())


def _walk_visible_text(html: str, limit: int = 400_000, min_words: int = 8, enough: int | None = None) -> str:
    """The spec of :func:`visible_text`: every run of the walk, kept when it has ``min_words`` words."""
    prose: list[str] = []
    size = 0
    for r in _walk_runs(html[:limit]):
        if r and r.count(" ") + 1 >= min_words and len(re.findall(r"[a-zA-Z]+", r)) >= min_words:
            prose.append(r)
            size += len(r) + 1
            if enough is not None and size >= enough:
                break
    return "\n".join(prose)


_PIECES = [
    "<", ">", "<>", "<!--", "-->", "--->", "<script", "<SCRIPT>", "</script", "</Script >", "</script\t\n>",
    "<style", "</style>", "<noscript>", "</noscript\u2003>", "<scripts", "<script_x>", "<scriptä>",
    "<\u017fcript>", "<s", "<span>", "</", " ", "a b c", "kata", "\n", "\u0130", "_", "é", "yang dan di ke",
    "word1word", " x-y z ", "<a href=x>", "</a>",
]  # fmt: skip


def test_random_markup_splits_as_the_walk_does() -> None:
    rnd = random.Random(13)
    for _ in range(20_000):
        html = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 40)))
        assert _text_runs(html) == _walk_runs(html), repr(html)


@pytest.mark.parametrize(
    "html",
    [
        "",
        "no markup at all",
        "<p>a</p> trailing < bare",
        "<script>var x = '<p>';</script  >after",
        "<!-- open comment <p>x</p>",
        "<script>never closed <p>x</p>",
        "<<<<p>>> <> <",
        "<div <script>x</script> y",
    ],
)
def test_edge_cases_split_as_the_walk_does(html: str) -> None:
    assert _text_runs(html) == _walk_runs(html)


def test_real_pages_split_as_the_walk_does() -> None:
    english = sorted(shared_path("pages", "zyte", "html").glob("*.html.gz"))[:60]
    indonesian = sorted(shared_path("pages", "id", "anpandu").glob("*/*.html"))[:60]
    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in english]
    pages += [p.read_text(encoding="utf-8", errors="replace") for p in indonesian]
    assert len(pages) > 60
    for html in pages:
        assert _text_runs(html) == _walk_runs(html)


def test_random_markup_has_the_walks_prose() -> None:
    rnd = random.Random(17)
    for _ in range(20_000):
        html = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 60)))
        min_words = rnd.choice([0, 1, 2, 3, 8])
        enough = rnd.choice([None, 1, 20, 200])
        assert visible_text(html, min_words=min_words, enough=enough) == _walk_visible_text(
            html, min_words=min_words, enough=enough
        ), repr(html)


def test_real_pages_have_the_walks_prose() -> None:
    english = sorted(shared_path("pages", "zyte", "html").glob("*.html.gz"))[:60]
    indonesian = sorted(shared_path("pages", "id", "anpandu").glob("*/*.html"))[:60]
    pages = [gzip.decompress(p.read_bytes()).decode("utf-8", "replace") for p in english]
    pages += [p.read_text(encoding="utf-8", errors="replace") for p in indonesian]
    for html in pages:
        for enough in (None, 20_000):
            assert visible_text(html, enough=enough) == _walk_visible_text(html, enough=enough)
