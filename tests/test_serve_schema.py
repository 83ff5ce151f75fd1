"""Schemathesis against /openapi.json: no server errors, every response as the schema says.

The case count is kept modest for `make test` (KABAR_SCHEMA_CASES per operation and mode,
default 12); ``benchmarks/schemathesis_run.py`` runs many more.
"""

from __future__ import annotations

import os
from pathlib import Path

from schema_fuzz import fixture_archive, fuzz_app
from serve_support import make_app

TOKEN = "rahasia-skema"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(tmp_path: Path) -> None:
    per_operation = int(os.environ.get("KABAR_SCHEMA_CASES", "12"))
    archive = fixture_archive(tmp_path / "k.db")
    try:
        app = make_app(archive, token=TOKEN, warm_latest=0)
        run = fuzz_app(app, per_operation, modes=("positive", "negative"), headers=AUTH)
    finally:
        archive.close()
    assert len(run.operations) >= 12  # every API and feed operation was exercised
    assert run.cases >= len(run.operations)  # each operation produced cases
    assert run.server_errors == 0, run.failures
    assert not run.failures, "\n".join(run.failures)
    assert 200 in run.statuses and any(400 <= s < 500 for s in run.statuses)
