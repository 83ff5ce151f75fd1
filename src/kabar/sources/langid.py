"""Is this text Indonesian? A stopword-ratio test, measured, with no model to load.

Indonesian prose is about a quarter function words from a short list ("yang",
"dan", "di", "dengan", …) that English pages, menus and code lack; a
ratio threshold separates them (see tests/test_sources_langid.py for the measured
accuracy on the IndoSum corpus and the English Zyte pages). Malay shares most of
the list, so a few spellings that differ between the two standards decide
between them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

_ID_FUNCTION_WORDS = frozenset(
    [
        "yang",
        "dan",
        "di",
        "ke",
        "dari",
        "ini",
        "itu",
        "dengan",
        "untuk",
        "dalam",
        "tidak",
        "pada",
        "akan",
        "juga",
        "ada",
        "atau",
        "oleh",
        "karena",
        "sudah",
        "telah",
        "bisa",
        "kami",
        "kita",
        "mereka",
        "saya",
        "dia",
        "ia",
        "adalah",
        "tersebut",
        "para",
        "bahwa",
        "lebih",
        "hanya",
        "masih",
        "seperti",
        "saat",
        "setelah",
        "namun",
        "belum",
        "hingga",
        "sebagai",
        "dapat",
        "agar",
        "kepada",
        "tak",
        "jika",
        "bagi",
        "antara",
        "secara",
        "sejak",
        "menjadi",
        "bukan",
        "sangat",
        "harus",
        "sebuah",
        "serta",
        "tetapi",
        "ketika",
        "terhadap",
        "yaitu",
        "lagi",
        "pun",
        "baru",
        "banyak",
        "kata",
        "menurut",
        "tengah",
        "usai",
        "sempat",
        "pihak",
        "sendiri",
    ]
)
# Pairs that standard Malay and standard Indonesian spell differently (kerana/karena,
# iaitu/yaitu, …). Words both standards use ("beliau", "boleh", "kerajaan") decide nothing.
_MALAY_MARKERS = frozenset(["kerana", "iaitu", "bahawa", "sahaja", "pelbagai"])
_INDONESIAN_MARKERS = frozenset(["karena", "yaitu", "bahwa", "saja", "berbagai"])
_WORD = re.compile(r"[a-zA-Z]+")
_INERT = ("script", "style", "noscript")
_INERT_INITIALS = frozenset("sSnN")
_FOLD = re.IGNORECASE | re.ASCII  # see _Finder.find


@dataclass(slots=True, frozen=True)
class LangOptions:
    threshold: float = 0.08  # share of tokens that are Indonesian function words
    min_tokens: int = 30  # fewer words than this: not enough to say
    sample_chars: int = 20_000


@dataclass(slots=True, frozen=True)
class LangVerdict:
    indonesian: bool
    ratio: float
    tokens: int
    reason: str  # "indonesian" | "too_short" | "low_ratio" | "malay"


def judge_text(text: str, options: LangOptions | None = None) -> LangVerdict:
    opts = options or LangOptions()
    words = [w.lower() for w in _WORD.findall(text[: opts.sample_chars])]
    if not words or len(words) < opts.min_tokens:
        return LangVerdict(False, 0.0, len(words), "too_short")
    hits = sum(1 for w in words if w in _ID_FUNCTION_WORDS)
    ratio = hits / len(words)
    if ratio < opts.threshold:
        return LangVerdict(False, ratio, len(words), "low_ratio")
    malay = sum(1 for w in words if w in _MALAY_MARKERS)
    indo = sum(1 for w in words if w in _INDONESIAN_MARKERS)
    if malay >= 2 and malay > indo:  # one stray spelling is a typo, not a language
        return LangVerdict(False, ratio, len(words), "malay")
    return LangVerdict(True, ratio, len(words), "indonesian")


@functools.lru_cache(maxsize=8)
def _at_least_words(n: int) -> re.Pattern[str]:
    """Matches a text holding at least ``n`` words (as :data:`_WORD` finds them), without
    listing them all: each word is taken whole (no letter after it), so one long word is one."""
    return re.compile(rf"(?:[^a-zA-Z]*[a-zA-Z]+(?![a-zA-Z])){{{max(n, 0)}}}")


@functools.lru_cache(maxsize=16)
def _needle(needle: str) -> re.Pattern[str]:
    return re.compile(re.escape(needle), _FOLD)


def visible_text(html: str, limit: int = 400_000, min_words: int = 8, enough: int | None = None) -> str:
    """The prose of an HTML page, cheaply: runs of text between tags with at least
    ``min_words`` words. Menus and link lists are short runs; dropping them keeps a
    navigation-heavy Indonesian page from looking foreign. A regex, not a parse:
    only words are counted.

    ``enough``: stop once the prose holds this many characters (its start is then the same
    as without it): the language check reads only a sample, and most of a WARC's pages are
    long foreign ones it needs only the start of.
    """
    prose: list[str] = []
    size = 0
    enough_words = _at_least_words(min_words)
    # min_words words need min_words - 1 spaces between them: a shorter run never passes
    for r in _iter_runs(html[:limit], skip_shorter=2 * min_words - 1):
        if r and r.count(" ") + 1 >= min_words and enough_words.match(r) is not None:
            prose.append(r)
            size += len(r) + 1
            if enough is not None and size >= enough:
                break
    return "\n".join(prose)


def _text_runs(html: str) -> list[str]:
    """The text between tags, inert elements (script, style, noscript) and comments.

    What ``re.split(r"<(script|style|noscript)\\b.*?</\\1\\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)``
    gives, in linear time: that pattern rescans to the end of the page from every ``<script``,
    ``<!--`` or ``<`` that is never closed (50,000 of them took minutes). Here each closing
    string is searched for once per stretch of the page (:class:`_Finder`), and a ``<`` after
    the last ``>`` is not searched from at all.
    """
    return list(_iter_runs(html))


# The next markup: a plain tag matched whole (in C: a page has thousands), or a lone '<' where
# an inert element or a comment may open, left to _markup_end. ASCII case folding, as
# _Finder.starts_with; the lookahead may say "maybe" more often than _markup_end agrees (a
# "<scripts>"), never less, and _markup_end's answer is the old walk's answer.
_MARKUP = re.compile(r"<(?=(?ai:script|style|noscript)|!--)|<[^>]+>")
_PLAIN_TAG = r"<(?!(?ai:script|style|noscript)|!--)[^>]+>"


@functools.lru_cache(maxsize=8)
def _markup_chain(skip_shorter: int) -> re.Pattern[str]:
    """:data:`_MARKUP`, with plain tags separated only by text shorter than ``skip_shorter`` (no
    ``<`` in it) matched as one: a menu of 200 links is one step, not 200."""
    return re.compile(
        rf"<(?=(?ai:script|style|noscript)|!--)|{_PLAIN_TAG}(?:[^<]{{0,{skip_shorter - 1}}}{_PLAIN_TAG})*"
    )


def _iter_runs(html: str, skip_shorter: int = 0) -> Iterator[str]:
    """The text runs in order; with ``skip_shorter``, runs shorter than it between two plain tags
    may be left out (for a caller that drops them anyway)."""
    markup = _markup_chain(skip_shorter) if skip_shorter > 1 else _MARKUP
    finder = _Finder(html)
    # A '<' after the page's last '>' closes nothing: it is text. Searching only up to there
    # keeps each such '<' from being a scan to the end of the page.
    stop = html.rfind(">") + 1
    start = cursor = 0
    while (match := markup.search(html, cursor, stop)) is not None:
        lt, end = match.span()
        if end == lt + 1:  # maybe an inert element or a comment
            found = _markup_end(html, finder, lt)
            if found is None:  # a bare '<' is text
                cursor = lt + 1
                continue
            end = found
        yield html[start:lt]
        start = cursor = end
    yield html[start:]


@dataclass(slots=True, frozen=True)
class _Found:
    start: int  # searched from here
    at: int  # the first match at or after start; -1: none to the end of the page


class _Finder:
    """``str.find`` for a few fixed strings, case-insensitive for ASCII, in O(n) a page in all.

    Each needle's last answer is kept: the walk asks with ever later starts, so a start at or
    before that answer gets it again unsearched, and a fresh search begins past it. A search
    that found nothing answers every later start too (an unclosed ``<script`` scans to the
    end once, not once per ``<``). Only as much of the page is searched as the walk reads:
    the language check stops early on a long page.
    """

    def __init__(self, html: str) -> None:
        self.html = html
        self._last: dict[str, _Found] = {}

    def find(self, needle: str, start: int) -> int:
        last = self._last.get(needle)
        if last is not None and last.start <= start and (last.at < 0 or start <= last.at):
            return last.at
        # re.ASCII: only A-Z fold to a-z, so offsets stay the page's own ("İ".lower() is
        # two characters); no lowered copy of the page is made (str.translate on a page
        # with any non-ASCII character is a per-character Python loop).
        match = _needle(needle).search(self.html, start)
        at = match.start() if match is not None else -1
        self._last[needle] = _Found(start, at)
        return at

    def starts_with(self, name: str, at: int) -> bool:
        """Whether the lowercase ASCII ``name`` is at ``at``, ASCII letters in any case."""
        piece = self.html[at : at + len(name)]
        return piece.isascii() and piece.lower() == name


def _markup_end(html: str, finder: _Finder, lt: int) -> int | None:
    """Where the element, comment or tag starting at ``lt`` ends (None: not markup)."""
    # Most tags are no inert element: one character rules them out (a million tags a WARC).
    inert = _INERT if html[lt + 1 : lt + 2] in _INERT_INITIALS else ()
    for name in inert:
        after = lt + 1 + len(name)
        if finder.starts_with(name, lt + 1) and not (
            after < len(html) and (html[after].isalnum() or html[after] == "_")
        ):
            close = finder.find("</" + name, after)
            while close >= 0:
                j = close + 2 + len(name)
                while j < len(html) and html[j].isspace():
                    j += 1
                if j < len(html) and html[j] == ">":
                    return j + 1
                close = finder.find("</" + name, close + 1)
            break
    if html.startswith("<!--", lt):
        close = finder.find("-->", lt + 4)
        if close >= 0:
            return close + 3
    if lt + 1 < len(html) and html[lt + 1] != ">":
        close = finder.find(">", lt + 1)
        if close >= 0:
            return close + 1
    return None


def judge_html(html: str, options: LangOptions | None = None) -> LangVerdict:
    opts = options or LangOptions()
    return judge_text(visible_text(html, enough=opts.sample_chars), opts)


__all__ = ["LangOptions", "LangVerdict", "judge_html", "judge_text", "visible_text"]
