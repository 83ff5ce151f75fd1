"""Reads never write: a foreign file is refused before anything is written, readers open read-only.

Every reading command on another application's SQLite file, on a text file, on an
archive of an older or a newer kabar, and on an archive behind a read-only mount:
one clear line (or the answer), and the file's bytes unchanged.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine

from fault_support import assert_one_clear_line, digest, invoke, read_only_place, write_articles
from kabar.archive import errors
from kabar.archive.sqlite import open_archive
from kabar.cli.common import EXIT_ARCHIVE_FAULT, EXIT_REFUSED
from serve_support import make_article

READ_COMMANDS = [
    ["list"],
    ["show", "1"],
    ["search", "banjir"],
    ["related", "1"],
    ["duplicates"],
    ["stories"],
    ["story", "1"],
    ["entities"],
    ["entity", "1"],
    ["serve", "--port", "0"],
]


def _foreign(path: Path) -> Path:
    """Another application's SQLite database (rollback journal, as most applications keep)."""
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        raw.execute("INSERT INTO users (name) VALUES ('ani')")
    return path


def _archive(path: Path, articles: int = 3) -> Path:
    with open_archive(path) as archive:
        for n in range(1, articles + 1):
            archive.add(make_article(n))
    return path


def _journal_mode(path: Path) -> str:
    with sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True) as raw:
        return str(raw.execute("PRAGMA journal_mode").fetchone()[0])


def _db_args(args: list[str], db: Path) -> list[str]:
    return [*args, "--db", str(db)]


@pytest.mark.parametrize("args", [*READ_COMMANDS, ["upgrade"]], ids=lambda a: a[0])
def test_another_applications_database_is_refused_and_left_as_it_was(args: list[str], tmp_path: Path) -> None:
    db = _foreign(tmp_path / "app.db")
    before = digest(db)
    result = invoke(_db_args(args, db))
    assert result.exit_code == EXIT_REFUSED, result.output
    assert_one_clear_line(result.stderr, "another application", "users", "not a kabar archive")
    assert digest(db) == before and _journal_mode(db) == "delete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.db"]  # no WAL, no index, no journal


def test_a_writer_refuses_another_applications_database_before_writing(tmp_path: Path) -> None:
    db = _foreign(tmp_path / "app.db")
    pages = write_articles(tmp_path / "pages", 2)
    before = digest(db)
    result = invoke(["ingest", str(pages), "--db", str(db), "--no-understand", "-q"])
    assert result.exit_code == EXIT_REFUSED, result.output
    assert_one_clear_line(result.stderr, "another application")
    assert digest(db) == before and _journal_mode(db) == "delete"
    with pytest.raises(errors.NotAnArchive):
        open_archive(db)


@pytest.mark.parametrize("args", [["list"], ["search", "banjir"], ["upgrade"]], ids=lambda a: a[0])
def test_a_file_that_is_no_database_is_refused_unchanged(args: list[str], tmp_path: Path) -> None:
    db = tmp_path / "notes.db"
    db.write_text("catatan rapat redaksi\n" * 200, encoding="utf-8")
    before = digest(db)
    result = invoke(_db_args(args, db))
    assert result.exit_code == EXIT_REFUSED, result.output
    assert_one_clear_line(result.stderr, "not a database")
    assert digest(db) == before


