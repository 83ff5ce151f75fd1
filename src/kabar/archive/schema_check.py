"""Is this database a kabar archive, and is its schema the one this kabar writes?

Asked before anything is written: a writer that opened another application's database
would create kabar's tables in it (and, on SQLite, switch it to WAL). Reads only
(SQLAlchemy's inspector and Alembic's version table), so it runs on a read-only
connection and on every backend.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from kabar.archive import migrate
from kabar.archive.errors import ArchiveError, ArchiveOutdated, ArchiveTooNew, NotAnArchive

# Columns that only kabar's articles table has together: another application's
# ``articles`` table (a CMS's, say) lacks them.
_KABAR_ARTICLE_COLUMNS = frozenset({"canonical_url", "content_hash", "data"})


class SchemaState(StrEnum):
    EMPTY = "empty"  # no tables: a writer may make a new archive here
    CURRENT = "current"
    OUTDATED = "outdated"  # an older kabar's: migrations bring it to head
    NEWER = "newer"  # a newer kabar's
    FOREIGN = "foreign"  # another application's


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    state: SchemaState
    revision: str | None = None
    head: str | None = None
    tables: tuple[str, ...] = ()


def check_schema(conn: Connection) -> SchemaCheck:
    inspector = inspect(conn)
    tables = tuple(sorted(inspector.get_table_names()))
    head = migrate.head_revision()
    if not tables:
        return SchemaCheck(SchemaState.EMPTY, head=head)
    if "articles" not in tables or "alembic_version" not in tables:
        return SchemaCheck(SchemaState.FOREIGN, head=head, tables=tables)
    columns = {c["name"] for c in inspector.get_columns("articles")}
    revision = MigrationContext.configure(conn).get_current_revision()
    if not columns >= _KABAR_ARTICLE_COLUMNS or revision is None:
        return SchemaCheck(SchemaState.FOREIGN, revision=revision, head=head, tables=tables)
    if revision == head:
        state = SchemaState.CURRENT
    elif revision in migrate.known_revisions():
        state = SchemaState.OUTDATED
    else:
        state = SchemaState.NEWER
    return SchemaCheck(state, revision=revision, head=head, tables=tables)


def refusal(check: SchemaCheck, where: str, *, writing: bool) -> ArchiveError | None:
    """Why this database may not be opened as asked, or None when it may.

    A writer may start a new archive in an empty database and migrate an older one;
    a reader needs an archive at this kabar's schema (it never migrates).
    """
    if check.state is SchemaState.FOREIGN:
        shown = ", ".join(check.tables[:5]) + (", …" if len(check.tables) > 5 else "")
        return NotAnArchive(
            where,
            f"a database of another application (tables: {shown}), not a kabar archive; kabar leaves it "
            "untouched. Point --db at a kabar archive, or at a new file to start one.",
        )
    if check.state is SchemaState.NEWER:
        return ArchiveTooNew(
            where,
            f"made by a newer kabar (schema {check.revision}; this kabar knows up to {check.head}); "
            "upgrade kabar to open it.",
        )
    if writing:
        return None
    if check.state is SchemaState.EMPTY:
        return NotAnArchive(
            where,
            "an empty database, not a kabar archive yet; store articles into it first "
            f"(`kabar ingest PATH --db {where}`).",
        )
    if check.state is SchemaState.OUTDATED:
        return ArchiveOutdated(
            where,
            f"the archive's schema ({check.revision}) is older than this kabar's ({check.head}) and "
            f"reading does not change it; upgrade it once with `kabar upgrade --db {where}`.",
        )
    return None


__all__ = ["SchemaCheck", "SchemaState", "check_schema", "refusal"]
