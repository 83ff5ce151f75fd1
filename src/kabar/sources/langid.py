"""Is this text Indonesian? A stopword-ratio test, measured, with no model to load.

Indonesian prose is about a quarter function words from a short list ("yang",
"dan", "di", "dengan", …) that English pages, menus and code lack; a
ratio threshold separates them (see tests/test_sources_langid.py for the measured
accuracy on the IndoSum corpus and the English Zyte pages). Malay shares most of
the list, so a few spellings that differ between the two standards decide
between them.
"""

from __future__ import annotations

import re
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
_TAGS = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->|<[^>]+>", re.S | re.I)


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


def visible_text(html: str, limit: int = 400_000, min_words: int = 8) -> str:
    """The prose of an HTML page, cheaply: runs of text between tags with at least
    ``min_words`` words. Menus and link lists are short runs; dropping them keeps a
    navigation-heavy Indonesian page from looking foreign. A regex, not a parse:
    only words are counted."""
    runs = _TAGS.split(html[:limit])
    # re.split with a group also yields the captured tag name; those are single words
    prose = [r for r in runs if r and r.count(" ") + 1 >= min_words and len(_WORD.findall(r)) >= min_words]
    return "\n".join(prose)


def judge_html(html: str, options: LangOptions | None = None) -> LangVerdict:
    return judge_text(visible_text(html), options)


__all__ = ["LangOptions", "LangVerdict", "judge_html", "judge_text", "visible_text"]
