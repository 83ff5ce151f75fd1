"""Shared fixtures. Data in ../shared is optional: tests that need it skip with a clear message."""

from __future__ import annotations

import os
from collections.abc import Iterator
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
