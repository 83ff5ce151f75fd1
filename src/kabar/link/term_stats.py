"""What related news needs from the search index: document counts and stored terms.

The search index already holds what "more like this" needs — document counts and each
article's analysed terms — so nothing is analysed twice at query time. The SQL over the
search tables stays in :mod:`kabar.archive.fts` (so that another search backend can
stand beside it); this module is related news's one door to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.engine import Connection

from kabar.archive import fts
from kabar.archive.fts import DocTerms


def collection_size(conn: Connection) -> int:
    """Roughly how many articles are indexed (the idf's N)."""
    return fts.collection_size(conn)


def doc_frequencies(conn: Connection, terms: Iterable[str], cap: int | None = None) -> dict[str, int]:
    """Documents containing each term: exact below ``cap`` (fts's default), estimated above it."""
    options = fts.FrequencyOptions() if cap is None else fts.FrequencyOptions(cap=cap)
    return fts.doc_frequencies(conn, terms, options)


def indexed_terms(conn: Connection, ids: Sequence[int]) -> dict[int, DocTerms]:
    """The analysed terms the search index holds for each id (missing ids are left out)."""
    return fts.indexed_terms(conn, ids)


__all__ = ["collection_size", "doc_frequencies", "indexed_terms"]
