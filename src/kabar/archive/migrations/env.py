"""Alembic environment: runs on the connection the archive hands it."""

from __future__ import annotations

from alembic import context

from kabar.archive.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs `alembic` by hand
    raise RuntimeError("kabar migrations run through kabar.archive.migrate.upgrade(engine)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
