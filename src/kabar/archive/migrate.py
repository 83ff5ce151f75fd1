"""Bring an archive's schema to the newest Alembic revision."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

_MIGRATIONS = Path(__file__).parent / "migrations"
_MIGRATION_LOCK = 0x6B61626172  # "kabar": the advisory lock key migrations hold on PostgreSQL


def _config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    return cfg


# The scripts ship with the package and cannot change while it runs: read them once per
# process (each reading parses every script, ~5 ms, and every archive open asks).
@lru_cache(maxsize=1)
def head_revision() -> str | None:
    return ScriptDirectory.from_config(_config()).get_current_head()


@lru_cache(maxsize=1)
def known_revisions() -> frozenset[str]:
    """Every revision this kabar's migrations know (a database at another one is not ours, or newer)."""
    return frozenset(rev.revision for rev in ScriptDirectory.from_config(_config()).walk_revisions())


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Migrate to head; cheap when already there (one SELECT, no script run)."""
    if current_revision(engine) == head_revision():
        return
    cfg = _config()
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several writers may open a fresh database at once: one migrates, the others
            # wait here and then find it done (Alembic's own table has no such lock).
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
