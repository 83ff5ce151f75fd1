"""The SQL stores' shared statement helpers (archive/statements.py), on both backends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from backends import open_test_archive
from kabar.archive.sql_source import EngineSource
from kabar.archive.statements import MAX_PAGE, insert_new, page, parse_time, read_id, read_ids
from kabar.archive.story_store import story_df


def test_paging_insert_new_and_id_reads(archive_url: str) -> None:
    archive = open_test_archive(archive_url, [])
    try:
        source = EngineSource(archive.engine)
        # story_df: a table with a key and no foreign key (term → a number)
        rows = [{"term": f"t{n:05d}", "df": n} for n in range(1, MAX_PAGE + 6)]
        with source.writing() as conn:
            insert = insert_new(conn.dialect.name, story_df)
            assert insert is insert_new(conn.dialect.name, story_df)  # built once
            conn.execute(insert, rows)
            # the same keys again: skipped, not an error, nothing doubled
            conn.execute(insert, [{**rows[0], "df": -1}, rows[1]])
        with source.reading() as conn:
            assert conn.execute(select(func.count()).select_from(story_df)).scalar_one() == len(rows)
            kept = conn.execute(select(story_df.c.df).where(story_df.c.term == rows[0]["term"]))
            assert kept.scalar_one() == 1

        ordered = select(story_df.c.df).order_by(story_df.c.df)
        assert read_ids(source, page(ordered, 3, 2)) == [3, 4, 5]
        assert len(read_ids(source, page(ordered, 10**18, 0))) == MAX_PAGE  # huge: one page at most
        assert read_ids(source, page(ordered, -4, 0)) == []
        assert read_ids(source, page(ordered, 2, -9)) == [1, 2]  # a negative offset is the start
        assert read_ids(source, page(ordered, 5, 10**12)) == []
        assert read_id(source, ordered.where(story_df.c.df > 7)) == 8
        assert read_id(source, ordered.where(story_df.c.term == "\x00nope")) is None
        assert all(type(i) is int for i in read_ids(source, page(ordered, 4, 0)))
    finally:
        archive.close()


@pytest.mark.parametrize("value", [None, "", 0, 1.5, b"2024-01-01", ["2024-01-01"]])
def test_parse_time_of_no_time_is_none(value: object) -> None:
    assert parse_time(value) is None


def test_parse_time_reads_stored_text() -> None:
    assert parse_time("2024-01-02T03:04:05+00:00") == datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    wib = parse_time("2024-01-02T10:04:05+07:00")
    assert wib is not None and wib.utcoffset() == timedelta(hours=7)
    assert wib == datetime(2024, 1, 2, 10, 4, 5, tzinfo=timezone(timedelta(hours=7)))
    with pytest.raises(ValueError):
        parse_time("not a time")  # a damaged row shows, as before, rather than reading as no time
