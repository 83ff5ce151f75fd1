"""When the same article arrives again with a shorter text: a copy of the stored text, or an update?

An article is stored once per URL identity (:mod:`kabar.archive.article_identity`); when it
arrives again with another text, that text normally replaces the stored one (a corrected or
extended article). But the same article also arrives as its AMP copy, a paywalled teaser or a
truncated capture, and none of those may replace the full text. The rule
(:func:`is_shorter_copy`): the arrival **keeps the stored text** when

1. it does not say it is newer: its ``modified`` time is not later than the stored text's
   last known time (its ``modified``, else its ``published``; with neither, an arrival's time
   says nothing). A later modification is a genuine update, whatever its length;
2. its body is much shorter: at most :data:`SHORTER_FACTOR` of the stored body's words
   (an empty body beside a stored one counts); and
3. its words are largely the stored text's: at least :data:`CONTAINED_SHARE` of its body's
   words (lower case, every occurrence counted) occur in the stored headline or body.

A text as long or longer, or one that says something else, replaces the stored one as before.
A kept arrival is "unchanged" under the stored article's own URL (any spelling of it) and a
copy under another (:meth:`kabar.archive.articles_core.CoreArchive._copy_or_unchanged`).
The cost of the rule: a correction that cuts most of a text and carries no newer
``modified`` time is kept out until a later one says it is newer.
"""

from __future__ import annotations

from kabar.lang.analysis import tokenize
from kabar.model import Article

# A teaser or AMP lead is a paragraph or three of a full article; a correction or an edit
# changes a text by far less than 40 % of its length.
SHORTER_FACTOR = 0.6
# A teaser adds a few words of its own ("Baca selengkapnya", a wall's call to subscribe).
CONTAINED_SHARE = 0.8


def _words(text: str) -> list[str]:
    return tokenize(text)  # lower case already


def _says_newer(arrival: Article, stored: Article) -> bool:
    stored_time = stored.modified or stored.published
    if arrival.modified is None or stored_time is None:
        return False
    try:
        return arrival.modified > stored_time
    except TypeError:  # a naive time beside an aware one: the arrival says nothing comparable
        return False


def is_shorter_copy(stored: Article, arrival: Article) -> bool:
    """Whether ``arrival`` (the same article as ``stored``) is a shorter copy of the stored text,
    which is then kept (the module's rule)."""
    if _says_newer(arrival, stored):
        return False
    stored_body = _words(stored.body)
    if not stored_body:
        return False
    body = _words(arrival.body)
    if len(body) > SHORTER_FACTOR * len(stored_body):
        return False
    if not body:
        return True
    known = set(stored_body) | set(_words(stored.headline or ""))
    contained = sum(1 for word in body if word in known)
    return contained >= CONTAINED_SHARE * len(body)


__all__ = ["CONTAINED_SHARE", "SHORTER_FACTOR", "is_shorter_copy"]
