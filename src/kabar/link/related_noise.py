"""What of an article's indexed terms says nothing about its subject, for related news.

Three kinds of occurrence are counted out of the article's term statistics before its
distinctive terms are chosen:

- the **dateline** (``JAKARTA, KOMPAS.com -``, ``Wamena (ANTARA News) -``): every article
  of an outlet opens with it, so its words would make an outlet's articles look alike;
- **outlet names** wherever they stand (``dilansir CNN Indonesia``, ``Baca juga Suara.com``):
  the article's own outlet and the outlets ``kabar.extract`` knows;
- **proper names whose stem is another word**: the stemmer takes ``Temanggung`` to
  ``tanggung`` and ``Pembela`` to ``bela``, so the name would match every article that says
  "tanggung jawab". A word the article capitalises inside a sentence is a name everywhere in
  the article (the headline is often sentence case), and only its stemmed occurrences are
  counted out; names the stemmer leaves whole (``novanto``) stay terms. Names are compared
  unstemmed by the names signal (:mod:`kabar.link.related_names`).

Counts, not terms, are removed: "merdeka" stays a term of an article about independence
day even when its outlet is Merdeka.com.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, lru_cache

from kabar.extract.dateline import match_dateline
from kabar.extract.tables import load_table
from kabar.lang.analysis import analyze, tokenize
from kabar.link.names import name_spans
from kabar.model import Article


@dataclass(slots=True)
class Noise:
    """Term occurrences to count out of an article's headline and body terms."""

    headline: Counter[str] = field(default_factory=Counter)
    body: Counter[str] = field(default_factory=Counter)
    dateline_place: str | None = None  # lower-cased, e.g. "jakarta": not a shared place either
    outlet_names: frozenset[str] = frozenset()  # lower-cased outlet names: never a shared name


@cache
def _known_outlets() -> tuple[str, ...]:
    names: set[str] = set()
    for outlet in load_table("outlets")["outlets"]:
        names.update(n.lower() for n in [outlet["name"], *outlet.get("aliases", [])])
    return tuple(sorted(names, key=len, reverse=True))


@lru_cache(maxsize=256)
def _outlet_pattern(names: frozenset[str]) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alternatives})(?![\w])", re.IGNORECASE)


def _outlets_in(texts: list[str], names: frozenset[str]) -> re.Pattern[str] | None:
    """The outlet pattern over only the names the article contains (None: it names none).

    Python's ``re`` tries every alternative at every position: the pattern of all ~80 known
    outlets over a whole article was the largest cost of a related-news call. A plain
    substring test per name finds the few the article has (a case-insensitive match of a
    name always contains its lower-cased form), and only those are matched as words.
    """
    lowered = "\n".join(texts).lower()
    present = frozenset(n for n in names if n in lowered)
    return _outlet_pattern(present) if present else None


def outlet_names(article: Article) -> frozenset[str]:
    """The outlets an article may name in passing: its own and every outlet kabar knows."""
    own = (article.outlet or "").strip().lower()
    return frozenset({*_known_outlets(), *([own] if own else [])})


def _name_stems(article: Article) -> dict[str, str]:
    """Name words the stemmer changes: surface → the stem the index holds for it."""
    out: dict[str, str] = {}
    names = set(name_spans((article.headline or "") + ".\n" + "\n".join(article.paragraphs)))
    names.update(e.name.lower() for e in article.entities)
    for name in names:
        for word in tokenize(name):
            stems = analyze(word)
            if len(stems) == 1 and stems[0] != word:
                out[word] = stems[0]
    return out


def _count_out(text: str, names: dict[str, str], outlets: re.Pattern[str] | None, into: Counter[str]) -> None:
    if outlets is not None:
        for m in outlets.finditer(text):
            into.update(analyze(m.group(0)))
    for word in tokenize(text):
        stem = names.get(word)
        if stem is not None:
            into[stem] += 1


def article_noise(article: Article) -> Noise:
    """The dateline, outlet-name and name-stem occurrences of ``article``'s indexed terms."""
    noise = Noise()
    known = outlet_names(article)
    names = _name_stems(article)
    paragraphs = list(article.paragraphs)
    dateline = match_dateline(paragraphs[0], allow_place_only=True) if paragraphs else None
    if dateline is not None:
        noise.body.update(analyze(dateline.text))
        noise.dateline_place = (dateline.place or "").lower() or None
        if dateline.outlet_text:
            known = known | {" ".join(dateline.outlet_text.lower().split())}
        paragraphs[0] = dateline.rest
    noise.outlet_names = known
    outlets = _outlets_in([article.headline or "", *paragraphs], known)
    _count_out(article.headline or "", names, outlets, noise.headline)
    for paragraph in paragraphs:
        _count_out(paragraph, names, outlets, noise.body)
    return noise


__all__ = ["Noise", "article_noise", "outlet_names"]
