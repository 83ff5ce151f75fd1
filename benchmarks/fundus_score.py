"""Field scores for the fundus pages: ROUGE-LSum of the body, title, time, author set.

ROUGE-LSum follows ``rouge_score`` (which the fundus paper uses): each reference paragraph's union LCS
against every extracted paragraph, hits clipped by the tokens' counts on both sides, F1 of hits over
reference and extracted token counts. Tokens are lower-cased ``\\w+`` runs rather than ``rouge_score``'s
ASCII ``[a-z0-9]+``, which would drop every word of the Cyrillic, Greek, Chinese or Japanese pages.

fundus keeps a body's subheadings in its sections' ``headline``, apart from the paragraphs scored here,
while a reader prints them in the text; :func:`without_subheads` maps a reading to fundus's shape by
leaving out the lines that are the page's own ``<h2>``–``<h6>`` headings (the same for every reader).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from datetime import UTC, datetime

import lxml.html
from lxml import etree

_TOKEN = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def _lcs_positions(ref: list[str], cand: list[str]) -> set[int]:
    """Positions in ``ref`` of one longest common subsequence with ``cand``."""
    rows, cols = len(ref), len(cand)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows):
        here, below = table[i], table[i + 1]
        word = ref[i]
        for j in range(cols):
            below[j + 1] = here[j] + 1 if word == cand[j] else max(here[j + 1], below[j])
    out: set[int] = set()
    i, j = rows, cols
    while i and j:
        if ref[i - 1] == cand[j - 1]:
            out.add(i - 1)
            i, j = i - 1, j - 1
        elif table[i - 1][j] >= table[i][j - 1]:
            i -= 1
        else:
            j -= 1
    return out


def rouge_lsum_f1(reference: list[str], extracted: list[str]) -> float:
    refs = [t for t in (tokens(p) for p in reference) if t]
    cands = [t for t in (tokens(p) for p in extracted) if t]
    ref_total, cand_total = sum(map(len, refs)), sum(map(len, cands))
    if not ref_total or not cand_total:
        return 1.0 if ref_total == cand_total else 0.0
    ref_left = Counter(t for r in refs for t in r)
    cand_left = Counter(t for c in cands for t in c)
    exact = {tuple(c) for c in cands}
    cand_sets = [set(c) for c in cands]
    hits = 0
    for ref in refs:
        if tuple(ref) in exact:  # the common case: a paragraph read whole
            union = set(range(len(ref)))
        else:
            words = set(ref)
            union = set()
            for cand, cand_set in zip(cands, cand_sets, strict=True):
                if words & cand_set:
                    union |= _lcs_positions(ref, cand)
        for pos in sorted(union):
            word = ref[pos]
            if ref_left[word] > 0 and cand_left[word] > 0:
                hits += 1
                ref_left[word] -= 1
                cand_left[word] -= 1
    recall, precision = hits / ref_total, hits / cand_total
    return 2 * precision * recall / (precision + recall) if hits else 0.0


def norm_text(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


def norm_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def author_set_equal(gold: list[str], found: list[str]) -> bool:
    return {norm_name(n) for n in gold} == {norm_name(n) for n in found}


def author_recall(gold: list[str], found: list[str]) -> float | None:
    """Share of the gold writers found; None where the gold names nobody (not counted)."""
    want = {norm_name(n) for n in gold}
    if not want:
        return None
    return len(want & {norm_name(n) for n in found}) / len(want)


def _squeezed(name: str) -> str:
    return "".join(c for c in norm_name(name) if c.isalnum())


def author_or_source_equal(gold: list[str], found: list[str], sources: list[str]) -> bool:
    """The author set, where a gold "author" that is an organisation may be found as the reader's source.

    fundus gives a desk, an agency or the site ("Salzburger Nachrichten", "dpa", "sportschau.de") as the
    author where the page names no writer; a reader that names it as the outlet or the agency has read
    the same fact into another field. A gold name counts as such a source when it equals one of the
    reader's sources letter for letter (case, spaces and punctuation aside), or its domain's first label
    does ("sportschau.de" → "sportschau"). Writers must still match exactly."""
    squeezed_sources = {_squeezed(s) for s in sources if _squeezed(s)}

    def is_source(name: str) -> bool:
        forms = {_squeezed(name), _squeezed(name.split(".")[0])} if "." in name else {_squeezed(name)}
        return bool(forms & squeezed_sources)

    persons = [n for n in gold if not is_source(n)]
    writers = [n for n in found if not is_source(n)]
    return author_set_equal(persons, writers)


def same_minute(gold: datetime | None, found: datetime | None, day_only: bool = False) -> bool:
    """To the minute in UTC; a time given without zone is read as the page's own wall clock.

    A reader that says it knows only the day (``day_only``: kabar's ``published_precision == "day"``)
    has given no minute: it is right to the minute only where the gold is itself a bare day — its
    midnight in its own zone, as a parser writes a page that prints no time of day — and the day is
    the same (:func:`same_day`). Read as a time, its midnight would count against a gold time of day
    only by chance and against a midnight gold in another zone never."""
    if gold is None or found is None:
        return gold is found
    if day_only:
        return gold.time() == datetime.min.time() and same_day(gold, found, day_only=True)
    if found.tzinfo is None:
        return gold.replace(tzinfo=None, second=0, microsecond=0) == found.replace(second=0, microsecond=0)
    if gold.tzinfo is None:
        return False
    return gold.astimezone(UTC).replace(second=0, microsecond=0) == found.astimezone(UTC).replace(
        second=0, microsecond=0
    )


def same_day(gold: datetime | None, found: datetime | None, day_only: bool = False) -> bool:
    """The calendar day in the gold's own zone (the day the page printed).

    A ``day_only`` answer is a date, not an instant: its own date is compared, in no zone (as a time
    given without zone is), since moving a bare day's midnight to another offset names the day before
    or after."""
    if gold is None or found is None:
        return gold is found
    if found.tzinfo is not None and gold.tzinfo is not None and not day_only:
        found = found.astimezone(gold.tzinfo)
    return gold.date() == found.date()


def page_subheads(html: str) -> frozenset[str]:
    """The normalised texts of the page's ``<h2>``–``<h6>`` headings."""
    try:
        tree = lxml.html.fromstring(html)
    except (etree.ParserError, ValueError):
        return frozenset()
    return frozenset(norm_text(h.text_content()) for h in tree.iter("h2", "h3", "h4", "h5", "h6"))


def without_subheads(paragraphs: list[str], subheads: frozenset[str]) -> list[str]:
    """``paragraphs`` without the lines that are one of the page's subheadings."""
    return [p for p in paragraphs if norm_text(p) not in subheads]
