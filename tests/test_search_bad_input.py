"""Hostile and odd queries: a clear message, never an exception, bounded time."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kabar.archive.base import SearchQuery
from kabar.archive.fts import FtsIndexer
from kabar.archive.sqlite import ArchiveOptions, SqliteArchive
from kabar.cli.main import app
from search_fixtures import search_archive


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("search") / "kabar.db"
    search_archive(path).close()
    yield path


@pytest.fixture
def archive(db: Path) -> Iterator[SqliteArchive]:
    opened = SqliteArchive(ArchiveOptions(path=db, indexers=[FtsIndexer()]))
    yield opened
    opened.close()


HOSTILE = [
    ('"', None),
    ('"gencatan senjata', "unbalanced quote"),
    ('rusia "gencatan senjata" "mediasi', "unbalanced quote"),
    ("banjir*", None),
    ("*", None),
    ("NEAR(banjir rumah)", None),
    ("banjir NEAR rumah", None),
    ("-banjir", None),
    ("banjir -cabai", None),
    ("headline:banjir", None),
    ("body : banjir", None),
    ("(banjir OR cabai", None),
    ("banjir AND", None),
    ("OR", None),
    ("NOT banjir", None),
    ("^banjir", None),
    ("'; DROP TABLE articles; --", None),
    ("banjir') OR 1=1 --", None),
    ('" OR "" = "', None),
    ("\x00banjir\x00", None),
    ("banjir \udcff\udcfe", None),
    ("\ufeffbanjir", None),
]


@pytest.mark.parametrize(("text", "note"), HOSTILE)
def test_fts_syntax_and_sql_are_plain_text(archive: SqliteArchive, text: str, note: str | None) -> None:
    result = archive.search(SearchQuery(text=text))
    # FTS5 operators, column filters and SQL are not obeyed: the answer is the one for the same words
    # with the punctuation gone (quotes kept, so a real phrase stays a phrase)
    plain = archive.search(SearchQuery(text=re.sub(r'[^\w"]+', " ", text)))
    assert result.total == plain.total and [h.id for h in result.hits] == [h.id for h in plain.hits]
    assert len(result.hits) == min(result.total, SearchQuery(text=text).limit)
    if note:
        assert result.message is not None and note in result.message
    if "banjir" in text:
        assert result.total >= 1  # the word itself is still searched
    assert archive.count() == 6  # nothing was dropped or changed


def test_empty_query(archive: SqliteArchive) -> None:
    for text in ("", "   ", "\n\t", "!!! ??? ..."):
        result = archive.search(SearchQuery(text=text))
        assert result.total == 0 and result.hits == []
        assert result.message is not None and "empty query" in result.message


def test_only_stopwords(archive: SqliteArchive) -> None:
    result = archive.search(SearchQuery(text="yang dan di dari untuk"))
    assert result.total == 0 and result.message is not None and "stopwords" in result.message
    assert archive.search(SearchQuery(text='"yang dan"')).message is not None


def test_ten_thousand_character_query_is_bounded(archive: SqliteArchive) -> None:
    long_words = ("banjir rumah warga " * 600)[:10_000]
    result = archive.search(SearchQuery(text=long_words))  # its time: benchmarks/bounded_time.py
    assert result.total >= 1 and result.message is not None and "cut" in result.message
    many = " ".join(f"kata{i}" for i in range(1500))[:10_000]
    result = archive.search(SearchQuery(text=many))
    assert result.message is not None and "first 32" in result.message
    one_token = "x" * 10_000
    result = archive.search(SearchQuery(text=one_token))
    assert result.total == 0 and result.message is not None and "longer than" in result.message


def test_unknown_and_impossible_filters(archive: SqliteArchive) -> None:
    unknown = archive.search(SearchQuery(text="banjir", outlet="tidak-ada"))
    assert unknown.total == 0 and unknown.message is not None and "outlet 'tidak-ada'" in unknown.message
    empty_range = archive.search(
        SearchQuery(text="banjir", since=datetime(2022, 1, 1, tzinfo=UTC), until=datetime(2021, 1, 1))
    )
    assert empty_range.total == 0 and empty_range.message is not None and "since" in empty_range.message
    odd_paging = archive.search(SearchQuery(text="banjir", limit=-5, offset=-3))
    assert odd_paging.total == 2 and odd_paging.hits == []
    huge_limit = archive.search(SearchQuery(text="banjir", limit=10**9))
    assert len(huge_limit.hits) == 2


def test_archive_without_search_tables_says_so(tmp_path: Path) -> None:
    import sqlite3

    from kabar.archive import fts

    path = tmp_path / "bare.db"
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY)")
    raw.close()
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        result = fts.search(conn, SearchQuery(text="banjir"))
    assert result.message is not None and "unavailable" in result.message


# -- the command ------------------------------------------------------------------

runner = CliRunner()


def _cli(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["search", *args])
    assert "Traceback" not in result.output
    return result.exit_code, result.output


@pytest.mark.parametrize(("text", "_note"), HOSTILE[:19])
def test_cli_hostile_queries_json(db: Path, text: str, _note: str | None) -> None:
    # "--" ends the options, so a query may start with "-" as in any Unix command
    code, out = _cli("--db", str(db), "--format", "json", "--", text)
    assert code == 0
    payload = json.loads(out)
    assert set(payload) == {"query", "total", "total_exact", "message", "hits"}


@pytest.mark.parametrize("text", ["", "yang dan", "x" * 10_000, '"unbalanced', "«banjir» [bold]x[/]"])
def test_cli_text_output_never_breaks(db: Path, text: str) -> None:
    code, out = _cli(text, "--db", str(db))
    assert code == 0 and "article(s) for" in out


def test_cli_text_marks_matches(db: Path) -> None:
    code, out = _cli("perdamaian", "--db", str(db), "--limit", "1")
    assert code == 0 and "Menlu RI serukan perdamaian" in out and "«" not in out


def test_cli_json_fields_and_filters(db: Path) -> None:
    code, out = _cli(
        "damai", "--db", str(db), "--format", "json", "--outlet", "tempo", "--since", "2021-01-01", "--newest"
    )
    assert code == 0
    payload = json.loads(out)
    assert payload["total"] == 1
    hit = payload["hits"][0]
    assert hit["outlet"] == "tempo" and "«" in hit["snippet"] and hit["published"].startswith("2021-05-15")
    code, out = _cli("damai", "--db", str(db), "--format", "json", "--until", "2020-10-27")
    assert json.loads(out)["total"] == 1  # a bare --until date includes that day


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["banjir", "--since", "kemarin"], "not a date"),
        (["banjir", "--until", "2021-13-45"], "not a date"),
        (["banjir", "--limit", "0"], "limit"),
        (["banjir", "--format", "xml"], "format"),
        (["banjir", "--sort", "x"], "--sort"),
    ],
)
def test_cli_bad_options_are_one_clear_line(db: Path, args: list[str], words: str) -> None:
    code, out = _cli(*args, "--db", str(db))
    assert code != 0 and words in out


def test_cli_missing_or_foreign_db(tmp_path: Path) -> None:
    code, out = _cli("banjir", "--db", str(tmp_path / "nope.db"))
    assert code == 1 and "no archive" in out
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"\x00\xff" * 1000)
    code, out = _cli("banjir", "--db", str(junk))
    assert code == 1 and "not a kabar archive" in out