def test_missing_empty_and_folder_paths_each_say_what_they_are(tmp_path: Path) -> None:
    missing = invoke(["list", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == EXIT_REFUSED
    assert_one_clear_line(missing.stderr, "no archive at")
    assert not (tmp_path / "none.db").exists()
    empty = tmp_path / "empty.db"
    empty.touch()
    result = invoke(["list", "--db", str(empty)])
    assert result.exit_code == EXIT_REFUSED
    assert_one_clear_line(result.stderr, "empty database", "kabar ingest")
    assert empty.stat().st_size == 0
    folder = invoke(["list", "--db", str(tmp_path)])
    assert folder.exit_code == EXIT_REFUSED
    assert_one_clear_line(folder.stderr, "a folder")
    # an empty file is where a writer may start a new archive
    with open_archive(empty) as archive:
        assert archive.add(make_article(1)).status == "added"


def test_reading_commands_leave_a_kabar_archive_unchanged(tmp_path: Path) -> None:
    db = _archive(tmp_path / "kabar.db")
    before = digest(db)
    for args in READ_COMMANDS[:-1]:
        result = invoke(_db_args(args, db))
        # no entities or stories were made from these bare articles: those two say so
        expected = 1 if args[0] in ("story", "entity") else 0
        assert result.exit_code == expected, (args, result.output)
        assert "Traceback" not in result.output
    assert digest(db) == before
    with open_archive(db, read_only=True) as reader:
        assert reader.count() == 3
        with pytest.raises(errors.ArchiveReadOnly), reader.engine.connect() as conn:
            conn.exec_driver_sql("DELETE FROM articles")
    assert digest(db) == before


def _archive_at(path: Path, revision: str) -> Path:
    """An archive as an older kabar left it: migrated only up to ``revision``."""
    from kabar.archive.migrate import _config

    engine = create_engine(f"sqlite:///{path}")
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
    engine.dispose()
    return path


def test_an_older_archive_is_not_migrated_by_a_reader_and_upgrade_does_it(tmp_path: Path) -> None:
    from kabar.archive.migrate import head_revision, known_revisions

    older = sorted(known_revisions() - {head_revision()})[-1]
    db = _archive_at(tmp_path / "old.db", older)
    before = digest(db)
    result = invoke(["list", "--db", str(db)])
    assert result.exit_code == EXIT_REFUSED
    assert_one_clear_line(result.stderr, "older than this kabar", "kabar upgrade --db")
    assert digest(db) == before
    upgraded = invoke(["upgrade", "--db", str(db)])
    assert upgraded.exit_code == 0 and str(head_revision()) in upgraded.stdout, upgraded.output
    assert invoke(["list", "--db", str(db)]).exit_code == 0


def test_a_newer_archive_is_refused_by_readers_and_writers(tmp_path: Path) -> None:
    db = _archive(tmp_path / "kabar.db", articles=1)
    with sqlite3.connect(db) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099_future'")
    before = digest(db)
    for args in (["list"], ["upgrade"]):
        result = invoke(_db_args(args, db))
        assert result.exit_code == EXIT_REFUSED
        assert_one_clear_line(result.stderr, "newer kabar", "0099_future")
    assert digest(db) == before


def test_an_archive_on_a_read_only_mount_is_read_and_a_writer_says_read_only(tmp_path: Path) -> None:
    source = tmp_path / "data"
    source.mkdir()
    db = _archive(source / "kabar.db")
    pages = write_articles(tmp_path / "pages", 2)
    with read_only_place(source, tmp_path / "view") as place:
        if place is None:
            pytest.skip("no read-only mount can be made here (a bind mount needs root and CAP_SYS_ADMIN)")
        view = place / "kabar.db"
        before = digest(view)
        # No WAL index beside it and none can be made: SQLite reads it only as immutable.
        listed = invoke(["list", "--db", str(view), "--format", "json"])
        assert listed.exit_code == 0, listed.output
        assert "Berita nomor 1" in listed.stdout
        assert invoke(["search", "banjir", "--db", str(view)]).exit_code == 0
        result = invoke(["ingest", str(pages), "--db", str(view), "--no-understand", "-q"])
        assert result.exit_code == EXIT_ARCHIVE_FAULT, result.output
        assert_one_clear_line(result.stderr, "read-only")
        with pytest.raises(errors.ArchiveReadOnly):
            open_archive(view)
        assert digest(view) == before
        if place != source:  # a bind mount: a writer elsewhere keeps the WAL index; readers see its work
            with open_archive(db) as writer:
                writer.add(make_article(9))
                with open_archive(view, read_only=True) as reader:
                    assert reader.count() == 4
