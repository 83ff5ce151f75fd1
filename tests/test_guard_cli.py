"""Batches through the guard: a bad record is reported, written to --rejects, counted, and the batch goes on.

Failures are injected: ``kabar.prepare``'s ``extract``/``enrich`` are wrapped (guard_support) before
the command runs, and the guard's worker is forked from this process, so the injected steps really
run inside the worker, under the real budgets.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import kabar.prepare
from guard_support import bad_enrich, good_page, slow_extract
from kabar.cli.main import app

runner = CliRunner()
BUDGET = ["--max-cpu-seconds", "0.5", "--max-memory-mb", "256"]


@pytest.fixture
def injected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kabar.prepare, "extract", slow_extract(kabar.prepare.extract))
    monkeypatch.setattr(kabar.prepare, "enrich", bad_enrich(kabar.prepare.enrich))


def _pages(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i, name in enumerate(names):
        path = folder / f"{i:02d}-{name}.txt"
        path.write_text(good_page(f"Berita nomor {i} dari {name.title()} di Jakarta"), encoding="utf-8")
        paths.append(path)
    return paths


def _rejects(path: Path) -> list[dict[str, str]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_extract_goes_past_a_raise_a_spin_and_a_swell(injected: None, tmp_path: Path) -> None:
    paths = _pages(tmp_path / "in", ["baik", "boom", "spin", "swell", "bagus"])
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app,
        ["extract", *map(str, paths), "-f", "jsonl", "--no-understand", "--rejects", str(rejects), *BUDGET],
    )
    assert result.exit_code == 3, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["source"] for r in out] == [str(paths[0]), str(paths[4])]
    found = {Path(r["source"]).name: r for r in _rejects(rejects)}
    assert sorted(found) == ["01-boom.txt", "02-spin.txt", "03-swell.txt"]
    assert found["01-boom.txt"]["error"] == "ValueError" and found["01-boom.txt"]["stage"] == "extract"
    assert found["02-spin.txt"]["error"] == "CpuBudgetExceeded"
    assert found["03-swell.txt"]["error"] in ("MemoryError", "WorkerDied")
    assert set(found["02-spin.txt"]) == {"source", "stage", "error", "message"}
    assert "2 extracted, 3 rejected" in result.stderr
    # one line per reject on stderr, no traceback, no page text
    lines = [line for line in result.stderr.splitlines() if "rejected" in line and "extracted" not in line]
    assert len(lines) == 3 and "Traceback" not in result.output and "Warga mengungsi" not in result.stderr


def test_strict_stops_at_the_first_rejected_record(injected: None, tmp_path: Path) -> None:
    paths = _pages(tmp_path / "in", ["baik", "boom", "bagus"])
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app,
        [
            "extract",
            *map(str, paths),
            "-f",
            "jsonl",
            "--no-understand",
            "--strict",
            "--rejects",
            str(rejects),
        ],
    )
    assert result.exit_code == 3, result.output
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [str(paths[0])]
    assert [Path(r["source"]).name for r in _rejects(rejects)] == ["01-boom.txt"]


def test_nothing_done_is_status_1_and_all_done_is_0(injected: None, tmp_path: Path) -> None:
    bad = _pages(tmp_path / "bad", ["boom", "boom"])
    assert runner.invoke(app, ["extract", *map(str, bad), "-f", "jsonl", "--no-understand"]).exit_code == 1
    good = _pages(tmp_path / "good", ["baik", "bagus"])
    result = runner.invoke(app, ["extract", *map(str, good), "-f", "jsonl", "--no-understand"])
    assert result.exit_code == 0 and "2 extracted, 0 rejected" in result.stderr


def test_ingest_rejects_records_at_each_stage_and_stores_the_rest(injected: None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _pages(folder, ["baik", "boom", "spin", "bagus"])
    (folder / "records.jsonl").write_text(
        json.dumps({"title": "Gempa di Cianjur", "body": "Gempa mengguncang Cianjur pagi ini."})
        + "\n"
        + json.dumps(
            {"title": "Boom di pasar", "body": "Pemahaman artikel ini gagal."}
        )  # fails at understand
        + "\nbukan json\n",
        encoding="utf-8",
    )
    db, rejects = tmp_path / "k.db", tmp_path / "rejects.jsonl"
    result = runner.invoke(
        app, ["ingest", str(folder), "--db", str(db), "-q", "--rejects", str(rejects), *BUDGET]
    )
    assert result.exit_code == 3, result.output
    assert "3 added, 0 unchanged, 0 updated, 4 rejected" in result.stdout
    stages = {Path(r["source"]).name: (r["stage"], r["error"]) for r in _rejects(rejects)}
    assert stages == {
        "01-boom.txt": ("extract", "ValueError"),
        "02-spin.txt": ("extract", "CpuBudgetExceeded"),
        "records.jsonl:2": ("understand", "ValueError"),
        "records.jsonl:3": ("read", "RecordError"),
    }
    listed = json.loads(runner.invoke(app, ["list", "--db", str(db), "-f", "json"]).stdout)
    assert len(listed) == 3 and not any("boom" in (a["headline"] or "").lower() for a in listed)
    # the same batch again: the good ones are known, the bad ones still rejected, nothing doubled
    again = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "-q", *BUDGET])
    assert again.exit_code == 3 and "0 added, 3 unchanged, 0 updated, 4 rejected" in again.stdout


def test_ingest_strict_stops_and_says_so(injected: None, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    _pages(folder, ["baik", "boom", "bagus"])
    db = tmp_path / "k.db"
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(db), "-q", "--strict", "--no-understand"])
    assert result.exit_code == 3, result.output
    assert "1 added" in result.stdout and "1 rejected" in result.stdout and "--strict" in result.stdout


def test_help_documents_the_batch_options_and_exit_statuses() -> None:
    for command in ("extract", "ingest"):
        text = runner.invoke(app, [command, "--help"], terminal_width=200).stdout
        for needle in (
            "--rejects",
            "--strict",
            "--max-cpu-seconds",
            "--max-memory-mb",
            "Exit status",
            "3 some",
        ):
            assert needle in text, (command, needle)


def test_an_unwritable_rejects_file_is_one_line_and_status_1(tmp_path: Path) -> None:
    [page] = _pages(tmp_path / "in", ["baik"])
    result = runner.invoke(app, ["extract", str(page), "--rejects", str(tmp_path / "tiada" / "r.jsonl")])
    assert result.exit_code == 1 and "--rejects: cannot write" in result.output
    assert "Traceback" not in result.output
