"""``kabar export`` on bad input: one clear line, a non-zero status, nothing under the output's name.

An output that cannot be written, a ``--since`` that is not a date, an unknown format, search
words with nothing to search, an unknown story, an existing file, an empty archive (a valid,
empty dataset), an export that fails or is killed half-way (no half-written file; the next
export to the name removes the killed one's part file).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from backends import open_test_archive
from export_support import Sample, build_sample
from kabar.archive.article_stream import StreamQuery
from kabar.cli.main import app
from kabar.export.options import ExportFormat, RecordOptions
from kabar.export.records import export_schema
from kabar.export.run import ExportOptions, export_articles
from kabar.export.writers import part_path

runner = CliRunner()


@pytest.fixture
def sample(archive_url: str) -> Sample:
    return build_sample(archive_url, count=6, odd=False)


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["export", *args])
    return result.exit_code, result.output


def _one_line_error(output: str) -> None:
    lines = [line for line in output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("kabar: "), output
    assert "Traceback" not in output


def _nothing_in(folder: Path, *names: str) -> None:
    left = sorted(p.name for p in folder.iterdir() if p.name not in names)
    assert left == [], f"export left {left}"


def test_an_unwritable_path_is_refused_before_anything_is_read(sample: Sample, tmp_path: Path) -> None:
    for out, said in (
        (tmp_path / "no-such-folder" / "a.parquet", "does not exist"),
        (tmp_path, "is a folder"),
    ):
        code, output = _run("--db", sample.url, "--out", str(out))
        assert code == 1
        _one_line_error(output)
        assert said in output
    _nothing_in(tmp_path, "kabar.db", "kabar.db-wal", "kabar.db-shm")


def test_a_folder_without_write_permission(sample: Sample, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        # root may write anywhere on an ordinary file system; sysfs refuses even root.
        if not Path("/sys").is_dir():
            pytest.skip("running as root without /sys: no folder refuses writing here")
        out = Path("/sys/kabar-export-test.parquet")
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(0o500)
        out = locked / "a.parquet"
    code, output = _run("--db", sample.url, "--out", str(out))
    assert code == 1
    _one_line_error(output)
    assert "ermission denied" in output
    assert not out.exists() and not part_path(out).exists()


@pytest.mark.parametrize("value", ["kemarin", "2024-13-45", "32/01/2024", ""])
def test_since_that_is_not_a_date(sample: Sample, tmp_path: Path, value: str) -> None:
    code, output = _run("--db", sample.url, "--out", str(tmp_path / "a.parquet"), "--since", value)
    assert code == 1
    _one_line_error(output)
    assert "--since: not a date" in output
    assert not (tmp_path / "a.parquet").exists()


def test_since_not_before_until_and_unknown_format(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    code, output = _run(
        "--db", sample.url, "--out", str(out), "--since", "2024-02-01", "--until", "2024-01-01"
    )
    assert code == 1 and "not before --until" in output
    code, output = _run("--db", sample.url, "--out", str(out), "--format", "xml")
    assert code == 2 and "xml" in output  # a usage error, as every command's unknown choice
    code, output = _run("--db", sample.url, "--out", str(tmp_path / "a.txt"))
    assert code == 1 and "--format" in output  # the suffix does not say
    assert not out.exists() and not (tmp_path / "a.txt").exists()


def test_stopword_query_and_unknown_story(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    code, output = _run("--db", sample.url, "--out", str(out), "--query", "yang dan di")
    assert code == 1
    _one_line_error(output)
    assert "stopwords" in output
    code, output = _run("--db", sample.url, "--out", str(out), "--story", "999999")
    assert code == 1 and "no story 999999" in output
    assert not out.exists()


def test_an_existing_file_is_replaced_only_with_force(sample: Sample, tmp_path: Path) -> None:
    out = tmp_path / "a.parquet"
    out.write_text("keep me", encoding="utf-8")
    code, output = _run("--db", sample.url, "--out", str(out))
    assert code == 1 and "--force" in output
    assert out.read_text(encoding="utf-8") == "keep me"
    code, output = _run("--db", sample.url, "--out", str(out), "--force", "-q")
    assert code == 0, output
    assert pq.read_metadata(out).num_rows == len(sample.ids)


def test_an_empty_archive_gives_an_empty_dataset_with_the_schema(archive_url: str, tmp_path: Path) -> None:
    open_test_archive(archive_url).close()  # created, migrated, no articles
    for name in ("a.parquet", "a.jsonl", "a.csv"):
        code, output = _run("--db", archive_url, "--out", str(tmp_path / name), "-q")
        assert code == 0, output
        assert output.startswith("0 articles")
    table = pq.read_table(tmp_path / "a.parquet")
    assert table.num_rows == 0 and table.schema.names == export_schema(RecordOptions()).names
    assert (tmp_path / "a.jsonl").read_text(encoding="utf-8") == ""
    header = (tmp_path / "a.csv").read_text(encoding="utf-8").splitlines()
    assert len(header) == 1 and header[0].startswith("id,headline,")


def test_no_archive_is_refused(tmp_path: Path) -> None:
    code, output = _run("--db", str(tmp_path / "none.db"), "--out", str(tmp_path / "a.parquet"))
    assert code == 1 and "no archive" in output
    _nothing_in(tmp_path)


@pytest.mark.parametrize("format", list(ExportFormat))
def test_a_failure_half_way_leaves_nothing(sample: Sample, tmp_path: Path, format: ExportFormat) -> None:
    out = tmp_path / f"a.{format.value}"
    pages = []

    def fail_on_third_page(n: int) -> None:
        pages.append(n)
        assert part_path(out).exists() and not out.exists()  # written under the part name only
        if len(pages) == 3:
            raise OSError(28, "No space left on device")

    options = ExportOptions(out=out, format=format, query=StreamQuery(page_size=1))
    with open_test_archive(sample.url) as archive, pytest.raises(OSError):
        export_articles(archive, options, fail_on_third_page)
    assert len(pages) == 3
    assert not out.exists() and not part_path(out).exists()


_KILLED_CHILD = """
import pathlib, sys, time
from kabar.archive import open_archive
from kabar.archive.article_stream import StreamQuery
from kabar.export.run import ExportOptions, export_articles
from kabar.export.options import ExportFormat

