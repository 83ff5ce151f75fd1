"""Shared fixtures. Data in ../shared is optional: tests that need it skip with a clear message."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = Path(os.environ.get("KABAR_SHARED", ROOT.parent / "shared")).resolve()
SEED = SHARED / "seed" / "000_b561e05cfa5aa674.txt"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test saying what is missing."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the shared data at {path} (absent in a plain clone; present in CI)")
    return path


@pytest.fixture
def shared() -> Path:
    return shared_path()


@pytest.fixture
def seed_path() -> Path:
    return shared_path("seed", "000_b561e05cfa5aa674.txt")


@pytest.fixture
def example_path() -> Path:
    """The seed page as the project ships it (always present)."""
    return ROOT / "examples" / "tempo-putin-armenia-azerbaijan.txt"


@pytest.fixture
def tmp_db(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "kabar.db"


# -- both archive backends ------------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """This session's PostgreSQL (a migrated template database), or skip saying why there is none."""
    import backends

    url = backends.server_url()
    reason = backends.unreachable_reason(url)
    if reason is not None:
        pytest.skip(reason)
    server = backends.start_session(url)
    yield server
    backends.end_session(server)


# Parametrise a fixture with these to run its tests on both backends.
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def backend_url(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    """A fresh, empty archive on ``request.param``'s backend: a SQLite path in ``folder``, or
    the URL of a PostgreSQL database of its own (migrated, dropped afterwards)."""
    if request.param == "sqlite":
        yield str(folder / "kabar.db")
        return
    server = request.getfixturevalue("pg_server")
    with server.database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def archive_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty archive location for each test, on each backend."""
    with backend_url(request, tmp_path) as url:
        yield url
