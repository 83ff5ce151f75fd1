"""``kabar tag``: CoNLL in, the same lines plus a predicted IOB column out; bad input → one error line."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES
from kabar.cli.main import app

TAGS = {"O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"}
runner = CliRunner()


def _run(args: list[str], stdin: bytes | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, ["tag", *args], input=stdin)
    # stdout_bytes: click's Result.stdout turns CRLF into LF, and line endings are under test.
    return result.exit_code, result.stdout_bytes.decode("utf-8"), result.stderr


def test_tags_a_conll_file_with_extra_columns_and_crlf() -> None:
    path = FIXTURES / "ner" / "sample.conll"
    code, out, _ = _run([str(path)])
    assert code == 0
    src = path.read_bytes().decode("utf-8").split("\n")
    got = out.split("\n")
    assert len(got) == len(src)
    for before, after in zip(src, got, strict=True):
        if not before.strip():
            assert after.strip() == ""
            continue
        assert after.startswith(before.rstrip("\r") + "\t")
        assert after.endswith("\r")  # CRLF kept
        assert after.rstrip("\r").rsplit("\t", 1)[1] in TAGS
    predicted = [line.rstrip("\r").split("\t") for line in got if line.strip()]
    # The gold tags are the third column: the shipped model gets this easy news text right.
    assert sum(p[2] == p[3] for p in predicted) >= len(predicted) - 2
    assert ["Ridwan", "NOUN", "B-PER", "B-PER"][0] in [p[0] for p in predicted if p[3] == "B-PER"]


def test_reads_stdin_with_space_separated_tokens() -> None:
    code, out, _ = _run(["-"], b"Presiden Joko Widodo\ntiba di Surabaya\n.\n\nHalo\n")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("Presiden Joko Widodo ")
    assert lines[3] == ""
    assert all(line.rsplit(" ", 1)[1] in TAGS for line in lines if line)


def test_plain_token_per_line() -> None:
    code, out, _ = _run(["-"], b"Presiden\nJoko\nWidodo\ntiba\ndi\nSurabaya\n.\n")
    assert code == 0
    tags = [line.split(" ")[1] for line in out.splitlines()]
    assert tags[1:3] == ["B-PER", "I-PER"]
    assert tags[5] == "B-LOC"


def test_empty_and_blank_input() -> None:
    assert _run(["-"], b"") == (0, "", "")
    code, out, _ = _run(["-"], b"\n\n  \n")
    assert code == 0 and out.strip() == ""


def test_malformed_lines_pass_through() -> None:
    code, out, _ = _run(["-"], b"-DOCSTART- -X- O\n\n\t\tstray\n  lead space\nx\n")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "-DOCSTART- -X- O"
    assert len(lines) == 5


@pytest.mark.parametrize("payload", [b"\x00\x01\x02binary\x00", b"\xff\xfe\xfa not utf-8 \xc3\x28"])
def test_binary_or_misencoded_input_is_one_error_line(payload: bytes) -> None:
    code, out, err = _run(["-"], payload)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("kabar tag: error:")


def test_missing_file_and_bad_convention(tmp_path: Path) -> None:
    code, _, err = _run([str(tmp_path / "nope.conll")])
    assert code == 2 and "cannot read" in err and "Traceback" not in err
    code, _, err = _run(["--convention", "bogus", "-"], b"Jakarta\n")
    assert code == 2 and "unknown convention" in err


def test_huge_sentence_is_bounded(tmp_path: Path) -> None:
    path = tmp_path / "long.conll"
    path.write_text("\n".join(["Gubernur", "Anies", "Baswedan", "di", "Jakarta", "dan"] * 1700) + "\n")
    code, out, _ = _run([str(path)])
    assert code == 0
    assert len(out.splitlines()) == 10_200
    assert sum(line.endswith("B-PER") for line in out.splitlines()) > 1000


def test_real_entry_point_binary_input_has_no_traceback() -> None:
    import subprocess

    kabar = Path(sys.executable).parent / "kabar"
    if not kabar.exists():
        pytest.skip("kabar console script not installed in this environment")
    proc = subprocess.run([str(kabar), "tag", "-"], input=b"\x00\x00\xff", capture_output=True, timeout=60)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    assert proc.stderr.decode().count("\n") == 1


def test_model_is_not_loaded_at_import() -> None:
    import subprocess

    code = (
        "import kabar.understand.entities, kabar.cli.tag_cmd\n"
        "from kabar.understand.ner.tagger import load_tagger\n"
        "print(load_tagger.cache_info().currsize)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60, text=True)
    assert proc.stdout.strip() == "0", proc.stderr


def test_score_option_reports_f1_on_gold_column() -> None:
    code, out, err = _run(["--score", str(FIXTURES / "ner" / "sample.conll")])
    assert code == 0 and out
    assert err.startswith("type-macro F1 ")
    assert float(err.split()[2]) > 50  # easy news sentences: well above chance


def test_score_of_perfect_and_empty_taggings() -> None:
    from kabar.understand.ner.tagfile import score_tagged

    perfect = ["Joko B-PER B-PER\n", "di O O\n", "Solo B-LOC B-LOC\n", "\n"]
    assert score_tagged(perfect).f1() == 100.0
    assert score_tagged([]).macro_f1() == 0.0
