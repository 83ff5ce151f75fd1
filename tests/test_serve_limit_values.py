"""Server limits refuse what is not a finite number in range, by environment and by option alike.

``float()`` reads "inf", "nan" and "1e999" as numbers: infinity made a whole-number limit raise
OverflowError (uncaught), and a float limit took NaN or infinity as its value. Each is refused
now with a message naming the variable (or option) and what it takes.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from kabar.archive.sqlite import open_archive
from kabar.cli.main import app
from kabar.serve.limits import SETTABLE, ServerLimits, limits_from_env

ENV = {"KABAR_WORKERS": "1", "TERMINAL_WIDTH": "400", "COLUMNS": "400"}
NOT_FINITE = ["inf", "-inf", "Infinity", "nan", "NaN", "1e999", "9" * 5000]
OUT_OF_RANGE = ["-5", "0", "0.01", "-0"]
NOT_NUMBERS = ["lima", "\x00\x01\xff", "1,5", "0x10"]


@pytest.mark.parametrize("raw", NOT_FINITE + OUT_OF_RANGE + NOT_NUMBERS)
def test_a_bad_variable_is_a_value_error_naming_it_and_what_it_takes(raw: str) -> None:
    for limit in SETTABLE:
        with pytest.raises(ValueError) as caught:  # never OverflowError
            limits_from_env({limit.setting.env: raw})
        message = str(caught.value)
        assert limit.setting.env in message, message
        assert f"at least {limit.setting.minimum:g}" in message, message


def test_good_variables_still_set_the_limits() -> None:
    got = limits_from_env(
        {"KABAR_REQUEST_TIMEOUT": " 2.5 ", "KABAR_KEEP_ALIVE": "7.9", "KABAR_MAX_HEAD_BYTES": "1e4"}
    )
    assert (got.request_seconds, got.keep_alive_seconds, got.max_head_bytes) == (2.5, 7, 10000)
    assert limits_from_env({"KABAR_HANDLER_TIMEOUT": ""}) == ServerLimits()


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan, 10**400])
def test_the_limits_themselves_refuse_what_is_not_finite(value: float) -> None:
    for name in ("request_seconds", "handler_seconds", "keep_alive_seconds", "max_connections"):
        with pytest.raises(ValueError):
            ServerLimits(**{name: value})


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An archive to serve, and a server that never runs: a value let through fails, not hangs."""

    def served(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the server was started with a value it should have refused")

    monkeypatch.setattr(uvicorn.Server, "run", served)
    path = tmp_path / "k.db"
    open_archive(path, []).close()
    return path


@pytest.mark.parametrize("value", ["inf", "nan", "1e999", "-inf", "1" + "0" * 400])
def test_a_non_finite_option_is_one_usage_error(value: str, db: Path) -> None:
    for limit in SETTABLE:
        result = CliRunner(env=ENV).invoke(
            app, ["serve", "--db", str(db), "--port", "0", limit.setting.option, value]
        )
        assert result.exit_code == 2, (limit.name, value, result.output)
        assert "Traceback" not in result.output and limit.setting.option in result.output


def test_a_non_finite_variable_is_one_usage_error_of_kabar_serve(db: Path) -> None:
    for limit in SETTABLE:
        result = CliRunner(env={**ENV, limit.setting.env: "inf"}).invoke(
            app, ["serve", "--db", str(db), "--port", "0"]
        )
        assert result.exit_code == 2, (limit.name, result.output)
        assert limit.setting.env in result.output
