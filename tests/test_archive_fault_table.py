"""The fault table (archive/faults.py): every fault one line, every driver code its row.

The faults made for real (locks, full disks, deleted files, a dropped server) are in
test_archive_faults.py and test_postgres_faults.py; these check the table itself: each
row's message, and the codes no real fault here reaches.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kabar.archive import errors, faults
from kabar.archive.faults import Fault, FaultContext

# A path a user may well have: braces and a percent sign must come out as they are.
ODD = "/tmp/{where}{0}%s/kabar.db"


@pytest.mark.parametrize("fault", list(Fault), ids=lambda f: f.name)
@pytest.mark.parametrize("path", [None, Path(ODD)], ids=["no-file", "file"])
def test_every_fault_is_one_line_naming_the_archive(fault: Fault, path: Path | None) -> None:
    error = fault.error(FaultContext(where=ODD, busy_timeout=2.5, path=path), detail="{x} server said")
    assert type(error) is fault.kind
    assert str(error) == f"{ODD}: {error.detail}"
    assert "\n" not in str(error) and error.detail.endswith(".")
    assert "{" not in error.detail.replace(ODD, "").replace("{x}", "")  # every field filled in
    assert ("2.5 s" in error.detail) == (fault is Fault.BUSY)
    assert (".recover" in error.detail) == (fault is Fault.CORRUPT and path is not None)


def test_the_names_backends_call_are_the_table_rows() -> None:
    context = FaultContext(where="kabar.db", busy_timeout=10.0)
    for name in ("busy", "read_only", "full", "gone", "missing", "not_a_database", "corrupt", "io_error"):
        assert str(getattr(faults, name)(context)) == str(Fault[name.upper()].error(context))
    assert str(faults.cannot_open(context)) == str(Fault.CANNOT_OPEN.error(context))


def _sqlite(code: object) -> sqlite3.Error:
    error = sqlite3.OperationalError("driver text")
    error.sqlite_errorcode = code  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (3, errors.ArchiveReadOnly),  # SQLITE_PERM
        (15, errors.ArchiveBusy),  # SQLITE_PROTOCOL
        (5 | (1 << 8), errors.ArchiveBusy),  # SQLITE_BUSY_RECOVERY: by its primary code
        (8 | (1 << 8), errors.ArchiveReadOnly),  # SQLITE_READONLY_RECOVERY
        (8 | (4 << 8), errors.ArchiveGone),  # SQLITE_READONLY_DBMOVED: by its whole code
        (26, errors.NotAnArchive),
        (1, None),  # SQLITE_ERROR: a bug, not a storage fault
        (19, None),  # SQLITE_CONSTRAINT
        ("5", None),  # not a result code
        (None, None),
    ],
)
def test_sqlite_codes(code: object, kind: type[errors.ArchiveError] | None, tmp_path: Path) -> None:
    db = tmp_path / "kabar.db"
    db.touch()
    error = faults.translate(_sqlite(code), FaultContext(where=str(db), busy_timeout=1.0, path=db))
    assert (type(error) if error is not None else None) is kind


def test_a_file_that_cannot_be_opened_is_missing_only_when_it_is_not_there(tmp_path: Path) -> None:
    absent = tmp_path / "absent.db"
    missing = faults.translate(_sqlite(14), FaultContext(where=str(absent), busy_timeout=1.0, path=absent))
    assert type(missing) is errors.ArchiveMissing and "kabar ingest PATH --db" in str(missing)
    elsewhere = faults.translate(_sqlite(14), FaultContext(where="postgres", busy_timeout=1.0))
    assert type(elsewhere) is errors.ArchiveUnavailable and "cannot open" in str(elsewhere)


def _pg(state: str | None, name: str = "OperationalError", text: str = "server says no") -> Exception:
    driver_error = type(name, (Exception,), {"__module__": "psycopg.errors"})
    error = driver_error(text)
    error.sqlstate = state  # type: ignore[attr-defined]
    return error


@pytest.mark.parametrize(
    ("state", "kind", "says"),
    [
        ("40001", errors.ArchiveBusy, "write lock"),
        ("57014", errors.ArchiveBusy, "write lock"),
        ("42501", errors.ArchiveReadOnly, "read-only"),
        ("XX001", errors.ArchiveCorrupt, "damaged"),
        ("58030", errors.ArchiveUnavailable, "I/O error"),
        ("57P03", errors.ArchiveUnavailable, "cannot reach"),
        ("53300", errors.ArchiveUnavailable, "cannot reach"),
        ("08001", errors.ArchiveUnavailable, "cannot reach"),
        ("28000", errors.ArchiveUnavailable, "refused the login"),
        ("3D000", errors.ArchiveMissing, "createdb"),
        ("42P01", None, ""),  # undefined table: a bug, let it show
        ("23505", None, ""),  # unique violation: the archive's own code handles it
    ],
)
def test_postgresql_states(state: str, kind: type[errors.ArchiveError] | None, says: str) -> None:
    error = faults.translate(_pg(state), FaultContext(where="postgresql://k@h/db", busy_timeout=1.0))
    assert (type(error) if error is not None else None) is kind
    assert error is None or says in str(error)


def test_without_a_state_only_a_connection_failure_is_a_fault() -> None:
    context = FaultContext(where="postgresql://k@h/db", busy_timeout=1.0)
    assert type(faults.translate(_pg(None, "InterfaceError"), context)) is errors.ArchiveUnavailable
    assert faults.translate(_pg(None, "ProgrammingError"), context) is None


def test_the_servers_words_are_cut_to_their_first_line() -> None:
    hostile = "{0} refused {where}\x00" + "x" * 5000 + "\nINSERT INTO articles VALUES ('secret')"
    error = faults.translate(_pg("08006", text=hostile), FaultContext(where="pg", busy_timeout=1.0))
    assert error is not None and "\n" not in str(error) and "INSERT" not in str(error)
    assert "{0} refused {where}\x00" + "x" * 100 in str(error)  # as the server said it, not formatted
    assert len(str(error)) < 400
