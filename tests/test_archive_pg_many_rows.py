"""Many rows of one statement go to PostgreSQL as one statement (an array), not one per row.

psycopg's executemany sends each row as a statement of its own: a story's document counts (a
few hundred terms an article) and an article's near-duplicate bands cost that many protocol
rounds and statements on the server. The stores send them as arrays; the counts they leave
are those the rows one by one left (clamped at zero, duplicates once), on both backends.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from backends import open_test_archive
from kabar.archive.open import is_postgres
from kabar.archive.stores import StoredSignature
from kabar.model import Article


def test_document_counts_and_bands_are_one_statement_on_postgresql(archive_url: str) -> None:
    archive = open_test_archive(archive_url, [])
    many: list[str] = []

    def note(
        _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, executemany: bool
    ) -> None:
        if executemany:
            many.append(statement)

    try:
        stored = archive.add(Article(headline="Banjir Jakarta", paragraphs=["Banjir merendam rumah."]))
        event.listen(archive.engine, "before_cursor_execute", note)
        stories = archive.stories
        terms = [f"kata{i}" for i in range(300)]
        stories.add_document(terms, 1)
        stories.add_document(terms[:100], 1)
        stories.add_document(terms[:50], -1)
        stories.add_document(terms[:10], -1)
        stories.add_document(terms[:10], -1)  # below zero: clamped at zero
        df = stories.document_frequencies([*terms, "tidak-ada"])
        assert (df[terms[0]], df[terms[20]], df[terms[60]], df[terms[200]]) == (0, 1, 2, 1)
        assert "tidak-ada" not in df
        keys = [1, -5, 2**62, 1]  # a key twice: stored once
        archive.duplicates.add_signature(StoredSignature(stored.id, 10, b"\x00" * 256), keys)
        assert archive.duplicates.band_candidates([1, -5, 2**62], 100) == {stored.id}
        assert archive.duplicates.band_candidates([7], 100) == set()
        event.remove(archive.engine, "before_cursor_execute", note)
        if is_postgres(archive_url):
            assert many == []
    finally:
        archive.close()
