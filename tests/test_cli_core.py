"""The core commands run as a user runs them: extract, ingest, list, show."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import shared_path
from kabar.cli.main import app

runner = CliRunner()


def _one_clear_line(output: str) -> None:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    assert lines and all("Traceback" not in line for line in lines)


def test_extract_json_of_the_shipped_example(example_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(example_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["headline"] == "Vladimir Putin Telepon Pemimpin Armenia dan Azerbaijan Bahas Konflik"
    assert data["paragraphs"] and "content_hash" in data and "entities" in data and "time_expressions" in data


def test_extract_jsonld_and_text_and_jsonl(example_path: Path, tmp_path: Path) -> None:
    ld = json.loads(runner.invoke(app, ["extract", str(example_path), "-f", "jsonld"]).stdout)
    assert ld["@type"] == "NewsArticle" and ld["headline"]
    text = runner.invoke(app, ["extract", str(example_path), "-f", "text", "--no-understand"]).stdout
    assert text.startswith("Vladimir Putin Telepon")
    copy = tmp_path / "copy.txt"
    shutil.copy(example_path, copy)
    out = runner.invoke(
        app, ["extract", str(example_path), str(copy), "-f", "jsonl", "--no-understand"]
    ).stdout
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["source"] for r in records] == [str(example_path), str(copy)]


def test_extract_from_stdin(example_path: Path) -> None:
    result = runner.invoke(app, ["extract", "-", "--no-understand"], input=example_path.read_bytes())
    assert result.exit_code == 0 and json.loads(result.stdout)["headline"].startswith("Vladimir Putin")


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "empty"), (b"\x00\xff\x10\x02" * 4000, "binary"), (b"\n\n   \n", "empty")],
)
def test_extract_unreadable_exits_non_zero_with_one_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    result = runner.invoke(app, ["extract", str(path)])
    assert result.exit_code == 1 and reason in result.output
    _one_clear_line(result.output)


def test_extract_bad_captured_at_and_missing_file(example_path: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(example_path), "--captured-at", "kemarin sore"])
    assert result.exit_code == 1 and "ISO 8601" in result.output
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.txt")])
    assert result.exit_code == 1 and "no such file" in result.output


def test_extract_latin1_and_utf16_pages(tmp_path: Path) -> None:
    page = "Kafe Baru Dibuka di Bandung\n\nSelasa, 3 November 2020 16:50 WIB\n\nBANDUNG - Kafé itu ramai dikunjungi warga.\n"
    for codec in ("cp1252", "utf-16"):
        path = tmp_path / f"{codec}.txt"
        path.write_bytes(page.encode(codec))
        result = runner.invoke(app, ["extract", str(path), "--no-understand"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["headline"] == "Kafe Baru Dibuka di Bandung"
        assert any("Kafé" in p for p in data["paragraphs"])


def test_ingest_twice_is_one_article_then_list_and_show(example_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    first = runner.invoke(app, ["ingest", str(example_path), "--db", str(db), "-q"])
    assert first.exit_code == 0 and "1 added" in first.stdout
    second = runner.invoke(app, ["ingest", str(example_path), "--db", str(db), "-q"])
    assert "0 added, 1 unchanged" in second.stdout
    listed = json.loads(runner.invoke(app, ["list", "--db", str(db), "--format", "json"]).stdout)
    assert len(listed) == 1 and listed[0]["headline"].startswith("Vladimir Putin")
    shown = json.loads(
        runner.invoke(app, ["show", str(listed[0]["id"]), "--db", str(db), "-f", "json"]).stdout
    )
    assert shown["id"] == listed[0]["id"] and shown["paragraphs"]
    human = runner.invoke(app, ["show", str(listed[0]["id"]), "--db", str(db)])
    assert human.exit_code == 0 and "Vladimir Putin" in human.stdout


def test_ingest_goes_past_bad_inputs_and_reports_each(example_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    shutil.copy(example_path, src / "good.txt")
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.html").write_bytes(bytes(range(256)) * 50)
    (src / "records.jsonl").write_text(
        '{"title": "Banjir di Kampung Melayu", "body": "Air setinggi satu meter.", "url": "https://x.test/1"}\n'
        "this is not json\n"
        '{"nothing": "useful"}\n',
        encoding="utf-8",
    )
    db = tmp_path / "k.db"
    result = runner.invoke(app, ["ingest", str(src), "--db", str(db), "-q"])
    assert result.exit_code == 3, result.output  # some records rejected, the rest stored
    assert "2 added, 0 unchanged, 0 updated, 4 rejected" in result.stdout
    for needle in (
        "empty.txt: read: PageError: empty",
        "binary.html: read: PageError: binary data",
        "records.jsonl:2: read: RecordError: not JSON",
        "records.jsonl:3: read: RecordError: no headline",
    ):
        assert needle in result.stderr


def test_read_commands_on_a_missing_or_foreign_archive(tmp_path: Path) -> None:
    result = runner.invoke(app, ["list", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 1 and "no archive at" in result.output
    foreign = tmp_path / "foreign.db"
    foreign.write_bytes(b"this is not sqlite at all" * 100)
    result = runner.invoke(app, ["list", "--db", str(foreign)])
    assert result.exit_code == 1 and "not a kabar archive" in result.output
    _one_clear_line(result.output)


def test_show_unknown_and_malformed_ids(example_path: Path, tmp_path: Path) -> None:
    db = tmp_path / "k.db"
    runner.invoke(app, ["ingest", str(example_path), "--db", str(db), "-q"])
    assert "no article 999" in runner.invoke(app, ["show", "999", "--db", str(db)]).output
    bad = runner.invoke(app, ["show", "1; DROP TABLE articles", "--db", str(db)])
    assert bad.exit_code == 1 and "whole number" in bad.output


def test_ingest_indosum_sample_twice_keeps_the_count(tmp_path: Path) -> None:
    corpus = shared_path("corpus", "indosum-dev.jsonl")
    sample = tmp_path / "sample.jsonl"
    with corpus.open(encoding="utf-8") as fh:
        sample.write_text("".join(next(fh) for _ in range(60)), encoding="utf-8")
    db = tmp_path / "k.db"
    first = runner.invoke(app, ["ingest", str(sample), "--db", str(db), "-q", "--no-understand"])
    assert "60 added" in first.stdout, first.output
    second = runner.invoke(app, ["ingest", str(sample), "--db", str(db), "-q", "--no-understand"])
    assert "0 added, 60 unchanged" in second.stdout
