"""Outside pages nobody here tuned to, in one batch: extract and ingest finish, nothing aborts.

A subset of the Zyte folder (the full 181 pages run by hand, see the report): the first pages in
name order plus ``65ce3a45…``, whose JSON-LD says ``datePublished: 0001-01-01`` and once ended the
whole batch with an OverflowError.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from conftest import shared_path
from kabar.cli.main import app

runner = CliRunner()


def _subset() -> list[Path]:
    folder = shared_path("pages", "zyte", "html")
    pages = sorted(folder.glob("*.html.gz"))
    chosen = pages[:19] + [p for p in pages if p.name.startswith("65ce3a45")]
    assert len(chosen) == 20
    return chosen


def test_zyte_pages_extract_in_one_batch(tmp_path: Path) -> None:
    pages = _subset()
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["extract", *map(str, pages), "--format", "jsonl", "--rejects", str(rejects)])
    assert "Traceback" not in result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 0, rejects.read_text(encoding="utf-8")
    assert len(records) == 20 and all(r["headline"] for r in records)


def test_zyte_pages_ingest_in_one_batch(tmp_path: Path) -> None:
    pages = _subset()
    db = tmp_path / "k.db"
    result = runner.invoke(app, ["ingest", *map(str, pages), "--db", str(db), "-q"])
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    counts = re.match(r"(\d+) added, (\d+) unchanged, 0 updated, 0 rejected", result.stdout)
    assert counts is not None, result.stdout
    added, unchanged = int(counts[1]), int(counts[2])  # unchanged: a page reprinting another's text
    assert added + unchanged == 20
    listed = json.loads(runner.invoke(app, ["list", "--db", str(db), "-f", "json", "-n", "100"]).stdout)
    assert len(listed) == added