db, out, flag, format = sys.argv[1:5]

def stall(n):
    pathlib.Path(flag).write_text("one page written", encoding="utf-8")
    time.sleep(120)

options = ExportOptions(out=pathlib.Path(out), format=ExportFormat(format), query=StreamQuery(page_size=2))
export_articles(open_archive(db, read_only=True), options, stall)
"""


@pytest.mark.parametrize("format", [ExportFormat.parquet, ExportFormat.jsonl])
def test_a_killed_export_leaves_no_file_under_the_final_name(tmp_path: Path, format: ExportFormat) -> None:
    sample = build_sample(str(tmp_path / "kabar.db"), count=6, odd=False)
    out = tmp_path / f"a.{format.value}"
    flag = tmp_path / "flag"
    child = subprocess.Popen(
        [sys.executable, "-c", _KILLED_CHILD, sample.url, str(out), str(flag), format.value],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None, "the export ended before its first page"
            assert time.monotonic() < deadline, "the export never wrote its first page"
            time.sleep(0.05)
        part = part_path(out).with_name(f".{out.name}.part-{child.pid}")
        assert part.exists()  # killed mid-write, for certain
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert not out.exists()
    # The next export to the name finishes the job and clears the dead one's part file.
    code, output = _run("--db", sample.url, "--out", str(out), "-q")
    assert code == 0, output
    assert not part.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    if format is ExportFormat.parquet:
        assert pq.read_metadata(out).num_rows == len(sample.ids)
