"""``kabar timex``: text, HTML and TimeML in, TimeML or JSON out, ``--score``; bad input is one clear line."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import FIXTURES, shared_path
from kabar.cli.main import app

runner = CliRunner()


def test_text_to_timeml_with_published(tmp_path: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Ia tiba Senin (8/8) pukul 10.00 WIB, selama dua hari.", encoding="utf-8")
    result = runner.invoke(app, ["timex", str(src), "--published", "2016-08-12T09:00+07:00"])
    assert result.exit_code == 0, result.output
    assert '<TIMEX3 tid="t2" type="TIME" value="2016-08-08T10:00">pukul 10.00 WIB</TIMEX3>' in result.stdout
    assert 'value="P2D">dua hari</TIMEX3>' in result.stdout


def test_html_through_the_extractor_to_json(tmp_path: Path) -> None:
    src = tmp_path / "p.html"
    body = "".join(
        f"<p>Paragraf {i}: rapat digelar setiap Senin sejak awal 2015 di kantor itu.</p>" for i in range(4)
    )
    src.write_text(
        f"<html><head><title>Rapat</title></head><body><article><h1>Rapat</h1>{body}</article></body></html>"
    )
    result = runner.invoke(app, ["timex", str(src), "-f", "json", "--published", "2016-08-12"])
    assert result.exit_code == 0, result.output
    values = [t["value"] for t in json.loads(result.stdout)["timexes"]]
    assert "XXXX-WXX-1" in values and "2015" in values


def test_timeml_in_and_score(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["timex", str(FIXTURES / "timeml" / "gold" / "g2.tml"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    scored = runner.invoke(app, ["timex", "--score", str(FIXTURES / "timeml" / "gold"), str(out)])
    assert scored.exit_code == 0, scored.output
    assert "relaxed" in scored.stdout and "gold 6" in scored.stdout


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("empty.txt", b"", "empty"),
        ("bin.txt", b"\x00\x01\x02\x03" * 100, "binary"),
        ("latin.txt", "Senin, 8 Agustus — café".encode("latin-1", "replace") + b"\xe9\xff", "UTF-8"),
        ("broken.tml", b"<TimeML><TEXT>kemarin</TEX></TimeML>", "well-formed"),
        (
            "bomb.tml",
            b'<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]><TimeML><TEXT>&b;</TEXT></TimeML>',
            "DOCTYPE",
        ),
        ("big.txt", b"kemarin " * 700_000, "bytes"),
        ("bad.txt.gz", b"not gzip at all", "gzip"),
        ("bomb.txt.gz", gzip.compress(b"a" * 20_000_000), "bytes"),
    ],
)
def test_bad_input_is_one_clear_line(tmp_path: Path, name: str, data: bytes, says: str) -> None:
    src = tmp_path / name
    src.write_bytes(data)
    result = runner.invoke(app, ["timex", str(src)])
    assert result.exit_code == 2
    assert says in result.stderr and "Traceback" not in result.output


def test_missing_file_and_bad_options(tmp_path: Path) -> None:
    assert runner.invoke(app, ["timex", str(tmp_path / "none.txt")]).exit_code == 2
    assert runner.invoke(app, ["timex", "--score", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["timex", "--score", str(tmp_path), str(tmp_path)]).exit_code == 2
    src = tmp_path / "a.txt"
    src.write_text("kemarin")
    assert runner.invoke(app, ["timex", str(src), "--published", "kemarin"]).exit_code == 2
    assert runner.invoke(app, ["timex", str(src), "--as", "pdf"]).exit_code == 2
    assert runner.invoke(app, ["timex", str(src), str(src)]).exit_code == 2  # several: --out needed


def test_a_flattened_page_through_the_flat_reader() -> None:
    seed = shared_path("seed", "000_b561e05cfa5aa674.txt")
    result = runner.invoke(app, ["timex", str(seed), "--as", "flat", "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    gold = json.loads(
        shared_path("seed", "000_b561e05cfa5aa674.understanding.json").read_text(encoding="utf-8")
    )
    days = {
        v
        for w in gold["time_expressions"]
        for v in (w["value"] if isinstance(w["value"], list) else [w["value"]])
    }
    assert doc["dct"] == "2020-11-03"
    # every day the seed's expressions name is a TIMEX3 value (decades in TimeML's form: 199)
    assert {d.rstrip("X") for d in days} <= {t["value"] for t in doc["timexes"]}
