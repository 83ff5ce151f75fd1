"""`kabar serve`'s limit options are made from the limits' declarations (serve/limits.py).

Each limit declared on ServerLimits shows as its option with its help, default and
environment variable, and a value given by option or environment reaches the server's
limits object (read back from the uvicorn configuration the command builds).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer
import uvicorn
from typer.testing import CliRunner

from kabar.archive.sqlite import open_archive
from kabar.cli.limit_options import limit_options
from kabar.cli.main import app
from kabar.serve.limits import ENV_NAMES, SETTABLE, ServerLimits, limits_from_env

# One serving process (nothing forks in a test) and a help text wide enough not to wrap.
ENV = {"KABAR_WORKERS": "1", "TERMINAL_WIDTH": "400", "COLUMNS": "400"}
# A value inside every limit's range and unlike its default, for every limit declared.
GIVEN = {s.name: str(type(s.default)(s.setting.minimum * 2 + 1)) for s in SETTABLE}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "k.db"
    open_archive(path, []).close()
    return path


def _limits_served(
    monkeypatch: pytest.MonkeyPatch, db: Path, args: list[str], env: dict[str, str] | None = None
) -> ServerLimits:
    """The ServerLimits the server would run with (its uvicorn protocol class carries them)."""
    seen: dict[str, Any] = {}

    def fake_run(server: uvicorn.Server, *_args: object, **_kwargs: object) -> None:
        seen["limits"] = server.config.http.limits  # type: ignore[union-attr]

    monkeypatch.setattr(uvicorn.Server, "run", fake_run)
    result = CliRunner(env={**ENV, **(env or {})}).invoke(
        app, ["serve", "--db", str(db), "--port", "0", *args]
    )
    assert result.exit_code == 0, result.output
    limits = seen["limits"]
    assert isinstance(limits, ServerLimits)
    return limits


def _serve_params() -> dict[str, Any]:
    command = typer.main.get_command(app)
    serve = command.commands["serve"]  # type: ignore[attr-defined]
    return {p.name: p for p in serve.params}


def test_every_declared_limit_is_an_option_with_its_help_default_and_variable() -> None:
    assert len(SETTABLE) >= 5 and all(GIVEN[s.name] != str(s.default) for s in SETTABLE)
    params = _serve_params()
    for limit in SETTABLE:
        option = params[limit.name]
        assert option.opts == [limit.setting.option]
        assert option.default == limit.default == getattr(ServerLimits(), limit.name)
        assert option.envvar == limit.setting.env == ENV_NAMES[limit.name]
        assert option.help == limit.setting.help
        assert option.min == limit.setting.minimum


def test_serve_help_lists_every_limit_where_it_stood() -> None:
    result = CliRunner(env=ENV).invoke(app, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    for limit in SETTABLE:
        line = next(line for line in text.splitlines() if f" {limit.setting.option} " in line)
        assert limit.setting.help in line
        assert f"[env var: {limit.setting.env}]" in line
        assert f"[default: {limit.default}]" in line
        assert f"x>={limit.setting.minimum}" in line
    # The options stand where the one `limits` parameter stands in the command's signature.
    options = [line.split()[1] for line in text.splitlines() if line.startswith("│ --")]
    at = options.index("--allowed-host")
    assert options[at + 1 : at + 1 + len(SETTABLE)] == [s.setting.option for s in SETTABLE]
    assert options[at + 1 + len(SETTABLE)] == "--max-cpu-seconds"


def test_option_values_reach_the_limits(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    args = [arg for s in SETTABLE for arg in (s.setting.option, GIVEN[s.name])]
    limits = _limits_served(monkeypatch, db, args)
    for limit in SETTABLE:
        value = getattr(limits, limit.name)
        assert type(value) is type(limit.default)
        assert value == type(limit.default)(GIVEN[limit.name])
    # what no option sets keeps the model's default
    assert (limits.shutdown_seconds, limits.backlog) == (
        ServerLimits().shutdown_seconds,
        ServerLimits().backlog,
    )


def test_environment_values_reach_the_limits_as_kabar_run_reads_them(
    monkeypatch: pytest.MonkeyPatch, db: Path
) -> None:
    env = {s.setting.env: GIVEN[s.name] for s in SETTABLE}
    served = _limits_served(monkeypatch, db, [], env)
    assert served == limits_from_env(env)  # `kabar run` reads the same variables the same way
    assert served != ServerLimits()
    # an option wins over its variable
    option = SETTABLE[0].setting.option
    assert _limits_served(monkeypatch, db, [option, "9"], env).keep_alive_seconds == 9


def test_no_option_serves_the_default_limits(monkeypatch: pytest.MonkeyPatch, db: Path) -> None:
    assert _limits_served(monkeypatch, db, []) == ServerLimits()


@pytest.mark.parametrize(
    "value",
    ["", "zero", "\x00\x01\xff", "1e999999x", "-5", "0"],
    ids=["empty", "word", "binary", "garbage", "negative", "zero"],
)
def test_bad_limit_values_are_one_usage_error(value: str, db: Path) -> None:
    for limit in SETTABLE:
        result = CliRunner(env=ENV).invoke(app, ["serve", "--db", str(db), limit.setting.option, value])
        assert result.exit_code == 2, (limit.name, value, result.output)
        assert "Traceback" not in result.output
        assert limit.setting.option in result.output


def test_a_huge_whole_number_is_a_usage_error(db: Path) -> None:
    # Past Python's 4,300-digit limit for int(); (a float that long is inf, which is no error).
    for limit in SETTABLE:
        if isinstance(limit.default, int):
            result = CliRunner(env=ENV).invoke(
                app, ["serve", "--db", str(db), limit.setting.option, "9" * 5000]
            )
            assert result.exit_code == 2 and "Traceback" not in result.output, result.output


def test_limit_options_needs_a_limits_parameter_and_no_clash() -> None:
    def no_limits(port: int = 1) -> None: ...

    def clashing(limits: ServerLimits = ServerLimits(), max_connections: int = 1) -> None: ...

    for command in (no_limits, clashing):
        with pytest.raises(TypeError, match="limits"):
            limit_options(command)


def test_limit_options_hands_the_command_one_limits_object() -> None:
    got: list[ServerLimits] = []

    def command(before: str = "a", limits: ServerLimits = ServerLimits(), after: int = 2) -> None:
        got.append(limits)

    wrapped = limit_options(command)
    wrapped(before="b", after=3, **{s.name: type(s.default)(GIVEN[s.name]) for s in SETTABLE})
    assert got == [ServerLimits(**{s.name: type(s.default)(GIVEN[s.name]) for s in SETTABLE})]
