"""A throwaway PostgreSQL database for one benchmark run (the backend comparisons)."""

from __future__ import annotations

import argparse
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import make_url

# A server whose user may create databases: the tests' server, else the local one.
DEFAULT_PG = os.environ.get("KABAR_TEST_PG_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


def add_server_option(parser: argparse.ArgumentParser) -> None:
    """``--pg URL``: the server the run's scratch database is made on."""
    parser.add_argument("--pg", default=DEFAULT_PG, help="a PostgreSQL URL whose user may create databases")


@contextmanager
def scratch_database(server: str) -> Iterator[str]:
    """The URL of a new, empty database on ``server``, dropped (connections and all) afterwards."""
    import psycopg  # only the PostgreSQL runs need the driver

    name = f"kabar_bench_{uuid.uuid4().hex[:10]}"
    admin = make_url(server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


__all__ = ["DEFAULT_PG", "add_server_option", "scratch_database"]
